// `kflow run --profile NAME [--connections FILE]`: the run reaches a cluster through a connection
// profile (here SASL SCRAM-SHA-512 against a child broker that requires it), its password from
// a KFLOW_SECRET_* variable, as `kflow topics` does.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type KafkaClient } from '../../../../src/kafka/client';
import type { ConnectionProfile } from '../../../../src/kafka/profile';
import { readToEnd } from '../../../../src/engine/runtime/restore';
import { startChildBroker, type ChildBroker } from '../../../support/child-broker';

const ROOT = join(import.meta.dirname, '../../../..');
const PASSWORD = 'scram-pass-for-a-test';

let dir: string;
let broker: ChildBroker;
let client: KafkaClient;
let profile: ConnectionProfile;

function kflow(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/kflow.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kflow-run-profile-'));
  const users = join(dir, 'users.json');
  writeFileSync(users, JSON.stringify({ users: [{ name: 'alice', password: PASSWORD }] }));
  broker = await startChildBroker(['--users', users]);
  profile = {
    name: 'secure',
    bootstrap: [broker.bootstrap],
    sasl: { mechanism: 'scram-sha-512', username: 'alice', password: { secret: 'secure', key: 'password' } },
  };
  writeFileSync(join(dir, 'connections.json'), JSON.stringify({ profiles: [profile] }));
  client = await connect(profile, { secrets: () => PASSWORD });
  const admin = await client.admin();
  await admin.createTopics([{ name: 'p-in', partitions: 1 }]);
  const producer = await client.producer();
  await producer.send(
    [1, 2, 3, 4].map((n) => ({ topic: 'p-in', key: `k${n}`, value: JSON.stringify({ n, ts: 1000 * n }) })),
  );
  writeFileSync(
    join(dir, 'spec.json'),
    JSON.stringify({
      kflow: 1,
      name: 'run-profile',
      nodes: [
        { id: 'src', kind: 'source.topic', config: { topic: 'p-in', eventTime: 'ts' } },
        { id: 'odd', kind: 'filter', config: { where: 'n % 2 = 1' } },
        { id: 'out', kind: 'sink.topic', config: { topic: 'p-out' } },
      ],
      edges: [
        { from: 'src', to: 'odd' },
        { from: 'odd', to: 'out' },
      ],
    }),
  );
}, 60_000);

afterAll(async () => {
  await client?.close();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('kflow run --profile', () => {
  const args = () => [
    'run',
    join(dir, 'spec.json'),
    '--profile',
    'secure',
    '--connections',
    join(dir, 'connections.json'),
    '--from-beginning',
    '--until-idle',
    '2',
    '--session-timeout',
    '6',
    '--quiet',
  ];

  it('runs through the SASL profile, the password from KFLOW_SECRET_SECURE_PASSWORD', async () => {
    const r = await kflow(args(), { KFLOW_SECRET_SECURE_PASSWORD: PASSWORD });
    expect(r.code, r.stderr).toBe(0);
    const out = await readToEnd(client, 'check', [{ topic: 'p-out', partitions: [0] }]);
    // Records n = 1..4; the filter keeps the odd ones.
    const values = (out.get('p-out/0') ?? []).map((x) => JSON.parse(String(x.value)) as { n: number });
    expect(values.map((v) => v.n)).toEqual([1, 3]);
  }, 90_000);

  it('fails with exit 1 naming the variable when the secret is not set', async () => {
    // An empty variable counts as unset (whatever the calling shell exports).
    const r = await kflow(args(), { KFLOW_SECRET_SECURE_PASSWORD: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/KFLOW_SECRET_SECURE_PASSWORD/);
  }, 60_000);

  it('refuses --profile with --bootstrap (usage, exit 2) and an unknown profile (exit 1)', async () => {
    const both = await kflow([...args(), '--bootstrap', broker.bootstrap], {});
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--profile excludes/);
    const unknown = await kflow(
      ['run', join(dir, 'spec.json'), '--profile', 'nope', '--connections', join(dir, 'connections.json')],
      {},
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no connection profile named "nope"/);
  }, 60_000);
});
