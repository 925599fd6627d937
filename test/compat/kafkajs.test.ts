// kafkajs 2.2 against the embedded broker, as kflow's own runtime and a user's
// Node app use it: produce and consume (keys, headers, gzip), a consumer group
// through a rebalance, committed offsets, the admin client, the idempotent
// producer, transactions seen by both isolation levels, and SASL/SCRAM-SHA-512
// over TLS as on MSK. Broker-level detail (exact protocol answers) stays in
// test/integration/broker.
import { CompressionTypes, Kafka, logLevel, type Consumer, type KafkaConfig, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificates } from '../../src/broker/auth/certs';
import { startBroker, type RunningBroker } from '../../src/broker/index';
import {
  compressionOf,
  isTransactional,
  splitBatches,
  type RecordBatch,
} from '../../src/protocol/records/batch';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const kafkaFor = (broker: RunningBroker, clientId: string, extra: Partial<KafkaConfig> = {}) =>
  new Kafka({
    clientId,
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 50, maxRetryTime: 500 },
    ...extra,
  });

async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The data batches (control batches left out) stored in one partition. */
function storedBatches(broker: RunningBroker, topic: string, partition: number): RecordBatch[] {
  const log = broker.cluster.partition(topic, partition)?.log;
  return splitBatches(log?.read(0, 1 << 22).records ?? Buffer.alloc(0)).filter(
    (b) => (b.attributes & 0x20) === 0,
  );
}

interface Received {
  consumer: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

function startConsumer(
  kafka: Kafka,
  groupId: string,
  topic: string,
  name: string,
  sink: Received[],
  opts: { readUncommitted?: boolean } = {},
): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 200,
    maxWaitTimeInMs: 200,
    readUncommitted: opts.readUncommitted ?? false,
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
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? '',
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? '']),
          ),
        });
      },
    });
    return consumer;
  })();
}

