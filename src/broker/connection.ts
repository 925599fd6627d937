/**
 * @module broker/connection
 * One client connection: splits the byte stream into frames, dispatches each
 * request to its handler, and writes responses in request order (Kafka clients
 * pipeline requests and match responses by order as well as correlation id),
 * even when a later request (ApiVersions) finishes before an earlier long poll.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { NO_RESPONSE, registeredApi, type ConnectionInfo, type RequestContext } from './api';
import { saslStep } from './auth/session';
import type { Cluster } from './cluster';
import { ErrorCode } from '../protocol/errors';
import {
  encodeResponseFrame,
  FrameError,
  FrameSplitter,
  parseRequestHeader,
  bodyReader,
  beginResponseFrame,
  finishFrame,
  type RequestHeader,
} from '../protocol/frame';
import { getApi } from '../protocol/generated/index';
import { ProtocolDecodeError } from '../protocol/reader';
import type { BrokerMetrics } from './metrics';

let nextConnectionId = 1;

/** Per-request hooks for tests (kfake's ControlKey): observe, delay or fail a request. */
export type RequestHook = (header: RequestHeader, request: unknown) => void | Promise<void>;

export interface ConnectionDeps {
  cluster: Cluster;
  brokerId: number;
  logger: Logger;
  metrics: BrokerMetrics;
  /** True when this listener requires SASL before other APIs. */
  requireAuth: boolean;
  hooks: RequestHook[];
}

export class Connection {
  readonly info: ConnectionInfo;
  private readonly splitter: FrameSplitter;
  private readonly abort = new AbortController();
  /** Responses not yet written, in request order; null marks "no response" (acks=0). */
  private readonly queue: { done: boolean; chunks: Buffer[] | null; closeAfter?: string }[] = [];
  private closed = false;
  /** After SaslHandshake v0: frames are bare SASL tokens until the exchange ends. */
  private rawSasl = false;

  constructor(
    private readonly socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
    this.info = {
      id: nextConnectionId++,
      brokerId: deps.brokerId,
      remoteAddress: `${socket.remoteAddress}:${socket.remotePort}`,
      clientId: null,
      principal: null,
      sasl: { step: 'none' },
    };
    this.splitter = new FrameSplitter(deps.cluster.options.maxRequestBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => deps.logger.debug({ conn: this.info.id, err: err.message }, 'socket error'));
    socket.on('close', () => this.onClose());
  }

  close(reason: string): void {
    if (this.closed) return;
    this.deps.logger.warn(
      { conn: this.info.id, remote: this.info.remoteAddress, reason },
      'closing connection',
    );
    this.closed = true;
    this.abort.abort();
    this.socket.destroy();
  }

