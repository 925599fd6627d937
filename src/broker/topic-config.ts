/**
 * @module broker/topic-config
 * Topic configs by their Kafka names, with Kafka's defaults, and their mapping
 * onto the partition log's settings. DescribeConfigs lists exactly these.
 */
import { DEFAULT_LOG_CONFIG, type CleanupPolicy, type LogConfig } from './log/storage';

/** Kafka's ConfigEntry.ConfigType codes, reported by DescribeConfigs v3+. */
export const ConfigType = {
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
} as const;
export type ConfigType = (typeof ConfigType)[keyof typeof ConfigType];

export interface TopicConfigDef {
  name: string;
  default: string;
  type: ConfigType;
  /** The broker-level config that sets this topic config's default (DescribeConfigs synonyms). */
  brokerSynonym: string;
  /** One line for DescribeConfigs v3+ documentation. */
  doc: string;
  /** Rejects a bad value with a message, or returns undefined. */
  check(value: string): string | undefined;
  apply?(value: string, into: Partial<LogConfig>): void;
  sensitive?: boolean;
}

const int = (min: number) => (v: string) =>
  /^-?\d+$/.test(v) && Number(v) >= min ? undefined : `must be a whole number ≥ ${min}`;
const oneOf = (values: string[]) => (v: string) =>
  values.includes(v) ? undefined : `must be one of ${values.join(', ')}`;

