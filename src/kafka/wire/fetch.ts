/**
 * @module kafka/wire/fetch
 * Reading partition ranges with Fetch. `decodeFetchedRecords` is pure: a partition's fetched
 * bytes → records in [from, to), keys, values and headers as views of the response (no copies),
 * control batches and (read_committed) aborted transactions left out, and the next offset to ask
 * for. `readPartitions` drives it: one Fetch per leader covering all of that leader's partitions,
 * the next request sent before the records of the last are handed over, so the broker works while
 * the caller does.
 */
import { ApiKey } from '../../protocol/generated/index';
import type { AbortedTransaction, FetchResponse } from '../../protocol/generated/fetch';
import { ZERO_UUID } from '../../protocol/reader';
import {
  ATTR_CONTROL,
  ATTR_TIMESTAMP_TYPE,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_BYTES,
  compressionOf,
  CorruptRecordError,
  scanBatches,
} from '../../protocol/records/batch';
import { decompress } from '../../protocol/records/compression';
import type { ConsumedRecord } from '../client';
import type { BrokerConnection } from './connection';
import { KafkaResponseError, LEADER_MOVED, WireConnectionError, WireError } from './errors';
import type { WireCluster } from './metadata';

export interface DecodeOptions {
  /** First offset wanted; records before it (a batch starts earlier) are skipped. */
  from: bigint;
  /** First offset not wanted; null for no bound. */
  to: bigint | null;
  readCommitted?: boolean;
  /** From the Fetch response, for read_committed. */
  abortedTransactions?: AbortedTransaction[] | null;
}

export interface DecodedPartition {
  records: ConsumedRecord[];
  /** The offset to fetch next: past the last whole batch seen (control batches included). */
  next: bigint;
  /** True when the bytes held no whole batch at all (the first batch is larger than the fetch size). */
  truncated: boolean;
}

// Zigzag varint reader over module state: no object per record.
let buf: Buffer = Buffer.alloc(0);
let pos = 0;
function varint(): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    const b = buf[pos++];
    if (b === undefined) throw new RangeError('varint runs past the end');
    result += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
    mul *= 128;
  }
  throw new RangeError('varint longer than 10 bytes');
}
function bytes(): Buffer | null {
  const len = varint();
  if (len < 0) return null;
  if (pos + len > buf.length) throw new RangeError(`a field of ${len} bytes runs past the end`);
  const out = buf.subarray(pos, pos + len);
  pos += len;
  return out;
}

/** Decodes one partition's fetched record batches (see the module). Throws CorruptRecordError. */
export function decodeFetchedRecords(
  topic: string,
  partition: number,
  data: Buffer | null,
  opts: DecodeOptions,
): DecodedPartition {
  const out: ConsumedRecord[] = [];
  let next = opts.from;
  if (data === null || data.length === 0) return { records: out, next, truncated: false };
  // A fetch may end in a partial batch (the size limit cut it): what comes before it is whole.
  const scan = scanBatches(data);
  if (scan.error && !(scan.error instanceof CorruptRecordError && scan.error.reason === 'torn'))
    throw scan.error;
  if (scan.batches.length === 0) return { records: out, next, truncated: scan.error !== undefined };
  const from = Number(opts.from);
  const to = opts.to === null ? Infinity : Number(opts.to);
  // read_committed: producers whose transaction aborted, entered at the transaction's first offset.
  const pendingAborts = opts.readCommitted
    ? [...(opts.abortedTransactions ?? [])].sort((a, b) => Number(a.firstOffset - b.firstOffset))
    : [];
  const aborting = new Set<number>();
  for (const b of scan.batches) {
    const last = b.baseOffset + b.lastOffsetDelta;
    if (last + 1 > Number(next)) next = BigInt(last + 1);
    while (pendingAborts.length > 0 && Number(pendingAborts[0]!.firstOffset) <= last)
      aborting.add(Number(pendingAborts.shift()!.producerId));
    if (b.attributes & ATTR_CONTROL) {
      // An ABORT marker ends the producer's aborted transaction.
      if (opts.readCommitted) aborting.delete(b.producerId);
      continue;
    }
    if (last < from || b.baseOffset >= to) continue;
    if (opts.readCommitted && b.attributes & ATTR_TRANSACTIONAL && aborting.has(b.producerId)) continue;
    const logAppend = (b.attributes & ATTR_TIMESTAMP_TYPE) !== 0;
    const baseTs = logAppend ? b.maxTimestamp : b.baseTimestamp;
    const codec = compressionOf(b.attributes);
    buf =
      codec === 0
        ? b.bytes.subarray(BATCH_HEADER_BYTES)
        : decompress(codec, b.bytes.subarray(BATCH_HEADER_BYTES));
    pos = 0;
    try {
      for (let i = 0; i < b.recordCount; i++) {
        const length = varint();
        const end = pos + length;
        pos++; // attributes: unused in v2
        const tsDelta = varint();
        const offset = b.baseOffset + varint();
        const key = bytes();
        const value = bytes();
        const headerCount = varint();
        const headers: ConsumedRecord['headers'] = {};
        for (let j = 0; j < headerCount; j++) {
          const hk = bytes();
          const name = hk === null ? '' : hk.toString('utf8');
          const hv = bytes() ?? Buffer.alloc(0);
          const prev = headers[name];
          headers[name] = prev === undefined ? hv : Array.isArray(prev) ? [...prev, hv] : [prev, hv];
        }
        if (pos !== end) throw new RangeError(`record ${i} has ${end - pos} stray bytes`);
        if (offset < from || offset >= to) continue;
        out.push({
          topic,
          partition,
          offset: BigInt(offset),
          timestamp: BigInt(logAppend ? baseTs : baseTs + tsDelta),
          key,
          value,
          headers,
        });
      }
    } catch (err) {
      if (err instanceof RangeError)
        throw new CorruptRecordError(
          b.position,
          'bad-records',
          `batch at offset ${b.baseOffset}: ${err.message}`,
        );
      throw err;
    }
  }
  return { records: out, next, truncated: false };
}

