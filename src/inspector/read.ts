/**
 * @module inspector/read
 * Reads a topic from chosen positions, one partition or all, without committing anything: the
 * engine behind tail, search and export. Each read uses a throwaway consumer group that is
 * deleted afterwards; records a fetch delivers before the seeks apply are skipped by offset, so
 * a record is never handed over twice.
 */
import { randomUUID } from 'node:crypto';
import type { ConsumedRecord, KafkaAdmin, KafkaClient, KafkaConsumer } from '../kafka/client';
import { WireProtocolError } from '../kafka/wire/index';
import { compileFilter } from './filter';

export { compileFilter, FilterError } from './filter';

/** Where reading starts in each partition. */
export type StartAt =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  /** An absolute offset, clamped to the partition's [log start, end]. */
  | { kind: 'offset'; offset: bigint }
  /** The last `count` records of each partition. */
  | { kind: 'last'; count: bigint }
  /** The first record at or after this time (epoch ms), by the broker's time index. */
  | { kind: 'time'; ms: number };

/** Where reading stops in each partition (exclusive). */
export type StopAt =
  /** The end of the log when the read starts: later records are not waited for. */
  | { kind: 'end' }
  | { kind: 'offset'; offset: bigint }
  /** Records before this time (epoch ms); the broker's time index decides the offset. */
  | { kind: 'time'; ms: number }
  /** Never: follow the topic until cancelled. */
  | { kind: 'never' };

export interface PartitionRange {
  partition: number;
  /** First offset to read. */
  from: bigint;
  /** First offset not to read; null when following. */
  to: bigint | null;
}

export interface ReadProgress {
  /** Records read (before filtering). */
  scanned: number;
  /** Records that passed the filter. */
  matched: number;
  /** Records in the planned ranges (null when following). */
  total: number | null;
  partitions: { partition: number; position: bigint; to: bigint | null }[];
}

export interface ReadOptions {
  topic: string;
  /** Partitions to read; all by default. */
  partitions?: number[];
  from?: StartAt;
  to?: StopAt;
  /** Records that pass are handed to onRecord; an expression over the JSON value and _key, _timestamp... */
  filter?: string;
  /** Stop after this many records passed the filter. */
  limit?: number;
  signal?: AbortSignal;
  /** Called with each batch of records that passed the filter, in offset order per partition. */
  onRecords: (records: ConsumedRecord[]) => void | Promise<void>;
  onProgress?: (p: ReadProgress) => void;
  /** read_uncommitted by default: a debugging tool shows what is in the log. */
  isolation?: 'read_committed' | 'read_uncommitted';
  /** 'auto' (default): the wire client when it serves the connection; 'kafkajs' forces kafkajs. */
  client?: 'auto' | 'kafkajs';
}

export interface ReadResult {
  scanned: number;
  matched: number;
  /** Why the read ended. */
  reason: 'end' | 'limit' | 'cancelled';
  ranges: PartitionRange[];
}

// Long enough that a loaded machine's slow fetches are not taken for the end of a range.
const IDLE_END_MS = 30_000;
/** Records per hand-over from the wire reader (about what kafkajs brings per batch). */
const HANDOVER_RECORDS = 2048;

async function partitionsOf(admin: KafkaAdmin, topic: string) {
  const offsets = await admin.topicOffsets(topic);
  if (offsets.length === 0) throw new Error(`topic "${topic}" does not exist`);
  return offsets;
}

/** Resolves the start and stop offsets of every partition to read. */
export async function planRanges(
  admin: KafkaAdmin,
  topic: string,
  from: StartAt,
  to: StopAt,
  partitions?: number[],
): Promise<PartitionRange[]> {
  const offsets = await partitionsOf(admin, topic);
  const chosen = partitions ? offsets.filter((p) => partitions.includes(p.partition)) : offsets;
  const missing = (partitions ?? []).filter((p) => !offsets.some((o) => o.partition === p));
  if (missing.length > 0)
    throw new Error(`topic "${topic}" has no partition ${missing.join(', ')} (it has ${offsets.length})`);
  const byTime = async (ms: number) =>
    new Map((await admin.offsetsForTime(topic, ms)).map((x) => [x.partition, x.offset]));
  const startTimes = from.kind === 'time' ? await byTime(from.ms) : undefined;
  const stopTimes = to.kind === 'time' ? await byTime(to.ms) : undefined;
  const clamp = (x: bigint, low: bigint, high: bigint) => (x < low ? low : x > high ? high : x);
  return chosen.map(({ partition, low, high }) => {
    let start: bigint;
    switch (from.kind) {
      case 'earliest':
        start = low;
        break;
      case 'latest':
        start = high;
        break;
      case 'offset':
        start = clamp(from.offset, low, high);
        break;
      case 'last':
        start = clamp(high - from.count, low, high);
        break;
      case 'time': {
        // No record at or after the time: the end of the log.
        const o = startTimes!.get(partition) ?? -1n;
        start = o < 0n ? high : clamp(o, low, high);
        break;
      }
    }
    let stop: bigint | null;
    switch (to.kind) {
      case 'end':
        stop = high;
        break;
      case 'never':
        stop = null;
        break;
      case 'offset':
        stop = clamp(to.offset, low, high);
        break;
      case 'time': {
        const o = stopTimes!.get(partition) ?? -1n;
        stop = o < 0n ? high : clamp(o, low, high);
        break;
      }
    }
    return { partition, from: start, to: stop === null ? null : stop < start ? start : stop };
  });
}

