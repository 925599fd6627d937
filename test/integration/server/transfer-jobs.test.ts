/**
 * Export, import, replay and bulk produce as app jobs, through the web server as the page uses
 * them (`/api` calls, `PUT /transfers` uploads, `GET /transfers/<id>` downloads), against the
 * backend's embedded broker: byte-identical round trip, a bad line named by its number, Stop,
 * and original pacing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionInfo, ServerEvent, TopicJobView } from '../../../src/api/index';
import { createBackend, type Backend } from '../../../src/server/backend';
import { startWebServer, type WebServer } from '../../../src/server/http';
import { MemorySecretStore } from '../../../src/server/secrets';

let dir: string;
let backend: Backend;
let server: WebServer;
let kafka: Kafka;
const events: ServerEvent[] = [];

async function call<T>(method: string, ...params: unknown[]): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ method, params }),
  });
  const r = (await res.json()) as {
    ok: boolean;
    result?: unknown;
    error?: { code: string; message: string };
  };
  if (!r.ok) throw Object.assign(new Error(r.error!.message), r.error);
  return r.result as T;
}

async function upload(body: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${server.port}/transfers`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${server.token}` },
    body,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { uploadId: string }).uploadId;
}

async function jobDone(jobId: string, ms = 60_000) {
  const end = Date.now() + ms;
  for (;;) {
    const e = events.find(
      (x): x is Extract<ServerEvent, { type: 'topic.jobDone' }> =>
        x.type === 'topic.jobDone' && x.job.jobId === jobId,
    );
    if (e) return e;
    if (Date.now() > end) throw new Error(`timed out waiting for job ${jobId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Seen {
  partition: number;
  key: string | null;
  value: string | null;
  timestamp: string;
  headers: [string, string][];
}

/** Every record of a topic, keys/values/headers as hex so bytes compare exactly. */
async function readAll(topic: string, count: number): Promise<Seen[]> {
  const consumer = kafka.consumer({ groupId: `read-${topic}-${Date.now()}` });
  const seen: Seen[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: [string, string][] = [];
        for (const [k, v] of Object.entries(message.headers ?? ({} as IHeaders)))
          for (const one of Array.isArray(v) ? v : [v])
            headers.push([k, Buffer.from(one ?? '').toString('hex')]);
        seen.push({
          partition,
          key: message.key ? message.key.toString('hex') : null,
          value: message.value ? message.value.toString('hex') : null,
          timestamp: message.timestamp,
          headers,
        });
      },
    });
    const end = Date.now() + 30_000;
    while (seen.length < count && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    // A moment more: nothing beyond `count` may arrive.
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    await consumer.disconnect();
  }
  return seen.sort((a, b) => a.partition - b.partition || Number(a.timestamp) - Number(b.timestamp));
}

