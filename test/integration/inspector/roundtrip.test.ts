// Export → import → export round trip of a large topic, byte for byte: keys (text, binary, null),
// values (JSON, non-UTF-8 bytes, null), headers (text, binary, repeated names) and timestamps.
// Every record of the re-imported topic is checked against the generator that produced the
// original, not against the first export. KFLOW_TEST_RECORDS sets the volume (1,000,000 by default).
import { mkdtempSync, rmSync, createReadStream, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type KafkaClient, type ProduceRecord } from '../../../src/kafka/client';
import { embeddedProfile } from '../../../src/kafka/profile';
import { exportTopic, importTopic } from '../../../src/inspector/index';
import { startChildBroker, type ChildBroker } from '../../support/child-broker';

const N = Number(process.env['KFLOW_TEST_RECORDS'] ?? 1_000_000);
const PARTITIONS = 4;
const T0 = 1_600_000_000_000;

interface Expected {
  key: Buffer | null;
  value: Buffer | null;
  headers: [string, Buffer][];
  timestamp: number;
}

/** Record i: partition i % 4, so offset o of partition p is record o * 4 + p. */
function record(i: number): Expected {
  const key =
    i % 11 === 0 ? null : i % 5 === 0 ? Buffer.from([0xc3, 0x28, i & 0xff, 0xff]) : Buffer.from(`k${i}`);
  const value =
    i % 13 === 0
      ? null
      : i % 3 === 0
        ? Buffer.from([0xff, 0xfe, 0x00, (i >> 8) & 0xff, i & 0xff, 0x80]) // not UTF-8
        : Buffer.from(JSON.stringify({ i, s: `é€${i}` }));
  const headers: [string, Buffer][] =
    i % 4 === 1
      ? [
          ['trace', Buffer.from(`t-${i}`)],
          ['bin', Buffer.from([0x80, i & 0xff])],
        ]
      : i % 7 === 2
        ? [
            ['dup', Buffer.from('a')],
            ['dup', Buffer.from('b')],
          ]
        : [];
  return { key, value, headers, timestamp: T0 + i };
}

let broker: ChildBroker;
let client: KafkaClient;
let dir: string;

beforeAll(async () => {
  broker = await startChildBroker();
  client = await connect({ ...embeddedProfile(broker.bootstrap), name: 'test' });
  dir = mkdtempSync(join(tmpdir(), 'kflow-roundtrip-'));
});
afterAll(async () => {
  await client.close();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

// About 4 ms per record on a loaded 2-core machine, with room to spare.
it(
  `export/import round trip of ${N} records is byte-identical`,
  { timeout: Math.max(120_000, N * 4) },
  async () => {
    const admin = await client.admin();
    // The records are stamped in 2020: under the default 7-day retention the broker's retention
    // check (every 5 minutes) deletes them once a loaded run lasts that long.
    const keep = { 'retention.ms': '-1' };
    await admin.createTopics([
      { name: 'rt-src', partitions: PARTITIONS, config: keep },
      { name: 'rt-dst', partitions: PARTITIONS, config: keep },
    ]);
    const t0 = Date.now();
    const producer = await client.producer({ batchBytes: 1 << 20 });
    const CHUNK = 50_000;
    for (let start = 0; start < N; start += CHUNK) {
      const batch: ProduceRecord[] = [];
      for (let i = start; i < Math.min(N, start + CHUNK); i++) {
        const r = record(i);
        const headers: Record<string, Buffer | Buffer[]> = {};
        for (const [k, v] of r.headers) {
          const prev = headers[k];
          headers[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
        }
        batch.push({
          topic: 'rt-src',
          partition: i % PARTITIONS,
          key: r.key,
          value: r.value,
          headers: headers as Record<string, Buffer>,
          timestamp: r.timestamp,
        });
      }
      await producer.send(batch);
    }
    await producer.close();
    const tProduce = Date.now();
    const phase = (what: string, from: number) =>
      console.error(`${what}: ${((Date.now() - from) / 1000).toFixed(1)} s`);
    phase(`produced ${N}`, t0);

    const file1 = join(dir, 'src.jsonl');
    const e1 = await exportTopic(client, file1, { topic: 'rt-src' });
    expect(e1.records).toBe(N);
    const tExport = Date.now();
    phase('exported', tProduce);
    const i1 = await importTopic(client, file1, { topic: 'rt-dst' });
    expect(i1.records).toBe(N);
    const tImport = Date.now();
    phase('imported', tExport);
    const file2 = join(dir, 'dst.jsonl');
    const e2 = await exportTopic(client, file2, { topic: 'rt-dst' });
    expect(e2.records).toBe(N);
    const tExport2 = Date.now();

    // Every line of the second export decodes to exactly the generated record at its position.
    const seen = new Uint8Array(N);
    let mismatches = 0;
    const lines = createInterface({ input: createReadStream(file2), crlfDelay: Infinity });
    const dec = (s: string | null, enc: string | undefined) =>
      s === null ? null : Buffer.from(s, enc as BufferEncoding);
    const same = (a: Buffer | null, b: Buffer | null) =>
      a === null ? b === null : b !== null && a.equals(b);
    for await (const line of lines) {
      const o = JSON.parse(line) as {
        partition: number;
        offset: number;
        timestamp: number;
        key: string | null;
        keyEncoding?: string;
        value: string | null;
        valueEncoding?: string;
        headers: { key: string; value: string; encoding: string }[];
      };
      const i = o.offset * PARTITIONS + o.partition;
      const r = record(i);
      seen[i] = 1;
      const ok =
        o.timestamp === r.timestamp &&
        same(dec(o.key, o.keyEncoding), r.key) &&
        same(dec(o.value, o.valueEncoding), r.value) &&
        o.headers.length === r.headers.length &&
        o.headers.every(
          (h, j) =>
            h.key === r.headers[j]![0] &&
            Buffer.from(h.value, h.encoding as BufferEncoding).equals(r.headers[j]![1]),
        );
      if (!ok && mismatches++ < 3) console.error('mismatch at record', i, line);
    }
    expect(mismatches).toBe(0);
    expect(seen.every((x) => x === 1)).toBe(true);
    const s = (a: number, b: number) => `${((b - a) / 1000).toFixed(1)} s`;
    console.log(
      `round trip of ${N} records (${(statSync(file1).size / 1e6).toFixed(0)} MB JSONL): produce ${s(t0, tProduce)}, ` +
        `export ${s(tProduce, tExport)}, import ${s(tExport, tImport)}, export again ${s(tImport, tExport2)}`,
    );
  },
);
