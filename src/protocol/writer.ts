/**
 * @module protocol/writer
 * Sans-IO encoding primitives for the Kafka wire format.
 *
 * The writer fills a scratch segment and keeps a list of finished chunks. Large
 * byte payloads (record batches above {@link ZERO_COPY_MIN}) are appended by
 * reference instead of copied, so a Fetch response carrying megabytes of log
 * data costs no copy until the socket (which accepts the `Buffer[]` from
 * {@link Writer.finish} directly, e.g. via cork/write/uncork).
 *
 * Value representations match the reader: int64 and varlong are bigint, uuid is
 * Kafka's 22-character URL-safe base64 text.
 */
import type { RawTaggedField } from './reader';

/** Thrown when a message cannot be expressed in the requested version or holds an invalid value. */
export class ProtocolEncodeError extends Error {
  override readonly name = 'ProtocolEncodeError';
  constructor(
    readonly reason: string,
    readonly what: string,
  ) {
    super(`cannot encode ${what}: ${reason}`);
  }
}

/** Payloads at least this large are referenced, not copied. */
export const ZERO_COPY_MIN = 4096;
const MAX_SEGMENT = 1 << 20;

export class Writer {
  private chunks: Buffer[] = [];
  private flushed = 0;
  private buf: Buffer;
  private start = 0;
  private pos = 0;

  constructor(initialSize = 512) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushed + this.pos - this.start;
  }

  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    this.flush();
    // Start a new segment instead of copying the old one; the old bytes stay put in `chunks`.
    const size = Math.max(n, Math.min(this.buf.length * 2, MAX_SEGMENT));
    this.buf = Buffer.allocUnsafe(size);
    this.start = this.pos = 0;
  }

  private flush(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.pos));
      this.flushed += this.pos - this.start;
      this.start = this.pos;
    }
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos++);
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  int16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }

  uint16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(v, this.pos);
  }

  int32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }

  uint32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v, this.pos);
  }

  int64(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
  }

  float64(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleBE(v, this.pos);
  }

  uuid(v: string): void {
    const b = Buffer.from(v, 'base64url');
    if (b.length !== 16 || v.length !== 22)
      throw new ProtocolEncodeError(`not a 22-char base64url uuid: ${v}`, 'uuid');
    this.ensure(16);
    this.pos += b.copy(this.buf, this.pos);
  }

  uvarint(v: number): void {
    if (!(v >= 0 && v <= 0xffffffff && Number.isInteger(v))) {
      throw new ProtocolEncodeError(`${v} is not a uint32`, 'uvarint');
    }
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  varint(v: number): void {
    this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  varlong(v: bigint): void {
    let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  private utf8(s: string, n: number): void {
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }

  string(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    if (n > 0x7fff) throw new ProtocolEncodeError(`string of ${n} bytes exceeds int16 length`, 'string');
    this.int16(n);
    this.utf8(s, n);
  }

  nullableString(s: string | null): void {
    if (s === null) this.int16(-1);
    else this.string(s);
  }

  compactString(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.uvarint(n + 1);
    this.utf8(s, n);
  }

  compactNullableString(s: string | null): void {
    if (s === null) this.uvarint(0);
    else this.compactString(s);
  }

  /** Appends raw bytes; large payloads are referenced rather than copied. */
  raw(b: Buffer): void {
    if (b.length >= ZERO_COPY_MIN) {
      this.flush();
      this.chunks.push(b);
      this.flushed += b.length;
    } else {
      this.ensure(b.length);
      this.pos += b.copy(this.buf, this.pos);
    }
  }

  bytes(b: Buffer): void {
    this.int32(b.length);
    this.raw(b);
  }

  nullableBytes(b: Buffer | null): void {
    if (b === null) this.int32(-1);
    else this.bytes(b);
  }

  compactBytes(b: Buffer): void {
    this.uvarint(b.length + 1);
    this.raw(b);
  }

  compactNullableBytes(b: Buffer | null): void {
    if (b === null) this.uvarint(0);
    else this.compactBytes(b);
  }

  arrayLength(n: number): void {
    this.int32(n);
  }

  compactArrayLength(n: number): void {
    this.uvarint(n + 1);
  }

  /** Appends everything another writer produced (used for tagged field values, whose size prefixes them). */
  append(other: Writer): void {
    for (const c of other.finish()) this.raw(c);
  }

  /** Writes unknown tagged fields from index `from` whose tag is below `below`; returns the next index. */
  unknownTaggedFieldsBelow(fields: RawTaggedField[] | undefined, from: number, below: number): number {
    if (fields === undefined) return from;
    let i = from;
    for (; i < fields.length; i++) {
      const f = fields[i]!;
      if (f.tag >= below) break;
      this.uvarint(f.tag);
      this.uvarint(f.data.length);
      this.raw(f.data);
    }
    return i;
  }

  /** A whole tagged-fields section for a struct with no known tagged fields in this version. */
  taggedFields(fields: RawTaggedField[] | undefined): void {
    if (fields === undefined) {
      this.uvarint(0);
      return;
    }
    this.uvarint(fields.length);
    this.unknownTaggedFieldsBelow(fields, 0, Infinity);
  }

  /** Overwrites 4 bytes at an absolute offset already written (e.g. a frame's size prefix). */
  patchInt32(offset: number, v: number): void {
    if (offset < 0 || offset + 4 > this.length)
      throw new ProtocolEncodeError(`offset ${offset} not written`, 'patch');
    const bytes = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    let base = 0;
    let k = 0;
    const segs =
      this.pos > this.start ? [...this.chunks, this.buf.subarray(this.start, this.pos)] : this.chunks;
    for (const seg of segs) {
      while (k < 4 && offset + k < base + seg.length) {
        if (offset + k >= base) {
          seg[offset + k - base] = bytes[k]!;
          k++;
        } else break;
      }
      if (k === 4) return;
      base += seg.length;
    }
  }

  /** Finished chunks in order; the writer may keep appending after this call. */
  finish(): Buffer[] {
    this.flush();
    return this.chunks;
  }

  /** One contiguous buffer (a single copy when the output spans several chunks). */
  toBuffer(): Buffer {
    const chunks = this.finish();
    if (chunks.length === 1) return chunks[0]!;
    return Buffer.concat(chunks, this.flushed);
  }
}

/** Shared empty default for bytes fields; zero-length, so sharing it is safe. */
export const EMPTY: Buffer = Buffer.alloc(0);

/** Narrows a value the model allows to be null but the chosen version does not. */
export function notNull<T>(x: T | null, what: string): T {
  if (x === null) throw new ProtocolEncodeError('null is not allowed in this version', what);
  return x;
}