export interface PartitionRange {
  partition: number;
  from: bigint;
  /** Exclusive; null to follow the partition until stopped. */
  to: bigint | null;
}

export interface FetchedBatch {
  topic: string;
  partition: number;
  highWatermark: bigint;
  records: ConsumedRecord[];
  /** Where this partition's reading continues. */
  next: bigint;
}

export interface ReadPartitionsOptions {
  topic: string;
  ranges: PartitionRange[];
  isolation?: 'read_committed' | 'read_uncommitted';
  /** Per request (default 16 MB) and per partition (default 1 MB: larger fetches cost more in copies and page faults than they save in round trips). */
  maxBytes?: number;
  partitionMaxBytes?: number;
  /** How long the broker may wait for new records when there are none (default 500 ms). */
  maxWaitMs?: number;
  signal?: AbortSignal;
  /**
   * Each fetched partition's records (possibly none), one call at a time across partitions;
   * returning false stops the read.
   */
  onBatch: (batch: FetchedBatch) => void | boolean | Promise<void | boolean>;
}

const MAX_RETRIES = 5;

/**
 * Records of a bounded range were deleted (retention, DeleteRecords) before they were read: the
 * read cannot deliver what it was asked for, so it fails rather than returning a silent gap.
 */
export class RecordsDeletedError extends WireError {
  override name = 'RecordsDeletedError';
  constructor(
    broker: string,
    readonly topic: string,
    readonly partition: number,
    /** The first offset not read. */
    readonly position: bigint,
    /** Where the log now starts: [position, logStart) are gone. */
    readonly logStart: bigint,
  ) {
    super(
      `${topic}[${partition}]: offsets ${position} to ${logStart - 1n} were deleted (retention or DeleteRecords) before they were read; the log now starts at ${logStart}`,
      broker,
    );
  }
}

/**
 * Reads every range to its end (or until stopped, aborted, or, for open ranges, forever).
 * Follows leader moves; a broker that stays away fails the read with a WireConnectionError.
 */
