// The linear replacement of kafkajs' per-partition grouping gives kafkajs' own result.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { groupMessagesPerPartition, linearGrouping } from '../../../src/kafka/kafkajs-grouping';
import { seededRandom } from '../../../src/engine/io/prng';

describe('kafkajs grouping', () => {
  it('is installed before kafkajs loads, so kafkajs producers use it', () => {
    expect(linearGrouping).toBe(true);
    const require = createRequire(import.meta.url);
    // What kafkajs' sendMessages gets when it requires the module.
    expect(require('kafkajs/src/producer/groupMessagesPerPartition')).toBe(groupMessagesPerPartition);
  });

  it('splits messages by partition in input order, by hand', () => {
    const messages = [
      { key: 'a', partition: 1 },
      { key: 'b', partition: 0 },
      { key: 'c', partition: 1 },
      { key: 'd', partition: 2 },
      { key: 'e', partition: 0 },
    ];
    const partitioner = ({ message }: { message: unknown }) => (message as { partition: number }).partition;
    const meta = [{ partitionId: 0 }, { partitionId: 1 }, { partitionId: 2 }];
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: meta, messages, partitioner })).toEqual(
      {
        0: [messages[1], messages[4]],
        1: [messages[0], messages[2]],
        2: [messages[3]],
      },
    );
    // No partition metadata: nothing, as kafkajs returns.
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner })).toEqual(
      {},
    );
  });

  it('equals a plain reference on 2,000 random messages over 7 partitions', () => {
    const r = seededRandom(7);
    const messages = Array.from({ length: 2000 }, (_, i) => ({ i, partition: Math.floor(r() * 7) }));
    const partitioner = ({ message }: { message: unknown }) => (message as { partition: number }).partition;
    const expected: Record<number, unknown[]> = {};
    for (let p = 0; p < 7; p++) {
      const mine = messages.filter((m) => m.partition === p);
      if (mine.length > 0) expected[p] = mine;
    }
    const meta = Array.from({ length: 7 }, (_, p) => ({ partitionId: p }));
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: meta, messages, partitioner })).toEqual(
      expected,
    );
  });
});
