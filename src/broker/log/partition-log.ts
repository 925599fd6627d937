// FileLog: a partition's durable log in its own directory, `<dataDir>/<topic>-<partition>/`:
//
//   00000000000000000000.log/.index/.timeindex/.txnindex   closed segments
//   00000000000000052103.log/...                            active segment
//   log-start-offset                                        DeleteRecords / retention checkpoint
//   .clean-shutdown                                         written by close(): producer state JSON
//
// Durability: append() returns after one writeSync of the request's batches into the active
// segment, so an acknowledged record is in the OS page cache and survives a crash or kill -9 of
// the broker process. It is on the disk only after an fsync: flush.messages / flush.ms trigger one
// (Kafka's defaults are "never" and rely on replication; a single embedded broker has no replicas,
// so a power loss can lose the last seconds of acknowledged writes unless these are lowered).
//
// Recovery: after a clean shutdown only the active segment is rescanned; otherwise every segment is
// (lengths, magic, offsets and CRCs), the log is cut at the first invalid byte and every later
// segment is deleted, so a torn tail is never served. Indexes are rebuilt when missing or implausible.
import fs from 'node:fs';
import path from 'node:path';
import {
  LOG_OVERHEAD,
  decodeRecords,
  isControl,
  isTransactional,
  readInt64,
  scanBatches,
  setBaseOffset,
  setLogAppendTime,
  writeInt64,
  type RecordBatch,
} from '../../protocol/records/batch';
import { readControlMarker } from '../../protocol/records/control';
import { buildKeyMap, cleanSegment } from './cleaner';
import { ProducerStateManager, type BatchInfo, type ProducerStateSnapshot } from './producer-state';
import { LOG_SUFFIX, Segment, segmentFileName, type AppendedBatch } from './segment';
import {
  DEFAULT_LOG_CONFIG,
  LogError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
  type AbortedTransaction,
  type AbortedTxnEntry,
  type AppendOptions,
  type AppendResult,
  type LogConfig,
  type PartitionLog,
  type ReadOptions,
  type ReadResult,
  type TimestampOffset,
} from './storage';

const CLEAN_SHUTDOWN = '.clean-shutdown';
const LOG_START_FILE = 'log-start-offset';
const INT32_MAX = 0x7fffffff;
// .txnindex entry: version int16 | producerId int64 | firstOffset int64 | lastOffset int64 | lastStableOffset int64
const TXN_ENTRY = 34;

export interface FileLogOptions {
  topic: string;
  partition: number;
  config?: Partial<LogConfig>;
}

export class FileLog implements PartitionLog {
  readonly topic: string;
  readonly partition: number;
  config: LogConfig;
  private segments: Segment[] = [];
  private logStart = 0;
  private producers = new ProducerStateManager();
  private aborted: AbortedTxnEntry[] = [];
  private unflushedRecords = 0;
  private firstUnflushedMs = -1;
  private closed = false;
  /** Bytes cut off by recovery when opening, for the broker's log line. */
  readonly recoveredTruncatedBytes: number = 0;

  private constructor(
    readonly dir: string,
    opts: FileLogOptions,
  ) {
    this.topic = opts.topic;
    this.partition = opts.partition;
    this.config = { ...DEFAULT_LOG_CONFIG, ...opts.config };
  }