/** Reads `topic` with a fresh group until `expected` records arrived, then 300 ms more to catch extras. */
async function consumeAll(
  kafka: Kafka,
  topic: string,
  expected: number,
  opts: { readUncommitted?: boolean } = {},
): Promise<Received[]> {
  const got: Received[] = [];
  const consumer = await startConsumer(kafka, `read-${topic}-${Math.random()}`, topic, 'reader', got, opts);
  try {
    await waitFor(`${expected} records of ${topic}`, () => got.length >= expected, 15_000);
    await sleep(300);
  } finally {
    await consumer.disconnect();
  }
  return got;
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

describe('kafkajs compatibility', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    // The initial delay lets all three group members join the first generation together.
    broker = await startBroker({ port: 0, groupInitialRebalanceDelayMs: 1000 });
    kafka = kafkaFor(broker, 'kafkajs-compat');
    producer = kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
  });

  it.each([
    ['none', CompressionTypes.None, 0],
    ['gzip', CompressionTypes.GZIP, 1],
  ] as const)(
    'produces and consumes keys, values and headers with %s compression',
    async (name, codec, id) => {
      const topic = `kjs-${name}`;
      broker.cluster.createTopic(topic, 1);
      const messages = Array.from({ length: 30 }, (_, i) => ({
        key: `key${i}`,
        value: `value-${i}-${'x'.repeat(i * 10)}`,
        headers: { source: 'kafkajs', n: String(i) },
      }));
      const [meta] = await producer.send({ topic, acks: -1, compression: codec, messages });
      expect(meta).toMatchObject({ partition: 0, errorCode: 0, baseOffset: '0' });
      expect(new Set(storedBatches(broker, topic, 0).map((b) => compressionOf(b.attributes)))).toEqual(
        new Set([id]),
      );
      const got = await consumeAll(kafka, topic, 30);
      expect(got.map(({ offset, key, value, headers }) => ({ offset, key, value, headers }))).toEqual(
        messages.map((m, i) => ({ offset: i, ...m })),
      );
    },
  );

  it('three consumers split six partitions, rebalance when one leaves, and resume from committed offsets', async () => {
    const topic = 'kjs-group-six';
    const groupId = 'g-kjs-three';
    const admin = kafka.admin();
    await admin.connect();
    const consumers: Consumer[] = [];
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
      await produce(producer, topic, 6, 10, 'a');
      const got: Received[] = [];
      consumers.push(
        ...(await Promise.all(['c1', 'c2', 'c3'].map((n) => startConsumer(kafka, groupId, topic, n, got)))),
      );
      await waitFor('60 messages', () => got.length >= 60);

      // Every record exactly once, and each consumer owns two whole partitions.
      expect(got.length).toBe(60);
      expect(new Set(got.map((r) => `${r.partition}:${r.offset}`)).size).toBe(60);
      const owners = new Map<number, Set<string>>();
      for (const r of got) owners.set(r.partition, (owners.get(r.partition) ?? new Set()).add(r.consumer));
      expect([...owners.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
      for (const o of owners.values()) expect(o.size).toBe(1);
      const perConsumer = new Map<string, number>();
      for (const [, o] of owners) for (const c of o) perConsumer.set(c, (perConsumer.get(c) ?? 0) + 1);
      expect([...perConsumer.values()]).toEqual([2, 2, 2]);

      const g = (await admin.describeGroups([groupId])).groups[0];
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
        await sleep(100);
      }
      expect(committed.map((p) => [p.partition, p.offset]).sort()).toEqual(
        [0, 1, 2, 3, 4, 5].map((p) => [p, '10']),
      );

      // One consumer leaves: the other two take over its partitions, from the committed offsets.
      await consumers[2]?.disconnect();
      got.length = 0;
      await produce(producer, topic, 6, 5, 'b');
      await waitFor('30 new messages', () => got.length >= 30);
      await sleep(300);
      expect(got.length).toBe(30);
      expect(got.every((r) => r.value.startsWith('b-') && r.offset >= 10)).toBe(true);
      expect(new Set(got.map((r) => r.consumer))).toEqual(new Set(['c1', 'c2']));
      expect(new Set(got.map((r) => `${r.partition}:${r.offset}`)).size).toBe(30);
      expect((await admin.describeGroups([groupId])).groups[0]?.members.length).toBe(2);

      // The whole group stops; a new member starts where the group left off.
      await Promise.all(consumers.slice(0, 2).map((c) => c.disconnect()));
      expect((await admin.describeGroups([groupId])).groups[0]?.state).toBe('Empty');
      got.length = 0;
      await produce(producer, topic, 6, 1, 'c');
      consumers.push(await startConsumer(kafka, groupId, topic, 'c4', got));
      await waitFor('6 newest messages', () => got.length >= 6);
      await sleep(300);
      await consumers[3]?.disconnect();
      expect(got.map((r) => r.value).sort()).toEqual([0, 1, 2, 3, 4, 5].map((p) => `c-${p}-0`));
      expect(got.every((r) => r.offset === 15)).toBe(true);

      // Empty now: deletable, and its offsets go with it.
      await admin.deleteGroups([groupId]);
      expect((await admin.listGroups()).groups.map((x) => x.groupId)).not.toContain(groupId);
      const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(t?.partitions.every((p) => p.offset === '-1')).toBe(true);
    } finally {
      await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
      await admin.disconnect();
    }
  }, 90_000);

  it('admin: creates, describes, configures, grows and deletes topics; describes the cluster', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(
        await admin.createTopics({
          topics: [
            {
              topic: 'kjs-admin-a',
              numPartitions: 2,
              configEntries: [{ name: 'retention.ms', value: '60000' }],
            },
            { topic: 'kjs-admin-b', numPartitions: 1 },
          ],
        }),
      ).toBe(true);
      // A second creation of an existing topic: kafkajs answers false, not an error.
      expect(await admin.createTopics({ topics: [{ topic: 'kjs-admin-a' }] })).toBe(false);
      expect(await admin.listTopics()).toEqual(expect.arrayContaining(['kjs-admin-a', 'kjs-admin-b']));

      const { topics } = await admin.fetchTopicMetadata({ topics: ['kjs-admin-a'] });
      expect(topics[0]?.partitions.map((p) => [p.partitionId, p.leader, p.replicas]).sort()).toEqual([
        [0, 0, [0]],
        [1, 0, [0]],
      ]);

      const configs = async () => {
        const d = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: 2, name: 'kjs-admin-a', configNames: ['retention.ms', 'cleanup.policy'] }],
        });
        return Object.fromEntries(
          (d.resources[0]?.configEntries ?? []).map((e) => [e.configName, [e.configValue, e.isDefault]]),
        );
      };
      expect(await configs()).toEqual({
        'retention.ms': ['60000', false],
        'cleanup.policy': ['delete', true],
      });
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          { type: 2, name: 'kjs-admin-a', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        ],
      });
      // AlterConfigs replaces the whole set: retention.ms falls back to its default (7 days).
      expect(await configs()).toEqual({
        'retention.ms': [String(7 * 24 * 3600 * 1000), true],
        'cleanup.policy': ['compact', false],
      });

      await admin.createPartitions({ topicPartitions: [{ topic: 'kjs-admin-a', count: 4 }] });
      await producer.send({ topic: 'kjs-admin-a', messages: [{ partition: 3, value: 'p3' }] });
      expect((await admin.fetchTopicOffsets('kjs-admin-a')).map((p) => [p.partition, p.high]).sort()).toEqual(
        [
          [0, '0'],
          [1, '0'],
          [2, '0'],
          [3, '1'],
        ],
      );

      await admin.deleteTopics({ topics: ['kjs-admin-b'] });
      const left = await admin.listTopics();
      expect(left).toContain('kjs-admin-a');
      expect(left).not.toContain('kjs-admin-b');

      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toEqual([
        { nodeId: 0, host: '127.0.0.1', port: Number(broker.bootstrap.split(':')[1]) },
      ]);
      expect(cluster.controller).toBe(0);
    } finally {
      await admin.disconnect();
    }
  });

  it('idempotent producer: batches carry a producer id and consecutive sequences; each record lands once', async () => {
    const topic = 'kjs-idempotent';
    broker.cluster.createTopic(topic, 2);
    const idem = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await idem.connect();
    try {
      for (let round = 0; round < 3; round++)
        for (const partition of [0, 1])
          await idem.send({
            topic,
            acks: -1,
            messages: [0, 1].map((i) => ({ partition, value: `r${round}-p${partition}-${i}` })),
          });
    } finally {
      await idem.disconnect();
    }
    for (const partition of [0, 1]) {
      const batches = storedBatches(broker, topic, partition);
      expect(batches).toHaveLength(3);
      expect(new Set(batches.map((b) => b.producerId)).size).toBe(1);
      expect(batches[0]?.producerId).toBeGreaterThanOrEqual(0);
      // Two records a batch: sequences 0, 2, 4 per partition.
      expect(batches.map((b) => b.baseSequence)).toEqual([0, 2, 4]);
    }
    const got = await consumeAll(kafka, topic, 12);
    expect(got.map((r) => r.value).sort()).toEqual(
      [0, 1, 2].flatMap((r) => [0, 1].flatMap((p) => [0, 1].map((i) => `r${r}-p${p}-${i}`))).sort(),
    );
  });

  it('transactions: read_committed sees committed records only, read_uncommitted sees aborted ones too', async () => {
    const topic = 'kjs-txn';
    broker.cluster.createTopic(topic, 2);
    const tx = kafka.producer({ transactionalId: 'kjs-txn', idempotent: true, maxInFlightRequests: 1 });
    await tx.connect();
    try {
      const send = async (t: Awaited<ReturnType<Producer['transaction']>>, tag: string) => {
        for (const partition of [0, 1])
          await t.send({ topic, messages: [{ partition, value: `${tag}-p${partition}` }] });
      };
      const t1 = await tx.transaction();
      await send(t1, 'committed-1');
      await t1.commit();
      const t2 = await tx.transaction();
      await send(t2, 'aborted');
      await t2.abort();
      const t3 = await tx.transaction();
      await send(t3, 'committed-2');
      await t3.commit();
    } finally {
      await tx.disconnect();
    }
    expect(storedBatches(broker, topic, 0).every((b) => isTransactional(b.attributes))).toBe(true);
    const byPartition = (rs: Received[]) =>
      [0, 1].map((p) =>
        rs
          .filter((r) => r.partition === p)
          .sort((a, b) => a.offset - b.offset)
          .map((r) => r.value),
      );
    // Per partition: committed-1, COMMIT, aborted, ABORT, committed-2, COMMIT.
    const committed = await consumeAll(kafka, topic, 4);
    expect(byPartition(committed)).toEqual([0, 1].map((p) => [`committed-1-p${p}`, `committed-2-p${p}`]));
    expect(committed.map((r) => r.offset).sort()).toEqual([0, 0, 4, 4]);
    const all = await consumeAll(kafka, topic, 6, { readUncommitted: true });
    expect(byPartition(all)).toEqual(
      [0, 1].map((p) => [`committed-1-p${p}`, `aborted-p${p}`, `committed-2-p${p}`]),
    );
  });
});

