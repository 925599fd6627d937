/**
 * @module protocol/frame
 * Framing for the Kafka wire protocol: every request and response is an int32
 * size followed by that many bytes (header, then body).
 *
 * Sans-IO: the connection handler feeds socket chunks to a {@link FrameSplitter},
 * decodes each frame's header with {@link parseRequestHeader}, and writes the
 * `Buffer[]` returned by {@link encodeResponseFrame} to the socket.
 */
import { getApi, type ApiCodec } from './generated/index';
import { ProtocolDecodeError, Reader, type RawTaggedField } from './reader';
import { Writer } from './writer';

export const DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

/** A size prefix that cannot be honoured; the connection should be closed. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly reason: 'negative-size' | 'too-large',
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(
      reason === 'negative-size'
        ? `frame size ${size} is negative`
        : `frame size ${size} exceeds the limit of ${maxBytes} bytes`,
    );
  }
}

/**
 * Splits a byte stream into frames (payloads without their size prefix).
 * A frame that arrived in one chunk is returned as a view into that chunk
 * (no copy); only frames spanning chunks are assembled.
 */
export class FrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need = -1; // payload size of the frame being assembled, -1 until its prefix is known

  constructor(readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** Bytes held back waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Adds a chunk and returns every frame it completes, in order. Throws {@link FrameError}. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    if (chunk.length === 0) return out;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.need < 0) {
        if (this.buffered < 4) break;
        const size = this.peekInt32();
        if (size < 0) throw new FrameError('negative-size', size, this.maxFrameBytes);
        if (size > this.maxFrameBytes) throw new FrameError('too-large', size, this.maxFrameBytes);
        this.consume(4);
        this.need = size;
      }
      if (this.buffered < this.need) break;
      out.push(this.take(this.need));
      this.need = -1;
    }
    return out;
  }

  private peekInt32(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const b = Buffer.alloc(4);
    let k = 0;
    for (const c of this.chunks) {
      for (let i = 0; i < c.length && k < 4; i++) b[k++] = c[i]!;
      if (k === 4) break;
    }
    return b.readInt32BE(0);
  }

  private consume(n: number): void {
    this.take(n);
  }

  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (n === 0) return Buffer.alloc(0);
    if (first !== undefined && first.length >= n) {
      const view = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return view;
    }
    // Only reached once `buffered >= n`, and n is bounded by maxFrameBytes, so this allocation is safe.
    const out = Buffer.allocUnsafe(n);
    let k = 0;
    while (k < n) {
      const c = this.chunks[0]!;
      const m = Math.min(c.length, n - k);
      c.copy(out, k, 0, m);
      k += m;
      if (m === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(m);
    }
    return out;
  }
}

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** 1 or 2 (0 is only used by ControlledShutdown v0, which the broker does not serve). */
  headerVersion: number;
  /** The implemented API, or undefined for an unknown key (reply UNSUPPORTED_VERSION or close). */
  api: ApiCodec | undefined;
  /** True when the version is within the API's range. */
  versionSupported: boolean;
  taggedFields?: RawTaggedField[];
  /** Offset in the frame where the body starts. */
  bodyOffset: number;
}

/**
 * Parses a request frame's header. The fixed part (key, version, correlation id,
 * client id) has the same layout in header v1 and v2, so it is read even for
 * unknown APIs or versions, letting the caller answer with the right correlation id.
 * Tagged header fields are read only when the API and version are known to use header v2.
 */
export function parseRequestHeader(frame: Buffer): RequestHeader {
  const r = new Reader(frame);
  const apiKey = r.int16('request api key');
  const apiVersion = r.int16('request api version');
  const correlationId = r.int32('correlation id');
  const clientId = r.nullableString('client id');
  const api = getApi(apiKey);
  const versionSupported = api !== undefined && apiVersion >= api.minVersion && apiVersion <= api.maxVersion;
  const headerVersion = versionSupported ? api.requestHeaderVersion(apiVersion) : 1;
  const h: RequestHeader = {
    apiKey,
    apiVersion,
    correlationId,
    clientId,
    headerVersion,
    api,
    versionSupported,
    bodyOffset: 0,
  };
  if (headerVersion >= 2) {
    const tagged = r.unknownTaggedFields('request header tagged fields');
    if (tagged !== undefined) h.taggedFields = tagged;
  }
  h.bodyOffset = r.pos;
  return h;
}

/** A reader over a request frame's body. */
export function bodyReader(frame: Buffer, header: RequestHeader): Reader {
  return new Reader(frame, header.bodyOffset);
}

/**
 * Starts a response frame: size placeholder and response header. Encode the
 * body into the returned writer, then call {@link finishFrame}.
 */
export function beginResponseFrame(correlationId: number, headerVersion: number, initialSize = 512): Writer {
  const w = new Writer(initialSize);
  w.int32(0);
  w.int32(correlationId);
  if (headerVersion >= 1) w.uvarint(0);
  return w;
}

/** Patches the size prefix and returns the frame's chunks, ready for a vectored socket write. */
export function finishFrame(w: Writer): Buffer[] {
  w.patchInt32(0, w.length - 4);
  return w.finish();
}

/** Encodes a complete response frame for `api` at `version` (header version chosen per the API's rules). */
export function encodeResponseFrame<Res>(
  api: ApiCodec<unknown, Res>,
  version: number,
  correlationId: number,
  body: Res,
): Buffer[] {
  const w = beginResponseFrame(correlationId, api.responseHeaderVersion(version));
  api.encodeResponse(w, version, body);
  return finishFrame(w);
}

/**
 * Decodes a request body after {@link parseRequestHeader}; fails for unknown APIs or versions.
 * Trailing bytes after the body are ignored, as Kafka's own broker does.
 */
export function decodeRequestBody(frame: Buffer, header: RequestHeader): unknown {
  if (header.api === undefined || !header.versionSupported) {
    throw new ProtocolDecodeError(
      `api ${header.apiKey} version ${header.apiVersion} is not supported`,
      header.bodyOffset,
      'request',
    );
  }
  return header.api.decodeRequest(bodyReader(frame, header), header.apiVersion);
}