/**
 * Reads the planned ranges. Resolves when every bounded partition reached its stop offset, the
 * limit was met, or `signal` aborted; the consumer is closed in every case. The wire client
 * (src/kafka/wire) reads when it can serve the connection (everything but AWS IAM); kafkajs
 * otherwise, or when `client: 'kafkajs'` or KFLOW_KAFKA_CLIENT=kafkajs asks for it.
 */
export async function readTopic(client: KafkaClient, opts: ReadOptions): Promise<ReadResult> {
  const admin = await client.admin();
  const ranges = await planRanges(
    admin,
    opts.topic,
    opts.from ?? { kind: 'earliest' },
    opts.to ?? { kind: 'end' },
    opts.partitions,
  );
  const filter = opts.filter ? compileFilter(opts.filter) : undefined;
  const next = new Map(ranges.map((r) => [r.partition, r.from]));
  const stopAt = new Map(ranges.map((r) => [r.partition, r.to]));
  const open = new Set(ranges.filter((r) => r.to === null || r.from < r.to).map((r) => r.partition));
  const total = ranges.some((r) => r.to === null)
    ? null
    : ranges.reduce((n, r) => n + Number((r.to ?? r.from) - r.from), 0);
  let scanned = 0;
  let matched = 0;
  let reason: ReadResult['reason'] = 'end';
  let finished = false;
  const progress = () =>
    opts.onProgress?.({
      scanned,
      matched,
      total,
      partitions: ranges.map((r) => ({ partition: r.partition, position: next.get(r.partition)!, to: r.to })),
    });
  const result = (reason: ReadResult['reason']): ReadResult => ({ scanned, matched, reason, ranges });
  if (opts.signal?.aborted) return result('cancelled');
  if (open.size === 0) {
    progress();
    return result('end');
  }

  /**
   * One partition's records, in offset order: cut to the range, filtered, counted, handed over.
   * `after` is where the partition continues when every record was taken (past control records,
   * when the reader knows it). Returns false once the read is finished.
   */
  const take = async (p: number, recs: ConsumedRecord[], after?: bigint): Promise<boolean> => {
    if (finished || !open.has(p)) return !finished;
    let pos = next.get(p)!;
    const stop = stopAt.get(p) ?? null;
    // Offsets rise within a batch: cut what lies before the position or at the stop once,
    // rather than comparing every record's offset.
    let first = 0;
    while (first < recs.length && recs[first]!.offset < pos) first++;
    let end = recs.length;
    if (stop !== null) while (end > first && recs[end - 1]!.offset >= stop) end--;
    let passed: ConsumedRecord[];
    if (!filter) {
      if (opts.limit !== undefined && end - first >= opts.limit - matched) {
        end = first + (opts.limit - matched);
        reason = 'limit';
        finished = true;
      }
      passed = first === 0 && end === recs.length ? recs : recs.slice(first, end);
      scanned += passed.length;
      matched += passed.length;
      if (end > first) pos = recs[end - 1]!.offset + 1n;
    } else {
      passed = [];
      for (let i = first; i < end; i++) {
        const r = recs[i]!;
        pos = r.offset + 1n;
        scanned++;
        if (!filter(r)) continue;
        passed.push(r);
        matched++;
        if (opts.limit !== undefined && matched >= opts.limit) {
          reason = 'limit';
          finished = true;
          break;
        }
      }
    }
    if (!finished && after !== undefined && after > pos) pos = stop !== null && after > stop ? stop : after;
    next.set(p, pos);
    if (passed.length > 0) await opts.onRecords(passed);
    if (stop !== null && pos >= stop) open.delete(p);
    progress();
    if (open.size === 0) finished = true;
    return !finished;
  };

  // The client's own wire client, shared by every read and closed with the client.
  const wire = opts.client === 'kafkajs' ? undefined : client.wire();
  if (wire) {
    let handed = false;
    try {
      await wire.read({
        topic: opts.topic,
        ranges: ranges.filter((r) => open.has(r.partition)),
        isolation: opts.isolation ?? 'read_uncommitted',
        ...(opts.signal ? { signal: opts.signal } : {}),
        onBatch: async (b) => {
          handed = true;
          // A fetch brings megabytes: hand them over in slices, so progress moves and a cancel
          // lands between slices rather than after the whole fetch.
          const recs = b.records;
          for (let at = 0; at < recs.length || at === 0; at += HANDOVER_RECORDS) {
            if (opts.signal?.aborted) return false;
            const end = at + HANDOVER_RECORDS;
            const slice = at === 0 && end >= recs.length ? recs : recs.slice(at, end);
            if (!(await take(b.partition, slice, end >= recs.length ? b.next : undefined))) return false;
          }
          return true;
        },
      });
      return result(opts.signal?.aborted && !finished ? 'cancelled' : reason);
    } catch (err) {
      // A broker the wire client cannot talk to (no common API version): kafkajs may.
      if (handed || !(err instanceof WireProtocolError)) throw err;
    }
  }
  return readWithKafkajs(client, admin, opts, ranges, take, () => {
    finished = true;
    return finished;
  }).then((r) => result(r === 'cancelled' ? 'cancelled' : reason));
}

