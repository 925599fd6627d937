/**
 * @module kafka/client
 * The seam between kflow (engine, topic inspector) and a Kafka client library. Callers see only
 * these types (offsets as bigint, payloads as Buffers); kafkajs is behind them today, so a faster
 * producer can replace it without touching callers.
 *
 * ```ts
 * const client = await connect(profile);               // resolves secrets, opens nothing yet
 * const t = await client.testConnection();              // { ok: false, error: ConnectionError } on failure
 * const producer = await client.producer({ compression: 'lz4' });
 * const [meta] = await producer.send([{ topic: 'orders', key: 'k', value: '{"n":1}' }]);
 * const consumer = await client.consumer({ groupId: 'g', isolation: 'read_committed' });
 * await consumer.subscribe(['orders']);
 * await consumer.run(async (batch, ctl) => { ...; });  // returning resolves the whole batch
 * await client.close();
 * ```
 */
// Before kafkajs loads: see the module.
import './kafkajs-grouping';
import type {
  Admin,
  Consumer as KjsConsumer,
  Kafka,
  KafkaConfig,
  Message,
  Producer as KjsProducer,
  RecordMetadata as KjsRecordMetadata,
  Transaction as KjsTransaction,
} from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { registerCodecs, kafkajsCompression, type CompressionName } from './codecs';
import { ConnectionError, toConnectionError } from './errors';
import { linearGrouping } from './kafkajs-grouping';
import { beforeRejoin } from './kafkajs-rebalance';
import { copartitionAssigner } from './kafkajs-assigner';
import { WireSeamProducer } from './wire-producer';
import { WireConsumer } from './wire/consumer';
import { WireClient, wireOptionsFrom } from './wire/index';
import { kafkajs } from './kafkajs-module';
import { kafkajsConfig, tlsOptions, type KafkajsConfigOptions } from './kafkajs-config';
import { probeBroker } from './probe';
import { envSecretResolver, type ConnectionProfile } from './profile';

// ---- types callers see ----

export type Bytes = Buffer | string;

