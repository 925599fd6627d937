// Consumer groups over real TCP with kafkajs: a group of three consumers
// sharing six partitions, a rebalance when one leaves, committed offsets
// honoured when the group comes back, the admin group APIs, and committed
// offsets surviving a broker restart on the same data directory. The
// kafka-python and kcat groups are in test/compat/.
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

describe('consumer group of three kafkajs consumers', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let producer: Producer;
  const topic = 'group-six';
  const groupId = 'g-three';

  beforeAll(async () => {
    // The initial delay lets all three join the first generation together.
    broker = await startBroker({ port: 0, groupInitialRebalanceDelayMs: 1000 });
    kafka = kafkaFor(broker, 'groups-test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
  });

  it('splits six partitions, rebalances when one leaves and resumes from committed offsets', async () => {
    await produce(producer, topic, 6, 10, 'a');
    const got: Received[] = [];
    const consumers = await Promise.all(
      ['c1', 'c2', 'c3'].map((n) => startConsumer(kafka, groupId, topic, n, got)),
    );
    await waitFor('60 messages', () => got.length >= 60);

    // Every record exactly once, and each consumer owns two whole partitions.
    const keys = got.map((r) => `${r.partition}:${r.offset}`);
    expect(new Set(keys).size).toBe(60);
    expect(got.length).toBe(60);
    const owners = new Map<number, Set<string>>();
    for (const r of got) owners.set(r.partition, (owners.get(r.partition) ?? new Set()).add(r.consumer));
    expect([...owners.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const o of owners.values()) expect(o.size).toBe(1);
    const perConsumer = new Map<string, number>();
    for (const [, o] of owners) for (const c of o) perConsumer.set(c, (perConsumer.get(c) ?? 0) + 1);
    expect([...perConsumer.values()]).toEqual([2, 2, 2]);

    const admin = kafka.admin();
    await admin.connect();
    try {
      const described = await admin.describeGroups([groupId]);
      const g = described.groups[0];
      expect(g?.state).toBe('Stable');
      expect(g?.protocolType).toBe('consumer');
      expect(g?.members.length).toBe(3);
      expect((await admin.listGroups()).groups).toContainEqual({ groupId, protocolType: 'consumer' });
      // A live group cannot be deleted.
      await expect(admin.deleteGroups([groupId])).rejects.toThrow();

      // kafkajs commits after each batch; poll until all six partitions show the next offset, 10.
      let committed: { partition: number; offset: string }[] = [];
      for (
        let i = 0;
        i < 100 && !(committed.length === 6 && committed.every((p) => p.offset === '10'));
        i++
      ) {
        const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
        committed = t?.partitions ?? [];
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(committed.map((p) => [p.partition, p.offset]).sort()).toEqual(
        [0, 1, 2, 3, 4, 5].map((p) => [p, '10']),
      );

      // One consumer leaves: the other two take over its partitions, from the committed offsets.
      await consumers[2]?.disconnect();
      got.length = 0;
      await produce(producer, topic, 6, 5, 'b');
      await waitFor('30 new messages', () => got.length >= 30);
      await new Promise((r) => setTimeout(r, 300));
      expect(got.length).toBe(30);
      expect(got.every((r) => r.value.startsWith('b-') && r.offset >= 10)).toBe(true);
      expect(new Set(got.map((r) => r.consumer))).toEqual(new Set(['c1', 'c2']));
      expect(new Set(got.map((r) => `${r.partition}:${r.offset}`)).size).toBe(30);
      const after = (await admin.describeGroups([groupId])).groups[0];
      expect(after?.members.length).toBe(2);

      // The whole group stops; a new member starts where the group left off.
      await Promise.all(consumers.slice(0, 2).map((c) => c.disconnect()));
      expect((await admin.describeGroups([groupId])).groups[0]?.state).toBe('Empty');
      got.length = 0;
      await produce(producer, topic, 6, 1, 'c');
      const late = await startConsumer(kafka, groupId, topic, 'c4', got);
      await waitFor('6 newest messages', () => got.length >= 6);
      await new Promise((r) => setTimeout(r, 300));
      await late.disconnect();
      expect(got.map((r) => r.value).sort()).toEqual([0, 1, 2, 3, 4, 5].map((p) => `c-${p}-0`));
      expect(got.every((r) => r.offset === 15)).toBe(true);

      // Empty now: deletable, and its offsets go with it.
      await admin.deleteGroups([groupId]);
      expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId);
      const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(t?.partitions.every((p) => p.offset === '-1')).toBe(true);
    } finally {
      await admin.disconnect();
    }
  }, 90_000);
});

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
