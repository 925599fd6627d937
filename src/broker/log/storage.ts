// The contract between the broker's request handlers and partition storage. Two implementations:
// FileLog (partition-log.ts, durable segments on disk) and MemoryLog (memory-log.ts, unit tests).
//
// Offsets, timestamps and producer ids are JS numbers (see records/batch.ts).

export type IsolationLevel = 'read_uncommitted' | 'read_committed';
export type CleanupPolicy = 'delete' | 'compact';

/** Topic-level settings, named after Kafka's topic configs; -1 means unlimited where Kafka says so. */
export interface LogConfig {
  /** segment.bytes: roll the active segment before it would grow past this. */
  segmentBytes: number;
  /** segment.ms: roll the active segment once its first batch is this old. */
  segmentMs: number;
  /** index.interval.bytes: bytes of log between two sparse offset/time index entries. */
  indexIntervalBytes: number;
  /** retention.ms: delete closed segments whose newest timestamp is older than this (-1: keep). */
  retentionMs: number;
  /** retention.bytes: delete oldest closed segments while the log exceeds this (-1: keep). */
  retentionBytes: number;
  /** cleanup.policy: 'delete', 'compact', or both. */
  cleanupPolicy: CleanupPolicy[];
  /** delete.retention.ms: how long a compacted topic keeps tombstones. */
  deleteRetentionMs: number;
  /** flush.messages: fsync after this many appended records (default: never, like Kafka). */
  flushMessages: number;
  /** flush.ms: fsync when the oldest unflushed append is this old (default: never). */
  flushMs: number;
  /** message.timestamp.type. */
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  /** max.message.bytes: the largest batch accepted. */
  maxMessageBytes: number;
}

export const DEFAULT_LOG_CONFIG: LogConfig = {
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 3600 * 1000,
  indexIntervalBytes: 4096,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  cleanupPolicy: ['delete'],
  deleteRetentionMs: 24 * 3600 * 1000,
  flushMessages: Number.MAX_SAFE_INTEGER,
  flushMs: Number.MAX_SAFE_INTEGER,
  messageTimestampType: 'CreateTime',
  maxMessageBytes: 1024 * 1024 + 12,
};

export interface AppendOptions {
  /** Written into every batch's partitionLeaderEpoch. */
  leaderEpoch?: number;
  /** Wall clock for LogAppendTime, segment.ms and flush.ms; defaults to Date.now(). */
  now?: number;
  /**
   * False for batches the broker itself writes (transaction markers from the coordinator); those
   * skip the idempotence sequence checks. Defaults to true.
   */
  fromClient?: boolean;
}

export interface AppendResult {
  /** Offset of the first record written (or of the original write, for a duplicate). */
  baseOffset: number;
  lastOffset: number;
  /** The broker's timestamp for LogAppendTime topics, -1 otherwise (ProduceResponse log_append_time_ms). */
  logAppendTime: number;
  logStartOffset: number;
  /** The batch was a retry of one already in the log; nothing was written. */
  duplicate: boolean;
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface AbortedTxnEntry extends AbortedTransaction {
  /** Offset of the ABORT marker. */
  lastOffset: number;
  /** The last stable offset right after the marker was written. */
  lastStableOffset: number;
}

export interface ReadOptions {
  isolation?: IsolationLevel;
  /** Return the first batch even when it is larger than maxBytes (Fetch v3+, KIP-74). Default true. */
  minOneBatch?: boolean;
}

export interface ReadResult {
  /**
   * Whole batches, as stored. The first may start before `fromOffset` (clients skip the records
   * below the offset they asked for), as Kafka does. Empty at the end of the log.
   */
  records: Buffer;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** Only for read_committed: aborted transactions overlapping the returned range. */
  abortedTransactions?: AbortedTransaction[];
}

export interface TimestampOffset {
  offset: number;
  timestamp: number;
}

/** One topic partition's log. Every method is synchronous: the broker calls them from its event loop. */
export interface PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly config: LogConfig;
  /** Validates (CRC, magic, sequence), assigns offsets by rewriting baseOffset in `batches` in place, writes. */
  append(batches: Buffer, opts?: AppendOptions): AppendResult;
  /** Reads whole batches starting at the batch containing `fromOffset`, up to `maxBytes`. */
  read(fromOffset: number, maxBytes: number, opts?: ReadOptions): ReadResult;
  /** First offset whose record timestamp is >= `timestamp` (ListOffsets), or null past the end. */
  offsetForTimestamp(timestamp: number): TimestampOffset | null;
  /** Offset and timestamp of the record with the largest timestamp (ListOffsets -3, KIP-734). */
  maxTimestampOffset(): TimestampOffset | null;
  /** Log start offset: the earliest offset a consumer may fetch (ListOffsets -2). */
  earliest(): number;
  /** Log end offset: the next offset to be assigned (ListOffsets -1 uses highWatermark()). */
  latest(): number;
  /** Offset below which everything is replicated: equals the log end offset on a single broker. */
  highWatermark(): number;
  /** First offset of the earliest open transaction, or the high watermark when none is open. */
  lastStableOffset(): number;
  /** Aborted transactions whose range overlaps [fromOffset, toOffset). */
  abortedTransactions(fromOffset: number, toOffset: number): AbortedTransaction[];
  /** DeleteRecords: advance the log start offset (never past the high watermark); returns the new one. */
  deleteRecordsBefore(offset: number): number;
  /** Drop every batch whose last offset is >= `offset` (the whole batch containing it goes). */
  truncateTo(offset: number): void;
  /** Apply retention.ms / retention.bytes / compaction as configured; returns bytes freed. */
  runMaintenance(now?: number): number;
  /** Replace the topic config (AlterConfigs); takes effect at the next append/maintenance. */
  updateConfig(config: Partial<LogConfig>): void;
  /** Bytes on disk (or in memory) for DescribeLogDirs. */
  sizeInBytes(): number;
  /** fsync everything written so far. */
  flush(): void;
  /** Flushes and releases file descriptors; marks a clean shutdown. */
  close(): void;
}

/** Failures carry where they happened, so the broker can log and map them to error codes. */
export class LogError extends Error {
  override name = 'LogError';
  constructor(
    message: string,
    readonly context: {
      topic?: string;
      partition?: number;
      offset?: number;
      file?: string;
      position?: number;
    } = {},
    options?: { cause?: unknown },
  ) {
    const where = Object.entries(context)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    super(where ? `${message} (${where})` : message, options);
  }
}

/** Fetch offset outside [logStartOffset, logEndOffset] (OFFSET_OUT_OF_RANGE). */
export class OffsetOutOfRangeError extends LogError {
  override name = 'OffsetOutOfRangeError';
}

/** A batch above max.message.bytes (MESSAGE_TOO_LARGE). */
export class RecordTooLargeError extends LogError {
  override name = 'RecordTooLargeError';
}

/** Sequence gap for an idempotent producer (OUT_OF_ORDER_SEQUENCE_NUMBER). */
export class OutOfOrderSequenceError extends LogError {
  override name = 'OutOfOrderSequenceError';
}

/** Producer epoch older than the one the log has seen (INVALID_PRODUCER_EPOCH / PRODUCER_FENCED). */
export class InvalidProducerEpochError extends LogError {
  override name = 'InvalidProducerEpochError';
}