export async function readPartitions(cluster: WireCluster, opts: ReadPartitionsOptions): Promise<void> {
  const position = new Map(opts.ranges.map((r) => [r.partition, r.from]));
  const stopAt = new Map(opts.ranges.map((r) => [r.partition, r.to]));
  const open = new Set(opts.ranges.filter((r) => r.to === null || r.from < r.to).map((r) => r.partition));
  let stopped = false;
  // Handler calls are serialized across leaders: callers need not be re-entrant.
  let handing: Promise<unknown> = Promise.resolve();
  const hand = (batches: FetchedBatch[]) => {
    const run = handing.then(async () => {
      for (const b of batches) {
        if (stopped) return;
        if ((await opts.onBatch(b)) === false) stopped = true;
      }
    });
    handing = run.catch(() => undefined);
    return run;
  };
  const aborted = new Promise<void>((resolve) => {
    if (opts.signal?.aborted) resolve();
    opts.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  opts.signal?.addEventListener('abort', () => (stopped = true), { once: true });
  if (opts.signal?.aborted) return;

  const fetchFrom = (conn: BrokerConnection, partitions: number[]) => {
    const maxWaitMs = opts.maxWaitMs ?? 500;
    return conn.request(
      ApiKey.Fetch,
      {
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1n },
        maxWaitMs,
        minBytes: 1,
        maxBytes: opts.maxBytes ?? 16 << 20,
        isolationLevel: opts.isolation === 'read_committed' ? 1 : 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: opts.topic,
            topicId: ZERO_UUID,
            partitions: partitions.map((p) => ({
              partition: p,
              currentLeaderEpoch: -1,
              fetchOffset: position.get(p)!,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: opts.partitionMaxBytes ?? 1 << 20,
              replicaDirectoryId: ZERO_UUID,
            })),
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      },
      undefined,
      maxWaitMs,
    );
  };

  /** Reads the partitions `leader` leads until they are done; 'moved' when leadership changed. */
  const leaderLoop = async (leader: number, partitions: number[]): Promise<'done' | 'moved'> => {
    const conn = await cluster.connection(leader);
    let mine = partitions.filter((p) => open.has(p));
    let inflight: Promise<FetchResponse> | undefined = fetchFrom(conn, mine);
    while (inflight) {
      const res = await Promise.race([inflight, aborted.then(() => undefined)]);
      if (res === undefined || stopped) {
        inflight.catch(() => undefined);
        return 'done';
      }
      let moved = false;
      const batches: FetchedBatch[] = [];
      for (const t of res.responses)
        for (const p of t.partitions) {
          const partition = p.partitionIndex;
          if (p.errorCode !== 0) {
            if (LEADER_MOVED.has(p.errorCode)) {
              moved = true;
              continue;
            }
            // Records deleted by retention since the range was planned: a bounded range cannot be
            // delivered whole, so it fails; a followed one continues at the log start.
            if (p.errorCode === 1 && p.logStartOffset > position.get(partition)!) {
              if ((stopAt.get(partition) ?? null) !== null)
                throw new RecordsDeletedError(
                  conn.address,
                  opts.topic,
                  partition,
                  position.get(partition)!,
                  p.logStartOffset,
                );
              position.set(partition, p.logStartOffset);
              // The caller's position moves past the gap too.
              batches.push({
                topic: opts.topic,
                partition,
                highWatermark: p.highWatermark,
                records: [],
                next: p.logStartOffset,
              });
              moved = true;
              continue;
            }
            throw new KafkaResponseError(conn.address, 'Fetch', p.errorCode, opts.topic, partition);
          }
          const from = position.get(partition)!;
          const to = stopAt.get(partition) ?? null;
          const d = decodeFetchedRecords(opts.topic, partition, p.records, {
            from,
            to,
            readCommitted: opts.isolation === 'read_committed',
            abortedTransactions: p.abortedTransactions,
          });
          if (d.truncated)
            throw new WireError(
              `${opts.topic}[${partition}] at offset ${from}: a record batch is larger than the fetch size`,
              conn.address,
            );
          position.set(partition, d.next);
          if (to !== null && d.next >= to) open.delete(partition);
          if (d.records.length > 0 || d.next !== from)
            batches.push({
              topic: opts.topic,
              partition,
              highWatermark: p.highWatermark,
              records: d.records,
              next: d.next,
            });
        }
      mine = mine.filter((p) => open.has(p));
      inflight = !moved && !stopped && mine.length > 0 ? fetchFrom(conn, mine) : undefined;
      // A failure of the request sent ahead surfaces when it is awaited, not as an unhandled rejection.
      inflight?.catch(() => undefined);
      await hand(batches);
      if (moved) return 'moved';
      if (stopped) return 'done';
    }
    return 'done';
  };

  let failures = 0;
  while (open.size > 0 && !stopped) {
    const byLeader = new Map<number, number[]>();
    try {
      const infos = await cluster.partitions(opts.topic);
      for (const p of open) {
        const info = infos.find((x) => x.partition === p);
        if (!info) throw new KafkaResponseError('-', 'Metadata', 3, opts.topic, p);
        byLeader.set(info.leader, [...(byLeader.get(info.leader) ?? []), p]);
      }
      const results = await Promise.all([...byLeader].map(([leader, ps]) => leaderLoop(leader, ps)));
      if (results.includes('moved')) {
        cluster.forget(opts.topic);
        await new Promise((r) => setTimeout(r, 100));
      } else failures = 0;
    } catch (err) {
      // OFFSET_OUT_OF_RANGE (1) for a position the listed offsets said exists: a broker that has
      // not caught up with what it acknowledged; asking again shortly succeeds.
      const retriable =
        !(err instanceof RecordsDeletedError) &&
        ((err instanceof WireConnectionError && err.reason !== 'tls') ||
          (err instanceof KafkaResponseError && (LEADER_MOVED.has(err.errorCode) || err.errorCode === 1)));
      if (!retriable || ++failures > MAX_RETRIES || stopped) {
        stopped = true;
        throw err;
      }
      cluster.forget(opts.topic);
      await new Promise((r) => setTimeout(r, 200 * failures));
    }
  }
  await handing;
}
