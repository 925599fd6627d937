/**
 * @module kafka/wire/connection
 * One connection to one broker: TCP or TLS, requests pipelined with correlation ids, responses
 * reassembled by the protocol's FrameSplitter and decoded by the generated codecs. Opening it
 * negotiates API versions (ApiVersions) and authenticates (SASL) before any other request.
 * Nothing waits forever: connecting, each request and the SASL exchange have a deadline, and a
 * closed socket fails every request in flight with a WireConnectionError.
 */
import net from 'node:net';
import tls from 'node:tls';
import { FrameError, FrameSplitter } from '../../protocol/frame';
import { encodeRequestHeader } from '../../protocol/generated/headers';
import { ApiKey, apis, type ApiMessages } from '../../protocol/generated/index';
import { Reader } from '../../protocol/reader';
import { Writer } from '../../protocol/writer';
import { KafkaResponseError, WireConnectionError, WireProtocolError } from './errors';
import { authenticate, type SaslCredentials } from './sasl';

export interface BrokerAddress {
  host: string;
  port: number;
}

export interface ConnectionOptions {
  /** Node TLS options; plaintext when undefined. */
  tls?: tls.ConnectionOptions;
  sasl?: SaslCredentials;
  clientId?: string;
  /** TCP + TLS + ApiVersions + SASL (default 10 s). */
  connectTimeoutMs?: number;
  /** Per request, from write to response (default 30 s; a fetch adds its maxWaitMs). */
  requestTimeoutMs?: number;
}

/**
 * The versions this client speaks, by API. Upper bounds keep topic names in Fetch (v13+ uses
 * topic ids) and Produce; lower bounds are what carries record batch v2.
 */
const OUR_VERSIONS: Partial<Record<ApiKey, [number, number]>> = {
  [ApiKey.Produce]: [3, 9],
  [ApiKey.Fetch]: [4, 12],
  [ApiKey.ListOffsets]: [1, 7],
  [ApiKey.Metadata]: [1, 12],
  [ApiKey.SaslHandshake]: [1, 1],
  [ApiKey.SaslAuthenticate]: [0, 2],
  [ApiKey.ApiVersions]: [0, 3],
};

// Large enough for a fetch with a 64 MB budget plus its framing.
const MAX_RESPONSE_BYTES = 256 << 20;