/** The kafkajs path: a throwaway group, seeks to the ranges, pauses partitions as they end. */
async function readWithKafkajs(
  client: KafkaClient,
  admin: KafkaAdmin,
  opts: ReadOptions,
  ranges: PartitionRange[],
  take: (p: number, recs: ConsumedRecord[]) => Promise<boolean>,
  finishAll: () => boolean,
): Promise<'done' | 'cancelled'> {
  const open = new Set(ranges.filter((r) => r.to === null || r.from < r.to).map((r) => r.partition));
  const bounded = !ranges.some((r) => r.to === null);
  const groupId = `kflow-inspect-${randomUUID()}`;
  let consumer: KafkaConsumer | undefined;
  let outcome: 'done' | 'cancelled' = 'done';
  let finish!: () => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const onAbort = () => {
    outcome = 'cancelled';
    finishAll();
    finish();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    consumer = await client.consumer({
      groupId,
      isolation: opts.isolation ?? 'read_uncommitted',
      fromBeginning: true,
      autoCommit: false,
      maxWaitMs: 200,
      // Large fetches: a scan is throughput-bound.
      maxBytes: 50 << 20,
    });
    await consumer.subscribe([opts.topic]);
    let lastBatch = 0;
    let over = false;
    const c = consumer;
    await c
      .run(async (batch, ctl) => {
        lastBatch = Date.now();
        if (over || !open.has(batch.partition)) return;
        const more = await take(batch.partition, batch.records);
        lastBatch = Date.now();
        const stop = ranges.find((r) => r.partition === batch.partition)?.to ?? null;
        const last = batch.records[batch.records.length - 1];
        if (stop !== null && last !== undefined && last.offset + 1n >= stop) {
          open.delete(batch.partition);
          c.pause(opts.topic, [batch.partition]);
        }
        if (!more || open.size === 0 || !ctl.isRunning()) {
          over = true;
          finish();
        }
      })
      .catch(fail);
    // The group is new, so the member starts at the log start; move each partition to its range.
    for (const r of ranges) {
      if (open.has(r.partition)) c.seek(opts.topic, r.partition, r.from);
    }
    const all = (await admin.topicOffsets(opts.topic)).map((x) => x.partition);
    const skip = all.filter((x) => !open.has(x));
    if (skip.length > 0) c.pause(opts.topic, skip);
    // kafkajs never hands over control records, so a range ending in a transaction marker would
    // wait forever for its last offset: a bounded read that saw nothing for a while is complete.
    const idle = setInterval(() => {
      if (bounded && lastBatch > 0 && Date.now() - lastBatch > IDLE_END_MS) finish();
    }, 500);
    try {
      await done;
    } finally {
      clearInterval(idle);
    }
    return outcome;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await consumer?.close().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}