export interface ProduceRecord {
  topic: string;
  /** Explicit partition; otherwise Kafka's default partitioner (murmur2 of the key, as Java). */
  partition?: number;
  key?: Bytes | null;
  value: Bytes | null;
  headers?: Record<string, Bytes>;
  /** Milliseconds since the epoch; the producer's clock when omitted. */
  timestamp?: number;
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1n with acks=0 (the broker does not answer). */
  offset: bigint;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[] | undefined>;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  highWatermark: bigint;
  records: ConsumedRecord[];
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read (Kafka's committed-offset convention). */
  offset: bigint;
}

export interface BatchControl {
  /** Marks records up to and including `offset` processed (what autoCommit or commit() commits). */
  resolve(offset: bigint): void;
  /** Commits this partition's resolved position now, whatever autoCommit says. */
  commit(): Promise<void>;
  heartbeat(): Promise<void>;
  /** false once the consumer stops; long handlers should check and return. */
  isRunning(): boolean;
  /** true when a seek or rebalance made the rest of this batch obsolete. */
  isStale(): boolean;
}

export type BatchHandler = (batch: ConsumedBatch, ctl: BatchControl) => Promise<void>;

export interface ProducerOptions {
  /**
   * At-least-once output, the fastest way there is: kflow's own wire producer (src/kafka/wire,
   * not idempotent, acks as below, a retry after a lost answer may write a batch twice) when the
   * connection allows it (plaintext, TLS, SASL PLAIN/SCRAM; not AWS IAM) and the environment does
   * not force kafkajs (KFLOW_KAFKA_CLIENT=kafkajs); otherwise kafkajs with the other options.
   * With a transactionalId: kflow's transactional wire producer (src/kafka/wire/transaction, its
   * offset commits carry the group generation so a zombie instance is fenced) on the same
   * connections; kafkajs' (unfenced: its TxnOffsetCommit has no generation) for AWS IAM or with
   * KFLOW_KAFKA_CLIENT=kafkajs.
   */
  fast?: boolean;
  /** Exactly-once per partition across retries (acks=all, one request in flight). */
  idempotent?: boolean;
  /** Enables transactions (implies idempotent). */
  transactionalId?: string;
  /** 0, 1 or -1 ("all"); -1 by default. */
  acks?: 0 | 1 | -1;
  compression?: CompressionName;
  /** How long enqueue() waits to gather a batch; 5 ms by default (Kafka 4's linger.ms). */
  lingerMs?: number;
  /**
   * Largest request payload: enqueue() sends once this many bytes are waiting, and
   * send() splits larger inputs. 512 KiB by default, below Kafka's default
   * max.message.bytes (1 MB), which a partition's batch must not exceed.
   */
  batchBytes?: number;
  /** Requests in flight per broker when not idempotent; 5 by default. */
  maxInFlight?: number;
  /** Transaction timeout (transaction.timeout.ms); 60 s by default. */
  transactionTimeoutMs?: number;
}

/** A group member's identity in its current generation (Java's consumer.groupMetadata()). */
export interface ConsumerGroupMetadata {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string;
}

export interface KafkaTransaction {
  send(records: ProduceRecord[]): Promise<RecordMetadata[]>;
  /** send() for callers that need no per-record offsets (no work per record after the ack). */
  write(records: ProduceRecord[]): Promise<void>;
  /**
   * Commits consumer offsets with the transaction (consume → transform → produce, exactly once).
   * With the consumer's group metadata the group refuses the commit of a member it has moved on
   * from (KIP-447: a ProducerFencedError); kafkajs cannot send it and ignores it.
   */
  sendOffsets(groupId: string, offsets: TopicPartitionOffset[], group?: ConsumerGroupMetadata): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface KafkaProducer {
  /** Sends `records` as one batch per partition; offsets in the order of `records`. */
  send(records: ProduceRecord[]): Promise<RecordMetadata[]>;
  /**
   * send() for callers that need no per-record offsets (the engine): resolves once every record
   * is acknowledged, in the same per-partition order, without building a result per record.
   */
  write(records: ProduceRecord[]): Promise<void>;
  /** Adds one record to the lingering batch (the fast path for record-at-a-time callers). */
  enqueue(record: ProduceRecord): Promise<RecordMetadata>;
  /** Sends what enqueue() gathered now. */
  flush(): Promise<void>;
  transaction(): Promise<KafkaTransaction>;
  close(): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  /**
   * Consume through kflow's own wire client (src/kafka/wire/consumer: the same group protocol and
   * assignor, fetches decoded without kafkajs) when the connection allows it (not AWS IAM) and the
   * environment does not force kafkajs (KFLOW_KAFKA_CLIENT=kafkajs); kafkajs otherwise.
   */
  fast?: boolean;
  /**
   * Called once when the consumer gives up after run() returned: a broker away for longer than
   * the retry bound, an authentication or protocol failure (wire consumer only; kafkajs restarts).
   */
  onError?: (err: Error) => void;
  /** read_committed hides aborted transactions and waits for open ones (the engine's default). */
  isolation: 'read_committed' | 'read_uncommitted';
  /** Where a group without a committed offset starts; the end by default (auto.offset.reset=latest). */
  fromBeginning?: boolean;
  /** Called with this member's partitions after each rebalance. */
  onRebalance?: (assigned: { topic: string; partitions: number[] }[]) => void;
  /**
   * Called when the group rebalances, before this member rejoins and so before any of its
   * partitions can go to another member (eager protocol: all of them are revoked, and those it
   * gets back arrive in onRebalance). The rebalance waits for it, up to the rebalance timeout:
   * the place to flush output and commit positions (onPartitionsRevoked in the Java client).
   * Batches in hand are finished first; none is handed out until the rejoin. Its errors are the
   * caller's to report: the member rejoins anyway.
   */
  onRevoke?: () => Promise<void>;
  /**
   * Groups of co-partitioned topics: partition P of every topic of a group goes to the same
   * member (kflow's assignor, src/kafka/kafkajs-assigner.ts, instead of kafkajs' round robin).
   */
  copartitioned?: string[][];
  /** Commit resolved offsets after each batch (default true); false leaves commits to ctl.commit(). */
  autoCommit?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits for minBytes; 500 ms by default. */
  maxWaitMs?: number;
  minBytes?: number;
  maxBytesPerPartition?: number;
  maxBytes?: number;
  /** Partitions whose batches are handled at once; 1 by default (batches in order). */
  concurrency?: number;
}

export interface KafkaConsumer {
  subscribe(topics: string[] | RegExp): Promise<void>;
  /** Starts the fetch loop (after subscribe); returns once running. */
  run(handler: BatchHandler): Promise<void>;
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  seek(topic: string, partition: number, offset: bigint): void;
  pause(topic: string, partitions?: number[]): void;
  resume(topic: string, partitions?: number[]): void;
  /**
   * This member's identity in its group (Java's consumer.groupMetadata()), for a transactional
   * producer's TxnOffsetCommit v3+ (KIP-447 fencing); undefined while not a member. Implemented by
   * the wire consumer.
   */
  groupMetadata?():
    { groupId: string; generationId: number; memberId: string; groupInstanceId?: string } | undefined;
  close(): Promise<void>;
}

export interface TopicSpec {
  name: string;
  partitions?: number;
  replicationFactor?: number;
  config?: Record<string, string>;
}

export interface TopicDescription {
  name: string;
  partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[];
}

export interface PartitionOffsets {
  partition: number;
  /** Log start offset. */
  low: bigint;
  /** High watermark (next offset to be written). */
  high: bigint;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: {
    memberId: string;
    clientId: string;
    host: string;
    /** Partitions the group leader assigned to this member (consumer groups only). */
    assignment: { topic: string; partitions: number[] }[];
  }[];
}

export interface GroupOffset {
  topic: string;
  partition: number;
  /** Committed offset, -1n when none. */
  offset: bigint;
  /** High watermark minus the committed offset (or minus the log start when none). */
  lag: bigint;
}

export interface ClusterInfo {
  clusterId: string;
  controller: number | null;
  brokers: { nodeId: number; host: string; port: number }[];
}

export interface KafkaAdmin {
  describeCluster(): Promise<ClusterInfo>;
  listTopics(): Promise<string[]>;
  describeTopics(topics?: string[]): Promise<TopicDescription[]>;
  createTopics(topics: TopicSpec[]): Promise<void>;
  deleteTopics(topics: string[]): Promise<void>;
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** Per partition, the first offset whose timestamp is at or after `timestamp` (ms). */
  offsetsForTime(topic: string, timestamp: number): Promise<{ partition: number; offset: bigint }[]>;
  listGroups(): Promise<{ groupId: string; protocolType: string }[]>;
  describeGroups(groupIds: string[]): Promise<GroupDescription[]>;
  groupOffsets(groupId: string, topics?: string[]): Promise<GroupOffset[]>;
  setGroupOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void>;
  resetGroupOffsets(groupId: string, topic: string, to: 'earliest' | 'latest'): Promise<void>;
  deleteGroups(groupIds: string[]): Promise<void>;
  /** A topic's configs as the broker reports them: value, default or not, source and synonyms. */
  describeTopicConfigs(topic: string): Promise<TopicConfigEntry[]>;
  /** Replaces the topic's overrides with `configs` (AlterConfigs); `validateOnly` changes nothing. */
  setTopicConfigs(
    topic: string,
    configs: Record<string, string>,
    opts?: { validateOnly?: boolean },
  ): Promise<void>;
  /** Raises a topic's partition count to `count` (Kafka only increases it). */
  createPartitions(topic: string, count: number): Promise<void>;
}

/** Kafka's config sources (DescribeConfigs v1+), by the names the Java admin uses. */
export const CONFIG_SOURCES = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
] as const;

export interface TopicConfigEntry {
  name: string;
  /** Null for a sensitive config. */
  value: string | null;
  isDefault: boolean;
  source: (typeof CONFIG_SOURCES)[number];
  readOnly: boolean;
  sensitive: boolean;
  synonyms: { name: string; value: string | null; source: (typeof CONFIG_SOURCES)[number] }[];
}

export type ConnectionTestResult =
  | { ok: true; brokers: ClusterInfo['brokers']; clusterId: string; ms: number }
  | { ok: false; error: ConnectionError; ms: number };

export interface KafkaClient {
  readonly profile: ConnectionProfile;
  /** One shared admin, connected on first use. */
  admin(): Promise<KafkaAdmin>;
  producer(opts?: ProducerOptions): Promise<KafkaProducer>;
  consumer(opts: ConsumerOptions): Promise<KafkaConsumer>;
  /** DNS → TCP → TLS per bootstrap broker, then SASL and a metadata request; answers within `timeoutMs`. */
  testConnection(opts?: { timeoutMs?: number }): Promise<ConnectionTestResult>;
  /**
   * kflow's own wire client (src/kafka/wire) on this client's resolved settings, made on first use
   * and shared by every caller until close(); undefined when the profile needs kafkajs (AWS IAM,
   * or KFLOW_KAFKA_CLIENT=kafkajs). Callers never close it themselves.
   */
  wire(): WireClient | undefined;
  close(): Promise<void>;
}

export type ConnectOptions = KafkajsConfigOptions;

// ---- implementation on kafkajs ----

/** Builds a client for `profile`: resolves secrets and reads PEM files now; connects lazily. */
export async function connect(profile: ConnectionProfile, opts: ConnectOptions = {}): Promise<KafkaClient> {
  registerCodecs();
  const config = await kafkajsConfig(profile, opts);
  return new KafkajsClient(profile, config, opts);
}

/** Runs kafkajs calls, turning connection-level failures into ConnectionError. */
async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = toConnectionError(err);
    // Kafka-level errors that are not about the connection (e.g. TOPIC_ALREADY_EXISTS) stay as they are.
    if (e.stage === 'protocol' && (err as { type?: string }).type !== undefined) throw err;
    throw e;
  }
}

