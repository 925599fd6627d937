/**
 * @module protocol/reader
 * Bounds-checked, sans-IO decoding primitives for the Kafka wire format.
 *
 * Every read checks the remaining input first, so malformed frames fail with a
 * {@link ProtocolDecodeError} (never a RangeError from Buffer), and no length
 * read off the wire is trusted for an allocation before it has been checked
 * against the bytes actually present.
 *
 * Representation choices (shared with the writer and the generated codecs):
 * - int64 is a `bigint` (offsets and timestamps can exceed 2^53).
 * - Zigzag varint is a `number`; zigzag varlong is a `bigint`.
 * - uuid is Kafka's textual form: 22 characters of unpadded URL-safe base64 of
 *   the 16 bytes, as printed by Kafka's tools; cheap to compare and usable as a Map key.
 * - bytes and records are zero-copy views (`subarray`) into the input buffer: they stay
 *   valid only as long as the caller does not reuse that buffer.
 */

/** Thrown for any malformed input; `offset` is where the failing read started. */
export class ProtocolDecodeError extends Error {
  override readonly name = 'ProtocolDecodeError';
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly what: string,
  ) {
    super(`cannot decode ${what} at offset ${offset}: ${reason}`);
  }
}

/** A tagged field the decoder did not recognise, kept so it can be re-encoded unchanged. */
export interface RawTaggedField {
  tag: number;
  data: Buffer;
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export class Reader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    if (offset < 0 || end > buf.length || offset > end) {
      throw new ProtocolDecodeError(
        `bad window [${offset}, ${end}) over ${buf.length} bytes`,
        offset,
        'reader',
      );
    }
    this.buf = buf;
    this.pos = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new ProtocolDecodeError(`need ${n} bytes, ${this.end - this.pos} remain`, this.pos, what);
    }
  }

  int8(what = 'int8'): number {
    this.need(1, what);
    return this.buf.readInt8(this.pos++);
  }

  bool(what = 'bool'): boolean {
    this.need(1, what);
    // Java reads any non-zero byte as true; match it rather than rejecting.
    return this.buf[this.pos++] !== 0;
  }

  int16(what = 'int16'): number {
    this.need(2, what);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(what = 'uint16'): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(what = 'int32'): number {
    this.need(4, what);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(what = 'uint32'): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(what = 'int64'): bigint {
    this.need(8, what);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  float64(what = 'float64'): number {
    this.need(8, what);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  uuid(what = 'uuid'): string {
    this.need(16, what);
    const s = this.buf.toString('base64url', this.pos, this.pos + 16);
    this.pos += 16;
    return s;
  }

  /** Unsigned LEB128 varint of at most 5 bytes, as a uint32. */
  uvarint(what = 'uvarint'): number {
    const start = this.pos;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.end) throw new ProtocolDecodeError('truncated varint', start, what);
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new ProtocolDecodeError('varint exceeds 32 bits', start, what);
        return result;
      }
    }
    throw new ProtocolDecodeError('varint longer than 5 bytes', start, what);
  }

  /** Zigzag-encoded signed 32-bit varint (record headers and the like). */
  varint(what = 'varint'): number {
    const u = this.uvarint(what);
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zigzag-encoded signed 64-bit varint, as a bigint. */
  varlong(what = 'varlong'): bigint {
    const start = this.pos;
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new ProtocolDecodeError('truncated varlong', start, what);
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffffffffffffn)
          throw new ProtocolDecodeError('varlong exceeds 64 bits', start, what);
        return (result >> 1n) ^ -(result & 1n);
      }
    }
    throw new ProtocolDecodeError('varlong longer than 10 bytes', start, what);
  }

  // --- lengths -------------------------------------------------------------
  // Each returns -1 for null and guarantees that a non-null length fits in what
  // remains, which is the only allocation guard the callers need.

  private checkLength(n: number, start: number, what: string, nullable: boolean): number {
    if (n < 0) {
      if (n === -1 && nullable) return -1;
      throw new ProtocolDecodeError(
        n === -1 ? 'null where not nullable' : `negative length ${n}`,
        start,
        what,
      );
    }
    if (n > this.end - this.pos) {
      throw new ProtocolDecodeError(
        `length ${n} exceeds the ${this.end - this.pos} bytes remaining`,
        start,
        what,
      );
    }
    return n;
  }

  private int16Length(what: string, nullable: boolean): number {
    const start = this.pos;
    return this.checkLength(this.int16(what), start, what, nullable);
  }

  private int32Length(what: string, nullable: boolean): number {
    const start = this.pos;
    return this.checkLength(this.int32(what), start, what, nullable);
  }

  private compactLength(what: string, nullable: boolean): number {
    const start = this.pos;
    return this.checkLength(this.uvarint(what) - 1, start, what, nullable);
  }

  private utf8(n: number): string {
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  private slice(n: number): Buffer {
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  string(what = 'string'): string {
    return this.utf8(this.int16Length(what, false));
  }

  nullableString(what = 'string'): string | null {
    const n = this.int16Length(what, true);
    return n < 0 ? null : this.utf8(n);
  }

  compactString(what = 'string'): string {
    return this.utf8(this.compactLength(what, false));
  }

  compactNullableString(what = 'string'): string | null {
    const n = this.compactLength(what, true);
    return n < 0 ? null : this.utf8(n);
  }

  bytes(what = 'bytes'): Buffer {
    return this.slice(this.int32Length(what, false));
  }

  nullableBytes(what = 'bytes'): Buffer | null {
    const n = this.int32Length(what, true);
    return n < 0 ? null : this.slice(n);
  }

  compactBytes(what = 'bytes'): Buffer {
    return this.slice(this.compactLength(what, false));
  }

  compactNullableBytes(what = 'bytes'): Buffer | null {
    const n = this.compactLength(what, true);
    return n < 0 ? null : this.slice(n);
  }

  /** Raw bytes of a known length (already bounded by the caller's framing). */
  raw(n: number, what = 'raw bytes'): Buffer {
    this.need(n, what);
    return this.slice(n);
  }

  /**
   * Element count of an int32-prefixed array, -1 when null. Like Kafka's Java
   * reader it rejects counts larger than the remaining bytes, since every
   * element occupies at least one byte in practice; this bounds loop work too.
   */
  arrayLength(what = 'array', nullable = false): number {
    return this.int32Length(what, nullable);
  }

  compactArrayLength(what = 'array', nullable = false): number {
    return this.compactLength(what, nullable);
  }

  /** Presence byte of a nullable struct: false means null. */
  structPresent(what = 'struct'): boolean {
    const start = this.pos;
    const b = this.int8(what);
    if (b === -1) return false;
    if (b === 1) return true;
    throw new ProtocolDecodeError(`bad presence marker ${b}`, start, what);
  }

  /** Reads a tagged field's header and returns the offset where its value must end. */
  taggedFieldEnd(what = 'tagged field'): number {
    const start = this.pos;
    const size = this.uvarint(what);
    if (size > this.end - this.pos) {
      throw new ProtocolDecodeError(`tagged field size ${size} exceeds the remaining bytes`, start, what);
    }
    return this.pos + size;
  }

  /** Asserts that a tagged field's value consumed exactly the size it declared. */
  expectAt(end: number, what: string): void {
    if (this.pos !== end) {
      throw new ProtocolDecodeError(
        `tagged field value ends at ${this.pos}, declared end ${end}`,
        this.pos,
        what,
      );
    }
  }

  /** Reads a whole tagged-fields section, keeping every field raw (for structs with no known tags). */
  unknownTaggedFields(what = 'tagged fields'): RawTaggedField[] | undefined {
    const n = this.uvarint(what);
    let out: RawTaggedField[] | undefined;
    for (let i = 0; i < n; i++) {
      const tag = this.uvarint(what);
      const end = this.taggedFieldEnd(what);
      (out ??= []).push({ tag, data: this.raw(end - this.pos, what) });
    }
    return out;
  }
}
