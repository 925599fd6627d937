/**
 * The trust boundary of `kflow web`: token, Host and Origin checks on every route, the
 * listener on 127.0.0.1 only, security headers. No broker needed: these requests are refused
 * (or answered) before any Kafka work.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createBackend, type Backend } from '../../../src/server/backend';
import { startWebServer, tokenMatches, type WebServer } from '../../../src/server/http';
import { MemorySecretStore } from '../../../src/server/secrets';

let dir: string;
let backend: Backend;
let server: WebServer;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(opts: {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: opts.path,
        method: opts.method ?? 'GET',
        headers: { host: `127.0.0.1:${server.port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const apiCall = (headers: Record<string, string>, body = '{"method":"runs.list","params":[]}') =>
  request({
    path: '/api',
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

const bearer = () => ({ authorization: `Bearer ${server.token}` });

/** The HTTP status of a WebSocket handshake (101 when accepted). */
function upgrade(opts: {
  protocols?: string[];
  headers?: Record<string, string>;
  query?: string;
}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(
      `ws://127.0.0.1:${server.port}/events${opts.query ?? ''}`,
      opts.protocols ?? [],
      {
        headers: opts.headers ?? {},
        origin: `http://127.0.0.1:${server.port}`,
        ...(opts.headers?.['origin'] ? { origin: opts.headers['origin'] } : {}),
      },
    );
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => resolve(-1));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kflow-websec-'));
  mkdirSync(join(dir, 'static', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'static', 'index.html'), '<!doctype html><title>kflow</title>');
  writeFileSync(join(dir, 'static', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside the static folder');
  backend = createBackend({ dataDir: join(dir, 'data'), secretStore: new MemorySecretStore() });
  server = await startWebServer({
    api: backend.api,
    events: backend.events,
    staticDir: join(dir, 'static'),
    port: 0,
  });
});

afterAll(async () => {
  await server?.close();
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kflow web security', () => {
  it('prints a URL on 127.0.0.1 with a 256-bit base64url token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    // 32 random bytes are 43 base64url characters.
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers /api with the right token, 401 without it or with a wrong one', async () => {
    expect((await apiCall(bearer())).status).toBe(200);
    expect((await apiCall({})).status).toBe(401);
    expect((await apiCall({ authorization: `Bearer ${server.token}x` })).status).toBe(401);
    expect((await apiCall({ authorization: `Bearer ${server.token.slice(0, -1)}` })).status).toBe(401);
    expect((await apiCall({ authorization: server.token })).status).toBe(401);
    expect((await request({ path: `/api?token=${server.token}`, method: 'POST' })).status).toBe(401);
  });

  it.each(['evil.example:PORT', '127.0.0.1:OTHER', 'localhost:OTHER', 'evil.example', '127.0.0.1'])(
    'refuses Host %s with 403 on /api, static files and /events',
    async (pattern) => {
      const host = pattern.replace('PORT', String(server.port)).replace('OTHER', String(server.port + 1));
      expect((await apiCall({ ...bearer(), host })).status).toBe(403);
      expect((await request({ path: '/', headers: { host } })).status).toBe(403);
      expect((await request({ path: '/assets/app.js', headers: { host } })).status).toBe(403);
      expect(await upgrade({ protocols: ['kflow', `kflow.token.${server.token}`], headers: { host } })).toBe(
        403,
      );
    },
  );

  it('accepts Host localhost:PORT as well as 127.0.0.1:PORT', async () => {
    expect((await request({ path: '/', headers: { host: `localhost:${server.port}` } })).status).toBe(200);
    expect((await apiCall({ ...bearer(), host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('serves static files with the Host check only, and nothing outside the folder', async () => {
    const page = await request({ path: '/' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>kflow</title>');
    expect((await request({ path: '/assets/app.js' })).headers['content-type']).toMatch(/^text\/javascript/);
    expect((await request({ path: '/../secret.txt' })).status).toBe(404);
    expect((await request({ path: '/%2e%2e/secret.txt' })).status).toBe(404);
    expect((await request({ path: '/assets/%2e%2e/%2e%2e/secret.txt' })).status).toBe(404);
  });

  it('sends a strict CSP, nosniff and no CORS header', async () => {
    for (const r of [await request({ path: '/' }), await apiCall(bearer()), await apiCall({})]) {
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}`);
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('answers an unknown method with a not-found error, and a foreign Origin on /api with 403', async () => {
    const r = await apiCall(bearer(), '{"method":"__proto__","params":[]}');
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'unknown API method "__proto__"' },
    });
    const bad = await apiCall(bearer(), 'not json');
    expect(bad.status).toBe(400);
    expect((await apiCall({ ...bearer(), origin: 'http://evil.example' })).status).toBe(403);
    expect(
      (
        await request({
          path: '/api',
          method: 'POST',
          headers: { ...bearer(), 'content-type': 'text/plain' },
          body: '{}',
        })
      ).status,
    ).toBe(415);
  });

  it('opens /events with the token as a subprotocol or query parameter, 401 without it, 403 for a foreign Origin', async () => {
    expect(await upgrade({ protocols: ['kflow', `kflow.token.${server.token}`] })).toBe(101);
    expect(await upgrade({ protocols: ['kflow'], query: `?token=${server.token}` })).toBe(101);
    expect(await upgrade({ protocols: ['kflow'] })).toBe(401);
    expect(await upgrade({ protocols: ['kflow', 'kflow.token.wrong'] })).toBe(401);
    expect(
      await upgrade({
        protocols: ['kflow', `kflow.token.${server.token}`],
        headers: { origin: 'http://evil.example' },
      }),
    ).toBe(403);
  });

  it('listens on 127.0.0.1 only', async () => {
    const other = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    const connects = (host: string) =>
      new Promise<boolean>((resolve) => {
        const s = net.connect({ host, port: server.port });
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      });
    expect(await connects('127.0.0.1')).toBe(true);
    // Every machine has a non-loopback address in CI; without one, ::1 still shows the bind.
    expect(await connects(other ?? '::1')).toBe(false);
  });

  it('compares tokens in full', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
    expect(tokenMatches(null, 'abc')).toBe(false);
  });
});