interface Pending {
  key: ApiKey;
  version: number;
  resolve: (r: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class BrokerConnection {
  /** host:port, for messages. */
  readonly address: string;
  private readonly splitter = new FrameSplitter(MAX_RESPONSE_BYTES);
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private brokerVersions = new Map<number, [number, number]>();
  private closedWith: WireConnectionError | WireProtocolError | undefined;
  private readonly closeListeners: ((e: Error) => void)[] = [];

  private constructor(
    private readonly socket: net.Socket,
    addr: BrokerAddress,
    private readonly opts: ConnectionOptions,
  ) {
    this.address = `${addr.host}:${addr.port}`;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(this.socketError(err)));
    socket.on('close', () =>
      this.fail(new WireConnectionError(this.address, 'closed', 'the broker closed the connection')),
    );
  }

  /** Connects, negotiates versions and authenticates; rejects with a typed error within connectTimeoutMs. */
  static async open(addr: BrokerAddress, opts: ConnectionOptions = {}): Promise<BrokerConnection> {
    const address = `${addr.host}:${addr.port}`;
    const timeoutMs = opts.connectTimeoutMs ?? 10_000;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = opts.tls
        ? tls.connect({
            host: addr.host,
            port: addr.port,
            servername: net.isIP(addr.host) ? undefined : addr.host,
            ...opts.tls,
          })
        : net.connect({ host: addr.host, port: addr.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new WireConnectionError(address, 'timeout', `no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once(opts.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        s.destroy();
        // Socket-level codes are E-prefixed (ECONNREFUSED, ENOTFOUND...); certificate and handshake codes are not, or start ERR_.
        const code = err.code ?? '';
        const isTls = opts.tls !== undefined && !(code.startsWith('E') && !code.startsWith('ERR_'));
        reject(
          new WireConnectionError(
            address,
            isTls ? 'tls' : 'connect',
            `${isTls ? 'TLS: ' : ''}${err.message}`,
            {
              cause: err,
            },
          ),
        );
      });
    });
    socket.setNoDelay(true);
    const conn = new BrokerConnection(socket, addr, opts);
    const deadline = setTimeout(
      () =>
        conn.fail(new WireConnectionError(address, 'timeout', `handshake not done within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      await conn.negotiate();
      if (opts.sasl) await authenticate(conn, opts.sasl);
      return conn;
    } catch (err) {
      conn.close();
      throw err;
    } finally {
      clearTimeout(deadline);
    }
  }

  private socketError(err: NodeJS.ErrnoException): WireConnectionError {
    return new WireConnectionError(this.address, 'closed', `connection error: ${err.message}`, {
      cause: err,
    });
  }

  private async negotiate(): Promise<void> {
    // v0 is understood by every broker; the answer lists what it speaks.
    const res = await this.request(
      ApiKey.ApiVersions,
      { clientSoftwareName: '', clientSoftwareVersion: '' },
      0,
    );
    if (res.errorCode !== 0) throw new KafkaResponseError(this.address, 'ApiVersions', res.errorCode);
    for (const k of res.apiKeys) this.brokerVersions.set(k.apiKey, [k.minVersion, k.maxVersion]);
  }

  /** The highest version both sides speak; throws when there is none. */
  version(key: ApiKey): number {
    const ours = OUR_VERSIONS[key] ?? [apis[key].minVersion, apis[key].maxVersion];
    const theirs = this.brokerVersions.get(key);
    const v = Math.min(ours[1], theirs?.[1] ?? -1);
    if (theirs === undefined || v < Math.max(ours[0], theirs[0]))
      throw new WireProtocolError(
        this.address,
        `no common version of ${apis[key].name}: the client speaks ${ours[0]}-${ours[1]}, the broker ${theirs ? `${theirs[0]}-${theirs[1]}` : 'none'}`,
      );
    return v;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Called once when the connection fails or closes. */
  onClose(fn: (e: Error) => void): void {
    this.closeListeners.push(fn);
  }

  /** Sends a request (pipelined behind any in flight) and resolves with the decoded response. */
  request<K extends ApiKey>(
    key: K,
    body: ApiMessages[K]['request'],
    version: number = this.version(key),
    extraTimeoutMs = 0,
  ): Promise<ApiMessages[K]['response']> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const codec = apis[key];
    const id = this.nextId++ & 0x7fffffff;
    const w = new Writer(256);
    w.int32(0);
    encodeRequestHeader(w, codec.requestHeaderVersion(version), {
      requestApiKey: key,
      requestApiVersion: version,
      correlationId: id,
      clientId: this.opts.clientId ?? 'kflow',
    });
    codec.encodeRequest(w, version, body);
    w.patchInt32(0, w.length - 4);
    const timeoutMs = (this.opts.requestTimeoutMs ?? 30_000) + extraTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const e = new WireConnectionError(
          this.address,
          'timeout',
          `no response to ${codec.name} within ${timeoutMs} ms`,
        );
        reject(e);
        // Later responses would be out of step with what the caller believes; start over.
        this.fail(e);
      }, timeoutMs);
      this.pending.set(id, { key, version, resolve: resolve as (r: unknown) => void, reject, timer });
      const chunks = w.finish();
      if (chunks.length === 1) this.socket.write(chunks[0]!);
      else {
        this.socket.cork();
        for (const c of chunks) this.socket.write(c);
        this.socket.uncork();
      }
    });
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (err) {
      this.fail(
        new WireProtocolError(this.address, err instanceof FrameError ? err.message : String(err), {
          cause: err,
        }),
      );
      return;
    }
    for (const frame of frames) {
      if (this.closedWith) return;
      if (frame.length < 4) {
        this.fail(new WireProtocolError(this.address, `a ${frame.length}-byte frame has no correlation id`));
        return;
      }
      const id = frame.readInt32BE(0);
      const p = this.pending.get(id);
      if (!p) {
        this.fail(new WireProtocolError(this.address, `a response to unknown correlation id ${id}`));
        return;
      }
      this.pending.delete(id);
      clearTimeout(p.timer);
      const codec = apis[p.key];
      try {
        const r = new Reader(frame, 4);
        if (codec.responseHeaderVersion(p.version) >= 1) r.unknownTaggedFields('response header');
        p.resolve(codec.decodeResponse(r, p.version));
      } catch (err) {
        const e = new WireProtocolError(
          this.address,
          `${codec.name} v${p.version}: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
        p.reject(e);
        this.fail(e);
        return;
      }
    }
  }

  private fail(e: WireConnectionError | WireProtocolError): void {
    if (this.closedWith) return;
    this.closedWith = e;
    this.socket.destroy();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
    for (const fn of this.closeListeners) fn(e);
  }

  close(): void {
    this.fail(new WireConnectionError(this.address, 'closed', 'the connection was closed by the client'));
  }
}