class KafkajsClient implements KafkaClient {
  private readonly kafka: Kafka;
  private adminP: Promise<KafkajsAdmin> | undefined;
  private readonly closers = new Set<() => Promise<void>>();

  constructor(
    readonly profile: ConnectionProfile,
    private readonly config: KafkaConfig,
    private readonly opts: ConnectOptions,
  ) {
    this.kafka = new kafkajs.Kafka(config);
  }

  admin(): Promise<KafkaAdmin> {
    this.adminP ??= (async () => {
      const a = this.kafka.admin();
      await mapped(() => a.connect());
      this.closers.add(() => a.disconnect());
      return new KafkajsAdmin(a);
    })();
    // A failed connect is not cached: the next call tries again.
    this.adminP.catch(() => (this.adminP = undefined));
    return this.adminP;
  }

  async producer(opts: ProducerOptions = {}): Promise<KafkaProducer> {
    if (opts.fast === true && opts.transactionalId !== undefined) {
      const wire = this.wire();
      if (wire) {
        const p = new WireSeamProducer(wire, {
          transactionalId: opts.transactionalId,
          ...(opts.transactionTimeoutMs !== undefined
            ? { transactionTimeoutMs: opts.transactionTimeoutMs }
            : {}),
          ...(opts.compression !== undefined && opts.compression !== 'none'
            ? { compression: opts.compression }
            : {}),
          ...(opts.batchBytes !== undefined ? { batchBytes: opts.batchBytes } : {}),
        });
        await p.init();
        this.closers.add(() => p.close());
        return p;
      }
    }
    if (opts.fast === true && opts.transactionalId === undefined) {
      const wire = this.wire();
      if (wire) {
        const acks = opts.acks === 0 ? undefined : opts.acks;
        const p = new WireSeamProducer(wire, {
          ...(acks !== undefined ? { acks } : {}),
          ...(opts.compression !== undefined && opts.compression !== 'none'
            ? { compression: opts.compression }
            : {}),
          ...(opts.batchBytes !== undefined ? { batchBytes: opts.batchBytes } : {}),
          ...(opts.lingerMs !== undefined ? { lingerMs: opts.lingerMs } : {}),
        });
        this.closers.add(() => p.close());
        return p;
      }
    }
    const p = new KafkajsProducer(this.kafka, opts);
    await mapped(() => p.connect());
    this.closers.add(() => p.close());
    return p;
  }

