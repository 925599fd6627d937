/**
 * @module broker/cluster
 * The state every handler shares: broker identities, topics and their
 * partition logs, and the append notifications Fetch long-polls wait on. Topic
 * metadata (ids, partition counts, config overrides) is kept in
 * `<dataDir>/kflow-meta.json` so a restart finds the same topics.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { BrokerOptions } from './config';
import { LogManager } from './log/log-manager';
import type { PartitionLog } from './log/storage';
import { FileGroupStore } from './groups/store';
import { GroupCoordinator } from './groups/coordinator';
import { ErrorCode } from '../protocol/errors';
import { checkTopicConfigs, logConfigFor } from './topic-config';
import { TransactionCoordinator } from './txn/coordinator';
import { FileTxnStore } from './txn/store';

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionState {
  topic: string;
  partition: number;
  log: PartitionLog;
  /** Node id of the broker identity that leads this partition. */
  leader: number;
  leaderEpoch: number;
}

export interface TopicState {
  name: string;
  /** Kafka's topic id: 22 characters of URL-safe base64 of 16 random bytes. */
  id: string;
  partitions: PartitionState[];
  /** Config overrides by Kafka name; defaults are in topic-config.ts. */
  configs: Record<string, string>;
  internal: boolean;
}

/** A failure to report in a response's error code, with a message for error_message fields. */
export class KafkaApiError extends Error {
  override name = 'KafkaApiError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

interface MetaFile {
  clusterId: string;
  topics: { name: string; id: string; partitions: number; configs: Record<string, string> }[];
}

export class Cluster {
  readonly topics = new Map<string, TopicState>();
  readonly nodes: BrokerNode[] = [];
  readonly controllerId = 0;
  readonly clusterId: string;
  /** Emits `append` with (topic, partition) after every write, for Fetch long polls. */
  readonly events = new EventEmitter();
  private readonly metaFile: string;
  /** Producer ids, transactions and their markers (InitProducerId, AddPartitionsToTxn, EndTxn, ...). */
  readonly txns: TransactionCoordinator;
  /** Consumer groups and committed offsets (JoinGroup ... OffsetCommit), kept under `<dataDir>/groups`. */
  readonly groups: GroupCoordinator;

  constructor(
    readonly options: BrokerOptions & { dataDir: string },
    readonly logs: LogManager,
    readonly logger: Logger,
  ) {
    this.events.setMaxListeners(0);
    this.metaFile = path.join(options.dataDir, 'kflow-meta.json');
    const meta = this.readMeta();
    this.clusterId = options.clusterId ?? meta?.clusterId ?? topicId();
    for (const t of meta?.topics ?? []) this.openTopic(t.name, t.id, t.partitions, t.configs);
    const groupLogger = logger.child({ component: 'groups' });
    this.groups = new GroupCoordinator({
      store: new FileGroupStore(path.join(options.dataDir, 'groups'), {
        warn: (msg, ctx) => groupLogger.warn(ctx, msg),
      }),
      initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs,
      logger: groupLogger,
    });
    this.txns = new TransactionCoordinator({
      store: new FileTxnStore(options.dataDir),
      partition: (topic, partition) => this.partition(topic, partition),
      notifyAppend: (topic, partition) => this.notifyAppend(topic, partition),
      groups: () => this.groups,
      logger: logger.child({ component: 'txn' }),
    });
    // Aborts what the last run left Ongoing; the markers are written before this returns.
    this.txns
      .recover()
      .catch((err: unknown) => logger.error({ err: (err as Error).message }, 'transaction recovery failed'));
    this.txns.start();
  }

  topic(name: string): TopicState | undefined {
    return this.topics.get(name);
  }

  topicById(id: string): TopicState | undefined {
    for (const t of this.topics.values()) if (t.id === id) return t;
    return undefined;
  }

  partition(topic: string, partition: number): PartitionState | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  /** Validates a topic name as Kafka does; returns why it is invalid, or undefined. */
  static invalidTopicName(name: string): string | undefined {
    if (name === '.' || name === '..') return 'a topic cannot be named "." or ".."';
    if (!TOPIC_NAME.test(name)) return `topic name "${name}" must be 1-249 characters of [a-zA-Z0-9._-]`;
    return undefined;
  }

