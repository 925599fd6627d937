// Record batch v2 (magic 2): the unit the broker stores and serves.
//
//  byte  0        8          12                     16    17    21          23
//        +--------+----------+----------------------+-----+-----+-----------+----------------+
//        |baseOff | batchLen | partitionLeaderEpoch |magic| crc | attributes| lastOffsetDelta|
//        | int64  | int32    | int32                |int8 |u32  | int16     | int32          |
//        +--------+----------+----------------------+-----+-----+-----------+----------------+
//  byte 27              35             43           51        53           57          61
//        +--------------+--------------+------------+---------+------------+-----------+-----------
//        |baseTimestamp |maxTimestamp  | producerId |prodEpoch|baseSequence|recordCount| records...
//        | int64        | int64        | int64      | int16   | int32      | int32     | (maybe
//        +--------------+--------------+------------+---------+------------+-----------+ compressed)
//
//  batchLen counts the bytes after itself (total size = batchLen + 12). The crc (CRC-32C) covers
//  byte 21 (attributes) to the end, so the broker may rewrite baseOffset and partitionLeaderEpoch in
//  place without recomputing it. attributes: bits 0-2 codec, bit 3 timestampType (1 = LogAppendTime),
//  bit 4 isTransactional, bit 5 isControl, bit 6 hasDeleteHorizonMs.
//
// int64 fields are exposed as JS numbers: offsets, millisecond timestamps and producer ids stay far
// below 2^53 in practice, and numbers keep the broker's arithmetic cheap and simple.
import { crc32c } from './crc32c';
import { compress, decompress } from './compression';

export const BATCH_HEADER_BYTES = 61;
/** Bytes before batchLength's payload: baseOffset + batchLength. */
export const LOG_OVERHEAD = 12;
export const MAGIC_OFFSET = 16;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;
const MAX_TIMESTAMP_OFFSET = 35;

export const ATTR_COMPRESSION_MASK = 0x07;
export const ATTR_TIMESTAMP_TYPE = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

export type TimestampType = 'CreateTime' | 'LogAppendTime';

/** Bytes are not a valid v2 batch (maps to CORRUPT_MESSAGE); `position` is relative to the input. */
export class CorruptRecordError extends Error {
  override name = 'CorruptRecordError';
  constructor(
    readonly position: number,
    readonly reason: 'short' | 'torn' | 'bad-length' | 'bad-crc' | 'bad-magic' | 'bad-records',
    detail: string,
  ) {
    super(`corrupt record batch at byte ${position}: ${reason}: ${detail}`);
  }
}

/** Magic v0/v1 message sets (maps to UNSUPPORTED_FOR_MESSAGE_FORMAT); every supported client speaks v2. */
export class UnsupportedMessageFormatError extends Error {
  override name = 'UnsupportedMessageFormatError';
  constructor(
    readonly position: number,
    readonly magic: number,
  ) {
    super(
      `message format v${magic} at byte ${position} is not supported: this broker stores record batch v2 only ` +
        `(use a client that speaks Produce v3+ / Fetch v4+)`,
    );
  }
}

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** One batch inside a larger buffer: header fields plus a view (not a copy) of its bytes. */
export interface RecordBatch extends BatchHeader {
  /** The whole batch, `batchLength + 12` bytes, a subarray of the input. */
  bytes: Buffer;
  /** Position of the batch in the buffer it was split from. */
  position: number;
}

export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4);
}

export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / 4294967296);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * 4294967296, pos + 4);
}

/** Decodes the 61-byte header at `pos` without any validation. */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  return {
    baseOffset: readInt64(buf, pos),
    batchLength: buf.readInt32BE(pos + 8),
    partitionLeaderEpoch: buf.readInt32BE(pos + 12),
    magic: buf.readInt8(pos + 16),
    crc: buf.readUInt32BE(pos + 17),
    attributes: buf.readInt16BE(pos + 21),
    lastOffsetDelta: buf.readInt32BE(pos + 23),
    baseTimestamp: readInt64(buf, pos + 27),
    maxTimestamp: readInt64(buf, pos + 35),
    producerId: readInt64(buf, pos + 43),
    producerEpoch: buf.readInt16BE(pos + 51),
    baseSequence: buf.readInt32BE(pos + 53),
    recordCount: buf.readInt32BE(pos + 57),
  };
}

