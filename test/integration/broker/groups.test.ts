// Consumer groups over real TCP with kafkajs: committed offsets surviving a
// broker restart on the same data directory. Groups as each client sees them
// (three kafkajs or kafka-python members through a rebalance, two kcat -G
// members, the admin group APIs) are in test/compat/; the wire-level group
// APIs in groups-wire.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/index';

const kafkaFor = (broker: RunningBroker, clientId: string) =>
  new Kafka({ clientId, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8 } });

async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function produce(
  producer: Producer,
  topic: string,
  partitions: number,
  perPartition: number,
  tag: string,
) {
  for (let p = 0; p < partitions; p++) {
    await producer.send({
      topic,
      messages: Array.from({ length: perPartition }, (_, i) => ({ partition: p, value: `${tag}-${p}-${i}` })),
    });
  }
}

interface Received {
  consumer: string;
  partition: number;
  offset: number;
  value: string;
}

function startConsumer(
  kafka: Kafka,
  groupId: string,
  topic: string,
  name: string,
  sink: Received[],
): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 200,
    maxWaitTimeInMs: 200,
  });
  return (async () => {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        sink.push({
          consumer: name,
          partition,
          offset: Number(message.offset),
          value: message.value?.toString() ?? '',
        });
      },
    });
    return consumer;
  })();
}

describe('committed offsets across a broker restart', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kflow-groups-restart-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a group resumes from its committed offsets on a restarted broker with the same data dir', async () => {
    const topic = 'persist';
    const groupId = 'g-persist';
    let broker = await startBroker({ port: 0, dataDir });
    try {
      let kafka = kafkaFor(broker, 'restart-1');
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      await produce(producer, topic, 2, 5, 'old');
      await producer.disconnect();
      const got: Received[] = [];
      const consumer = await startConsumer(kafka, groupId, topic, 'first', got);
      await waitFor('10 messages', () => got.length >= 10);
      const admin1 = kafka.admin();
      await admin1.connect();
      let offsets: string[] = [];
      for (let i = 0; i < 100 && offsets.join() !== '5,5'; i++) {
        const [t] = await admin1.fetchOffsets({ groupId, topics: [topic] });
        offsets = (t?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) => p.offset);
        if (offsets.join() !== '5,5') await new Promise((r) => setTimeout(r, 100));
      }
      expect(offsets).toEqual(['5', '5']);
      await admin1.disconnect();
      await consumer.disconnect();
      await broker.stop();

      broker = await startBroker({ port: 0, dataDir });
      kafka = kafkaFor(broker, 'restart-2');
      const admin2 = kafka.admin();
      await admin2.connect();
      const [t] = await admin2.fetchOffsets({ groupId, topics: [topic] });
      expect(t?.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
        [0, '5'],
        [1, '5'],
      ]);
      expect((await admin2.describeGroups([groupId])).groups[0]?.state).toBe('Empty');
      await admin2.disconnect();
      const producer2 = kafka.producer();
      await producer2.connect();
      await produce(producer2, topic, 2, 1, 'new');
      await producer2.disconnect();
      got.length = 0;
      const resumed = await startConsumer(kafka, groupId, topic, 'second', got);
      await waitFor('2 new messages', () => got.length >= 2);
      await new Promise((r) => setTimeout(r, 300));
      await resumed.disconnect();
      expect(got.map((r) => [r.partition, r.offset, r.value]).sort()).toEqual([
        [0, 5, 'new-0-0'],
        [1, 5, 'new-1-0'],
      ]);
    } finally {
      await broker.stop();
    }
  }, 60_000);
});