  /** null once known that the profile needs kafkajs. */
  private wireShared: WireClient | null | undefined;

  wire(): WireClient | undefined {
    if (this.wireShared === undefined) {
      const o = wireOptionsFrom(this.profile, this.config);
      const w = o ? new WireClient(o) : null;
      this.wireShared = w;
      if (w) this.closers.add(async () => w.close());
    }
    return this.wireShared ?? undefined;
  }

  async consumer(opts: ConsumerOptions): Promise<KafkaConsumer> {
    const wire = opts.fast === true ? this.wire() : undefined;
    if (wire) {
      const w = new WireConsumer(wire, opts);
      this.closers.add(() => w.close());
      return w;
    }
    const c = new KafkajsConsumer(this.kafka, opts);
    await mapped(() => c.connect());
    this.closers.add(() => c.close());
    return c;
  }

  async testConnection(opts: { timeoutMs?: number } = {}): Promise<ConnectionTestResult> {
    const t0 = Date.now();
    const timeoutMs = opts.timeoutMs ?? 5000;
    const stageMs = Math.max(500, Math.floor(timeoutMs * 0.6));
    const done = (
      r:
        | { ok: true; brokers: ClusterInfo['brokers']; clusterId: string }
        | { ok: false; error: ConnectionError },
    ) => ({ ...r, ms: Date.now() - t0 }) as ConnectionTestResult;
    try {
      const tls =
        this.profile.tls === undefined
          ? undefined
          : await tlsOptions(this.profile.tls, this.opts.secrets ?? envSecretResolver(), this.opts.readFile);
      // Network stages for every bootstrap broker at once; one that answers is enough.
      const results = await Promise.allSettled(
        this.profile.bootstrap.map((b) => probeBroker(b, { timeoutMs: stageMs, ...(tls ? { tls } : {}) })),
      );
      if (!results.some((r) => r.status === 'fulfilled')) {
        const first = results[0] as PromiseRejectedResult;
        return done({ ok: false, error: toConnectionError(first.reason) });
      }
      // Kafka stages on a throwaway client without retries, so a wrong password fails at once.
      const remaining = Math.max(500, timeoutMs - (Date.now() - t0));
      const probe = new kafkajs.Kafka({
        ...this.config,
        retry: { retries: 0 },
        connectionTimeout: Math.min(this.config.connectionTimeout ?? 3000, remaining),
        authenticationTimeout: Math.min(this.config.authenticationTimeout ?? 3000, remaining),
        requestTimeout: remaining,
      });
      const admin = probe.admin();
      let timer: NodeJS.Timeout | undefined;
      try {
        const info = await Promise.race([
          (async () => {
            await admin.connect();
            const c = await admin.describeCluster();
            await admin.listTopics();
            return c;
          })(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () =>
                reject(
                  new ConnectionError(
                    'protocol',
                    `no answer from the cluster within ${timeoutMs} ms after connecting (a TLS listener reached without TLS?)`,
                  ),
                ),
              remaining,
            );
          }),
        ]);
        return done({ ok: true, brokers: info.brokers, clusterId: info.clusterId });
      } finally {
        clearTimeout(timer);
        await admin.disconnect().catch(() => undefined);
      }
    } catch (err) {
      return done({ ok: false, error: toConnectionError(err) });
    }
  }

  async close(): Promise<void> {
    const closers = [...this.closers];
    this.closers.clear();
    this.adminP = undefined;
    this.wireShared = undefined;
    await Promise.allSettled(closers.map((c) => c()));
  }
}

class KafkajsAdmin implements KafkaAdmin {
  constructor(private readonly a: Admin) {}

  describeCluster(): Promise<ClusterInfo> {
    return mapped(() => this.a.describeCluster());
  }