  private onClose(): void {
    this.closed = true;
    this.abort.abort();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (err) {
      this.close(err instanceof FrameError ? err.message : String(err));
      return;
    }
    for (const frame of frames) {
      if (this.closed) return;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    const sasl = this.info.sasl;
    if (sasl.step === 'failed') return; // the connection closes once the failure response is out
    if (this.rawSasl || (sasl.step === 'handshaken' && sasl.legacy)) {
      this.onRawSaslToken(frame);
      return;
    }
    let header: RequestHeader;
    try {
      header = parseRequestHeader(frame);
    } catch (err) {
      this.close(`unreadable request header: ${(err as Error).message}`);
      return;
    }
    if (header.clientId !== null) this.info.clientId = header.clientId;
    const slot: (typeof this.queue)[number] = { done: false, chunks: null };
    this.queue.push(slot);
    const started = process.hrtime.bigint();
    this.handle(frame, header).then(
      (chunks) => {
        slot.done = true;
        slot.chunks = chunks;
        // A failed SASL exchange ends the connection after its response, as in Kafka.
        if (this.info.sasl.step === 'failed') slot.closeAfter = this.info.sasl.reason;
        this.deps.metrics.observe(header.apiKey, Number(process.hrtime.bigint() - started) / 1e9, 'ok');
        this.drain();
      },
      (err: unknown) => {
        this.deps.metrics.observe(header.apiKey, Number(process.hrtime.bigint() - started) / 1e9, 'error');
        const api = getApi(header.apiKey)?.name ?? `api ${header.apiKey}`;
        const why =
          err instanceof ProtocolDecodeError
            ? `malformed ${api} v${header.apiVersion} request: ${err.message}`
            : `${api} failed: ${(err as Error)?.stack ?? String(err)}`;
        this.close(why);
      },
    );
  }

  private async handle(frame: Buffer, header: RequestHeader): Promise<Buffer[] | null> {
    const api = registeredApi(header.apiKey);
    const codec = getApi(header.apiKey);
    if (!api || !codec) {
      // Kafka closes the connection on an unknown API key; say why in the log.
      throw new Error(`unknown api key ${header.apiKey}`);
    }
    if (header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) {
      if (header.apiKey === 18) return unsupportedApiVersions(header.correlationId);
      throw new Error(
        `${api.name} v${header.apiVersion} is not supported (supported ${api.minVersion}-${api.maxVersion})`,
      );
    }
    if (this.deps.requireAuth && !api.beforeAuth && this.info.sasl.step !== 'done') {
      throw new Error(`${api.name} before authentication on a SASL listener`);
    }
    const request = codec.decodeRequest(bodyReader(frame, header), header.apiVersion);
    for (const hook of this.deps.hooks) await hook(header, request);
    const ctx: RequestContext = {
      cluster: this.deps.cluster,
      connection: this.info,
      apiVersion: header.apiVersion,
      correlationId: header.correlationId,
      signal: this.abort.signal,
    };
    const response = await api.handler(request as never, ctx);
    if (response === NO_RESPONSE) return null;
    return encodeResponseFrame(codec, header.apiVersion, header.correlationId, response);
  }

  /**
   * After SaslHandshake v0 the client sends bare SASL tokens as size-prefixed
   * frames (no Kafka header) and expects bare size-prefixed tokens back. A failed
   * exchange closes the connection without an answer, as Kafka does in this flow.
   */
  private onRawSaslToken(frame: Buffer): void {
    this.rawSasl = true;
    let r: ReturnType<typeof saslStep>;
    try {
      r = saslStep(this.info, frame, this.deps.cluster);
    } catch (err) {
      this.close(`SASL exchange failed: ${(err as Error).message}`);
      return;
    }
    if (!r.ok) {
      this.close(`SASL authentication failed (legacy flow): ${r.message}`);
      return;
    }
    if (r.done) this.rawSasl = false;
    const size = Buffer.alloc(4);
    size.writeInt32BE(r.response.length);
    this.queue.push({ done: true, chunks: [size, r.response] });
    this.drain();
  }

  private drain(): void {
    if (this.closed) return;
    let wrote = false;
    while (this.queue.length > 0 && this.queue[0]?.done) {
      const slot = this.queue.shift() as (typeof this.queue)[number];
      if (!slot.chunks) continue;
      if (!wrote) this.socket.cork();
      wrote = true;
      for (const c of slot.chunks) this.socket.write(c);
      if (slot.closeAfter !== undefined) {
        this.deps.logger.info(
          { conn: this.info.id, remote: this.info.remoteAddress, reason: slot.closeAfter },
          'closing connection after SASL failure',
        );
        this.closed = true;
        this.abort.abort();
        this.socket.end(); // flushes the corked response, then FIN
        // A client that never closes its side must not hold the socket open.
        setTimeout(() => this.socket.destroy(), 5000).unref();
        return;
      }
    }
    if (wrote) process.nextTick(() => this.socket.uncork());
  }
}

/**
 * A client newer than the broker may send ApiVersions at a version we do not
 * know; Kafka answers with UNSUPPORTED_VERSION in a v0 body so the client can
 * retry with a version from the list (KIP-511).
 */
function unsupportedApiVersions(correlationId: number): Buffer[] {
  const w = beginResponseFrame(correlationId, 0);
  w.int16(ErrorCode.UNSUPPORTED_VERSION);
  const apis = [18];
  w.int32(apis.length);
  for (const key of apis) {
    const api = registeredApi(key);
    w.int16(key);
    w.int16(api?.minVersion ?? 0);
    w.int16(api?.maxVersion ?? 0);
  }
  return finishFrame(w);
}