export const TOPIC_CONFIGS: TopicConfigDef[] = [
  {
    name: 'cleanup.policy',
    default: 'delete',
    type: ConfigType.LIST,
    brokerSynonym: 'log.cleanup.policy',
    doc: 'delete removes old segments by time or size; compact keeps the latest record per key; both may be listed.',
    check: (v) =>
      v.split(',').every((p) => p.trim() === 'delete' || p.trim() === 'compact')
        ? undefined
        : 'must be delete, compact, or compact,delete',
    apply: (v, c) => (c.cleanupPolicy = v.split(',').map((p) => p.trim() as CleanupPolicy)),
  },
  {
    name: 'retention.ms',
    default: String(DEFAULT_LOG_CONFIG.retentionMs),
    type: ConfigType.LONG,
    brokerSynonym: 'log.retention.ms',
    doc: 'How long a record is kept before its segment may be deleted; -1 keeps records forever.',
    check: int(-1),
    apply: (v, c) => (c.retentionMs = Number(v)),
  },
  {
    name: 'retention.bytes',
    default: '-1',
    type: ConfigType.LONG,
    brokerSynonym: 'log.retention.bytes',
    doc: 'Largest size a partition may grow to before old segments are deleted; -1 means no limit.',
    check: int(-1),
    apply: (v, c) => (c.retentionBytes = Number(v)),
  },
  {
    name: 'segment.bytes',
    default: String(DEFAULT_LOG_CONFIG.segmentBytes),
    type: ConfigType.INT,
    brokerSynonym: 'log.segment.bytes',
    doc: 'Size at which the active segment file is closed and a new one started.',
    check: int(14),
    apply: (v, c) => (c.segmentBytes = Number(v)),
  },
  {
    name: 'segment.ms',
    default: String(DEFAULT_LOG_CONFIG.segmentMs),
    type: ConfigType.LONG,
    brokerSynonym: 'log.roll.ms',
    doc: 'Age at which the active segment is rolled even if it is not full, so retention and compaction can act on it.',
    check: int(1),
    apply: (v, c) => (c.segmentMs = Number(v)),
  },
  {
    name: 'segment.index.bytes',
    default: '10485760',
    type: ConfigType.INT,
    brokerSynonym: 'log.index.size.max.bytes',
    doc: 'Size of the offset index preallocated per segment.',
    check: int(4),
  },
  {
    name: 'index.interval.bytes',
    default: '4096',
    type: ConfigType.INT,
    brokerSynonym: 'log.index.interval.bytes',
    doc: 'Bytes of records between two offset index entries.',
    check: int(0),
    apply: (v, c) => (c.indexIntervalBytes = Number(v)),
  },
  {
    name: 'delete.retention.ms',
    default: String(DEFAULT_LOG_CONFIG.deleteRetentionMs),
    type: ConfigType.LONG,
    brokerSynonym: 'log.cleaner.delete.retention.ms',
    doc: 'How long tombstones are kept in a compacted topic after compaction reaches them.',
    check: int(0),
    apply: (v, c) => (c.deleteRetentionMs = Number(v)),
  },
  {
    name: 'min.compaction.lag.ms',
    default: '0',
    type: ConfigType.LONG,
    brokerSynonym: 'log.cleaner.min.compaction.lag.ms',
    doc: 'Minimum age of a record before compaction may remove it.',
    check: int(0),
  },
  {
    name: 'max.compaction.lag.ms',
    default: '9223372036854775807',
    type: ConfigType.LONG,
    brokerSynonym: 'log.cleaner.max.compaction.lag.ms',
    doc: 'Maximum time a record may stay uncompacted.',
    check: int(1),
  },
  {
    name: 'min.cleanable.dirty.ratio',
    default: '0.5',
    type: ConfigType.DOUBLE,
    brokerSynonym: 'log.cleaner.min.cleanable.ratio',
    doc: 'Share of the log that must be uncompacted before compaction runs.',
    check: (v) =>
      /^\d*\.?\d+$/.test(v) && Number(v) >= 0 && Number(v) <= 1 ? undefined : 'must be between 0 and 1',
  },
  {
    name: 'flush.messages',
    default: '9223372036854775807',
    type: ConfigType.LONG,
    brokerSynonym: 'log.flush.interval.messages',
    doc: 'Records written between two fsyncs of the log.',
    check: int(1),
    apply: (v, c) => (c.flushMessages = Math.min(Number(v), Number.MAX_SAFE_INTEGER)),
  },
  {
    name: 'flush.ms',
    default: '9223372036854775807',
    type: ConfigType.LONG,
    brokerSynonym: 'log.flush.interval.ms',
    doc: 'Longest time written records may stay unsynced to disk.',
    check: int(0),
    apply: (v, c) => (c.flushMs = Math.min(Number(v), Number.MAX_SAFE_INTEGER)),
  },
  {
    name: 'max.message.bytes',
    default: String(DEFAULT_LOG_CONFIG.maxMessageBytes),
    type: ConfigType.INT,
    brokerSynonym: 'message.max.bytes',
    doc: 'Largest record batch the topic accepts, after compression.',
    check: int(0),
    apply: (v, c) => (c.maxMessageBytes = Number(v)),
  },
  {
    name: 'message.timestamp.type',
    default: 'CreateTime',
    type: ConfigType.STRING,
    brokerSynonym: 'log.message.timestamp.type',
    doc: "CreateTime keeps the producer's timestamps; LogAppendTime stamps records with the broker's clock.",
    check: oneOf(['CreateTime', 'LogAppendTime']),
    apply: (v, c) => (c.messageTimestampType = v as 'CreateTime' | 'LogAppendTime'),
  },
  {
    name: 'compression.type',
    default: 'producer',
    type: ConfigType.STRING,
    brokerSynonym: 'compression.type',
    doc: "Codec records are stored with; producer keeps the producer's choice.",
    check: oneOf(['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd']),
  },
  {
    name: 'min.insync.replicas',
    default: '1',
    type: ConfigType.INT,
    brokerSynonym: 'min.insync.replicas',
    doc: 'Replicas that must acknowledge an acks=all write (the embedded broker keeps one copy).',
    check: int(1),
  },
  {
    name: 'unclean.leader.election.enable',
    default: 'false',
    type: ConfigType.BOOLEAN,
    brokerSynonym: 'unclean.leader.election.enable',
    doc: 'Whether an out-of-sync replica may become leader (no effect with one copy of the data).',
    check: oneOf(['true', 'false']),
  },
  {
    name: 'message.downconversion.enable',
    default: 'true',
    type: ConfigType.BOOLEAN,
    brokerSynonym: 'log.message.downconversion.enable',
    doc: 'Whether records are converted for consumers of old Fetch versions.',
    check: oneOf(['true', 'false']),
  },
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((c) => [c.name, c]));