  /** Creates a topic; throws KafkaApiError with Kafka's code when it cannot. */
  createTopic(
    name: string,
    partitions: number,
    configs: Record<string, string> = {},
    validateOnly = false,
  ): TopicState | undefined {
    const bad = Cluster.invalidTopicName(name);
    if (bad) throw new KafkaApiError(ErrorCode.INVALID_TOPIC_EXCEPTION, bad);
    if (this.topics.has(name))
      throw new KafkaApiError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic "${name}" already exists`);
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 100_000) {
      throw new KafkaApiError(
        ErrorCode.INVALID_PARTITIONS,
        `partition count ${partitions} must be between 1 and 100000`,
      );
    }
    const why = checkTopicConfigs(configs);
    if (why) throw new KafkaApiError(ErrorCode.INVALID_CONFIG, why);
    if (validateOnly) return undefined;
    const topic = this.openTopic(name, topicId(), partitions, configs);
    this.writeMeta();
    this.logger.info({ topic: name, partitions }, 'topic created');
    return topic;
  }

  deleteTopic(name: string): void {
    const topic = this.topics.get(name);
    if (!topic)
      throw new KafkaApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${name}" does not exist`);
    this.topics.delete(name);
    for (const p of topic.partitions) this.logs.delete(name, p.partition);
    this.writeMeta();
    this.logger.info({ topic: name }, 'topic deleted');
  }

  addPartitions(name: string, count: number, validateOnly = false): void {
    const topic = this.topics.get(name);
    if (!topic)
      throw new KafkaApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${name}" does not exist`);
    if (count <= topic.partitions.length) {
      throw new KafkaApiError(
        ErrorCode.INVALID_PARTITIONS,
        `topic "${name}" has ${topic.partitions.length} partitions; the new count must be larger, not ${count}`,
      );
    }
    if (validateOnly) return;
    for (let p = topic.partitions.length; p < count; p++) topic.partitions.push(this.openPartition(topic, p));
    this.writeMeta();
  }

  /** Replaces a topic's config overrides (AlterConfigs semantics) and applies them to its logs. */
  setTopicConfigs(name: string, configs: Record<string, string>, validateOnly = false): void {
    const topic = this.topics.get(name);
    if (!topic)
      throw new KafkaApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${name}" does not exist`);
    const why = checkTopicConfigs(configs);
    if (why) throw new KafkaApiError(ErrorCode.INVALID_CONFIG, why);
    if (validateOnly) return;
    topic.configs = { ...configs };
    const logConfig = logConfigFor(topic.configs);
    for (const p of topic.partitions) p.log.updateConfig(logConfig);
    this.writeMeta();
  }

  /** The topic, created with defaults when auto-creation is on; undefined otherwise. */
  topicOrAutoCreate(name: string): TopicState | undefined {
    const existing = this.topics.get(name);
    if (existing || !this.options.autoCreateTopics || Cluster.invalidTopicName(name)) return existing;
    return this.createTopic(name, this.options.defaultPartitions);
  }

  /** Moves a partition's leadership to another broker identity (tests use it to prove clients follow). */
  moveLeader(topic: string, partition: number, nodeId: number): void {
    const p = this.partition(topic, partition);
    if (!p) throw new Error(`no partition ${topic}-${partition}`);
    if (!this.nodes.some((n) => n.nodeId === nodeId)) throw new Error(`no broker ${nodeId}`);
    p.leader = nodeId;
    p.leaderEpoch++;
  }

  notifyAppend(topic: string, partition: number): void {
    this.events.emit('append', topic, partition);
  }

  close(): void {
    this.txns.close();
    this.groups.close();
    for (const t of this.topics.values()) for (const p of t.partitions) p.log.close();
  }

  private openTopic(
    name: string,
    id: string,
    partitions: number,
    configs: Record<string, string>,
  ): TopicState {
    const topic: TopicState = {
      name,
      id,
      partitions: [],
      configs: { ...configs },
      internal: name.startsWith('__'),
    };
    this.topics.set(name, topic);
    for (let p = 0; p < partitions; p++) topic.partitions.push(this.openPartition(topic, p));
    return topic;
  }

  private openPartition(topic: TopicState, partition: number): PartitionState {
    const log = this.logs.open(topic.name, partition, logConfigFor(topic.configs));
    const count = Math.max(1, this.options.brokers);
    return { topic: topic.name, partition, log, leader: partition % count, leaderEpoch: 0 };
  }

  private readMeta(): MetaFile | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.metaFile, 'utf8')) as MetaFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`cannot read broker metadata ${this.metaFile}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      return undefined;
    }
  }

  /** Written to a temporary file and renamed, so a crash leaves the old or the new file, never half of one. */
  private writeMeta(): void {
    const meta: MetaFile = {
      clusterId: this.clusterId,
      topics: [...this.topics.values()].map((t) => ({
        name: t.name,
        id: t.id,
        partitions: t.partitions.length,
        configs: t.configs,
      })),
    };
    const tmp = `${this.metaFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(meta, null, 1));
    fs.renameSync(tmp, this.metaFile);
  }
}

function topicId(): string {
  return randomBytes(16).toString('base64url');
}
