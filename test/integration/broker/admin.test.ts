// Admin APIs over real TCP: kafkajs admin for the client view, the raw client
// for versions and APIs kafkajs does not speak (flexible versions,
// IncrementalAlterConfigs, DescribeCluster, DeleteTopics by id). kafka-python's
// KafkaAdminClient is in test/compat/kafka-python.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/index';
import { ErrorCode } from '../../../src/protocol/errors';
import { ApiKey } from '../../../src/protocol/generated/index';
import { RawClient } from '../../support/raw-client';
import { fetchRequest } from '../../support/requests';

const TOPIC = 2;
const BROKER = 4;
const DEFAULT_CONFIG = 5;
const DYNAMIC_TOPIC_CONFIG = 1;
const SEVEN_DAYS_MS = String(7 * 24 * 3600 * 1000);

interface KafkaJSError {
  type?: string;
  errors?: { type?: string }[];
  /** Set when kafkajs gave up retrying a retriable error. */
  cause?: KafkaJSError;
}

/** kafkajs wraps per-topic failures and retried ones; this returns the broker's error type names. */
async function errorTypes(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (err) {
    let e = err as KafkaJSError;
    while (e.cause) e = e.cause;
    return e.errors ? e.errors.map((x) => x.type ?? '?') : [e.type ?? String(err)];
  }
  return [];
}

const fetchAt = (topic: string, offset: number) => fetchRequest(topic, 0, offset);