  listTopics(): Promise<string[]> {
    return mapped(() => this.a.listTopics());
  }

  async describeTopics(topics?: string[]): Promise<TopicDescription[]> {
    const r = await mapped(() => this.a.fetchTopicMetadata(topics ? { topics } : undefined));
    return r.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
        .sort((x, y) => x.partition - y.partition),
    }));
  }

  async createTopics(topics: TopicSpec[]): Promise<void> {
    await mapped(() =>
      this.a.createTopics({
        waitForLeaders: true,
        topics: topics.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions ?? -1,
          replicationFactor: t.replicationFactor ?? -1,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      }),
    );
  }

  async deleteTopics(topics: string[]): Promise<void> {
    await mapped(() => this.a.deleteTopics({ topics }));
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    const r = await mapped(() => this.a.fetchTopicOffsets(topic));
    return r
      .map((p) => ({ partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) }))
      .sort((x, y) => x.partition - y.partition);
  }

  async offsetsForTime(topic: string, timestamp: number): Promise<{ partition: number; offset: bigint }[]> {
    const r = await mapped(() => this.a.fetchTopicOffsetsByTimestamp(topic, timestamp));
    return r
      .map((p) => ({ partition: p.partition, offset: BigInt(p.offset) }))
      .sort((x, y) => x.partition - y.partition);
  }

  async listGroups(): Promise<{ groupId: string; protocolType: string }[]> {
    const r = await mapped(() => this.a.listGroups());
    return r.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType }));
  }

  async describeGroups(groupIds: string[]): Promise<GroupDescription[]> {
    const r = await mapped(() => this.a.describeGroups(groupIds));
    return r.groups.map((g) => ({
      groupId: g.groupId,
      state: g.state,
      protocolType: g.protocolType,
      protocol: g.protocol,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: decodeAssignment(g.protocolType, m.memberAssignment),
      })),
    }));
  }

  async groupOffsets(groupId: string, topics?: string[]): Promise<GroupOffset[]> {
    const committed = await mapped(() => this.a.fetchOffsets({ groupId, ...(topics ? { topics } : {}) }));
    const out: GroupOffset[] = [];
    for (const t of committed) {
      const ends = new Map((await this.topicOffsets(t.topic)).map((p) => [p.partition, p]));
      for (const p of t.partitions) {
        const offset = BigInt(p.offset);
        const end = ends.get(p.partition);
        const from = offset >= 0n ? offset : (end?.low ?? 0n);
        out.push({ topic: t.topic, partition: p.partition, offset, lag: end ? end.high - from : 0n });
      }
    }
    return out.sort((x, y) => x.topic.localeCompare(y.topic) || x.partition - y.partition);
  }

  async setGroupOffsets(groupId: string, offsets: TopicPartitionOffset[]): Promise<void> {
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const o of offsets) {
      const list = byTopic.get(o.topic) ?? [];
      list.push({ partition: o.partition, offset: o.offset.toString() });
      byTopic.set(o.topic, list);
    }
    for (const [topic, partitions] of byTopic)
      await mapped(() => this.a.setOffsets({ groupId, topic, partitions }));
  }

  async resetGroupOffsets(groupId: string, topic: string, to: 'earliest' | 'latest'): Promise<void> {
    await mapped(() => this.a.resetOffsets({ groupId, topic, earliest: to === 'earliest' }));
  }

  async deleteGroups(groupIds: string[]): Promise<void> {
    await mapped(() => this.a.deleteGroups(groupIds));
  }

  async describeTopicConfigs(topic: string): Promise<TopicConfigEntry[]> {
    const r = await mapped(() =>
      this.a.describeConfigs({
        includeSynonyms: true,
        resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic }],
      }),
    );
    const source = (n: number) => CONFIG_SOURCES[n] ?? 'UNKNOWN';
    return (r.resources[0]?.configEntries ?? [])
      .map((e) => ({
        name: e.configName,
        value: e.configValue,
        isDefault: e.isDefault,
        source: source(e.configSource),
        readOnly: e.readOnly,
        sensitive: e.isSensitive,
        synonyms: e.configSynonyms.map((y) => ({
          name: y.configName,
          value: y.configValue,
          source: source(y.configSource),
        })),
      }))
      .sort((x, y) => x.name.localeCompare(y.name));
  }

  async setTopicConfigs(
    topic: string,
    configs: Record<string, string>,
    opts: { validateOnly?: boolean } = {},
  ): Promise<void> {
    await mapped(() =>
      this.a.alterConfigs({
        validateOnly: opts.validateOnly ?? false,
        resources: [
          {
            type: kafkajs.ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
          },
        ],
      }),
    );
  }

  async createPartitions(topic: string, count: number): Promise<void> {
    await mapped(() => this.a.createPartitions({ topicPartitions: [{ topic, count }] }));
  }
}