export const compressionOf = (attributes: number): number => attributes & ATTR_COMPRESSION_MASK;
export const isTransactional = (attributes: number): boolean => (attributes & ATTR_TRANSACTIONAL) !== 0;
export const isControl = (attributes: number): boolean => (attributes & ATTR_CONTROL) !== 0;
export const timestampTypeOf = (attributes: number): TimestampType =>
  attributes & ATTR_TIMESTAMP_TYPE ? 'LogAppendTime' : 'CreateTime';
export const lastOffsetOf = (b: Pick<BatchHeader, 'baseOffset' | 'lastOffsetDelta'>): number =>
  b.baseOffset + b.lastOffsetDelta;

export interface ScanResult {
  batches: RecordBatch[];
  /** Bytes covered by the whole valid batches, from the start of the input. */
  validBytes: number;
  /** Why the scan stopped before the end of the input, if it did. */
  error?: CorruptRecordError | UnsupportedMessageFormatError;
}

/**
 * Walks concatenated batches and stops at the first invalid one instead of throwing: the log's
 * recovery keeps `validBytes` and truncates the rest.
 */
export function scanBatches(
  buf: Buffer,
  opts: { verifyCrc?: boolean; maxBatchBytes?: number } = {},
): ScanResult {
  const verifyCrc = opts.verifyCrc ?? true;
  const maxBatchBytes = opts.maxBatchBytes ?? 0x7fffffff;
  const batches: RecordBatch[] = [];
  let pos = 0;
  const fail = (error: CorruptRecordError | UnsupportedMessageFormatError): ScanResult => ({
    batches,
    validBytes: pos,
    error,
  });
  while (pos < buf.length) {
    const remaining = buf.length - pos;
    if (remaining < LOG_OVERHEAD + 5) {
      return fail(
        new CorruptRecordError(pos, 'short', `${remaining} trailing bytes are too few for a batch header`),
      );
    }
    const magic = buf.readInt8(pos + MAGIC_OFFSET);
    if (magic !== 2) {
      if (magic === 0 || magic === 1) return fail(new UnsupportedMessageFormatError(pos, magic));
      return fail(new CorruptRecordError(pos, 'bad-magic', `magic byte ${magic}`));
    }
    const batchLength = buf.readInt32BE(pos + 8);
    const size = batchLength + LOG_OVERHEAD;
    if (batchLength < BATCH_HEADER_BYTES - LOG_OVERHEAD || size > maxBatchBytes) {
      return fail(new CorruptRecordError(pos, 'bad-length', `batchLength ${batchLength}`));
    }
    if (size > remaining) {
      return fail(new CorruptRecordError(pos, 'torn', `batch of ${size} bytes but only ${remaining} remain`));
    }
    const bytes = buf.subarray(pos, pos + size);
    const header = readBatchHeader(bytes, 0);
    if (verifyCrc) {
      const actual = crc32c(bytes.subarray(ATTRIBUTES_OFFSET));
      if (actual !== header.crc) {
        return fail(
          new CorruptRecordError(
            pos,
            'bad-crc',
            `stored ${header.crc.toString(16)}, computed ${actual.toString(16)}`,
          ),
        );
      }
    }
    if (header.lastOffsetDelta < 0 || header.recordCount < 0) {
      return fail(
        new CorruptRecordError(
          pos,
          'bad-records',
          `lastOffsetDelta ${header.lastOffsetDelta} recordCount ${header.recordCount}`,
        ),
      );
    }
    batches.push({ ...header, bytes, position: pos });
    pos += size;
  }
  return { batches, validBytes: pos };
}

/** Splits a Produce request's `records` into batches, throwing on the first invalid byte. */
export function splitBatches(
  buf: Buffer,
  opts: { verifyCrc?: boolean; maxBatchBytes?: number } = {},
): RecordBatch[] {
  const result = scanBatches(buf, opts);
  if (result.error) throw result.error;
  return result.batches;
}

