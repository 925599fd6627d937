/**
 * A minimal Kafka client over one TCP connection, built on the broker's own
 * generated codecs, for tests that need exact control of what is sent
 * (versions, acks=0, malformed frames) and to read raw responses.
 */
import net from 'node:net';
import { apis, type ApiKey, type ApiMessages } from '../../src/protocol/generated/index';
import { Reader } from '../../src/protocol/reader';
import { Writer } from '../../src/protocol/writer';

export class RawClient {
  private buffer = Buffer.alloc(0);
  private pending = new Map<
    number,
    { key: number; version: number; resolve: (b: Reader) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => this.onData(d));
    socket.on('close', () => {
      this.closed = true;
      for (const p of this.pending.values()) p.reject(new Error('connection closed'));
      this.pending.clear();
    });
    socket.on('error', () => undefined);
  }

  static connect(bootstrap: string): Promise<RawClient> {
    const [host, port] = bootstrap.split(':');
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port: Number(port) }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** Sends a request; resolves with the decoded response (never, for acks=0 produce: use `send`). */
  request<K extends ApiKey>(
    key: K,
    version: number,
    body: ApiMessages[K]['request'],
  ): Promise<ApiMessages[K]['response']> {
    const id = this.send(key, version, body);
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        key,
        version,
        resolve: (r) => resolve(apis[key].decodeResponse(r, version) as ApiMessages[K]['response']),
        reject,
      });
    });
  }

  /** Writes a request without waiting for a response; returns its correlation id. */
  send<K extends ApiKey>(key: K, version: number, body: ApiMessages[K]['request']): number {
    const codec = apis[key];
    const id = this.nextId++;
    const w = new Writer();
    w.int32(0);
    w.int16(key);
    w.int16(version);
    w.int32(id);
    w.nullableString('kflow-test');
    if (codec.requestHeaderVersion(version) >= 2) w.uvarint(0);
    codec.encodeRequest(w, version, body);
    w.patchInt32(0, w.length - 4);
    for (const c of w.finish()) this.socket.write(c);
    return id;
  }

  /** Writes raw bytes (fuzzing). */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    while (this.buffer.length >= 4) {
      const size = this.buffer.readInt32BE(0);
      if (this.buffer.length < 4 + size) return;
      const frame = this.buffer.subarray(4, 4 + size);
      this.buffer = this.buffer.subarray(4 + size);
      const id = frame.readInt32BE(0);
      const p = this.pending.get(id);
      if (!p) continue;
      this.pending.delete(id);
      const r = new Reader(frame, 4);
      // Response header v1 adds tagged fields, except for ApiVersions (always v0).
      if (apis[p.key as ApiKey].responseHeaderVersion(p.version) >= 1) r.unknownTaggedFields('header');
      p.resolve(r);
    }
  }
}
