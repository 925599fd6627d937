/**
 * sink.s3 with `local.bucket: true` against a fake S3 endpoint on loopback: a
 * tiny HTTP server that records PUTs. Never a real AWS call.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Sink } from '../../../../src/engine/io/s3-sink';
import { fakeSink, rec } from '../../../unit/engine/io/helpers';

interface Put {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let server: Server;
let endpoint: string;
const puts: Put[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      puts.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { ETag: '"fake"', 'Content-Length': '0' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('sink.s3 upload', () => {
  it('PUTs each file to <bucket>/<key> through the S3 client', async () => {
    const T = Date.parse('2026-11-26T13:45:00Z');
    const f = fakeSink();
    const sink = new S3Sink(
      { bucket: 'kflow-test', region: 'us-east-1', flushSize: 2, local: { bucket: true } },
      f.ctx,
      {
        s3: {
          endpoint,
          forcePathStyle: true,
          credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' },
        },
      },
    );
    const src = (offset: number) => ({ topic: 'user-events', partition: 0, offset });
    await sink.write([rec({ a: 1 }, T, src(0)), rec({ a: 2 }, T, src(1)), rec({ a: 3 }, T, src(2))]);
    await sink.close();
    const dir = '/kflow-test/topics/user-events/year=2026/month=11/day=26/hour=13';
    expect(puts.map((p) => [p.method, decodeURIComponent(p.url.split('?')[0] ?? '')])).toEqual([
      ['PUT', `${dir}/user-events+0+0000000000.json`],
      ['PUT', `${dir}/user-events+0+0000000002.json`],
    ]);
    expect(puts[0]?.body).toBe('{"a":1}\n{"a":2}\n');
    expect(puts[1]?.body).toBe('{"a":3}\n');
    expect(puts[0]?.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDFAKE\//);
    expect(puts[0]?.headers['content-type']).toBe('application/json');
  });
});
