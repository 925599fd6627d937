/**
 * @module inspector/redrive
 * Dead-letter redrive: moves records from a dead-letter topic back to the topic they came from
 * (the `kflow-source-topic` header the engine writes), after the fix that makes them pass.
 *
 * Planning is pure (selectRecords, dispositionOf, redriveRecord, tally); the I/O around it reads
 * the dead-letter topic with readTopic, produces, and remembers how far it got in a consumer
 * group (`kflow-redrive.<dead-letter topic>`), committed only after the broker acknowledged the
 * records of a chunk, so a second redrive starts after what the first one moved. The position
 * marks how far redrive has looked: records the selection left out lie behind it, and a later
 * `from: 'earliest'` with a selection that picks them moves them.
 */
import type { ConsumedRecord, KafkaAdmin, KafkaClient, KafkaProducer, ProduceRecord } from '../kafka/client';
import { DLQ_HEADER_NAMES, DLQ_HEADERS } from '../spec/dead-letter';
import { compileFilter } from './filter';
import { readTopic } from './read';

/** A redrive request that cannot run: a missing topic, a bad filter, a bad offset. */
export class RedriveInputError extends Error {
  override name = 'RedriveInputError';
}

/** Which dead letters to move; every given matcher must hold. */
export interface RedriveSelection {
  /** A kflow expression over the value, with `_key`, `_headers` (the error and source included). */
  filter?: string;
  /** The original topic, exactly. */
  sourceTopic?: string;
  /** The pipeline node that failed, exactly. */
  node?: string;
  /** Text the error message contains. */
  error?: string;
}

/** Why a matching dead letter cannot go back. */
export type SkipReason = 'no-source-topic' | 'unknown-topic';

export type Disposition =
  | { kind: 'unmatched' }
  | { kind: 'move'; target: string }
  | { kind: 'skip'; reason: SkipReason; sourceTopic: string | null };

export interface RedriveSample {
  partition: number;
  offset: string;
  /** The key as text (UTF-8), null when none. */
  key: string | null;
  error: string | null;
  node: string | null;
}

export interface RedriveTopicCount {
  /** Where the records go: the original topic, or the `to` override. */
  topic: string;
  count: number;
  /** The first records, with their error. */
  samples: RedriveSample[];
}

export interface RedriveSkipped {
  partition: number;
  offset: string;
  reason: SkipReason;
  sourceTopic: string | null;
}

export interface RedriveReport {
  deadLetterTopic: string;
  dryRun: boolean;
  /** The consumer group holding how far redrive has looked. */
  group: string;
  /** Dead letters read. */
  scanned: number;
  /** Matching dead letters that go (or would go) back, per target topic, in the order first seen. */
  byTopic: RedriveTopicCount[];
  /** Records produced and acknowledged (0 in a dry run). */
  moved: number;
  /** Matching dead letters that cannot go back: count and the first few. */
  skipped: { count: number; first: RedriveSkipped[] };
  /** Why the run ended. */
  reason: 'end' | 'limit' | 'cancelled';
  /** Where each partition started. */
  started: { partition: number; offset: string }[];
  /** The committed position after the run (where the next redrive starts); in a dry run, unchanged. */
  position: { partition: number; offset: string }[];
}

export interface RedriveProgress {
  scanned: number;
  /** Records in the ranges to read. */
  total: number;
  matched: number;
  moved: number;
  skipped: number;
}

export interface RedriveOptions {
  /** The dead-letter topic. */
  topic: string;
  selection?: RedriveSelection;
  /** Produce every record to this topic instead of its original one. */
  to?: string;
  /** Count and sample only: nothing is produced or committed. */
  dryRun?: boolean;
  /** Stop after this many matching records (moved or skipped). */
  limit?: number;
  /** 'committed' (default): after what earlier redrives handled; 'earliest': the whole topic; or an offset. */
  from?: 'committed' | 'earliest' | { offset: bigint };
  /** Samples kept per target topic (5) and skipped records listed (10). */
  samples?: number;
  signal?: AbortSignal;
  onProgress?: (p: RedriveProgress) => void;
}

/** The group that remembers a dead-letter topic's redrive position. */
export const redriveGroup = (deadLetterTopic: string) => `kflow-redrive.${deadLetterTopic}`;

/** A header's last value as text, null when absent. */
export function headerText(r: ConsumedRecord, name: string): string | null {
  const v = r.headers[name];
  if (v === undefined) return null;
  const b = Array.isArray(v) ? v[v.length - 1] : v;
  return b === undefined ? null : b.toString('utf8');
}

