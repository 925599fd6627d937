import { describe, expect, it } from 'vitest';
import { listTopics } from '../../../src/inspector/index';
import type { KafkaClient } from '../../../src/kafka/client';

/** A client whose admin lists `listed` topics, then (after a deletion) the ones still `present`. */
function client(listed: string[], present: string[]) {
  let calls = 0;
  const admin = {
    listTopics: async () => (calls++ === 0 ? listed : present),
    topicOffsets: async (name: string) => {
      if (!present.includes(name)) throw new Error(`This server does not host this topic-partition: ${name}`);
      if (name === 'broken') throw new Error('broker went away');
      return [
        { partition: 0, low: 2n, high: 7n },
        { partition: 1, low: 0n, high: 3n },
      ];
    },
  };
  return { admin: async () => admin } as unknown as KafkaClient;
}

describe('listTopics', () => {
  it('leaves out a topic deleted between the listing and the read of its offsets', async () => {
    expect(await listTopics(client(['audit', 'orders'], ['orders']))).toEqual([
      { name: 'orders', partitions: 2, records: 8n },
    ]);
  });

  it('still fails when a topic that exists cannot be read', async () => {
    await expect(listTopics(client(['broken', 'orders'], ['broken', 'orders']))).rejects.toThrow(
      'broker went away',
    );
  });
});
