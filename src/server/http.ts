/**
 * @module server/http
 * `kflow web`: the backend over HTTP on 127.0.0.1 only. The page is served from the built
 * renderer; calls are `POST /api` (an `ApiRequest` in, an `ApiResponse` out); events arrive on
 * the WebSocket `/events`. See docs/app.md for the security model:
 *
 * - every request whose Host is not `127.0.0.1:PORT` or `localhost:PORT` gets 403 (DNS rebinding);
 * - `/api` and `/events` need the per-start token (`Authorization: Bearer`, or for the socket a
 *   `kflow.token.<token>` subprotocol or `?token=`), compared in constant time, else 401;
 * - `/events` and `/api` also refuse a foreign `Origin` (403);
 * - every response carries a strict Content-Security-Policy and no CORS header.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiErrorBody, ApiResponse, KflowApi, ServerEvent } from '../api/index';
import { contentSecurityPolicy } from './csp';
import { dispatch } from './dispatch';
import { silentLog, type Log } from './errors';

export const EVENTS_PROTOCOL = 'kflow';
export const TOKEN_PROTOCOL_PREFIX = 'kflow.token.';
/** A spec is at most 8 MB; its JSON inside a request a little more. */
const MAX_BODY = 12 * 1024 * 1024;
/** A page that does not read its events is dropped (it reconnects) rather than buffered without end. */
const MAX_SOCKET_BUFFER = 16 * 1024 * 1024;

export interface WebServerOptions {
  api: KflowApi;
  events: { subscribe(listener: (event: ServerEvent) => void): () => void };
  /** The built renderer (`out/renderer`). */
  staticDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Generated when omitted (tests pass their own). */
  token?: string;
  /** Export downloads and import uploads at `/transfers` (same checks as `/api`). */
  transfers?: {
    handleRequest(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void>;
  };
  log?: Log;
}

export interface WebServer {
  port: number;
  token: string;
  /** `http://127.0.0.1:PORT/?token=…`: what the user opens. */
  url: string;
  close(): Promise<void>;
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison that does not reveal the token's length either. */
export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b) && given.length === token.length;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const STATUS: Record<ApiErrorBody['code'], number> = {
  invalid: 400,
  'not-found': 404,
  conflict: 409,
  connection: 502,
  internal: 500,
};

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const log = opts.log ?? silentLog;
  const token = opts.token ?? newToken();
  const staticDir = path.resolve(opts.staticDir);
  let port = 0;
  const hosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const hostOk = (req: IncomingMessage) => hosts().has((req.headers.host ?? '').toLowerCase());
  // Browsers send Origin on every POST and WebSocket; a missing one is a non-browser client,
  // which the token already covers.
  const originOk = (req: IncomingMessage, required: boolean) =>
    req.headers.origin === undefined ? !required : origins().has(req.headers.origin.toLowerCase());

  const baseHeaders = (): Record<string, string> => ({
    'Content-Security-Policy': contentSecurityPolicy({
      connect: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`],
    }),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });

  const send = (res: ServerResponse, status: number, body: string, type: string, extra = {}) => {
    res.writeHead(status, { ...baseHeaders(), 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
    res.end(body);
  };
  const sendText = (res: ServerResponse, status: number, text: string) =>
    send(res, status, `${text}\n`, 'text/plain; charset=utf-8');
  const sendJson = (res: ServerResponse, status: number, body: ApiResponse) =>
    send(res, status, JSON.stringify(body), 'application/json; charset=utf-8');

  async function onApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendText(res, 405, 'POST only');
    if (!originOk(req, false)) return sendText(res, 403, 'forbidden origin');
    const auth = req.headers.authorization;
    const given = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : null;
    if (!tokenMatches(given, token)) return sendText(res, 401, 'missing or wrong token');
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
      return sendText(res, 415, 'send the request as application/json');
    let text: string;
    try {
      text = await readBody(req, MAX_BODY);
    } catch {
      return sendText(res, 413, `request larger than ${MAX_BODY} bytes`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return sendJson(res, 400, {
        ok: false,
        error: { code: 'invalid', message: 'the request body is not JSON' },
      });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return sendJson(res, 400, {
        ok: false,
        error: { code: 'invalid', message: 'the request body is { "method": ..., "params": [...] }' },
      });
    const { method, params } = body as { method?: unknown; params?: unknown };
    const response = await dispatch(opts.api, method, params, log);
    sendJson(res, response.ok ? 200 : STATUS[response.error.code], response);
  }

  /** `PUT /transfers` (an upload) and `GET /transfers/<fileId>` (a download, token in the query). */
  async function onTransfers(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!opts.transfers) return sendText(res, 404, 'not found');
    if (!originOk(req, false)) return sendText(res, 403, 'forbidden origin');
    const auth = req.headers.authorization;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // A download is a plain link the browser saves to disk, so its token travels in the query.
    const given = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : url.searchParams.get('token');
    if (!tokenMatches(given, token)) return sendText(res, 401, 'missing or wrong token');
    await opts.transfers.handleRequest(req, res, baseHeaders());
  }

  async function onStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'GET only');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return sendText(res, 400, 'bad path');
    }
    if (rel.includes('\0')) return sendText(res, 400, 'bad path');
    const file = path.resolve(staticDir, `.${rel === '/' ? '/index.html' : rel}`);
    if (file !== staticDir && !file.startsWith(`${staticDir}${path.sep}`))
      return sendText(res, 404, 'not found');
    let data: Buffer;
    try {
      data = await fs.readFile(file);
    } catch {
      // Browsers ask for a favicon on their own; a 404 would be a console error on every page.
      if (rel === '/favicon.ico') {
        res.writeHead(204, baseHeaders());
        return void res.end();
      }
      return sendText(res, 404, 'not found');
    }
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    // Hashed asset names never change content; the page itself is always fetched fresh.
    const cache = rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-store';
    res.writeHead(200, { ...baseHeaders(), 'Content-Type': type, 'Cache-Control': cache });
    res.end(req.method === 'HEAD' ? undefined : data);
  }

  const server = http.createServer((req, res) => {
    if (!hostOk(req)) return sendText(res, 403, 'forbidden host');
    const pathname = (req.url ?? '/').split('?')[0];
    const handler =
      pathname === '/api'
        ? onApi
        : pathname === '/events'
          ? null
          : pathname === '/transfers' || pathname?.startsWith('/transfers/')
            ? onTransfers
            : onStatic;
    if (!handler) return sendText(res, 426, 'the event stream is a WebSocket');
    handler(req, res).catch((err: unknown) => {
      log.error('request failed', { error: String((err as Error)?.message ?? err) });
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => (protocols.has(EVENTS_PROTOCOL) ? EVENTS_PROTOCOL : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (!hostOk(req)) return refuse(403, 'Forbidden');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/events') return refuse(404, 'Not Found');
    if (!originOk(req, false)) return refuse(403, 'Forbidden');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const fromProtocol = offered
      .find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))
      ?.slice(TOKEN_PROTOCOL_PREFIX.length);
    if (!tokenMatches(fromProtocol ?? url.searchParams.get('token'), token))
      return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const unsubscribe = opts.events.subscribe((event) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_SOCKET_BUFFER) {
        ws.close(1013, 'too slow; reconnect');
        return;
      }
      ws.send(JSON.stringify(event));
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
    // The page only listens; anything it sends is ignored.
    ws.on('message', () => {});
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