export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return BY_NAME.get(name);
}

/** Checks a set of overrides; returns the first problem as `name: why`, or undefined. */
export function checkTopicConfigs(configs: Record<string, string>): string | undefined {
  return badTopicConfig(configs)?.message;
}

/** The first invalid override, with the config's name and a message naming it. */
export function badTopicConfig(
  configs: Record<string, string>,
): { name: string; message: string } | undefined {
  for (const [name, value] of Object.entries(configs)) {
    const def = BY_NAME.get(name);
    if (!def) return { name, message: `unknown topic config "${name}"` };
    const why = def.check(value);
    if (why) return { name, message: `${name} ${why}` };
  }
  return undefined;
}

/** The log settings for a topic's overrides (defaults for everything else). */
export function logConfigFor(configs: Record<string, string>): LogConfig {
  const out: Partial<LogConfig> = {};
  for (const [name, value] of Object.entries(configs)) BY_NAME.get(name)?.apply?.(value, out);
  return { ...DEFAULT_LOG_CONFIG, ...out };
}

/** A rejected config change: `request` for a malformed request (INVALID_REQUEST), `config` for a bad name or value (INVALID_CONFIG). */
export class TopicConfigError extends Error {
  override name = 'TopicConfigError';
  constructor(
    readonly kind: 'request' | 'config',
    readonly config: string,
    message: string,
  ) {
    super(message);
  }
}

/** IncrementalAlterConfigs operation codes (Kafka's AlterConfigOp.OpType). */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface IncrementalConfigOp {
  name: string;
  op: number;
  value: string | null;
}

/**
 * Applies IncrementalAlterConfigs operations to a topic's overrides and returns
 * the new overrides; `current` is not modified. As in Kafka, APPEND and
 * SUBTRACT work on list configs only and start from the default when the
 * config has no override; a key may appear once per resource. The result is
 * validated as a whole, so a failed request changes nothing.
 */
export function applyIncrementalOps(
  current: Record<string, string>,
  ops: IncrementalConfigOp[],
): Record<string, string> {
  const next = { ...current };
  const seen = new Set<string>();
  for (const { name, op, value } of ops) {
    if (seen.has(name))
      throw new TopicConfigError('request', name, `config "${name}" appears more than once`);
    seen.add(name);
    const def = BY_NAME.get(name);
    if (!def) throw new TopicConfigError('config', name, `unknown topic config "${name}"`);
    switch (op) {
      case AlterConfigOp.SET:
        if (value === null)
          throw new TopicConfigError('config', name, `config "${name}" cannot be set to null`);
        next[name] = value;
        break;
      case AlterConfigOp.DELETE:
        delete next[name];
        break;
      case AlterConfigOp.APPEND:
      case AlterConfigOp.SUBTRACT: {
        if (def.type !== ConfigType.LIST) {
          throw new TopicConfigError(
            'config',
            name,
            `config "${name}" is not a list; APPEND and SUBTRACT apply to list configs only`,
          );
        }
        if (value === null)
          throw new TopicConfigError(
            'config',
            name,
            `config "${name}" needs a value to ${op === AlterConfigOp.APPEND ? 'append' : 'subtract'}`,
          );
        const items = splitList(next[name] ?? def.default);
        const given = splitList(value);
        const result =
          op === AlterConfigOp.APPEND
            ? [...items, ...given.filter((v) => !items.includes(v))]
            : items.filter((v) => !given.includes(v));
        next[name] = result.join(',');
        break;
      }
      default:
        throw new TopicConfigError('request', name, `unknown config operation ${op} for "${name}"`);
    }
  }
  const bad = badTopicConfig(next);
  if (bad) throw new TopicConfigError('config', bad.name, bad.message);
  return next;
}

function splitList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
