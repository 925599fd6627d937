// Records deleted while a range is being read (the round trip flake: records stamped in 2020 on a
// topic with the default 7-day retention, deleted by the broker's retention check once a loaded
// run passed its 5-minute interval). A bounded read must fail naming the gap, never return fewer
// records as if the range were whole; a followed (open) range continues at the log start.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../../src/broker/index';
import { connect, type KafkaClient } from '../../../../src/kafka/client';
import { RecordsDeletedError, type WireClient } from '../../../../src/kafka/wire/index';

const OLD = 1_600_000_000_000; // September 2020: past any 7-day retention

let broker: RunningBroker;
let client: KafkaClient;
let wire: WireClient;

beforeAll(async () => {
  broker = await startBroker({ port: 0, maintenanceIntervalMs: 50 });
  client = await connect({ name: 't', bootstrap: [broker.bootstrap] });
  wire = client.wire()!;
});
afterAll(async () => {
  await client.close();
  await broker.stop();
});

/** 10 batches of 10 old records into one partition, segments of about one batch each. */
async function oldTopic(name: string): Promise<bigint> {
  const admin = await client.admin();
  await admin.createTopics([{ name, partitions: 1, config: { 'segment.bytes': '400' } }]);
  for (let b = 0; b < 10; b++)
    await wire.produce(
      name,
      new Map([[0, Array.from({ length: 10 }, (_, i) => ({ value: `v${b * 10 + i}`, timestamp: OLD }))]]),
    );
  // Retention deletes every closed segment within a maintenance interval or two.
  for (let i = 0; i < 100; i++) {
    const start = (await wire.listOffsets(name, 'earliest')).get(0)!;
    if (start > 0n) return start;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('retention deleted nothing');
}

it('a bounded range whose records were deleted fails naming the gap', async () => {
  const logStart = await oldTopic('gone-bounded');
  expect(logStart).toBeGreaterThan(0n);
  const read: bigint[] = [];
  const err = await wire
    .read({
      topic: 'gone-bounded',
      ranges: [{ partition: 0, from: 0n, to: 100n }],
      onBatch: (b) => void read.push(...b.records.map((r) => r.offset)),
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(RecordsDeletedError);
  const e = err as RecordsDeletedError;
  expect(e.topic).toBe('gone-bounded');
  expect(e.partition).toBe(0);
  expect(e.position).toBe(0n);
  expect(e.logStart).toBeGreaterThanOrEqual(logStart);
  expect(e.message).toContain('gone-bounded[0]: offsets 0 to');
  expect(read).toEqual([]);
});

it('a followed range continues at the log start', async () => {
  const logStart = await oldTopic('gone-open');
  const ac = new AbortController();
  const read: bigint[] = [];
  let next = 0n;
  await wire.read({
    topic: 'gone-open',
    ranges: [{ partition: 0, from: 0n, to: null }],
    maxWaitMs: 50,
    signal: ac.signal,
    onBatch: (b) => {
      read.push(...b.records.map((r) => r.offset));
      next = b.next;
      if (next >= 100n) ac.abort();
    },
  });
  // Retention may have taken every record by now; whatever was read comes after the gap.
  expect(next).toBe(100n);
  for (const o of read) expect(o).toBeGreaterThanOrEqual(logStart);
});