/** A consumer member's assignment; empty for other protocols or bytes that do not decode. */
function decodeAssignment(protocolType: string, bytes: Buffer): { topic: string; partitions: number[] }[] {
  if (protocolType !== 'consumer' || bytes.length === 0) return [];
  try {
    const a = kafkajs.AssignerProtocol.MemberAssignment.decode(bytes);
    return Object.entries(a?.assignment ?? {})
      .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((x, y) => x - y) }))
      .sort((x, y) => x.topic.localeCompare(y.topic));
  } catch {
    return [];
  }
}

// ---- producer ----

// kafkajs writes strings into the request as UTF-8 itself: no Buffer per key, value or header.
// Empty headers stay out: kafkajs lists a message's header keys per record.
function toMessage(r: ProduceRecord): Message {
  const m: Message = { value: r.value };
  if (r.key !== undefined) m.key = r.key;
  if (r.partition !== undefined) m.partition = r.partition;
  if (r.headers !== undefined && !isEmpty(r.headers)) m.headers = r.headers;
  if (r.timestamp !== undefined) m.timestamp = String(r.timestamp);
  return m;
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

const DEFAULT_BATCH_BYTES = 512 * 1024;
/** Records per request when kafkajs groups them in quadratic time (see kafkajs-grouping). */
const QUADRATIC_GROUPING_MAX_RECORDS = 1000;

function byteLen(b: Bytes | null | undefined): number {
  return b == null ? 0 : typeof b === 'string' ? Buffer.byteLength(b) : b.length;
}

function approxBytes(r: ProduceRecord): number {
  let n = 32 + byteLen(r.key) + byteLen(r.value);
  const h = r.headers;
  if (h !== undefined) for (const k in h) n += k.length + byteLen(h[k]);
  return n;
}

/**
 * kafkajs picks a partition per message inside send and may pick again on a retry (round robin
 * for null keys). Remembering the first choice per message object keeps a retried record where it
 * was, and tells send() which partition each record went to, so per-record offsets can be derived
 * from each partition's base offset.
 */
function stickyPartitioner(chosen: WeakMap<Message, number>) {
  return () => {
    const inner = Partitioners.DefaultPartitioner();
    return (args: Parameters<ReturnType<typeof Partitioners.DefaultPartitioner>>[0]): number => {
      const prev = chosen.get(args.message);
      if (prev !== undefined && args.partitionMetadata.some((p) => p.partitionId === prev)) return prev;
      const p = inner(args);
      chosen.set(args.message, p);
      return p;
    };
  };
}

interface Pending {
  record: ProduceRecord;
  bytes: number;
  resolve: (m: RecordMetadata) => void;
  reject: (e: unknown) => void;
}

class KafkajsProducer implements KafkaProducer {
  private readonly p: KjsProducer;
  private readonly chosen = new WeakMap<Message, number>();
  private readonly acks: 0 | 1 | -1;
  private readonly compression;
  private readonly serial: boolean;
  // Idempotent producers number each partition's batches; kafkajs reads and advances the
  // sequence around each request, so two overlapping sends would reuse a number. Chain them.
  private tail: Promise<unknown> = Promise.resolve();
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    kafka: Kafka,
    private readonly opts: ProducerOptions,
  ) {
    const idempotent = opts.idempotent === true || opts.transactionalId !== undefined;
    this.serial = idempotent;
    this.acks = idempotent ? -1 : (opts.acks ?? -1);
    if (idempotent && opts.acks !== undefined && opts.acks !== -1)
      throw new Error('an idempotent or transactional producer needs acks=-1 (all)');
    this.compression = kafkajsCompression(opts.compression);
    this.p = kafka.producer({
      createPartitioner: stickyPartitioner(this.chosen),
      idempotent,
      ...(opts.transactionalId !== undefined ? { transactionalId: opts.transactionalId } : {}),
      transactionTimeout: opts.transactionTimeoutMs ?? 60_000,
      maxInFlightRequests: idempotent ? 1 : (opts.maxInFlight ?? 5),
      allowAutoTopicCreation: true,
    });
  }

  connect(): Promise<void> {
    return this.p.connect();
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.serial) return fn();
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  send(records: ProduceRecord[]): Promise<RecordMetadata[]> {
    return this.serialize(() => this.sendWith(records, this.sendBatch, true));
  }

  async write(records: ProduceRecord[]): Promise<void> {
    await this.serialize(() => this.sendWith(records, this.sendBatch, false));
  }

  private readonly sendBatch = (topicMessages: { topic: string; messages: Message[] }[]) =>
    this.p.sendBatch({ acks: this.acks, compression: this.compression, topicMessages });

  /** Sends `records`; with `meta` false resolves to [] (no result built per record). */
  private async sendWith(
    records: ProduceRecord[],
    sendBatch: (tm: { topic: string; messages: Message[] }[]) => Promise<KjsRecordMetadata[]>,
    meta: boolean,
  ): Promise<RecordMetadata[]> {
    if (records.length === 0) return [];
    // kafkajs puts a partition's records of one call into one batch, and a batch over the topic's
    // max.message.bytes is refused whole (MESSAGE_TOO_LARGE, retried forever by a consume-produce
    // loop): send large inputs as consecutive requests, which keeps per-partition order.
    const limit = this.opts.batchBytes ?? DEFAULT_BATCH_BYTES;
    let total = 0;
    let cut = 0;
    const maxRecords = linearGrouping ? Infinity : QUADRATIC_GROUPING_MAX_RECORDS;
    for (; cut < records.length; cut++) {
      total += approxBytes(records[cut] as ProduceRecord);
      if ((total > limit || cut >= maxRecords) && cut > 0) break;
    }
    if (cut < records.length) {
      const head = await this.sendWith(records.slice(0, cut), sendBatch, meta);
      return head.concat(await this.sendWith(records.slice(cut), sendBatch, meta));
    }
    const messages: Message[] = new Array<Message>(records.length);
    const byTopic = new Map<string, Message[]>();
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as ProduceRecord;
      const m = toMessage(r);
      messages[i] = m;
      const list = byTopic.get(r.topic);
      if (list) list.push(m);
      else byTopic.set(r.topic, [m]);
    }
    const topicMessages: { topic: string; messages: Message[] }[] = [];
    for (const [topic, msgs] of byTopic) topicMessages.push({ topic, messages: msgs });
    const result = await mapped(() => sendBatch(topicMessages));
    if (!meta) return [];
    const base = new Map<string, bigint>();
    for (const r of result)
      if (r.baseOffset !== undefined) base.set(`${r.topicName}\0${r.partition}`, BigInt(r.baseOffset));
    // Within a partition kafkajs keeps the records' order in one batch: offsets are consecutive.
    const next = new Map<string, bigint>();
    return records.map((r, i) => {
      const m = messages[i] as Message;
      const partition = r.partition ?? this.chosen.get(m) ?? -1;
      const k = `${r.topic}\0${partition}`;
      const b = base.get(k);
      if (b === undefined || this.acks === 0) return { topic: r.topic, partition, offset: -1n };
      const n = next.get(k) ?? b;
      next.set(k, n + 1n);
      return { topic: r.topic, partition, offset: n };
    });
  }

  enqueue(record: ProduceRecord): Promise<RecordMetadata> {
    return new Promise((resolve, reject) => {
      const bytes = approxBytes(record);
      this.pending.push({ record, bytes, resolve, reject });
      this.pendingBytes += bytes;
      if (this.pendingBytes >= (this.opts.batchBytes ?? DEFAULT_BATCH_BYTES)) {
        // Count afresh: the records so far are spoken for by the flush queued now.
        this.pendingBytes = 0;
        void this.flushOne();
      } else this.timer ??= setTimeout(() => void this.flushOne(), this.opts.lingerMs ?? 5);
    });
  }

  /**
   * One enqueue batch in flight at a time: a later batch could otherwise overtake an earlier one
   * on its way to the socket (kafkajs awaits metadata and connections before writing), breaking
   * per-partition order. Records enqueued meanwhile form the next, larger batch.
   */
  private flushOne(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.flushNow());
    return this.flushing;
  }

  /** Sends everything enqueued so far (in batches of at most batchBytes). */
  async flush(): Promise<void> {
    do await this.flushOne();
    while (this.pending.length > 0);
  }

  private async flushNow(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    // At most batchBytes per request; the rest waits for the flush queued behind this one.
    const limit = this.opts.batchBytes ?? DEFAULT_BATCH_BYTES;
    let n = 0;
    for (let bytes = 0; n < this.pending.length && (n === 0 || bytes + this.pending[n]!.bytes <= limit); n++)
      bytes += this.pending[n]!.bytes;
    const batch = this.pending.splice(0, n);
    this.pendingBytes = this.pending.reduce((sum, x) => sum + x.bytes, 0);
    if (this.pending.length > 0 && this.timer === undefined)
      this.timer = setTimeout(() => void this.flushOne(), this.opts.lingerMs ?? 5);
    try {
      const metas = await this.send(batch.map((x) => x.record));
      batch.forEach((x, i) => x.resolve(metas[i] as RecordMetadata));
    } catch (err) {
      for (const x of batch) x.reject(err);
    }
  }

  async transaction(): Promise<KafkaTransaction> {
    if (this.opts.transactionalId === undefined)
      throw new Error('transaction() needs a producer with a transactionalId');
    await this.flush();
    const tx: KjsTransaction = await mapped(() => this.p.transaction());
    const txSend = (topicMessages: { topic: string; messages: Message[] }[]) =>
      tx.sendBatch({ acks: -1, compression: this.compression, topicMessages });
    return {
      send: (records) => this.sendWith(records, txSend, true),
      write: async (records) => {
        await this.sendWith(records, txSend, false);
      },
      sendOffsets: async (groupId, offsets) => {
        const topics = new Map<string, { partition: number; offset: string }[]>();
        for (const o of offsets) {
          const list = topics.get(o.topic) ?? [];
          list.push({ partition: o.partition, offset: o.offset.toString() });
          topics.set(o.topic, list);
        }
        await mapped(() =>
          tx.sendOffsets({
            consumerGroupId: groupId,
            topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
          }),
        );
      },
      commit: () => mapped(() => tx.commit()),
      abort: () => mapped(() => tx.abort()),
    };
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.p.disconnect();
  }
}

