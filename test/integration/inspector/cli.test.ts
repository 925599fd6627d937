// `kflow topics` and `kflow groups` as a script uses them: JSON output, exit codes 0/1/2,
// against an embedded broker in this process (the CLI runs as a child, driven asynchronously).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/index';
import { run } from '../../support/tools';

const root = join(import.meta.dirname, '../../..');
let broker: RunningBroker;
let dir: string;

const kflow = (args: string[], input?: string) =>
  run(process.execPath, [join(root, 'bin/kflow.js'), ...args, '--bootstrap', broker.bootstrap], {
    timeoutMs: 60_000,
    ...(input !== undefined ? { input } : {}),
  });

async function ok(args: string[], input?: string) {
  const r = await kflow(args, input);
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  broker = await startBroker({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'kflow-topics-cli-'));
});
afterAll(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('kflow topics / groups', { timeout: 400_000 }, () => {
  it('create, produce, list, describe, search, tail, export, import, delete', async () => {
    await ok(['topics', 'create', 'orders', '-p', '2']);
    expect(
      JSON.parse(
        await ok([
          'topics',
          'produce',
          'orders',
          '-k',
          'a',
          '-V',
          '{"n":1}',
          '-H',
          'src=cli',
          '--partition',
          '1',
          '--timestamp',
          '1000',
          '--json',
        ]),
      ),
    ).toEqual({
      topic: 'orders',
      partition: 1,
      offset: '0',
    });
    const lines = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ key: `k${i}`, value: { n: i + 2 }, partition: 0, timestamp: 2000 + i }),
    ).join('\n');
    await ok(['topics', 'produce', 'orders', '--file', '-'], lines);

    const list = JSON.parse(await ok(['topics', 'list', '--json'])) as {
      name: string;
      partitions: number;
      records: string;
    }[];
    expect(list.find((t) => t.name === 'orders')).toEqual({ name: 'orders', partitions: 2, records: '21' });
    const d = JSON.parse(await ok(['topics', 'describe', 'orders', '--json'])) as {
      partitions: { partition: number; high: string }[];
    };
    expect(d.partitions.map((p) => [p.partition, p.high])).toEqual([
      [0, '20'],
      [1, '1'],
    ]);

    // n is 2..21 in partition 0; n % 5 = 0 gives 5, 10, 15, 20; the bound stops after 3.
    const s = JSON.parse(
      await ok([
        'topics',
        'search',
        'orders',
        '--partition',
        '0',
        '--filter',
        'n % 5 = 0',
        '--limit',
        '3',
        '--json',
        '-q',
      ]),
    ) as {
      records: { value: string; offset: string }[];
      reason: string;
    };
    expect(s.reason).toBe('limit');
    expect(s.records.map((r) => JSON.parse(r.value) as unknown)).toEqual([{ n: 5 }, { n: 10 }, { n: 15 }]);

    const tail = await ok([
      'topics',
      'tail',
      'orders',
      '--from',
      'earliest',
      '--filter',
      "_key = 'a' OR n = 7",
      '-n',
      '2',
      '--json',
    ]);
    const tailed = tail
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; headers: Record<string, string> });
    expect(tailed.map((r) => r.key).sort()).toEqual(['a', 'k5']);
    expect(tailed.find((r) => r.key === 'a')!.headers).toEqual({ src: 'cli' });

    const file = join(dir, 'orders.jsonl');
    await ok(['topics', 'export', 'orders', '-o', file, '--from', '-5', '-q']);
    // The last 5 of each partition: offsets 15..19 of partition 0 and offset 0 of partition 1.
    const exported = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { partition: number; offset: number });
    expect(exported.map((e) => `${e.partition}@${e.offset}`).sort()).toEqual([
      '0@15',
      '0@16',
      '0@17',
      '0@18',
      '0@19',
      '1@0',
    ]);
    await ok(['topics', 'create', 'orders-copy', '-p', '2']);
    expect(await ok(['topics', 'import', 'orders-copy', '--in', file, '-q'])).toMatch(
      /imported 6 record\(s\)/,
    );
    const copy = join(dir, 'copy.jsonl');
    await ok(['topics', 'export', 'orders-copy', '-o', copy, '-q']);
    const strip = (t: string) =>
      t
        .trim()
        .split('\n')
        .map((l) => {
          const o = JSON.parse(l) as Record<string, unknown>;
          return JSON.stringify({ ...o, topic: null, offset: null });
        })
        .sort();
    expect(strip(readFileSync(copy, 'utf8'))).toEqual(strip(readFileSync(file, 'utf8')));

    expect((await kflow(['topics', 'delete', 'orders-copy'])).status).toBe(2);
    await ok(['topics', 'delete', 'orders-copy', '--yes']);
    const after = JSON.parse(await ok(['topics', 'list', '--json'])) as { name: string }[];
    expect(after.map((t) => t.name)).not.toContain('orders-copy');
  });

  it('groups: lag, a dry run equal to the reset, delete; exit codes for usage and failures', async () => {
    await ok(['topics', 'create', 'events', '-p', '1']);
    writeFileSync(
      join(dir, 'ev.jsonl'),
      Array.from({ length: 30 }, (_, i) => JSON.stringify({ value: String(i) })).join('\n'),
    );
    await ok(['topics', 'import', 'events', '--in', join(dir, 'ev.jsonl'), '-q']);
    await ok(['groups', 'reset', 'billing', '--topic', 'events', '--to', 'offset:12', '--yes']);
    const lag = JSON.parse(await ok(['groups', 'lag', 'billing', '--json'])) as {
      total: string;
      partitions: { committed: string; lag: string }[];
    };
    expect(lag.total).toBe('18');
    expect(lag.partitions).toMatchObject([{ committed: '12', lag: '18' }]);

    const dry = JSON.parse(
      await ok(['groups', 'reset', 'billing', '--to', 'shift:-5', '--dry-run', '--json']),
    ) as { applied: boolean; partitions: unknown[] };
    expect(dry.applied).toBe(false);
    expect(dry.partitions).toEqual([
      { topic: 'events', partition: 0, current: '12', target: '7', lag: '23' },
    ]);
    // The dry run changed nothing.
    expect((JSON.parse(await ok(['groups', 'lag', 'billing', '--json'])) as { total: string }).total).toBe(
      '18',
    );
    const applied = JSON.parse(
      await ok(['groups', 'reset', 'billing', '--to', 'shift:-5', '--yes', '--json']),
    ) as { applied: boolean; partitions: unknown[] };
    expect(applied.partitions).toEqual(dry.partitions);
    expect((JSON.parse(await ok(['groups', 'lag', 'billing', '--json'])) as { total: string }).total).toBe(
      '23',
    );

    const groups = JSON.parse(await ok(['groups', 'list', '--json'])) as { groupId: string; state: string }[];
    expect(groups.find((g) => g.groupId === 'billing')?.state).toBe('Empty');
    expect((await kflow(['groups', 'reset', 'billing', '--to', 'earliest'])).status).toBe(2); // neither --dry-run nor --yes
    expect((await kflow(['groups', 'reset', 'billing', '--to', 'sideways', '--yes'])).status).toBe(2);
    expect((await kflow(['groups', 'delete', 'billing'])).status).toBe(2);
    await ok(['groups', 'delete', 'billing', '--yes']);

    const missing = await kflow(['topics', 'describe', 'no-such-topic']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no-such-topic/);
    const unreachable = await run(process.execPath, [
      join(root, 'bin/kflow.js'),
      'topics',
      'list',
      '--bootstrap',
      '127.0.0.1:1',
    ]);
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach 127\.0\.0\.1:1/);
  });
});