  private get ctx() {
    return { topic: this.topic, partition: this.partition };
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  /** Opens (creating if needed) the log in `dir`, recovering it as described above. */
  static open(dir: string, opts: FileLogOptions): FileLog {
    fs.mkdirSync(dir, { recursive: true });
    const log = new FileLog(dir, opts);
    (log as { recoveredTruncatedBytes: number }).recoveredTruncatedBytes = log.load();
    return log;
  }

  private load(): number {
    for (const f of fs.readdirSync(this.dir)) if (f.endsWith('.cleaned')) fs.rmSync(path.join(this.dir, f));
    const bases = fs
      .readdirSync(this.dir)
      .filter((f) => /^\d{20}\.log$/.test(f))
      .map((f) => Number(f.slice(0, 20)))
      .sort((a, b) => a - b);
    const markerPath = path.join(this.dir, CLEAN_SHUTDOWN);
    let snapshot: ProducerStateSnapshot | null = null;
    if (fs.existsSync(markerPath)) {
      try {
        snapshot = JSON.parse(fs.readFileSync(markerPath, 'utf8')) as ProducerStateSnapshot;
      } catch {
        snapshot = null;
      }
      // From now on a crash must look unclean.
      fs.rmSync(markerPath);
    }
    const clean = snapshot !== null;
    const startFile = path.join(this.dir, LOG_START_FILE);
    this.logStart = fs.existsSync(startFile) ? Number(fs.readFileSync(startFile, 'utf8').trim()) || 0 : 0;
    let truncated = 0;
    const replay: RecordBatch[] = [];
    for (let i = 0; i < bases.length; i++) {
      const base = bases[i]!;
      const isLast = i === bases.length - 1;
      const { segment, truncatedBytes, batches } = Segment.open(
        this.dir,
        base,
        this.config.indexIntervalBytes,
        {
          sealed: !isLast,
          nextOffset: isLast ? undefined : bases[i + 1],
          recover: isLast || !clean,
          verifyCrc: true,
        },
      );
      truncated += truncatedBytes;
      if (truncatedBytes > 0 && !isLast) {
        // Everything after a corrupt byte is suspect: drop the later segments, and reopen this one
        // as the active segment.
        for (const later of bases.slice(i + 1)) {
          for (const suffix of [LOG_SUFFIX, '.index', '.timeindex', '.txnindex']) {
            const f = path.join(this.dir, segmentFileName(later, suffix));
            if (suffix === LOG_SUFFIX && fs.existsSync(f)) truncated += fs.statSync(f).size;
            fs.rmSync(f, { force: true });
          }
        }
        segment.close();
        const reopened = Segment.open(this.dir, base, this.config.indexIntervalBytes, {
          sealed: false,
          recover: true,
          verifyCrc: true,
        });
        this.segments.push(reopened.segment);
        if (!clean) replay.push(...reopened.batches);
        break;
      }
      if (!isLast) segment.nextOffset = bases[i + 1]!;
      this.segments.push(segment);
      if (!clean) replay.push(...batches);
    }
    if (this.segments.length === 0) {
      this.segments.push(Segment.create(this.dir, this.logStart, this.config.indexIntervalBytes, Date.now()));
    }
    if (this.logStart < this.segments[0]!.baseOffset) this.logStart = this.segments[0]!.baseOffset;
    if (this.logStart > this.latest()) this.logStart = this.latest();
    if (clean) {
      this.producers = ProducerStateManager.restore(snapshot!);
      for (const seg of this.segments) this.aborted.push(...this.readTxnIndex(seg));
    } else {
      for (const seg of this.segments) fs.rmSync(seg.file('.txnindex'), { force: true });
      for (const b of replay) this.track(this.infoOf(b, b.bytes), b.bytes.length ? b.bytes : null, false);
    }
    return truncated;
  }

  private readTxnIndex(seg: Segment): AbortedTxnEntry[] {
    const p = seg.file('.txnindex');
    if (!fs.existsSync(p)) return [];
    const buf = fs.readFileSync(p);
    const out: AbortedTxnEntry[] = [];
    for (let pos = 0; pos + TXN_ENTRY <= buf.length; pos += TXN_ENTRY) {
      out.push({
        producerId: readInt64(buf, pos + 2),
        firstOffset: readInt64(buf, pos + 10),
        lastOffset: readInt64(buf, pos + 18),
        lastStableOffset: readInt64(buf, pos + 26),
      });
    }
    return out;
  }

  private writeTxnEntry(seg: Segment, e: AbortedTxnEntry): void {
    const buf = Buffer.alloc(TXN_ENTRY);
    writeInt64(buf, 2, e.producerId);
    writeInt64(buf, 10, e.firstOffset);
    writeInt64(buf, 18, e.lastOffset);
    writeInt64(buf, 26, e.lastStableOffset);
    fs.appendFileSync(seg.file('.txnindex'), buf);
  }

  private infoOf(b: RecordBatch, bytes: Buffer): BatchInfo {
    const info: BatchInfo = {
      producerId: b.producerId,
      producerEpoch: b.producerEpoch,
      baseSequence: b.baseSequence,
      baseOffset: b.baseOffset,
      lastOffset: b.baseOffset + b.lastOffsetDelta,
      maxTimestamp: b.maxTimestamp,
      isTransactional: isTransactional(b.attributes),
    };
    if (isControl(b.attributes)) {
      const m = bytes.length ? readControlMarker(bytes) : null;
      info.control = m ? (m.typeCode === 0 ? 'ABORT' : m.typeCode === 1 ? 'COMMIT' : 'OTHER') : 'OTHER';
    }
    return info;
  }

  /** Updates producer/transaction state for a batch in the log; indexes aborts. */
  private track(info: BatchInfo, _bytes: Buffer | null, _live: boolean): void {
    const first = this.producers.update(info);
    if (info.control === 'ABORT') {
      const entry: AbortedTxnEntry = {
        producerId: info.producerId,
        firstOffset: first >= 0 ? first : info.baseOffset,
        lastOffset: info.baseOffset,
        lastStableOffset: 0,
      };
      entry.lastStableOffset = this.producers.firstUnstableOffset() ?? info.lastOffset + 1;
      this.aborted.push(entry);
      this.writeTxnEntry(this.segmentFor(info.baseOffset) ?? this.active, entry);
    }
  }

  // ---- append ------------------------------------------------------------------------------------

  append(buf: Buffer, opts: AppendOptions = {}): AppendResult {
    if (this.closed) throw new LogError('log is closed', this.ctx);
    const now = opts.now ?? Date.now();
    const scan = scanBatches(buf, { verifyCrc: true });
    if (scan.error) throw scan.error;
    const batches = scan.batches;
    if (batches.length === 0) throw new LogError('produce request without record batches', this.ctx);
    for (const b of batches) {
      if (b.bytes.length > this.config.maxMessageBytes) {
        throw new RecordTooLargeError(`batch of ${b.bytes.length} bytes exceeds max.message.bytes`, {
          ...this.ctx,
          position: b.position,
        });
      }
    }
    const infos = batches.map((b) => this.infoOf(b, b.bytes));
    if (opts.fromClient ?? true) {
      const dups = infos.map((info) => this.producers.check(info, this.ctx));
      const firstDup = dups[0];
      if (firstDup && dups.every((d) => d !== null)) {
        return {
          baseOffset: firstDup.baseOffset,
          lastOffset: dups[dups.length - 1]!.lastOffset,
          logAppendTime: -1,
          logStartOffset: this.logStart,
          duplicate: true,
        };
      }
    }
    const logAppendTime = this.config.messageTimestampType === 'LogAppendTime';
    let next = this.latest();
    const appended: AppendedBatch[] = [];
    let records = 0;
    batches.forEach((b, i) => {
      setBaseOffset(b.bytes, next, opts.leaderEpoch);
      if (logAppendTime) setLogAppendTime(b.bytes, now);
      const info = infos[i]!;
      const last = next + b.lastOffsetDelta;
      info.baseOffset = next;
      info.lastOffset = last;
      if (logAppendTime) info.maxTimestamp = now;
      appended.push({
        baseOffset: next,
        lastOffset: last,
        maxTimestamp: info.maxTimestamp,
        position: b.position,
        size: b.bytes.length,
      });
      records += b.recordCount;
      next = last + 1;
    });
    const baseOffset = appended[0]!.baseOffset;
    const lastOffset = next - 1;
    this.maybeRoll(buf.length, now, lastOffset);
    const seg = this.active;
    if (seg.size === 0) seg.createdMs = now;
    seg.append(buf, appended);
    for (const info of infos) this.track(info, null, true);
    this.unflushedRecords += records;
    if (this.firstUnflushedMs < 0) this.firstUnflushedMs = now;
    if (
      this.unflushedRecords >= this.config.flushMessages ||
      now - this.firstUnflushedMs >= this.config.flushMs
    ) {
      this.flush();
    }
    return {
      baseOffset,
      lastOffset,
      logAppendTime: logAppendTime ? now : -1,
      logStartOffset: this.logStart,
      duplicate: false,
    };
  }

  private maybeRoll(bytes: number, now: number, lastOffset: number): void {
    const seg = this.active;
    if (seg.size === 0) return;
    if (
      seg.size + bytes > this.config.segmentBytes ||
      now - seg.createdMs >= this.config.segmentMs ||
      lastOffset - seg.baseOffset > INT32_MAX
    ) {
      this.roll(now);
    }
  }

  private roll(now: number): void {
    const seg = this.active;
    seg.seal();
    this.segments.push(Segment.create(this.dir, this.latest(), this.config.indexIntervalBytes, now));
  }

  // ---- read --------------------------------------------------------------------------------------

  /** Index in `segments` of the last segment with baseOffset <= offset (0 if none). */
  private segmentIndex(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private segmentFor(offset: number): Segment | undefined {
    return this.segments[this.segmentIndex(offset)];
  }

  read(fromOffset: number, maxBytes: number, opts: ReadOptions = {}): ReadResult {
    const hw = this.highWatermark();
    const lso = this.lastStableOffset();
    const committed = opts.isolation === 'read_committed';
    const base = { highWatermark: hw, lastStableOffset: lso, logStartOffset: this.logStart };
    if (fromOffset < this.logStart || fromOffset > hw) {
      throw new OffsetOutOfRangeError(`fetch offset outside [${this.logStart}, ${hw}]`, {
        ...this.ctx,
        offset: fromOffset,
      });
    }
    const upper = committed ? lso : hw;
    const empty = { ...base, records: Buffer.alloc(0), ...(committed ? { abortedTransactions: [] } : {}) };
    if (fromOffset >= upper) return empty;
    for (let i = this.segmentIndex(fromOffset); i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const found = seg.findBatch(fromOffset);
      if (!found) continue;
      const first = found.header.batchLength + LOG_OVERHEAD;
      const want = first > maxBytes && (opts.minOneBatch ?? true) ? first : maxBytes;
      const buf = seg.read(found.position, want);
      // Keep whole batches below the upper bound.
      let end = 0;
      let lastOffset = -1;
      while (end + LOG_OVERHEAD <= buf.length) {
        const size = buf.readInt32BE(end + 8) + LOG_OVERHEAD;
        if (end + size > buf.length || readInt64(buf, end) >= upper) break;
        lastOffset = readInt64(buf, end) + buf.readInt32BE(end + 23);
        end += size;
      }
      const records = buf.subarray(0, end);
      return {
        ...base,
        records,
        ...(committed
          ? { abortedTransactions: end ? this.abortedTransactions(fromOffset, lastOffset + 1) : [] }
          : {}),
      };
    }
    return empty;
  }

  abortedTransactions(fromOffset: number, toOffset: number): AbortedTransaction[] {
    return this.aborted
      .filter((a) => a.lastOffset >= fromOffset && a.firstOffset < toOffset)
      .map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset }));
  }

  /** Every aborted-transaction index entry, oldest first (tests, DescribeProducers-style tooling). */
  abortedIndex(): readonly AbortedTxnEntry[] {
    return this.aborted;
  }

  producerState(): ProducerStateManager {
    return this.producers;
  }

  // ---- offsets -----------------------------------------------------------------------------------

  offsetForTimestamp(timestamp: number): TimestampOffset | null {
    for (const seg of this.segments) {
      if (seg.maxTimestamp < timestamp) continue;
      let found = seg.findBatch(Math.max(seg.timeIndex.lookup(timestamp), this.logStart));
      while (found) {
        const h = found.header;
        const size = h.batchLength + LOG_OVERHEAD;
        if (h.maxTimestamp >= timestamp && !isControl(h.attributes)) {
          for (const r of decodeRecords(seg.read(found.position, size))) {
            if (r.timestamp >= timestamp && r.offset >= this.logStart)
              return { offset: r.offset, timestamp: r.timestamp };
          }
        }
        const pos = found.position + size;
        const nh = seg.headerAt(pos);
        found = nh ? { position: pos, header: nh } : null;
      }
    }
    return null;
  }

  maxTimestampOffset(): TimestampOffset | null {
    let best: TimestampOffset | null = null;
    for (const seg of this.segments) {
      if (seg.maxTimestamp >= 0 && (!best || seg.maxTimestamp > best.timestamp)) {
        best = { offset: seg.offsetOfMaxTimestamp, timestamp: seg.maxTimestamp };
      }
    }
    return best;
  }

  earliest(): number {
    return this.logStart;
  }

  latest(): number {
    return this.active.nextOffset;
  }

  highWatermark(): number {
    return this.latest();
  }

  lastStableOffset(): number {
    return Math.min(this.producers.firstUnstableOffset() ?? Infinity, this.highWatermark());
  }

  // ---- deletion ----------------------------------------------------------------------------------

  private setLogStart(offset: number): void {
    if (offset <= this.logStart) return;
    this.logStart = offset;
    const p = path.join(this.dir, LOG_START_FILE);
    fs.writeFileSync(p + '.tmp', String(offset));
    fs.renameSync(p + '.tmp', p);
  }

  /** Deletes the oldest segment (rolling first if it is the active one). */
  private deleteOldest(now: number): number {
    if (this.segments.length === 1) this.roll(now);
    const seg = this.segments.shift()!;
    const size = seg.size;
    seg.delete();
    this.setLogStart(this.segments[0]!.baseOffset);
    this.aborted = this.aborted.filter((a) => a.lastOffset >= this.segments[0]!.baseOffset);
    return size;
  }

  deleteRecordsBefore(offset: number): number {
    const hw = this.highWatermark();
    if (offset < 0 || offset > hw) {
      throw new OffsetOutOfRangeError(`delete offset outside [0, ${hw}]`, { ...this.ctx, offset });
    }
    this.setLogStart(offset);
    while (this.segments[0]!.nextOffset <= this.logStart && this.segments[0]!.size > 0) {
      if (this.segments.length === 1 && this.active.nextOffset > this.logStart) break;
      this.deleteOldest(Date.now());
    }
    return this.logStart;
  }

  truncateTo(offset: number): void {
    if (offset >= this.latest()) return;
    while (this.segments.length > 1 && this.active.baseOffset >= offset) this.segments.pop()!.delete();
    const seg = this.active;
    seg.index.unseal();
    seg.timeIndex.unseal();
    if (seg.baseOffset >= offset || offset <= this.logStart) {
      const start = Math.max(offset, 0);
      this.segments.pop()!.delete();
      for (const s of this.segments) s.delete();
      this.segments = [Segment.create(this.dir, start, this.config.indexIntervalBytes, Date.now())];
      this.logStart = -1;
      this.setLogStart(start);
    } else {
      const found = seg.findBatch(offset);
      if (found) seg.truncateToPosition(found.position, found.header.baseOffset);
    }
    // Producer and transaction state: replay the remaining log's headers.
    this.producers.clear();
    this.aborted = [];
    for (const s of this.segments) fs.rmSync(s.file('.txnindex'), { force: true });
    for (const s of this.segments) {
      let pos = 0;
      for (let h = s.headerAt(pos); h; h = s.headerAt(pos)) {
        const size = h.batchLength + LOG_OVERHEAD;
        const bytes = isControl(h.attributes) ? s.read(pos, size) : Buffer.alloc(0);
        this.track(this.infoOf({ ...h, bytes, position: pos }, bytes), null, false);
        pos += size;
      }
    }
  }

  // ---- maintenance -------------------------------------------------------------------------------

  runMaintenance(now = Date.now()): number {
    let freed = 0;
    const c = this.config;
    if (this.active.size > 0 && now - this.active.createdMs >= c.segmentMs) this.roll(now);
    if (c.cleanupPolicy.includes('delete')) {
      if (c.retentionMs >= 0) {
        const ts = (s: Segment) => (s.maxTimestamp >= 0 ? s.maxTimestamp : s.createdMs);
        while (this.segments[0]!.size > 0 && ts(this.segments[0]!) < now - c.retentionMs) {
          freed += this.deleteOldest(now);
        }
      }
      if (c.retentionBytes >= 0) {
        while (this.segments.length > 1 && this.sizeInBytes() - this.segments[0]!.size >= c.retentionBytes) {
          freed += this.deleteOldest(now);
        }
      }
    }
    if (c.cleanupPolicy.includes('compact')) freed += this.compact(now);
    return freed;
  }

  /** One compaction pass over the closed segments; returns bytes freed. */
  compact(now = Date.now()): number {
    const closed = this.segments.slice(0, -1);
    if (closed.length === 0) return 0;
    const keys = buildKeyMap(closed);
    let freed = 0;
    const isAborted = (pid: number, offset: number) =>
      this.aborted.some((a) => a.producerId === pid && a.firstOffset <= offset && offset <= a.lastOffset);
    for (let i = 0; i < this.segments.length - 1; i++) {
      const seg = this.segments[i]!;
      const cleaned = cleanSegment(seg, keys, {
        now,
        deleteRetentionMs: this.config.deleteRetentionMs,
        isAborted,
      });
      if (!cleaned) continue;
      freed += seg.size - cleaned.size;
      const nextOffset = this.segments[i + 1]!.baseOffset;
      seg.index.closeFd();
      seg.timeIndex.closeFd();
      fs.closeSync(seg.fd);
      fs.renameSync(cleaned.path, seg.file(LOG_SUFFIX));
      const reopened = Segment.open(this.dir, seg.baseOffset, this.config.indexIntervalBytes, {
        sealed: true,
        recover: true,
        verifyCrc: false,
        nextOffset,
      }).segment;
      reopened.nextOffset = nextOffset;
      reopened.createdMs = seg.createdMs;
      this.segments[i] = reopened;
    }
    return freed;
  }

  updateConfig(config: Partial<LogConfig>): void {
    this.config = { ...this.config, ...config };
  }

  sizeInBytes(): number {
    return this.segments.reduce((n, s) => n + s.size, 0);
  }

  /** Segment base offsets, oldest first (tests, DescribeLogDirs). */
  segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset);
  }

  flush(): void {
    for (const s of this.segments) s.flush();
    this.active.fsync();
    this.unflushedRecords = 0;
    this.firstUnflushedMs = -1;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    for (const s of this.segments) s.close();
    const snapshot = JSON.stringify(this.producers.snapshot());
    fs.writeFileSync(path.join(this.dir, CLEAN_SHUTDOWN), snapshot);
    this.closed = true;
  }
}

export { segmentFileName };