/** Compiles a selection into a predicate; a filter that does not parse is a RedriveInputError. */
export function selectRecords(sel: RedriveSelection = {}): (r: ConsumedRecord) => boolean {
  let filter: ((r: ConsumedRecord) => boolean) | undefined;
  if (sel.filter !== undefined && sel.filter.trim() !== '') {
    try {
      filter = compileFilter(sel.filter);
    } catch (err) {
      throw new RedriveInputError((err as Error).message);
    }
  }
  return (r) => {
    if (sel.sourceTopic !== undefined && headerText(r, DLQ_HEADERS.topic) !== sel.sourceTopic) return false;
    if (sel.node !== undefined && headerText(r, DLQ_HEADERS.node) !== sel.node) return false;
    if (sel.error !== undefined && !(headerText(r, DLQ_HEADERS.error) ?? '').includes(sel.error))
      return false;
    return filter ? filter(r) : true;
  };
}

/**
 * Where a dead letter goes: nowhere when it does not match; the `to` topic, or the topic its
 * source header names when that topic exists; otherwise it is skipped with the reason.
 */
export function dispositionOf(
  r: ConsumedRecord,
  matches: boolean,
  existing: ReadonlySet<string>,
  to?: string,
): Disposition {
  if (!matches) return { kind: 'unmatched' };
  if (to !== undefined) return { kind: 'move', target: to };
  const source = headerText(r, DLQ_HEADERS.topic);
  if (source === null || source === '') return { kind: 'skip', reason: 'no-source-topic', sourceTopic: null };
  if (!existing.has(source)) return { kind: 'skip', reason: 'unknown-topic', sourceTopic: source };
  return { kind: 'move', target: source };
}

/**
 * The record as it goes back: key, value and timestamp as they were, the headers without kflow's
 * dead-letter headers. It goes to its original partition when it returns to its own topic and that
 * partition exists (the order it had there), by key otherwise.
 */
export function redriveRecord(r: ConsumedRecord, target: string, targetPartitions: number): ProduceRecord {
  const strip = new Set(DLQ_HEADER_NAMES);
  const headers: Record<string, Buffer | Buffer[]> = {};
  let any = false;
  for (const [k, v] of Object.entries(r.headers)) {
    if (v === undefined || strip.has(k)) continue;
    headers[k] = v;
    any = true;
  }
  const p: ProduceRecord = { topic: target, key: r.key, value: r.value, timestamp: Number(r.timestamp) };
  // A repeated header name is a list; the seam passes lists through to the client unchanged.
  if (any) p.headers = headers as Record<string, Buffer>;
  const source = headerText(r, DLQ_HEADERS.topic);
  const part = Number(headerText(r, DLQ_HEADERS.partition));
  if (source === target && Number.isInteger(part) && part >= 0 && part < targetPartitions) p.partition = part;
  return p;
}

/** An empty report to tally into. */
export function emptyReport(deadLetterTopic: string, dryRun: boolean): RedriveReport {
  return {
    deadLetterTopic,
    dryRun,
    group: redriveGroup(deadLetterTopic),
    scanned: 0,
    byTopic: [],
    moved: 0,
    skipped: { count: 0, first: [] },
    reason: 'end',
    started: [],
    position: [],
  };
}

/** Counts one dead letter into the report, keeping the first `samples` per topic (2x for skipped). */
export function tally(report: RedriveReport, r: ConsumedRecord, d: Disposition, samples: number): void {
  report.scanned++;
  if (d.kind === 'unmatched') return;
  if (d.kind === 'skip') {
    report.skipped.count++;
    if (report.skipped.first.length < samples * 2)
      report.skipped.first.push({
        partition: r.partition,
        offset: r.offset.toString(),
        reason: d.reason,
        sourceTopic: d.sourceTopic,
      });
    return;
  }
  let t = report.byTopic.find((x) => x.topic === d.target);
  if (!t) {
    t = { topic: d.target, count: 0, samples: [] };
    report.byTopic.push(t);
  }
  t.count++;
  if (t.samples.length < samples)
    t.samples.push({
      partition: r.partition,
      offset: r.offset.toString(),
      key: r.key === null ? null : r.key.toString('utf8'),
      error: headerText(r, DLQ_HEADERS.error),
      node: headerText(r, DLQ_HEADERS.node),
    });
}

/** Matching records in a report: those that go back plus those skipped. */
export const matchedOf = (r: RedriveReport) => r.byTopic.reduce((n, t) => n + t.count, 0) + r.skipped.count;

/** Records produced per step: a cancel lands between steps. */
const CHUNK = 500;
/**
 * How often the position is committed while records move (and always at a partition's end, a
 * stop or a failure): a commit through the admin API takes seconds (kafkajs joins the group), so
 * one per chunk would make the commits the redrive's cost. A crash re-moves at most this much.
 */
const COMMIT_EVERY_MS = 10_000;

async function startPositions(
  admin: KafkaAdmin,
  topic: string,
  from: RedriveOptions['from'],
): Promise<{ partition: number; from: bigint; to: bigint }[]> {
  const offsets = await admin.topicOffsets(topic);
  if (offsets.length === 0) throw new RedriveInputError(`dead-letter topic "${topic}" does not exist`);
  const committed = new Map<number, bigint>();
  if (from === undefined || from === 'committed')
    for (const o of await admin.groupOffsets(redriveGroup(topic), [topic]))
      if (o.topic === topic && o.offset >= 0n) committed.set(o.partition, o.offset);
  return offsets.map(({ partition, low, high }) => {
    let start =
      from === 'earliest' ? low : typeof from === 'object' ? from.offset : (committed.get(partition) ?? low);
    if (start < low) start = low;
    if (start > high) start = high;
    return { partition, from: start, to: high };
  });
}

