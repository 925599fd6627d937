// The wire client (src/kafka/wire) against the embedded broker: records written by kafkajs and
// by kcat (librdkafka) read back exactly as kafkajs reads them, compressed batches of every codec,
// read_committed, records it writes read by kafkajs and kcat, TLS with SASL PLAIN and SCRAM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, CompressionTypes } from 'kafkajs';
import { makeTestCertificates, type TestCertificates } from '../../../../src/broker/auth/certs';
import { startBroker, type RunningBroker } from '../../../../src/broker/index';
import { connect, type ConsumedRecord, type KafkaClient } from '../../../../src/kafka/client';
import { registerCodecs } from '../../../../src/kafka/codecs';
import {
  WireAuthError,
  WireClient,
  KafkaResponseError,
  type ClusterOptions,
} from '../../../../src/kafka/wire/index';
import { requireTool, run, toolAvailable } from '../../../support/tools';

/** Everything a reader sees of a record, as plain comparable values. */
const view = (r: ConsumedRecord) => ({
  partition: r.partition,
  offset: r.offset,
  timestamp: r.timestamp,
  key: r.key?.toString('base64') ?? null,
  value: r.value?.toString('base64') ?? null,
  headers: Object.fromEntries(
    Object.entries(r.headers).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.map((b) => b.toString('base64')) : (v?.toString('base64') ?? null),
    ]),
  ),
});

async function wireRead(
  wire: WireClient,
  topic: string,
  isolation?: 'read_committed',
): Promise<ConsumedRecord[]> {
  const ends = await wire.listOffsets(topic, 'latest', isolation ? { isolation } : {});
  const starts = await wire.listOffsets(topic, 'earliest');
  const out: ConsumedRecord[] = [];
  await wire.read({
    topic,
    ranges: [...ends].map(([partition, to]) => ({ partition, from: starts.get(partition)!, to })),
    ...(isolation ? { isolation } : {}),
    onBatch: (b) => void out.push(...b.records),
  });
  return out.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
}