const line = (o: object) => `${JSON.stringify(o)}\n`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kflow-transfer-'));
  backend = createBackend({ dataDir: join(dir, 'data'), secretStore: new MemorySecretStore() });
  backend.events.subscribe((e) => events.push(e));
  server = await startWebServer({
    api: backend.api,
    events: backend.events,
    transfers: backend.transfers,
    staticDir: join(dir, 'static'),
    port: 0,
  });
  // The embedded broker starts on first use; its address is known after that.
  await call('topics.list');
  const [embedded] = await call<ConnectionInfo[]>('connections.list');
  kafka = new Kafka({ brokers: embedded!.bootstrap, logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await server?.close();
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('export and import jobs', () => {
  it('exports a topic, downloads it, uploads it into another topic: byte-identical', async () => {
    await call('topics.create', { name: 'xfer-src', partitions: 2 });
    await call('topics.create', { name: 'xfer-dst', partitions: 2 });
    const producer = kafka.producer();
    await producer.connect();
    const binary = Buffer.from([0, 0xff, 0xfe, 0x80, 10]);
    await producer.send({
      topic: 'xfer-src',
      messages: [
        {
          partition: 0,
          key: 'k1',
          value: '{"n":1}',
          timestamp: '1700000000000',
          headers: { h: 'x', b: binary },
        },
        { partition: 0, key: null, value: binary, timestamp: '1700000000500' },
        { partition: 1, key: binary, value: null, timestamp: '1700000001000', headers: { h: ['a', 'b'] } },
        { partition: 1, key: 'k4', value: 'plain text', timestamp: '1700000002000' },
      ],
    });
    await producer.disconnect();

    const { jobId } = await call<{ jobId: string }>('topics.exportStart', {
      topic: 'xfer-src',
      from: { kind: 'earliest' },
    });
    const done = await jobDone(jobId);
    expect(done).toMatchObject({ stopped: false, job: { kind: 'export', done: 4 } });
    const fileId = done.job.fileId!;
    expect(fileId).toMatch(/^[0-9a-f]{32}$/);

    const base = `http://127.0.0.1:${server.port}/transfers/${fileId}`;
    expect((await fetch(base)).status).toBe(401);
    expect((await fetch(`${base}?token=wrong`)).status).toBe(401);
    const dl = await fetch(`${base}?token=${server.token}`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-disposition')).toBe('attachment; filename="xfer-src.jsonl"');
    const text = await dl.text();
    expect(text.trim().split('\n')).toHaveLength(4);

    const uploadId = await upload(text);
    const imp = await call<{ jobId: string }>('topics.importStart', { topic: 'xfer-dst', uploadId });
    expect(await jobDone(imp.jobId)).toMatchObject({ stopped: false, job: { kind: 'import', done: 4 } });
    // The upload is consumed by the import.
    await expect(call('topics.importStart', { topic: 'xfer-dst', uploadId })).rejects.toMatchObject({
      code: 'not-found',
    });

    const [src, dst] = [await readAll('xfer-src', 4), await readAll('xfer-dst', 4)];
    expect(dst).toHaveLength(4);
    expect(dst).toEqual(src);
    expect(dst[0]).toEqual({
      partition: 0,
      key: Buffer.from('k1').toString('hex'),
      value: Buffer.from('{"n":1}').toString('hex'),
      timestamp: '1700000000000',
      headers: [
        ['h', Buffer.from('x').toString('hex')],
        ['b', '00fffe800a'],
      ],
    });
    expect(dst[2]?.headers).toEqual([
      ['h', Buffer.from('a').toString('hex')],
      ['h', Buffer.from('b').toString('hex')],
    ]);
  });

  it('refuses an upload or download without the token or from another Host', async () => {
    const url = `http://127.0.0.1:${server.port}/transfers`;
    expect((await fetch(url, { method: 'PUT', body: 'x' })).status).toBe(401);
    const foreign = await fetch(url, {
      method: 'PUT',
      body: 'x',
      headers: { authorization: `Bearer ${server.token}`, origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const http = await import('node:http');
    const status = await new Promise<number>((res, rej) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: `/transfers?token=${server.token}`,
          method: 'PUT',
          headers: { host: 'evil.example' },
        },
        (r) => res(r.statusCode ?? 0),
      );
      req.on('error', rej);
      req.end('x');
    });
    expect(status).toBe(403);
    await expect(call('topics.importStart', { topic: 'xfer-dst', uploadId: 'nope' })).rejects.toMatchObject({
      code: 'invalid',
    });
  });

  it('stops at a bad line, names it, and has produced every line before it', async () => {
    await call('topics.create', { name: 'xfer-bulk', partitions: 1 });
    const body =
      line({ key: 'a', value: '1' }) +
      line({ key: 'b', value: '2' }) +
      '\n' +
      line({ key: 'c', value: '3' }) +
      '{"key": "d", "value": \n' +
      line({ key: 'e', value: '5' });
    const uploadId = await upload(body);
    const { jobId } = await call<{ jobId: string }>('topics.importStart', {
      topic: 'xfer-bulk',
      uploadId,
      partitioning: 'key',
      timestamps: 'now',
    });
    const done = await jobDone(jobId);
    // Lines 1, 2 and 4 are records, line 3 is blank, line 5 does not parse.
    expect(done.job).toMatchObject({ kind: 'import', line: 5, done: 3 });
    expect(done.error).toMatch(/^line 5: /);
    const seen = await readAll('xfer-bulk', 3);
    expect(seen.map((r) => Buffer.from(r.value!, 'hex').toString())).toEqual(['1', '2', '3']);
  });

  it('Stop ends a long replay promptly', async () => {
    await call('topics.create', { name: 'xfer-long', partitions: 1 });
    // 100 records a second apart: a minute and a half at original pace.
    let body = '';
    for (let i = 0; i < 100; i++) body += line({ value: `v${i}`, timestamp: 1_700_000_000_000 + i * 1000 });
    const uploadId = await upload(body);
    const { jobId } = await call<{ jobId: string }>('topics.importStart', {
      topic: 'xfer-long',
      uploadId,
      pace: 'original',
    });
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now();
    await call('topics.jobStop', jobId);
    const done = await jobDone(jobId, 10_000);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(done.stopped).toBe(true);
    expect(done.job.done).toBeGreaterThanOrEqual(1);
    expect(done.job.done).toBeLessThan(10);
  });

  it('replays with the original gaps, and faster with a speed factor', async () => {
    await call('topics.create', { name: 'xfer-pace1', partitions: 1 });
    await call('topics.create', { name: 'xfer-pace10', partitions: 1 });
    const body = [0, 300, 600]
      .map((d, i) => line({ value: `r${i}`, timestamp: 1_700_000_000_000 + d }))
      .join('');
    const run = async (topic: string, speed: number) => {
      const uploadId = await upload(body);
      // Stamped when produced, so the records' timestamps show when each was sent.
      const { jobId } = await call<{ jobId: string }>('topics.importStart', {
        topic,
        uploadId,
        pace: 'original',
        speed,
        timestamps: 'now',
      });
      expect((await jobDone(jobId)).job).toMatchObject({ done: 3 } satisfies Partial<TopicJobView>);
      const seen = await readAll(topic, 3);
      expect(seen.map((r) => Buffer.from(r.value!, 'hex').toString())).toEqual(['r0', 'r1', 'r2']);
      return seen.map((r) => Number(r.timestamp));
    };
    const [a, b, c] = await run('xfer-pace1', 1);
    // Each record is due 300 ms after the one before, counted from the start: a record sent late
    // (a loaded machine) shortens the next gap, never the span, so the gaps get slack, the span less.
    expect(b! - a!).toBeGreaterThanOrEqual(200);
    expect(c! - b!).toBeGreaterThanOrEqual(200);
    expect(c! - a!).toBeGreaterThanOrEqual(550);
    const [x, , z] = await run('xfer-pace10', 10);
    // 60 ms at ten times the speed; generous for a loaded machine, still well under 600.
    expect(z! - x!).toBeLessThan(400);
  });
});
