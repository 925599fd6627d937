/**
 * @module broker/topic-config
 * Topic configs by their Kafka names, with Kafka's defaults, and their mapping
 * onto the partition log's settings. DescribeConfigs lists exactly these.
 */
import { DEFAULT_LOG_CONFIG, type CleanupPolicy, type LogConfig } from './log/storage';

export interface TopicConfigDef {
  name: string;
  default: string;
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
    check: (v) =>
      v.split(',').every((p) => p.trim() === 'delete' || p.trim() === 'compact')
        ? undefined
        : 'must be delete, compact, or compact,delete',
    apply: (v, c) => (c.cleanupPolicy = v.split(',').map((p) => p.trim() as CleanupPolicy)),
  },
  { name: 'retention.ms', default: String(DEFAULT_LOG_CONFIG.retentionMs), check: int(-1), apply: (v, c) => (c.retentionMs = Number(v)) },
  { name: 'retention.bytes', default: '-1', check: int(-1), apply: (v, c) => (c.retentionBytes = Number(v)) },
  { name: 'segment.bytes', default: String(DEFAULT_LOG_CONFIG.segmentBytes), check: int(14), apply: (v, c) => (c.segmentBytes = Number(v)) },
  { name: 'segment.ms', default: String(DEFAULT_LOG_CONFIG.segmentMs), check: int(1), apply: (v, c) => (c.segmentMs = Number(v)) },
  { name: 'segment.index.bytes', default: '10485760', check: int(4) },
  { name: 'index.interval.bytes', default: '4096', check: int(0), apply: (v, c) => (c.indexIntervalBytes = Number(v)) },
  { name: 'delete.retention.ms', default: String(DEFAULT_LOG_CONFIG.deleteRetentionMs), check: int(0), apply: (v, c) => (c.deleteRetentionMs = Number(v)) },
  { name: 'min.compaction.lag.ms', default: '0', check: int(0) },
  { name: 'max.compaction.lag.ms', default: '9223372036854775807', check: int(1) },
  { name: 'min.cleanable.dirty.ratio', default: '0.5', check: (v) => (Number(v) >= 0 && Number(v) <= 1 ? undefined : 'must be between 0 and 1') },
  { name: 'flush.messages', default: '9223372036854775807', check: int(1), apply: (v, c) => (c.flushMessages = Math.min(Number(v), Number.MAX_SAFE_INTEGER)) },
  { name: 'flush.ms', default: '9223372036854775807', check: int(0), apply: (v, c) => (c.flushMs = Math.min(Number(v), Number.MAX_SAFE_INTEGER)) },
  { name: 'max.message.bytes', default: String(DEFAULT_LOG_CONFIG.maxMessageBytes), check: int(0), apply: (v, c) => (c.maxMessageBytes = Number(v)) },
  {
    name: 'message.timestamp.type',
    default: 'CreateTime',
    check: oneOf(['CreateTime', 'LogAppendTime']),
    apply: (v, c) => (c.messageTimestampType = v as 'CreateTime' | 'LogAppendTime'),
  },
  { name: 'compression.type', default: 'producer', check: oneOf(['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd']) },
  { name: 'min.insync.replicas', default: '1', check: int(1) },
  { name: 'unclean.leader.election.enable', default: 'false', check: oneOf(['true', 'false']) },
  { name: 'message.downconversion.enable', default: 'true', check: oneOf(['true', 'false']) },
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((c) => [c.name, c]));

export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return BY_NAME.get(name);
}

/** Checks a set of overrides; returns the first problem as `name: why`, or undefined. */
export function checkTopicConfigs(configs: Record<string, string>): string | undefined {
  for (const [name, value] of Object.entries(configs)) {
    const def = BY_NAME.get(name);
    if (!def) return `unknown topic config "${name}"`;
    const why = def.check(value);
    if (why) return `${name} ${why}`;
  }
  return undefined;
}

/** The log settings for a topic's overrides (defaults for everything else). */
export function logConfigFor(configs: Record<string, string>): LogConfig {
  const out: Partial<LogConfig> = {};
  for (const [name, value] of Object.entries(configs)) BY_NAME.get(name)?.apply?.(value, out);
  return { ...DEFAULT_LOG_CONFIG, ...out };
}
