// `kflow topics produce --count`: records from templates, the same generator as the app's Generate tab.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/index';
import { run } from '../../support/tools';

const root = join(import.meta.dirname, '../../..');
let broker: RunningBroker;

const kflow = (args: string[]) =>
  run(process.execPath, [join(root, 'bin/kflow.js'), ...args, '--bootstrap', broker.bootstrap], {
    timeoutMs: 60_000,
  });

beforeAll(async () => {
  broker = await startBroker({ port: 0 });
});
afterAll(async () => {
  await broker.stop();
});

describe('kflow topics produce --count', { timeout: 200_000 }, () => {
  it('produces n records from key and value templates, and names a bad field', async () => {
    expect((await kflow(['topics', 'create', 'gen', '-p', '1'])).status).toBe(0);
    const r = await kflow([
      'topics',
      'produce',
      'gen',
      '-k',
      'k{{seq}}',
      '-V',
      '{"n":{{seq}},"c":"{{choice:x|y}}"}',
      '--count',
      '25',
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ records: 25 });
    const search = await kflow(['topics', 'search', 'gen', '--json', '-q']);
    expect(search.status, search.stderr).toBe(0);
    const found = JSON.parse(search.stdout) as { records: { key: string; value: string }[] };
    expect(found.records.length).toBe(25);
    expect(found.records[24]?.key).toBe('k25');
    expect(JSON.parse(found.records[24]?.value ?? '')).toMatchObject({ n: 25 });
    const bad = await kflow(['topics', 'produce', 'gen', '-V', 'x{{nope}}', '--count', '1']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('value, column 2: unknown field {{nope}}');
  });
});