/** Checks the CRC of one whole batch. */
export function verifyBatchCrc(bytes: Buffer): boolean {
  return crc32c(bytes.subarray(ATTRIBUTES_OFFSET)) === bytes.readUInt32BE(CRC_OFFSET);
}

/** Rewrites the fields outside the CRC, in place (offset assignment on append). */
export function setBaseOffset(bytes: Buffer, baseOffset: number, partitionLeaderEpoch?: number): void {
  writeInt64(bytes, 0, baseOffset);
  if (partitionLeaderEpoch !== undefined) bytes.writeInt32BE(partitionLeaderEpoch, 12);
}

/** Marks a batch LogAppendTime with `timestamp` as its maxTimestamp; these are inside the CRC, so it is recomputed. */
export function setLogAppendTime(bytes: Buffer, timestamp: number): void {
  bytes.writeInt16BE(bytes.readInt16BE(ATTRIBUTES_OFFSET) | ATTR_TIMESTAMP_TYPE, ATTRIBUTES_OFFSET);
  writeInt64(bytes, MAX_TIMESTAMP_OFFSET, timestamp);
  bytes.writeUInt32BE(crc32c(bytes.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
}

// ---- records -------------------------------------------------------------------------------------

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface DecodedRecord {
  offset: number;
  /** For LogAppendTime batches this is the batch's maxTimestamp, as Kafka consumers see it. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  attributes: number;
}

/** Zigzag varint/varlong reader over a buffer; numbers beyond 2^53 are not representable and not expected. */
class Reader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}

  varlong(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new RangeError('varint runs past the end');
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
      mul *= 128;
    }
    throw new RangeError('varint longer than 10 bytes');
  }

  bytes(): Buffer | null {
    const len = this.varlong();
    if (len < 0) return null;
    if (this.pos + len > this.buf.length) throw new RangeError(`field of ${len} bytes runs past the end`);
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
}

/** Decodes the records of `batch`, decompressing its payload when needed; key/value are views. */
export function decodeRecords(batch: Buffer | RecordBatch): DecodedRecord[] {
  const bytes = Buffer.isBuffer(batch) ? batch : batch.bytes;
  // Re-read the header: the bytes may have been rewritten (offset assignment) since the split.
  const h = readBatchHeader(bytes);
  const payload = decompress(compressionOf(h.attributes), bytes.subarray(BATCH_HEADER_BYTES));
  const logAppendTime = (h.attributes & ATTR_TIMESTAMP_TYPE) !== 0;
  const records: DecodedRecord[] = [];
  const r = new Reader(payload, 0);
  try {
    for (let i = 0; i < h.recordCount; i++) {
      const length = r.varlong();
      const end = r.pos + length;
      if (length < 0 || end > payload.length) throw new RangeError(`record length ${length}`);
      const attributes = payload.readInt8(r.pos++);
      const timestampDelta = r.varlong();
      const offsetDelta = r.varlong();
      const key = r.bytes();
      const value = r.bytes();
      const headerCount = r.varlong();
      const headers: RecordHeader[] = [];
      for (let j = 0; j < headerCount; j++) {
        const hk = r.bytes();
        headers.push({ key: hk ? hk.toString('utf8') : '', value: r.bytes() });
      }
      if (r.pos !== end) throw new RangeError(`record ${i} has ${end - r.pos} stray bytes`);
      records.push({
        offset: h.baseOffset + offsetDelta,
        timestamp: logAppendTime ? h.maxTimestamp : h.baseTimestamp + timestampDelta,
        key,
        value,
        headers,
        attributes,
      });
    }
  } catch (err) {
    throw new CorruptRecordError(
      0,
      'bad-records',
      `batch at offset ${h.baseOffset}: ${(err as Error).message}`,
    );
  }
  return records;
}

// ---- encoding ------------------------------------------------------------------------------------

export interface RecordInput {
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: { key: string; value: Buffer | string | null }[];
  /** Defaults to the batch's baseTimestamp. */
  timestamp?: number;
  /** Absolute offset; defaults to baseOffset + index. Compaction passes originals to keep gaps. */
  offset?: number;
}

export interface EncodeBatchOptions {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  compression?: number;
  compressionLevel?: number;
  timestampType?: TimestampType;
  /** Defaults to the first record's timestamp, or Date.now(). */
  baseTimestamp?: number;
  /** Overrides the computed maxTimestamp (LogAppendTime batches). */
  maxTimestamp?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  /** Overrides the last offset delta, so a compacted batch keeps its original last offset. */
  lastOffsetDelta?: number;
}

class Writer {
  buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  varlong(value: number): void {
    this.ensure(10);
    let v = value >= 0 ? value * 2 : -value * 2 - 1;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }
  bytes(b: Buffer | null): void {
    if (b === null) return this.varlong(-1);
    this.varlong(b.length);
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }
}

const toBuf = (v: Buffer | string | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : v;

/** Builds one v2 batch from records, compressing the payload with `compression`. */
export function encodeBatch(records: RecordInput[], opts: EncodeBatchOptions = {}): Buffer {
  const baseOffset = opts.baseOffset ?? 0;
  const baseTimestamp = opts.baseTimestamp ?? records[0]?.timestamp ?? Date.now();
  const w = new Writer(256 + records.length * 32);
  let maxTimestamp = -1;
  let lastOffsetDelta = 0;
  const scratch = new Writer(64);
  records.forEach((rec, i) => {
    const ts = rec.timestamp ?? baseTimestamp;
    const offsetDelta = rec.offset === undefined ? i : rec.offset - baseOffset;
    maxTimestamp = Math.max(maxTimestamp, ts);
    lastOffsetDelta = Math.max(lastOffsetDelta, offsetDelta);
    // The length prefix precedes the body, so the body goes to a scratch writer first.
    scratch.pos = 0;
    scratch.ensure(1);
    scratch.buf[scratch.pos++] = 0;
    scratch.varlong(ts - baseTimestamp);
    scratch.varlong(offsetDelta);
    scratch.bytes(toBuf(rec.key));
    scratch.bytes(toBuf(rec.value));
    const headers = rec.headers ?? [];
    scratch.varlong(headers.length);
    for (const hd of headers) {
      scratch.bytes(Buffer.from(hd.key, 'utf8'));
      scratch.bytes(toBuf(hd.value));
    }
    w.varlong(scratch.pos);
    w.ensure(scratch.pos);
    scratch.buf.copy(w.buf, w.pos, 0, scratch.pos);
    w.pos += scratch.pos;
  });
  const codec = opts.compression ?? 0;
  const raw = w.buf.subarray(0, w.pos);
  const payload = codec === 0 ? raw : compress(codec, raw, opts.compressionLevel);
  const out = Buffer.allocUnsafe(BATCH_HEADER_BYTES + payload.length);
  let attributes = codec & ATTR_COMPRESSION_MASK;
  if (opts.timestampType === 'LogAppendTime') attributes |= ATTR_TIMESTAMP_TYPE;
  if (opts.isTransactional) attributes |= ATTR_TRANSACTIONAL;
  if (opts.isControl) attributes |= ATTR_CONTROL;
  writeInt64(out, 0, baseOffset);
  out.writeInt32BE(out.length - LOG_OVERHEAD, 8);
  out.writeInt32BE(opts.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, 12);
  out.writeInt8(2, 16);
  out.writeInt16BE(attributes, 21);
  out.writeInt32BE(opts.lastOffsetDelta ?? lastOffsetDelta, 23);
  writeInt64(out, 27, baseTimestamp);
  writeInt64(out, 35, opts.maxTimestamp ?? (records.length ? maxTimestamp : baseTimestamp));
  writeInt64(out, 43, opts.producerId ?? NO_PRODUCER_ID);
  out.writeInt16BE(opts.producerEpoch ?? NO_PRODUCER_EPOCH, 51);
  out.writeInt32BE(opts.baseSequence ?? NO_SEQUENCE, 53);
  out.writeInt32BE(records.length, 57);
  payload.copy(out, BATCH_HEADER_BYTES);
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return out;
}