describe('admin APIs, one broker', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let admin: Admin;
  let raw: RawClient;

  beforeAll(async () => {
    broker = await startBroker({ port: 0 });
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    admin = kafka.admin();
    await admin.connect();
    raw = await RawClient.connect(broker.bootstrap);
  });
  afterAll(async () => {
    raw.close();
    await admin.disconnect();
    await broker.stop();
  });

  it('creates topics, refuses a second creation, and lists them', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] })).toBe(false);
    expect(await admin.listTopics()).toContain('orders');
    const meta = await admin.fetchTopicMetadata({ topics: ['orders'] });
    expect(meta.topics[0]?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
  });

  it('uses num.partitions when the partition count is left out', async () => {
    await admin.createTopics({ topics: [{ topic: 'defaulted' }] });
    expect(broker.cluster.topic('defaulted')?.partitions).toHaveLength(1);
  });

  it('validateOnly checks but creates nothing', async () => {
    // waitForLeaders off: kafkajs would otherwise wait for a topic that validateOnly never creates.
    await admin.createTopics({
      validateOnly: true,
      waitForLeaders: false,
      topics: [{ topic: 'dry-run', numPartitions: 2 }],
    });
    expect(await admin.listTopics()).not.toContain('dry-run');
    expect(
      await errorTypes(
        admin.createTopics({
          validateOnly: true,
          waitForLeaders: false,
          topics: [{ topic: 'dry/run', numPartitions: 2 }],
        }),
      ),
    ).toEqual(['INVALID_TOPIC_EXCEPTION']);
  });

  it('rejects bad names, bad configs, bad counts and too many replicas', async () => {
    expect(await errorTypes(admin.createTopics({ topics: [{ topic: 'has space' }] }))).toEqual([
      'INVALID_TOPIC_EXCEPTION',
    ]);
    expect(await errorTypes(admin.createTopics({ topics: [{ topic: '..' }] }))).toEqual([
      'INVALID_TOPIC_EXCEPTION',
    ]);
    expect(
      await errorTypes(
        admin.createTopics({
          topics: [{ topic: 'cfg1', configEntries: [{ name: 'retention.ms', value: 'soon' }] }],
        }),
      ),
    ).toEqual(['INVALID_CONFIG']);
    expect(
      await errorTypes(
        admin.createTopics({
          topics: [{ topic: 'cfg2', configEntries: [{ name: 'no.such.config', value: '1' }] }],
        }),
      ),
    ).toEqual(['INVALID_CONFIG']);
    expect(await errorTypes(admin.createTopics({ topics: [{ topic: 'zero', numPartitions: 0 }] }))).toEqual([
      'INVALID_PARTITIONS',
    ]);
    expect(
      await errorTypes(admin.createTopics({ topics: [{ topic: 'rf2', replicationFactor: 2 }] })),
    ).toEqual(['INVALID_REPLICATION_FACTOR']);
    const listed = await admin.listTopics();
    for (const t of ['cfg1', 'cfg2', 'zero', 'rf2']) expect(listed).not.toContain(t);
  });

  it('names the bad config in the error message (v1+) and returns the created topic (v5+)', async () => {
    const bad = await raw.request(ApiKey.CreateTopics, 4, {
      topics: [
        {
          name: 'msg',
          numPartitions: 1,
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: 'segment.ms', value: '0' }],
        },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(bad.topics[0]?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(bad.topics[0]?.errorMessage).toContain('segment.ms');

    const ok = await raw.request(ApiKey.CreateTopics, 7, {
      topics: [
        {
          name: 'flex',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [],
          configs: [{ name: 'cleanup.policy', value: 'compact' }],
        },
        { name: 'flex', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'orders', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    const [flex, dup, orders] = ok.topics;
    // The same name twice makes both entries invalid, as in Kafka.
    expect(flex?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(dup?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(orders?.errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect(orders?.errorMessage).toContain('orders');

    const created = await raw.request(ApiKey.CreateTopics, 7, {
      topics: [
        {
          name: 'flex',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [],
          configs: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    const t = created.topics[0];
    expect(t?.errorCode).toBe(ErrorCode.NONE);
    expect(t?.numPartitions).toBe(1);
    expect(t?.replicationFactor).toBe(1);
    expect(t?.topicId).toBe(broker.cluster.topic('flex')?.id);
    const byName = new Map(t?.configs?.map((c) => [c.name, c]));
    expect(byName.get('cleanup.policy')).toMatchObject({
      value: 'compact',
      configSource: DYNAMIC_TOPIC_CONFIG,
      readOnly: false,
    });
    expect(byName.get('retention.ms')).toMatchObject({ value: SEVEN_DAYS_MS, configSource: DEFAULT_CONFIG });
  });

  it('adds partitions and refuses to shrink', async () => {
    await admin.createTopics({ topics: [{ topic: 'grow', numPartitions: 2 }] });
    await admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 5 }] });
    const meta = await admin.fetchTopicMetadata({ topics: ['grow'] });
    expect(meta.topics[0]?.partitions).toHaveLength(5);
    expect(
      await errorTypes(admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 3 }] })),
    ).toContain('INVALID_PARTITIONS');
    expect(
      await errorTypes(admin.createPartitions({ topicPartitions: [{ topic: 'nope', count: 3 }] })),
    ).toContain('UNKNOWN_TOPIC_OR_PARTITION');
    const dry = await raw.request(ApiKey.CreatePartitions, 3, {
      topics: [{ name: 'grow', count: 7, assignments: null }],
      timeoutMs: 5000,
      validateOnly: true,
    });
    expect(dry.results[0]?.errorCode).toBe(ErrorCode.NONE);
    expect(broker.cluster.topic('grow')?.partitions).toHaveLength(5);
    const badAssign = await raw.request(ApiKey.CreatePartitions, 2, {
      topics: [{ name: 'grow', count: 7, assignments: [{ brokerIds: [0] }] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(badAssign.results[0]?.errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  });

  it('deletes topics by name and, at v6, by id', async () => {
    await admin.createTopics({ topics: [{ topic: 'doomed' }, { topic: 'doomed-by-id' }] });
    await admin.deleteTopics({ topics: ['doomed'] });
    expect(await admin.listTopics()).not.toContain('doomed');
    expect(await errorTypes(admin.deleteTopics({ topics: ['doomed'] }))).toContain(
      'UNKNOWN_TOPIC_OR_PARTITION',
    );

    const id = broker.cluster.topic('doomed-by-id')?.id ?? '';
    const res = await raw.request(ApiKey.DeleteTopics, 6, {
      topics: [
        { name: null, topicId: id },
        { name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' },
      ],
      topicNames: [],
      timeoutMs: 5000,
    });
    expect(res.responses[0]).toMatchObject({ name: 'doomed-by-id', topicId: id, errorCode: ErrorCode.NONE });
    expect(res.responses[1]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
    expect(broker.cluster.topic('doomed-by-id')).toBeUndefined();
  });

  it('describes topic configs with defaults marked, and alters them (replace semantics)', async () => {
    await admin.createTopics({
      topics: [{ topic: 'conf', configEntries: [{ name: 'retention.ms', value: '60000' }] }],
    });
    const describe = async () => {
      const d = await admin.describeConfigs({
        includeSynonyms: true,
        resources: [{ type: TOPIC, name: 'conf' }],
      });
      return new Map(d.resources[0]?.configEntries.map((c) => [c.configName, c]));
    };
    let entries = await describe();
    expect(entries.get('retention.ms')).toMatchObject({
      configValue: '60000',
      isDefault: false,
      readOnly: false,
      configSource: DYNAMIC_TOPIC_CONFIG,
    });
    expect(entries.get('retention.ms')?.configSynonyms).toEqual([
      { configName: 'retention.ms', configValue: '60000', configSource: DYNAMIC_TOPIC_CONFIG },
      { configName: 'log.retention.ms', configValue: SEVEN_DAYS_MS, configSource: DEFAULT_CONFIG },
    ]);
    expect(entries.get('cleanup.policy')).toMatchObject({
      configValue: 'delete',
      isDefault: true,
      configSource: DEFAULT_CONFIG,
    });
    expect(entries.get('segment.bytes')).toMatchObject({ configValue: String(1024 ** 3), isDefault: true });

    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        { type: TOPIC, name: 'conf', configEntries: [{ name: 'segment.bytes', value: '1048576' }] },
      ],
    });
    entries = await describe();
    expect(entries.get('segment.bytes')).toMatchObject({ configValue: '1048576', isDefault: false });
    // AlterConfigs replaces every override: retention.ms was not named, so it is back to its default.
    expect(entries.get('retention.ms')).toMatchObject({ configValue: SEVEN_DAYS_MS, isDefault: true });
    expect(broker.cluster.partition('conf', 0)?.log.config.segmentBytes).toBe(1048576);

    expect(
      await errorTypes(
        admin.alterConfigs({
          validateOnly: false,
          resources: [
            {
              type: TOPIC,
              name: 'conf',
              configEntries: [{ name: 'message.timestamp.type', value: 'Whenever' }],
            },
          ],
        }),
      ),
    ).toEqual(['INVALID_CONFIG']);
    expect((await describe()).get('segment.bytes')?.configValue).toBe('1048576');
  });

  it('reports unknown topics per resource and serves the requested keys only', async () => {
    const d = await raw.request(ApiKey.DescribeConfigs, 4, {
      resources: [
        { resourceType: TOPIC, resourceName: 'missing', configurationKeys: null },
        {
          resourceType: TOPIC,
          resourceName: 'orders',
          configurationKeys: ['retention.bytes', 'not.a.config'],
        },
      ],
      includeSynonyms: false,
      includeDocumentation: true,
    });
    expect(d.results[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(d.results[1]?.errorCode).toBe(ErrorCode.NONE);
    expect(d.results[1]?.configs).toHaveLength(1);
    const c = d.results[1]?.configs[0];
    expect(c).toMatchObject({
      name: 'retention.bytes',
      value: '-1',
      configSource: DEFAULT_CONFIG,
      configType: 5 /* LONG */,
    });
    expect(c?.documentation).toMatch(/\w+/);
  });

  it('describes read-only broker configs and refuses to alter them', async () => {
    const d = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: BROKER, name: '0' }],
    });
    const entries = new Map(d.resources[0]?.configEntries.map((c) => [c.configName, c]));
    expect(entries.get('num.partitions')).toMatchObject({ configValue: '1', readOnly: true });
    expect(entries.get('auto.create.topics.enable')?.configValue).toBe('true');
    expect(entries.get('offsets.topic.replication.factor')?.configValue).toBe('1');
    expect(entries.get('log.retention.ms')?.configValue).toBe(SEVEN_DAYS_MS);
    expect(
      await errorTypes(
        admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: BROKER, name: '0', configEntries: [{ name: 'num.partitions', value: '3' }] }],
        }),
      ),
    ).toEqual(['INVALID_REQUEST']);
    const unknown = await raw.request(ApiKey.DescribeConfigs, 2, {
      resources: [{ resourceType: BROKER, resourceName: '7', configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    expect(unknown.results[0]?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('applies IncrementalAlterConfigs SET, DELETE, APPEND and SUBTRACT', async () => {
    await admin.createTopics({
      topics: [{ topic: 'incr', configEntries: [{ name: 'retention.ms', value: '1000' }] }],
    });
    const alter = (
      configs: { name: string; configOperation: number; value: string | null }[],
      validateOnly = false,
    ) =>
      raw.request(ApiKey.IncrementalAlterConfigs, 1, {
        resources: [{ resourceType: TOPIC, resourceName: 'incr', configs }],
        validateOnly,
      });
    let res = await alter([
      { name: 'segment.bytes', configOperation: 0, value: '2097152' },
      { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
    ]);
    expect(res.responses[0]?.errorCode).toBe(ErrorCode.NONE);
    // Incremental: retention.ms stays as it was.
    expect(broker.cluster.topic('incr')?.configs).toEqual({
      'retention.ms': '1000',
      'segment.bytes': '2097152',
      'cleanup.policy': 'delete,compact',
    });
    res = await alter([
      { name: 'cleanup.policy', configOperation: 3, value: 'delete' },
      { name: 'retention.ms', configOperation: 1, value: null },
    ]);
    expect(res.responses[0]?.errorCode).toBe(ErrorCode.NONE);
    expect(broker.cluster.topic('incr')?.configs).toEqual({
      'segment.bytes': '2097152',
      'cleanup.policy': 'compact',
    });
    expect(broker.cluster.partition('incr', 0)?.log.config.cleanupPolicy).toEqual(['compact']);

    res = await alter([{ name: 'retention.ms', configOperation: 2, value: '5' }]);
    expect(res.responses[0]?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(res.responses[0]?.errorMessage).toContain('retention.ms');
    res = await alter([{ name: 'segment.bytes', configOperation: 0, value: 'big' }]);
    expect(res.responses[0]?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(res.responses[0]?.errorMessage).toContain('segment.bytes');
    res = await alter([{ name: 'segment.bytes', configOperation: 9, value: '1' }]);
    expect(res.responses[0]?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    res = await alter([{ name: 'segment.ms', configOperation: 0, value: '1000' }], true);
    expect(res.responses[0]?.errorCode).toBe(ErrorCode.NONE);
    expect(broker.cluster.topic('incr')?.configs).toEqual({
      'segment.bytes': '2097152',
      'cleanup.policy': 'compact',
    });

    const brokerRes = await raw.request(ApiKey.IncrementalAlterConfigs, 0, {
      resources: [
        {
          resourceType: BROKER,
          resourceName: '0',
          configs: [{ name: 'num.partitions', configOperation: 0, value: '2' }],
        },
      ],
      validateOnly: false,
    });
    expect(brokerRes.responses[0]?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('deletes records: the low watermark moves and fetching below it is out of range', async () => {
    await admin.createTopics({ topics: [{ topic: 'trim', numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'trim',
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })),
    });
    await producer.disconnect();

    // kafkajs looks partition leaders up in its metadata cache; fetchTopicOffsets fills it for 'trim'.
    expect(await admin.fetchTopicOffsets('trim')).toEqual([
      { partition: 0, offset: '10', high: '10', low: '0' },
    ]);
    await admin.deleteTopicRecords({ topic: 'trim', partitions: [{ partition: 0, offset: '4' }] });
    expect(await admin.fetchTopicOffsets('trim')).toEqual([
      { partition: 0, offset: '10', high: '10', low: '4' },
    ]);

    const below = await raw.request(ApiKey.Fetch, 11, fetchAt('trim', 2));
    expect(below.responses[0]?.partitions[0]?.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const at = await raw.request(ApiKey.Fetch, 11, fetchAt('trim', 4));
    expect(at.responses[0]?.partitions[0]?.errorCode).toBe(ErrorCode.NONE);
    expect(at.responses[0]?.partitions[0]?.logStartOffset).toBe(4n);

    const res = await raw.request(ApiKey.DeleteRecords, 2, {
      topics: [
        {
          name: 'trim',
          partitions: [
            { partitionIndex: 0, offset: 2n },
            { partitionIndex: 1, offset: 0n },
          ],
        },
      ],
      timeoutMs: 5000,
    });
    // Below the current low watermark: nothing changes, the low watermark is reported.
    expect(res.topics[0]?.partitions[0]).toMatchObject({ lowWatermark: 4n, errorCode: ErrorCode.NONE });
    expect(res.topics[0]?.partitions[1]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

    const beyond = await raw.request(ApiKey.DeleteRecords, 1, {
      topics: [{ name: 'trim', partitions: [{ partitionIndex: 0, offset: 11n }] }],
      timeoutMs: 5000,
    });
    expect(beyond.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);

    const all = await raw.request(ApiKey.DeleteRecords, 0, {
      topics: [{ name: 'trim', partitions: [{ partitionIndex: 0, offset: -1n }] }],
      timeoutMs: 5000,
    });
    expect(all.topics[0]?.partitions[0]).toMatchObject({ lowWatermark: 10n, errorCode: ErrorCode.NONE });
    expect(await admin.fetchTopicOffsets('trim')).toEqual([
      { partition: 0, offset: '10', high: '10', low: '10' },
    ]);
  });

  it('advertises the admin version ranges that kafkajs, kafka-python, librdkafka and Java clients use', async () => {
    const res = await raw.request(ApiKey.ApiVersions, 3, {
      clientSoftwareName: 'kflow-test',
      clientSoftwareVersion: '1',
    });
    const ranges = new Map(res.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    expect(ranges.get(ApiKey.CreateTopics)).toEqual([0, 7]);
    expect(ranges.get(ApiKey.DeleteTopics)).toEqual([0, 6]);
    expect(ranges.get(ApiKey.DeleteRecords)).toEqual([0, 2]);
    expect(ranges.get(ApiKey.DescribeConfigs)).toEqual([0, 4]);
    expect(ranges.get(ApiKey.AlterConfigs)).toEqual([0, 2]);
    expect(ranges.get(ApiKey.CreatePartitions)).toEqual([0, 3]);
    expect(ranges.get(ApiKey.IncrementalAlterConfigs)).toEqual([0, 1]);
    expect(ranges.get(ApiKey.DescribeCluster)).toEqual([0, 1]);
  });

  it('describes the cluster', async () => {
    const res = await raw.request(ApiKey.DescribeCluster, 1, {
      includeClusterAuthorizedOperations: true,
      endpointType: 1,
    });
    expect(res.errorCode).toBe(ErrorCode.NONE);
    expect(res.clusterId).toBe(broker.cluster.clusterId);
    expect(res.controllerId).toBe(0);
    expect(res.brokers).toEqual([
      { brokerId: 0, host: '127.0.0.1', port: broker.brokers[0]?.port, rack: null },
    ]);
    // CREATE(5) ALTER(7) DESCRIBE(8) CLUSTER_ACTION(9) DESCRIBE_CONFIGS(10) ALTER_CONFIGS(11) IDEMPOTENT_WRITE(12)
    expect(res.clusterAuthorizedOperations).toBe(0b1_1111_1010_0000);
    const controllers = await raw.request(ApiKey.DescribeCluster, 1, {
      includeClusterAuthorizedOperations: false,
      endpointType: 2,
    });
    expect(controllers.errorCode).toBe(ErrorCode.UNSUPPORTED_ENDPOINT_TYPE);
    const described = await admin.describeCluster();
    expect(described.brokers).toHaveLength(1);
  });
});

describe('admin APIs, three broker identities', () => {
  let broker: RunningBroker;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startBroker({ port: 0, brokers: 3 });
    admin = new Kafka({
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await broker.stop();
  });

  it('accepts replication factors up to the number of brokers', async () => {
    expect(
      await admin.createTopics({ topics: [{ topic: 'rf3', numPartitions: 2, replicationFactor: 3 }] }),
    ).toBe(true);
    expect(
      await errorTypes(admin.createTopics({ topics: [{ topic: 'rf4', replicationFactor: 4 }] })),
    ).toEqual(['INVALID_REPLICATION_FACTOR']);
  });

  it('honours the leader of each manual replica assignment', async () => {
    await admin.createTopics({
      topics: [
        {
          topic: 'placed',
          replicaAssignment: [
            { partition: 0, replicas: [2, 0] },
            { partition: 1, replicas: [2, 1] },
            { partition: 2, replicas: [1, 0] },
          ],
        },
      ],
    });
    const meta = await admin.fetchTopicMetadata({ topics: ['placed'] });
    const leaders = meta.topics[0]?.partitions
      .sort((a, b) => a.partitionId - b.partitionId)
      .map((p) => p.leader);
    expect(leaders).toEqual([2, 2, 1]);
    expect(
      await errorTypes(
        admin.createTopics({
          topics: [{ topic: 'misplaced', replicaAssignment: [{ partition: 0, replicas: [5] }] }],
        }),
      ),
    ).toEqual(['INVALID_REPLICA_ASSIGNMENT']);
  });

  it('describes every broker identity as a BROKER resource', async () => {
    const d = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: BROKER, name: '2' }],
    });
    const id = d.resources[0]?.configEntries.find((c) => c.configName === 'broker.id');
    expect(id?.configValue).toBe('2');
  });
});

describe('admin state across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kflow-admin-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps topics, partition counts and config overrides', async () => {
    let broker = await startBroker({ port: 0, dataDir });
    let admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'kept', numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        { topic: 'gone', numPartitions: 1 },
      ],
    });
    await admin.createPartitions({ topicPartitions: [{ topic: 'kept', count: 4 }] });
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: TOPIC,
          name: 'kept',
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: '3600000' },
          ],
        },
      ],
    });
    await admin.deleteTopics({ topics: ['gone'] });
    await admin.disconnect();
    await broker.stop();

    broker = await startBroker({ port: 0, dataDir });
    admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      expect(topics).toContain('kept');
      expect(topics).not.toContain('gone');
      const meta = await admin.fetchTopicMetadata({ topics: ['kept'] });
      expect(meta.topics[0]?.partitions).toHaveLength(4);
      const d = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: TOPIC, name: 'kept' }],
      });
      const entries = new Map(d.resources[0]?.configEntries.map((c) => [c.configName, c]));
      expect(entries.get('cleanup.policy')).toMatchObject({ configValue: 'compact', isDefault: false });
      expect(entries.get('retention.ms')).toMatchObject({ configValue: '3600000', isDefault: false });
      expect(entries.get('segment.bytes')?.isDefault).toBe(true);
    } finally {
      await admin.disconnect();
      await broker.stop();
    }
  });
});
