// `kflow groups lag --watch`: samples a group's lag while its committed offsets move, and shows
// the catch-up rate and time to zero from the samples so far.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/index';
import { connect, type KafkaClient } from '../../../src/kafka/client';
import { embeddedProfile } from '../../../src/kafka/profile';
import { run } from '../../support/tools';

const root = join(import.meta.dirname, '../../..');
let broker: RunningBroker;
let client: KafkaClient;

beforeAll(async () => {
  broker = await startBroker({ port: 0 });
  client = await connect({ ...embeddedProfile(broker.bootstrap), name: 'test' });
  const admin = await client.admin();
  await admin.createTopics([{ name: 'events', partitions: 1 }]);
  const producer = await client.producer();
  await producer.send(Array.from({ length: 30 }, (_, i) => ({ topic: 'events', value: String(i) })));
  await producer.close();
  await admin.setGroupOffsets('billing', [{ topic: 'events', partition: 0, offset: 12n }]);
});
afterAll(async () => {
  await client.close();
  await broker.stop();
});

interface WatchLine {
  groupId: string;
  total: string;
  partitions: Record<string, string>;
  ratePerSec: number | null;
  secondsToZero: number | null;
  state: string;
  samples: number;
}

it(
  'prints one sample per interval with the rate at which the group catches up',
  { timeout: 60_000 },
  async () => {
    const child = spawn(
      process.execPath,
      [
        join(root, 'bin/kflow.js'),
        ...['groups', 'lag', 'billing', '--watch', '--interval', '4', '--samples', '2', '--json'],
        ...['--bootstrap', broker.bootstrap],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const firstLine = new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    await firstLine;
    // Between the two samples the group commits 12 records further: lag 18 → 6.
    const admin = await client.admin();
    await admin.setGroupOffsets('billing', [{ topic: 'events', partition: 0, offset: 24n }]);
    expect(await exited, err).toBe(0);

    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as WatchLine);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      groupId: 'billing',
      total: '18',
      partitions: { 'events[0]': '18' },
      ratePerSec: null,
      state: 'unknown',
      samples: 1,
    });
    const second = lines[1]!;
    expect(second).toMatchObject({
      total: '6',
      partitions: { 'events[0]': '6' },
      state: 'catching-up',
      samples: 2,
    });
    // -12 records over the interval (4 s, plus the time a sample takes).
    expect(second.ratePerSec).toBeLessThan(-12 / 6);
    expect(second.ratePerSec).toBeGreaterThan(-12 / 4 - 0.01);
    expect(second.secondsToZero).toBeCloseTo(6 / -second.ratePerSec!, 6);
  },
);

it('shows a table without --json', { timeout: 60_000 }, async () => {
  const r = await run(
    process.execPath,
    [
      join(root, 'bin/kflow.js'),
      'groups',
      'lag',
      'billing',
      '--samples',
      '1',
      '--bootstrap',
      broker.bootstrap,
    ],
    { timeoutMs: 30_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  const [title, head, row] = r.stdout.trim().split('\n');
  expect(title).toBe('lag of group billing, every 5 s (Ctrl-C stops)');
  expect(head!.split(/\s{2,}/)).toEqual(['TIME', 'TOTAL LAG', 'CHANGE', 'RATE/S', 'CATCH-UP']);
  expect(row!.trim().split(/\s+/).slice(1)).toEqual(['6', '-', '-', '-']);
});
