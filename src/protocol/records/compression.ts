// Record batch compression codecs (attributes bits 0-2 of a v2 batch).
//
// Package choice (all checked for linux-x64 glibc on Node 20, all sync APIs so the log's compaction
// pass and the batch encoder stay synchronous):
// - gzip   node:zlib (gzipSync / gunzipSync).
// - snappy `snappy` (napi-rs, prebuilt binaries inside optional registry packages, ~1.4 MB). Kafka
//          adds a framing of its own on top of raw snappy, see decodeSnappy().
// - lz4    `lz4-napi` (napi-rs over lz4_flex, prebuilt, ~0.9 MB): has compressFrameSync /
//          decompressFrameSync for the LZ4 *frame* format that v2 batches use.
// - zstd   `@bokuweb/zstd-wasm` (libzstd compiled to wasm, ~1.2 MB, no native build). The native
//          candidates (@mongodb-js/zstd >= 2, zstd-napi) fetch their binaries with
//          prebuild-install from GitHub at install time, which fails on machines that only reach
//          the npm registry; @mongodb-js/zstd 1.x is napi-rs but async-only. The wasm module needs
//          one async instantiation, done here with a top-level await (the project is ESM-only).
import zlib from 'node:zlib';
import snappy from 'snappy';
import lz4 from 'lz4-napi';
import * as zstd from '@bokuweb/zstd-wasm';

await zstd.init();

export const CompressionCodec = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionCodec = (typeof CompressionCodec)[keyof typeof CompressionCodec];

export function codecName(codec: number): string {
  return ['none', 'gzip', 'snappy', 'lz4', 'zstd'][codec] ?? `unknown(${codec})`;
}

/** A payload could not be compressed or decompressed with its codec (maps to CORRUPT_MESSAGE). */
export class CompressionError extends Error {
  override name = 'CompressionError';
  constructor(
    readonly codec: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${codecName(codec)}: ${message}`, options);
  }
}

/** The attributes name a codec id this broker does not know (maps to UNSUPPORTED_COMPRESSION_TYPE). */
export class UnsupportedCompressionError extends Error {
  override name = 'UnsupportedCompressionError';
  constructor(readonly codec: number) {
    super(`unsupported compression codec ${codec}`);
  }
}

// xerial snappy-java stream framing, used by the Java client (SnappyOutputStream):
//
//   0        8        12       16
//   +--------+--------+--------+------------+-----------------+------------+-----
//   | magic  | version| compat | len (BE32) | raw snappy block | len (BE32) | ...
//   +--------+--------+--------+------------+-----------------+------------+-----
//   magic = 82 'S' 'N' 'A' 'P' 'P' 'Y' 00, version = 1, compat = 1
//
// librdkafka and kafkajs may send one raw snappy block instead. Telling them apart by the 8-byte
// magic is what snappy-java and librdkafka do; a raw block starting with exactly those bytes would
// have to declare a ~10 KB length followed by the literal text "SNAPPY\0", which clients don't make.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
// snappy-java's default block size; the Java consumer reads any block size.
const XERIAL_BLOCK_BYTES = 32 * 1024;

function isXerial(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_BYTES && data.subarray(0, 8).equals(XERIAL_MAGIC);
}

function decodeSnappy(data: Buffer): Buffer {
  if (!isXerial(data)) return snappy.uncompressSync(data) as Buffer;
  const parts: Buffer[] = [];
  let pos = XERIAL_HEADER_BYTES;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new CompressionError(2, `xerial block length torn at ${pos}`);
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length)
      throw new CompressionError(2, `xerial block of ${len} bytes overruns`);
    parts.push(snappy.uncompressSync(data.subarray(pos, pos + len)) as Buffer);
    pos += len;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

function encodeSnappy(data: Buffer): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  const parts: Buffer[] = [header];
  for (let pos = 0; pos < data.length || pos === 0; pos += XERIAL_BLOCK_BYTES) {
    const block = snappy.compressSync(data.subarray(pos, pos + XERIAL_BLOCK_BYTES));
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
    if (data.length === 0) break;
  }
  return Buffer.concat(parts);
}

// A zstd frame written by a streaming compressor (zstd-jni's ZstdOutputStream in the Java client)
// has no content size in its header, so the output capacity has to be guessed; grow it on failure.
const ZSTD_CAPACITIES = [1 << 20, 16 << 20, 128 << 20];

function decodeZstd(data: Buffer): Buffer {
  let lastError: unknown;
  for (const defaultHeapSize of ZSTD_CAPACITIES) {
    try {
      const out = zstd.decompress(data, { defaultHeapSize });
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    } catch (err) {
      lastError = err;
    }
  }
  throw new CompressionError(4, 'cannot decompress frame', { cause: lastError });
}

/** Compresses `data` with `codec` as Kafka clients expect it (snappy with xerial framing). */
export function compress(codec: number, data: Buffer, level?: number): Buffer {
  switch (codec) {
    case 0:
      return data;
    case 1:
      return zlib.gzipSync(data, level === undefined ? {} : { level });
    case 2:
      return encodeSnappy(data);
    case 3:
      return lz4.compressFrameSync(data);
    case 4: {
      const out = zstd.compress(data, level ?? 3);
      return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    }
    default:
      throw new UnsupportedCompressionError(codec);
  }
}

/** Decompresses a batch payload; snappy accepts both xerial-framed and raw input. */
export function decompress(codec: number, data: Buffer): Buffer {
  try {
    switch (codec) {
      case 0:
        return data;
      case 1:
        return zlib.gunzipSync(data);
      case 2:
        return decodeSnappy(data);
      case 3:
        return lz4.decompressFrameSync(data);
      case 4:
        return decodeZstd(data);
      default:
        throw new UnsupportedCompressionError(codec);
    }
  } catch (err) {
    if (err instanceof UnsupportedCompressionError || err instanceof CompressionError) throw err;
    throw new CompressionError(codec, (err as Error).message, { cause: err });
  }
}
