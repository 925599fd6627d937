// One segment of a partition log: the .log file of concatenated batches plus its sparse indexes,
// all named after the first offset the segment may hold:
//
//   00000000000000000000.log  .index  .timeindex  .txnindex
//   00000000000000052103.log  ...                              <- active segment (appends go here)
//
// Appends are positional writes at the end of the .log with one writeSync per produce request:
// once it returns the bytes are in the OS page cache and survive a kill -9 of the broker (not a
// power loss: that needs the fsync of flush(), see PartitionLog's flush policy).
import fs from 'node:fs';
import path from 'node:path';
import {
  ATTR_CONTROL,
  BATCH_HEADER_BYTES,
  CorruptRecordError,
  LOG_OVERHEAD,
  readBatchHeader,
  scanBatches,
  type BatchHeader,
  type RecordBatch,
} from '../../protocol/records/batch';
import { OffsetIndex } from './offset-index';
import { LogError } from './storage';
import { TimeIndex } from './time-index';

export const LOG_SUFFIX = '.log';
const RECOVERY_CHUNK = 1 << 20;
const MAX_PLAUSIBLE_BATCH = 256 << 20;

export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(20, '0') + suffix;
}

/** What the log learns about each batch it appends or recovers. */
export interface AppendedBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  /** Start of the batch relative to the appended buffer. */
  position: number;
  size: number;
}