describe('kafkajs over SASL_SSL with SCRAM-SHA-512 (as on MSK)', () => {
  const certs = makeTestCertificates({ hosts: ['127.0.0.1', 'localhost'] });
  const other = makeTestCertificates({ hosts: ['127.0.0.1'], caName: 'some other CA' });
  let broker: RunningBroker;
  const secure = (password: string, ca = certs.ca): Partial<KafkaConfig> => ({
    ssl: { ca: [ca] },
    sasl: { mechanism: 'scram-sha-512', username: 'bob', password },
    retry: { retries: 0 },
    connectionTimeout: 3000,
    authenticationTimeout: 3000,
  });

  beforeAll(async () => {
    broker = await startBroker({
      port: 0,
      users: [{ name: 'bob', password: 'bob-secret' }],
      tls: { cert: certs.server.cert, key: certs.server.key },
    });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('admin, producer and a group consumer work end to end', async () => {
    const kafka = kafkaFor(broker, 'kjs-sasl-ssl', secure('bob-secret'));
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'secure', numPartitions: 2 }] });
    expect(await admin.listTopics()).toContain('secure');
    const p = kafka.producer();
    await p.connect();
    await p.send({
      topic: 'secure',
      compression: CompressionTypes.GZIP,
      messages: [0, 1, 2, 3].map((i) => ({ key: `k${i}`, value: `v${i}`, headers: { over: 'tls' } })),
    });
    await p.disconnect();
    const got = await consumeAll(kafka, 'secure', 4);
    expect(got.map((r) => [r.key, r.value, r.headers['over']]).sort()).toEqual(
      [0, 1, 2, 3].map((i) => [`k${i}`, `v${i}`, 'tls']),
    );
    await admin.disconnect();
  });

  it('a wrong password fails fast with KafkaJSSASLAuthenticationError; an untrusted CA with a certificate error', async () => {
    for (const [config, check] of [
      [secure('wrong-password-9f3c'), (e: Error) => expect(e.name).toBe('KafkaJSSASLAuthenticationError')],
      [
        secure('bob-secret', other.ca),
        (e: Error) =>
          expect(`${e.message} ${(e as { cause?: Error }).cause?.message ?? ''}`).toMatch(/certificate/i),
      ],
    ] as const) {
      const admin = kafkaFor(broker, 'kjs-sasl-ssl-bad', config).admin();
      const t0 = Date.now();
      const error = await admin.connect().then(
        () => null,
        (e: unknown) => e as Error,
      );
      await admin.disconnect();
      expect(error).not.toBeNull();
      if (error) check(error);
      expect(Date.now() - t0).toBeLessThan(5000);
    }
  });
});