// ---- consumer ----

/** Shared by every consumed record without headers (callers only read them). */
const NO_HEADERS: ConsumedRecord['headers'] = Object.freeze({});

class KafkajsConsumer implements KafkaConsumer {
  private readonly c: KjsConsumer;
  private readonly fromBeginning: boolean;
  private unhook: (() => void) | undefined;

  constructor(
    kafka: Kafka,
    private readonly opts: ConsumerOptions,
  ) {
    this.fromBeginning = opts.fromBeginning ?? false;
    this.c = kafka.consumer({
      groupId: opts.groupId,
      readUncommitted: opts.isolation === 'read_uncommitted',
      ...(opts.sessionTimeoutMs !== undefined ? { sessionTimeout: opts.sessionTimeoutMs } : {}),
      ...(opts.heartbeatIntervalMs !== undefined ? { heartbeatInterval: opts.heartbeatIntervalMs } : {}),
      // kafkajs waits up to 5 s for 1 byte by default; half a second keeps a pipeline's latency low
      // while a busy topic still fills large fetches.
      maxWaitTimeInMs: opts.maxWaitMs ?? 500,
      minBytes: opts.minBytes ?? 1,
      // Kafka's max.partition.fetch.bytes default. Against the embedded broker 4 MiB per partition
      // made kafkajs receive no batches at all (to be investigated on the broker side).
      maxBytesPerPartition: opts.maxBytesPerPartition ?? 1 << 20,
      maxBytes: opts.maxBytes ?? 20 << 20,
      allowAutoTopicCreation: false,
      ...(opts.copartitioned !== undefined
        ? { partitionAssigners: [copartitionAssigner(opts.copartitioned)] }
        : {}),
    });
    const onRevoke = opts.onRevoke;
    if (onRevoke) {
      // The member id is known from the first join on; a new one (after the coordinator forgot
      // this member) replaces it.
      this.c.on(this.c.events.GROUP_JOIN, (e) => {
        this.unhook?.();
        this.unhook = beforeRejoin(e.payload.memberId, onRevoke) || undefined;
      });
    }
    if (opts.onRebalance) {
      const cb = opts.onRebalance;
      this.c.on(this.c.events.GROUP_JOIN, (e) =>
        cb(
          Object.entries(e.payload.memberAssignment)
            .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
            .sort((a, b) => a.topic.localeCompare(b.topic)),
        ),
      );
    }
  }