/**
 * Moves the selected dead letters back (or, with dryRun, counts them). Each partition is read in
 * offset order; each chunk is produced, acknowledged, then the position committed. Resolves with
 * reason 'cancelled' soon after `signal` aborts: the chunk in flight completes, nothing after it.
 */
export async function redrive(client: KafkaClient, opts: RedriveOptions): Promise<RedriveReport> {
  const dryRun = opts.dryRun ?? false;
  const samples = opts.samples ?? 5;
  const report = emptyReport(opts.topic, dryRun);
  const matches = selectRecords(opts.selection);
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1))
    throw new RedriveInputError(`limit must be a whole number >= 1, got ${opts.limit}`);
  const admin = await client.admin();
  const existing = new Set(await admin.listTopics());
  if (!existing.has(opts.topic))
    throw new RedriveInputError(`dead-letter topic "${opts.topic}" does not exist`);
  if (opts.to !== undefined && !existing.has(opts.to))
    throw new RedriveInputError(`target topic "${opts.to}" (--to) does not exist`);
  const ranges = await startPositions(admin, opts.topic, opts.from);
  report.started = ranges.map((r) => ({ partition: r.partition, offset: r.from.toString() }));
  const position = new Map(ranges.map((r) => [r.partition, r.from]));
  const total = ranges.reduce((n, r) => n + Number(r.to - r.from), 0);
  const partitionCounts = new Map<string, number>();
  const partitionsOf = async (t: string) => {
    let n = partitionCounts.get(t);
    if (n === undefined) {
      n = (await admin.topicOffsets(t)).length;
      partitionCounts.set(t, n);
    }
    return n;
  };
  // The caller's cancel, and the limit, both stop the read.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let limited = false;
  const progress = () =>
    opts.onProgress?.({
      scanned: report.scanned,
      total,
      matched: matchedOf(report),
      moved: report.moved,
      skipped: report.skipped.count,
    });

  let producer: KafkaProducer | undefined;
  // Positions after acknowledged records, not yet committed.
  const uncommitted = new Map<number, bigint>();
  let lastCommit = Date.now();
  const commit = async () => {
    if (dryRun || uncommitted.size === 0) return;
    const offsets = [...uncommitted].map(([partition, offset]) => ({ topic: opts.topic, partition, offset }));
    uncommitted.clear();
    lastCommit = Date.now();
    await admin.setGroupOffsets(report.group, offsets);
  };
  let failed = false;
  try {
    if (!dryRun) producer = await client.producer();
    const step = async (partition: number, chunk: ConsumedRecord[]) => {
      const out: ProduceRecord[] = [];
      let last: ConsumedRecord | undefined;
      for (const r of chunk) {
        const d = dispositionOf(r, matches(r), existing, opts.to);
        tally(report, r, d, samples);
        last = r;
        if (d.kind === 'move') out.push(redriveRecord(r, d.target, await partitionsOf(d.target)));
        if (opts.limit !== undefined && d.kind !== 'unmatched' && matchedOf(report) >= opts.limit) {
          limited = true;
          break;
        }
      }
      if (!last) return;
      if (producer) {
        if (out.length > 0) await producer.send(out);
        report.moved += out.length;
        // After the acknowledgement: a crash before the commit moves these records again, never loses them.
        uncommitted.set(partition, last.offset + 1n);
        if (Date.now() - lastCommit >= COMMIT_EVERY_MS) await commit();
      }
      position.set(partition, last.offset + 1n);
      progress();
      if (limited) stop.abort();
    };
    for (const range of ranges) {
      if (stop.signal.aborted) break;
      if (range.from >= range.to) continue;
      await readTopic(client, {
        topic: opts.topic,
        partitions: [range.partition],
        from: { kind: 'offset', offset: range.from },
        to: { kind: 'offset', offset: range.to },
        signal: stop.signal,
        onRecords: async (records) => {
          for (let at = 0; at < records.length; at += CHUNK) {
            if (stop.signal.aborted) return;
            await step(range.partition, records.slice(at, at + CHUNK));
          }
        },
      });
      await commit();
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    // What was acknowledged before a failure is still remembered, so a rerun does not repeat it.
    if (failed) await commit().catch(() => undefined);
    await producer?.close();
  }
  report.reason = limited ? 'limit' : opts.signal?.aborted ? 'cancelled' : 'end';
  report.position = ranges.map((r) => ({
    partition: r.partition,
    offset: (dryRun ? r.from : position.get(r.partition)!).toString(),
  }));
  progress();
  return report;
}