export class Segment {
  fd: number;
  size: number;
  /** One past the last offset stored (baseOffset when empty). */
  nextOffset: number;
  maxTimestamp = -1;
  offsetOfMaxTimestamp = -1;
  /** Wall clock of the first append (segment.ms); file mtime when reopened. */
  createdMs: number;
  index: OffsetIndex;
  timeIndex: TimeIndex;
  private bytesSinceIndex = 0;
  private headerBuf = Buffer.allocUnsafe(BATCH_HEADER_BYTES);

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    readonly indexIntervalBytes: number,
    fd: number,
    size: number,
    index: OffsetIndex,
    timeIndex: TimeIndex,
  ) {
    this.fd = fd;
    this.size = size;
    this.nextOffset = baseOffset;
    this.index = index;
    this.timeIndex = timeIndex;
    this.createdMs = Date.now();
  }

  file(suffix: string): string {
    return path.join(this.dir, segmentFileName(this.baseOffset, suffix));
  }

  static create(dir: string, baseOffset: number, indexIntervalBytes: number, now: number): Segment {
    const p = (s: string) => path.join(dir, segmentFileName(baseOffset, s));
    const fd = fs.openSync(p(LOG_SUFFIX), 'w+');
    const seg = new Segment(
      dir,
      baseOffset,
      indexIntervalBytes,
      fd,
      0,
      OffsetIndex.create(p('.index'), baseOffset),
      TimeIndex.create(p('.timeindex'), baseOffset),
    );
    seg.createdMs = now;
    return seg;
  }

  /**
   * Opens an existing segment. `nextOffset` is known for sealed segments (the next segment's base);
   * the caller passes `recover: true` to rescan (the last segment, or all after an unclean
   * shutdown) and the indexes are rebuilt whenever they are missing or implausible.
   */
  static open(
    dir: string,
    baseOffset: number,
    indexIntervalBytes: number,
    opts: { sealed: boolean; nextOffset?: number; recover: boolean; verifyCrc: boolean },
  ): { segment: Segment; truncatedBytes: number; batches: RecordBatch[] } {
    const p = (s: string) => path.join(dir, segmentFileName(baseOffset, s));
    const fd = fs.openSync(p(LOG_SUFFIX), 'r+');
    const st = fs.fstatSync(fd);
    let index = opts.recover ? null : OffsetIndex.open(p('.index'), baseOffset, opts.sealed, st.size);
    let timeIndex =
      opts.recover || opts.nextOffset === undefined
        ? null
        : TimeIndex.open(p('.timeindex'), baseOffset, opts.sealed, opts.nextOffset);
    const needScan = opts.recover || !index || !timeIndex || opts.nextOffset === undefined;
    index ??= OffsetIndex.create(p('.index'), baseOffset);
    timeIndex ??= TimeIndex.create(p('.timeindex'), baseOffset);
    const seg = new Segment(dir, baseOffset, indexIntervalBytes, fd, st.size, index, timeIndex);
    seg.createdMs = st.mtimeMs;
    if (!needScan) {
      seg.nextOffset = opts.nextOffset!;
      const last = timeIndex.last();
      if (last) {
        seg.maxTimestamp = last.timestamp;
        seg.offsetOfMaxTimestamp = last.offset;
      }
      return { segment: seg, truncatedBytes: 0, batches: [] };
    }
    const { truncatedBytes, batches } = seg.rebuild(opts.verifyCrc);
    if (opts.sealed) seg.seal();
    return { segment: seg, truncatedBytes, batches };
  }

  /**
   * Scans the whole .log, validating lengths, magic, offsets and (optionally) CRCs; truncates at the
   * first invalid byte and rebuilds both indexes. Returns the batch headers seen (bytes are not kept).
   */
  rebuild(verifyCrc: boolean): { truncatedBytes: number; batches: RecordBatch[] } {
    this.index.reset();
    this.timeIndex.reset();
    this.bytesSinceIndex = 0;
    this.nextOffset = this.baseOffset;
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1;
    const seen: RecordBatch[] = [];
    const fileSize = this.size;
    let chunk = Buffer.allocUnsafe(Math.min(RECOVERY_CHUNK, Math.max(fileSize, BATCH_HEADER_BYTES)));
    let pos = 0;
    while (pos < fileSize) {
      const want = Math.min(chunk.length, fileSize - pos);
      const n = fs.readSync(this.fd, chunk, 0, want, pos);
      if (n === 0) break;
      const r = scanBatches(chunk.subarray(0, n), { verifyCrc, maxBatchBytes: MAX_PLAUSIBLE_BATCH });
      let stop = false;
      for (const b of r.batches) {
        if (b.baseOffset < this.nextOffset) {
          stop = true;
          break;
        }
        // Keep the bytes of control batches only (small, needed to rebuild the aborted-txn index).
        const bytes = b.attributes & ATTR_CONTROL ? Buffer.from(b.bytes) : Buffer.alloc(0);
        const header: RecordBatch = { ...b, bytes, position: pos + b.position };
        this.indexBatch(
          header.baseOffset,
          header.baseOffset + b.lastOffsetDelta,
          b.maxTimestamp,
          header.position,
          b.bytes.length,
        );
        seen.push(header);
      }
      if (stop) {
        pos = seen.length
          ? seen[seen.length - 1]!.position + seen[seen.length - 1]!.batchLength + LOG_OVERHEAD
          : 0;
        break;
      }
      pos += r.validBytes;
      if (!r.error) continue;
      const atEof = pos + (n - r.validBytes) >= fileSize;
      const boundary =
        r.error instanceof CorruptRecordError && (r.error.reason === 'torn' || r.error.reason === 'short');
      if (!boundary || atEof) break;
      if (r.validBytes === 0) {
        // A batch larger than the chunk: grow the chunk to hold it.
        const len = chunk.readInt32BE(8) + LOG_OVERHEAD;
        chunk = Buffer.allocUnsafe(len);
      }
    }
    const truncatedBytes = fileSize - pos;
    if (truncatedBytes > 0) {
      fs.ftruncateSync(this.fd, pos);
      this.size = pos;
    }
    return { truncatedBytes, batches: seen };
  }

  private indexBatch(
    baseOffset: number,
    lastOffset: number,
    maxTimestamp: number,
    position: number,
    size: number,
  ): void {
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    // No entry for position 0: a lookup that finds no entry starts at 0 anyway.
    if (position > 0 && this.bytesSinceIndex >= this.indexIntervalBytes) {
      this.index.append(baseOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceIndex = 0;
    }
    this.bytesSinceIndex += size;
    this.nextOffset = lastOffset + 1;
  }

  /** Writes `bytes` (whole batches with offsets assigned) at the end of the .log. */
  append(bytes: Buffer, batches: AppendedBatch[]): void {
    const start = this.size;
    let written = 0;
    while (written < bytes.length) {
      written += fs.writeSync(this.fd, bytes, written, bytes.length - written, start + written);
    }
    this.size += bytes.length;
    for (const b of batches)
      this.indexBatch(b.baseOffset, b.lastOffset, b.maxTimestamp, start + b.position, b.size);
  }

  /** Reads up to `maxBytes` from `position` (fewer at the end of the file). */
  read(position: number, maxBytes: number): Buffer {
    const len = Math.max(0, Math.min(maxBytes, this.size - position));
    const buf = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const n = fs.readSync(this.fd, buf, got, len - got, position + got);
      if (n === 0)
        throw new LogError('short read', { file: this.file(LOG_SUFFIX), position: position + got });
      got += n;
    }
    return buf;
  }

  /** The header of the batch at `position`, or null at/after the end. */
  headerAt(position: number): BatchHeader | null {
    if (position + BATCH_HEADER_BYTES > this.size) return null;
    fs.readSync(this.fd, this.headerBuf, 0, BATCH_HEADER_BYTES, position);
    return readBatchHeader(this.headerBuf);
  }

  /** Position and header of the first batch whose last offset is >= `offset`, or null. */
  findBatch(offset: number, startPosition?: number): { position: number; header: BatchHeader } | null {
    let pos = startPosition ?? this.index.lookup(offset);
    for (;;) {
      const h = this.headerAt(pos);
      if (!h) return null;
      if (h.baseOffset + h.lastOffsetDelta >= offset) return { position: pos, header: h };
      if (h.batchLength <= 0) return null;
      pos += h.batchLength + LOG_OVERHEAD;
    }
  }

  /** Cuts the .log and indexes at `position` (a batch boundary). */
  truncateToPosition(position: number, nextOffset: number): void {
    fs.ftruncateSync(this.fd, position);
    this.size = position;
    this.index.truncateToPosition(position);
    this.timeIndex.truncateToOffset(nextOffset);
    this.nextOffset = nextOffset;
    this.bytesSinceIndex = this.indexIntervalBytes;
    const last = this.timeIndex.last();
    this.maxTimestamp = last ? last.timestamp : -1;
    this.offsetOfMaxTimestamp = last ? last.offset : -1;
  }

  flush(): void {
    this.index.flush();
    this.timeIndex.flush();
  }

  fsync(): void {
    this.flush();
    fs.fsyncSync(this.fd);
  }

  /** No more appends: indexes go to disk and their memory copies are dropped. */
  seal(): void {
    if (this.maxTimestamp >= 0) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
    this.index.seal();
    this.timeIndex.seal();
  }

  close(): void {
    this.flush();
    this.index.closeFd();
    this.timeIndex.closeFd();
    fs.closeSync(this.fd);
  }

  delete(): void {
    this.index.delete();
    this.timeIndex.delete();
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    for (const s of [LOG_SUFFIX, '.txnindex']) fs.rmSync(this.file(s), { force: true });
  }
}