/** Reads the whole topic with kafkajs (through the seam), sorted like wireRead. */
async function kafkajsRead(
  client: KafkaClient,
  topic: string,
  count: number,
  isolation = 'read_uncommitted',
) {
  const records: ConsumedRecord[] = [];
  const consumer = await client.consumer({
    groupId: `g-${topic}-${Math.random()}`,
    isolation: isolation as 'read_uncommitted',
    fromBeginning: true,
    maxWaitMs: 100,
  });
  try {
    await consumer.subscribe([topic]);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${records.length} of ${count} records`)), 20_000);
      void consumer
        .run(async (batch) => {
          records.push(...batch.records);
          if (records.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        })
        .catch(reject);
    });
  } finally {
    await consumer.close();
  }
  return records.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
}

// Records with what a reader can get wrong: null key and value, empty bytes, binary, repeated
// header names, explicit timestamps.
const SAMPLE = Array.from({ length: 300 }, (_, i) => ({
  key: i % 7 === 0 ? null : `key-${i}`,
  value: i % 11 === 0 ? null : i % 13 === 0 ? Buffer.alloc(0) : Buffer.from([i & 0xff, 0, 0xfe, i >> 8]),
  headers: i % 3 === 0 ? { trace: `t${i}`, bin: Buffer.from([0xff, i & 0xff]) } : {},
  timestamp: String(1_700_000_000_000 + i * 1000),
}));

describe('plaintext', () => {
  let broker: RunningBroker;
  let client: KafkaClient;
  let kafka: Kafka;
  let wire: WireClient;
  beforeAll(async () => {
    registerCodecs();
    broker = await startBroker({ port: 0 });
    client = await connect({ name: 'local', bootstrap: [broker.bootstrap] });
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    wire = new WireClient({ bootstrap: [broker.bootstrap] });
    const admin = await client.admin();
    await admin.createTopics([
      { name: 'from-kafkajs', partitions: 3 },
      { name: 'from-wire', partitions: 3 },
      { name: 'txn', partitions: 1 },
      ...['none', 'gzip', 'snappy', 'lz4', 'zstd'].map((c) => ({ name: `zip-${c}`, partitions: 2 })),
    ]);
  });
  afterAll(async () => {
    wire?.close();
    await client?.close();
    await broker?.stop();
  });

  it('reads what kafkajs wrote exactly as kafkajs reads it (keys, values, headers, timestamps)', async () => {
    const p = kafka.producer();
    await p.connect();
    await p.send({ topic: 'from-kafkajs', messages: SAMPLE.map((m, i) => ({ ...m, partition: i % 3 })) });
    await p.disconnect();
    const viaWire = await wireRead(wire, 'from-kafkajs');
    const viaKafkajs = await kafkajsRead(client, 'from-kafkajs', SAMPLE.length);
    expect(viaWire).toHaveLength(300);
    expect(viaWire.map(view)).toEqual(viaKafkajs.map(view));
    // Spot checks against the input, not only against kafkajs.
    const r3 = viaWire.find((r) => r.partition === 0 && r.offset === 1n)!; // SAMPLE[3]
    expect(r3.key?.toString()).toBe('key-3');
    expect(r3.timestamp).toBe(1_700_000_003_000n);
    expect(r3.headers['trace']?.toString()).toBe('t3');
    expect(r3.value).toEqual(Buffer.from([3, 0, 0xfe, 0]));
    const r0 = viaWire.find((r) => r.partition === 0 && r.offset === 0n)!;
    expect(r0.key).toBeNull();
    expect(r0.value).toBeNull();
  });

  it('reads a sub-range and stops at its end', async () => {
    const out: ConsumedRecord[] = [];
    await wire.read({
      topic: 'from-kafkajs',
      ranges: [{ partition: 1, from: 10n, to: 15n }],
      onBatch: (b) => void out.push(...b.records),
    });
    expect(out.map((r) => r.offset)).toEqual([10n, 11n, 12n, 13n, 14n]);
  });

  it('a handler returning false stops the read', async () => {
    let batches = 0;
    await wire.read({
      topic: 'from-kafkajs',
      ranges: [0, 1, 2].map((partition) => ({ partition, from: 0n, to: null })),
      onBatch: () => (++batches, false),
    });
    expect(batches).toBe(1);
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)(
    "%s: batches kafkajs compressed read back, and the wire producer's batches read by kafkajs",
    async (codec) => {
      const topic = `zip-${codec}`;
      const values = Array.from({ length: 200 }, (_, i) => `value-${i}-`.padEnd(300, codec));
      const p = kafka.producer();
      await p.connect();
      await p.send({
        topic,
        compression:
          CompressionTypes[
            codec === 'none'
              ? 'None'
              : codec === 'gzip'
                ? 'GZIP'
                : codec === 'snappy'
                  ? 'Snappy'
                  : codec === 'lz4'
                    ? 'LZ4'
                    : 'ZSTD'
          ],
        messages: values.slice(0, 100).map((v, i) => ({ partition: 0, key: `k${i}`, value: v })),
      });
      await p.disconnect();
      const base = await wire.produce(
        topic,
        new Map([
          [
            1,
            values
              .slice(100)
              .map((v, i) => ({ key: `k${100 + i}`, value: v, timestamp: 1_600_000_000_000 + i })),
          ],
        ]),
        { compression: codec },
      );
      expect(base.get(1)).toBe(0n);
      const viaWire = await wireRead(wire, topic);
      expect(viaWire.map((r) => r.value?.toString())).toEqual(values);
      expect(viaWire.map((r) => r.key?.toString())).toEqual(values.map((_, i) => `k${i}`));
      const viaKafkajs = await kafkajsRead(client, topic, 200);
      expect(viaKafkajs.map(view)).toEqual(viaWire.map(view));
      expect(viaWire[150]!.timestamp).toBe(1_600_000_000_050n);
    },
  );

  it('the producer: offsets in record order, the key partitioner agrees with kafkajs', async () => {
    const producer = wire.producer();
    const records = Array.from({ length: 60 }, (_, i) => ({
      topic: 'from-wire',
      key: `user-${i % 17}`,
      value: JSON.stringify({ n: i }),
      headers: { h: `x${i}` },
    }));
    const meta = await producer.send(records);
    // Per partition, offsets rise by one in record order from 0.
    const seen = new Map<number, bigint>();
    for (const m of meta) {
      expect(m.offset).toBe(seen.get(m.partition) ?? 0n);
      seen.set(m.partition, m.offset + 1n);
    }
    const viaKafkajs = await kafkajsRead(client, 'from-wire', 60);
    for (const r of viaKafkajs) {
      const n = (JSON.parse(r.value!.toString()) as { n: number }).n;
      expect(r.partition).toBe(meta[n]!.partition);
      expect(r.offset).toBe(meta[n]!.offset);
      expect(r.headers['h']?.toString()).toBe(`x${n}`);
    }
    // kafkajs' default partitioner (murmur2, as Java's) puts each key where the wire producer did.
    const kp = kafka.producer();
    await kp.connect();
    const [km] = await kp.send({ topic: 'from-wire', messages: [{ key: 'user-5', value: 'x' }] });
    await kp.disconnect();
    expect(km!.partition).toBe(meta[5]!.partition);
  });

  it('read_committed leaves out aborted transactions and control records', async () => {
    const tp = kafka.producer({ transactionalId: 'wire-txn', maxInFlightRequests: 1, idempotent: true });
    await tp.connect();
    const t1 = await tp.transaction();
    await t1.send({ topic: 'txn', messages: [{ value: 'a1' }, { value: 'a2' }] });
    await t1.commit();
    const t2 = await tp.transaction();
    await t2.send({ topic: 'txn', messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
    await t2.abort();
    const t3 = await tp.transaction();
    await t3.send({ topic: 'txn', messages: [{ value: 'b1' }] });
    await t3.commit();
    await tp.disconnect();
    const committed = await wireRead(wire, 'txn', 'read_committed');
    expect(committed.map((r) => r.value?.toString())).toEqual(['a1', 'a2', 'b1']);
    // Offsets: a1 a2 COMMIT aborted-1 aborted-2 ABORT b1 COMMIT.
    expect(committed.map((r) => r.offset)).toEqual([0n, 1n, 6n]);
    const all = await wireRead(wire, 'txn');
    expect(all.map((r) => r.value?.toString())).toEqual(['a1', 'a2', 'aborted-1', 'aborted-2', 'b1']);
  });

  it('an unknown topic is a typed error naming it', async () => {
    const e = await wire.listOffsets('no-such-topic', 'latest').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KafkaResponseError);
    expect((e as KafkaResponseError).errorName).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect((e as Error).message).toMatch(/no-such-topic/);
  });
});

const haveKcat = requireTool('kcat', toolAvailable('kcat', ['-V']));

describe.runIf(haveKcat)('librdkafka (kcat)', () => {
  let broker: RunningBroker;
  let wire: WireClient;
  beforeAll(async () => {
    broker = await startBroker({ port: 0 });
    wire = new WireClient({ bootstrap: [broker.bootstrap] });
  });
  afterAll(async () => {
    wire?.close();
    await broker?.stop();
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)(
    '%s: kcat writes, the wire client reads',
    async (codec) => {
      const topic = `from-kcat-${codec}`;
      const lines = Array.from({ length: 200 }, (_, i) => `k${i}\t${`value-${i}-`.padEnd(300, codec)}`);
      const p = await run(
        'kcat',
        ['-P', '-b', broker.bootstrap, '-t', topic, '-p', '0', '-K', '\t', '-z', codec, '-H', 'src=kcat'],
        {
          input: `${lines.join('\n')}\n`,
        },
      );
      expect(p.status, p.stderr).toBe(0);
      const records = await wireRead(wire, topic);
      expect(records.map((r) => `${r.key}\t${r.value}`)).toEqual(lines);
      expect(records[7]!.headers['src']?.toString()).toBe('kcat');
    },
  );

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)(
    '%s: the wire client writes, kcat reads',
    async (codec) => {
      const topic = `to-kcat-${codec}`;
      await run('kcat', ['-P', '-b', broker.bootstrap, '-t', topic, '-p', '0'], { input: 'seed\n' });
      await wire.produce(
        topic,
        new Map([
          [
            0,
            Array.from({ length: 100 }, (_, i) => ({
              key: `k${i}`,
              value: `v${i}-`.padEnd(200, 'z'),
              headers: [{ key: 'n', value: String(i) }],
              timestamp: 1_650_000_000_000 + i,
            })),
          ],
        ]),
        { compression: codec },
      );
      const c = await run('kcat', [
        '-C',
        '-b',
        broker.bootstrap,
        '-t',
        topic,
        '-p',
        '0',
        '-o',
        '1',
        '-e',
        '-q',
        '-f',
        '%k=%s %T %h\\n',
      ]);
      expect(c.status, c.stderr).toBe(0);
      const out = c.stdout.trim().split('\n');
      expect(out).toHaveLength(100);
      expect(out[42]).toBe(`k42=${'v42-'.padEnd(200, 'z')} 1650000000042 n=42`);
    },
  );
});

describe('TLS with SASL', () => {
  let certs: TestCertificates;
  let broker: RunningBroker;
  beforeAll(async () => {
    certs = makeTestCertificates({ hosts: ['127.0.0.1', 'localhost'] });
    broker = await startBroker({
      port: 0,
      users: [{ name: 'alice', password: 'alice-secret' }],
      tls: { cert: certs.server.cert, key: certs.server.key },
    });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  const options = (
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512',
    password: string,
  ): ClusterOptions => ({
    bootstrap: [broker.bootstrap],
    tls: { ca: [certs.ca] },
    sasl: { mechanism, username: 'alice', password },
    connectTimeoutMs: 5000,
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)(
    '%s: produce and read back',
    async (mechanism) => {
      const wire = new WireClient(options(mechanism, 'alice-secret'));
      try {
        const topic = `secure-${mechanism}`;
        const kafka = new Kafka({
          brokers: [broker.bootstrap],
          ssl: { ca: [certs.ca] },
          sasl: { mechanism, username: 'alice', password: 'alice-secret' } as never,
          logLevel: logLevel.NOTHING,
        });
        const admin = kafka.admin();
        await admin.connect();
        await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
        await admin.disconnect();
        await wire.produce(topic, new Map([[0, [{ value: `over ${mechanism}` }]]]));
        const records = await wireRead(wire, topic);
        expect(records.map((r) => r.value?.toString())).toEqual([`over ${mechanism}`]);
      } finally {
        wire.close();
      }
    },
  );

  it.each(['plain', 'scram-sha-512'] as const)(
    '%s: a wrong password is an authentication error within seconds',
    async (mechanism) => {
      const wire = new WireClient(options(mechanism, 'wrong'));
      const t0 = Date.now();
      const e = await wire.listOffsets('any', 'latest').catch((x: unknown) => x);
      wire.close();
      expect(e).toBeInstanceOf(WireAuthError);
      expect((e as Error).message).toMatch(/authentication failed/);
      expect(Date.now() - t0).toBeLessThan(5000);
    },
  );

  it('a CA that did not sign the broker certificate is a TLS error', async () => {
    const other = makeTestCertificates({ hosts: ['127.0.0.1'], caName: 'another CA' });
    const wire = new WireClient({ ...options('plain', 'alice-secret'), tls: { ca: [other.ca] } });
    const e = await wire.listOffsets('any', 'latest').catch((x: unknown) => x);
    wire.close();
    expect((e as { reason?: string }).reason).toBe('tls');
    expect((e as Error).message).toMatch(/certificate/i);
  });
});