  connect(): Promise<void> {
    return this.c.connect();
  }

  async subscribe(topics: string[] | RegExp): Promise<void> {
    await mapped(() =>
      this.c.subscribe({
        topics: Array.isArray(topics) ? topics : [topics],
        fromBeginning: this.fromBeginning,
      }),
    );
  }

  async run(handler: BatchHandler): Promise<void> {
    await mapped(() =>
      this.c.run({
        autoCommit: this.opts.autoCommit ?? true,
        eachBatchAutoResolve: true,
        partitionsConsumedConcurrently: this.opts.concurrency ?? 1,
        eachBatch: async ({
          batch,
          resolveOffset,
          heartbeat,
          isRunning,
          isStale,
          commitOffsetsIfNecessary,
        }) => {
          const { topic, partition } = batch;
          let resolved: bigint | undefined;
          const messages = batch.messages;
          const records: ConsumedRecord[] = new Array<ConsumedRecord>(messages.length);
          for (let i = 0; i < messages.length; i++) {
            const m = messages[i] as (typeof messages)[number];
            records[i] = {
              topic,
              partition,
              offset: BigInt(m.offset),
              timestamp: BigInt(m.timestamp),
              key: m.key ?? null,
              value: m.value ?? null,
              headers: (m.headers ?? NO_HEADERS) as ConsumedRecord['headers'],
            };
          }
          await handler(
            { topic, partition, highWatermark: BigInt(batch.highWatermark), records },
            {
              resolve: (offset) => {
                resolved = offset;
                resolveOffset(offset.toString());
              },
              commit: async () => {
                const last = resolved;
                if (last === undefined) return;
                await commitOffsetsIfNecessary({
                  topics: [{ topic, partitions: [{ partition, offset: (last + 1n).toString() }] }],
                });
              },
              heartbeat: () => heartbeat(),
              isRunning,
              isStale,
            },
          );
        },
      }),
    );
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    await mapped(() =>
      this.c.commitOffsets(
        offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset.toString() })),
      ),
    );
  }

  seek(topic: string, partition: number, offset: bigint): void {
    this.c.seek({ topic, partition, offset: offset.toString() });
  }

  pause(topic: string, partitions?: number[]): void {
    this.c.pause([{ topic, ...(partitions ? { partitions } : {}) }]);
  }

  resume(topic: string, partitions?: number[]): void {
    this.c.resume([{ topic, ...(partitions ? { partitions } : {}) }]);
  }

  async close(): Promise<void> {
    this.unhook?.();
    this.unhook = undefined;
    await this.c.disconnect();
  }
}
