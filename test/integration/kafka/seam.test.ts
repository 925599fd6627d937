// The client seam (src/kafka) against the embedded broker, over every connection kind kflow
// supports: plaintext, SASL PLAIN, SCRAM-SHA-512 over TLS, mutual TLS; records compressed by
// librdkafka (kcat) read through it and records it compresses read by kcat; and connection tests
// that name the stage that failed.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificates, type TestCertificates } from '../../../src/broker/auth/certs';
import { startBroker, type RunningBroker } from '../../../src/broker/index';
import {
  connect,
  type ConsumedRecord,
  type KafkaClient,
  type KafkaConsumer,
} from '../../../src/kafka/client';
import type { ConnectionProfile, SecretResolver } from '../../../src/kafka/profile';
import { requireTool, run, toolAvailable } from '../../support/tools';

const USERS = [{ name: 'alice', password: 'alice-secret' }];
const secrets =
  (values: Record<string, string>): SecretResolver =>
  (ref) => {
    const v = values[`${ref.secret}/${ref.key ?? ''}`];
    if (v === undefined) throw new Error(`no secret ${ref.secret}`);
    return v;
  };

/** Consumes `topic` from the beginning until `count` records arrived. */
async function consumeAll(client: KafkaClient, topic: string, count: number, groupId = `g-${topic}`) {
  const records: ConsumedRecord[] = [];
  let consumer: KafkaConsumer | undefined;
  try {
    consumer = await client.consumer({
      groupId,
      isolation: 'read_committed',
      fromBeginning: true,
      maxWaitMs: 100,
    });
    await consumer.subscribe([topic]);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${records.length} of ${count} records`)), 15_000);
      void consumer!
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
    await consumer?.close();
  }
  return records;
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('plaintext', () => {
  let broker: RunningBroker;
  let client: KafkaClient;
  beforeAll(async () => {
    broker = await startBroker({ port: 0 });
    client = await connect({ name: 'local', bootstrap: [broker.bootstrap] });
  });
  afterAll(async () => {
    await client?.close();
    await broker?.stop();
  });

  it('testConnection reports the cluster', async () => {
    const r = await client.testConnection();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.brokers).toEqual([{ nodeId: 0, host: '127.0.0.1', port: broker.brokers[0]!.port }]);
    expect(r.clusterId).toBe(broker.cluster.clusterId);
  });

  it('admin: create, list, describe, offsets, delete', async () => {
    const admin = await client.admin();
    await admin.createTopics([{ name: 'orders', partitions: 3 }]);
    expect(await admin.listTopics()).toContain('orders');
    const [d] = await admin.describeTopics(['orders']);
    expect(d?.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(d?.partitions.every((p) => p.leader === 0)).toBe(true);
    expect(await admin.topicOffsets('orders')).toEqual([
      { partition: 0, low: 0n, high: 0n },
      { partition: 1, low: 0n, high: 0n },
      { partition: 2, low: 0n, high: 0n },
    ]);
    await admin.createTopics([{ name: 'doomed' }]);
    await admin.deleteTopics(['doomed']);
    expect(await admin.listTopics()).not.toContain('doomed');
  });

  it('send returns each record its own offset, and a consumer reads them back', async () => {
    const admin = await client.admin();
    await admin.createTopics([{ name: 'offsets', partitions: 2 }]);
    const producer = await client.producer();
    // Interleaved partitions: each partition's offsets count up in the order of the records.
    const metas = await producer.send([
      { topic: 'offsets', partition: 0, value: 'a0' },
      { topic: 'offsets', partition: 1, value: 'b0' },
      { topic: 'offsets', partition: 0, value: 'a1' },
      { topic: 'offsets', partition: 0, value: 'a2', headers: { h: 'v' } },
      { topic: 'offsets', partition: 1, key: 'k', value: 'b1' },
    ]);
    expect(metas.map((m) => [m.partition, m.offset])).toEqual([
      [0, 0n],
      [1, 0n],
      [0, 1n],
      [0, 2n],
      [1, 1n],
    ]);
    // Keyed records without a partition: the same key lands on the same partition, offsets continue.
    const keyed = await producer.send(
      Array.from({ length: 6 }, (_, i) => ({ topic: 'offsets', key: 'same', value: `k${i}` })),
    );
    const p = keyed[0]!.partition;
    expect(keyed.every((m) => m.partition === p)).toBe(true);
    const start = p === 0 ? 3n : 2n;
    expect(keyed.map((m) => m.offset)).toEqual([0n, 1n, 2n, 3n, 4n, 5n].map((i) => start + i));

    const records = await consumeAll(client, 'offsets', 11);
    const got = new Map(records.map((r) => [`${r.partition}:${r.offset}`, r.value?.toString()]));
    expect(got.get('0:2')).toBe('a2');
    expect(got.get('1:1')).toBe('b1');
    expect(got.get(`${p}:${start + 5n}`)).toBe('k5');
    expect(records.find((r) => r.value?.toString() === 'a2')?.headers['h']?.toString()).toBe('v');
    expect(records.find((r) => r.value?.toString() === 'b1')?.key?.toString()).toBe('k');
    await producer.close();
  });

  it('send splits an input larger than the broker takes in one batch, keeping order and offsets', async () => {
    const admin = await client.admin();
    await admin.createTopics([{ name: 'big-send', partitions: 1 }]);
    const producer = await client.producer();
    // 3 MB for one partition: as one batch the broker would refuse it (max.message.bytes is 1 MB).
    const value = 'v'.repeat(1000);
    const metas = await producer.send(
      Array.from({ length: 3000 }, (_, i) => ({ topic: 'big-send', partition: 0, value: `${i}:${value}` })),
    );
    expect(metas.map((m) => m.offset)).toEqual(Array.from({ length: 3000 }, (_, i) => BigInt(i)));
    const records = await consumeAll(client, 'big-send', 3000);
    expect(records.map((r) => r.value?.toString().split(':')[0])).toEqual(
      Array.from({ length: 3000 }, (_, i) => String(i)),
    );
    await producer.close();
  });

  it('enqueue gathers records into batches and resolves each with its offset', async () => {
    await (await client.admin()).createTopics([{ name: 'linger', partitions: 1 }]);
    const producer = await client.producer({ lingerMs: 20, batchBytes: 64 * 1024 });
    let requests = 0;
    const off = broker.onRequest((req) => {
      if (req.apiKey === 0) requests++;
    });
    const metas = await Promise.all(
      Array.from({ length: 2000 }, (_, i) =>
        producer.enqueue({ topic: 'linger', value: `v${i}`.padEnd(100, '.') }),
      ),
    );
    off();
    expect(metas.map((m) => m.offset)).toEqual(Array.from({ length: 2000 }, (_, i) => BigInt(i)));
    // ~2000 × 130 bytes over 64 KiB batches: a handful of produce requests, not 2000.
    expect(requests).toBeGreaterThanOrEqual(2);
    expect(requests).toBeLessThan(20);
    await producer.close();
  });

  it('consumer commits, group offsets and lag, rebalance callback', async () => {
    const admin = await client.admin();
    await admin.createTopics([{ name: 'lagging', partitions: 2 }]);
    const producer = await client.producer();
    await producer.send(
      Array.from({ length: 10 }, (_, i) => ({ topic: 'lagging', partition: i % 2, value: `${i}` })),
    );
    await producer.close();

    const assigned: { topic: string; partitions: number[] }[][] = [];
    const consumer = await client.consumer({
      groupId: 'lag-group',
      isolation: 'read_uncommitted',
      fromBeginning: true,
      autoCommit: false,
      maxWaitMs: 100,
      onRebalance: (a) => assigned.push(a),
    });
    await consumer.subscribe(['lagging']);
    // Process only the first three records of partition 0, commit them by hand.
    await new Promise<void>((resolve) => {
      void consumer.run(async (batch, ctl) => {
        if (batch.partition !== 0) return;
        ctl.resolve(batch.records[2]!.offset);
        await ctl.commit();
        resolve();
      });
    });
    await consumer.close();
    expect(assigned[0]).toEqual([{ topic: 'lagging', partitions: [0, 1] }]);
    const offsets = await admin.groupOffsets('lag-group', ['lagging']);
    const p0 = offsets.find((o) => o.partition === 0)!;
    expect(p0.offset).toBe(3n);
    expect(p0.lag).toBe(2n);
    expect(await admin.listGroups()).toContainEqual({ groupId: 'lag-group', protocolType: 'consumer' });
    await admin.setGroupOffsets('lag-group', [{ topic: 'lagging', partition: 1, offset: 4n }]);
    expect((await admin.groupOffsets('lag-group', ['lagging'])).find((o) => o.partition === 1)).toEqual({
      topic: 'lagging',
      partition: 1,
      offset: 4n,
      lag: 1n,
    });
  });

  it('idempotent and transactional producers; read_committed hides an aborted transaction', async () => {
    await (await client.admin()).createTopics([{ name: 'tx', partitions: 1 }]);
    const idem = await client.producer({ idempotent: true, compression: 'zstd' });
    const parallel = await Promise.all([
      idem.send([{ topic: 'tx', value: 'i0' }]),
      idem.send([{ topic: 'tx', value: 'i1' }]),
      idem.send([{ topic: 'tx', value: 'i2' }]),
    ]);
    expect(parallel.flat().map((m) => m.offset)).toEqual([0n, 1n, 2n]);
    await idem.close();

    const txp = await client.producer({ transactionalId: 'seam-tx' });
    const aborted = await txp.transaction();
    await aborted.send([{ topic: 'tx', value: 'aborted' }]);
    await aborted.abort();
    const committed = await txp.transaction();
    await committed.send([{ topic: 'tx', value: 'committed' }]);
    await committed.commit();
    await txp.close();
    const records = await consumeAll(client, 'tx', 4);
    expect(records.map((r) => r.value?.toString())).toEqual(['i0', 'i1', 'i2', 'committed']);
  });
});

const haveKcat = requireTool('kcat', toolAvailable('kcat', ['-V']));

describe.runIf(haveKcat)('compressed records from and to librdkafka (kcat)', () => {
  let broker: RunningBroker;
  let client: KafkaClient;
  beforeAll(async () => {
    broker = await startBroker({ port: 0 });
    client = await connect({ name: 'local', bootstrap: [broker.bootstrap] });
  });
  afterAll(async () => {
    await client?.close();
    await broker?.stop();
  });

  it.each(['snappy', 'lz4', 'zstd'] as const)('%s: kcat -z writes, the seam reads', async (codec) => {
    const topic = `from-kcat-${codec}`;
    // Compressible values: librdkafka sends a batch uncompressed when compression would not pay.
    const lines = Array.from({ length: 200 }, (_, i) => `k${i}\t${`value-${i}-`.padEnd(300, codec)}`).join(
      '\n',
    );
    const p = await run(
      'kcat',
      ['-P', '-b', broker.bootstrap, '-t', topic, '-p', '0', '-K', '\t', '-z', codec],
      {
        input: `${lines}\n`,
      },
    );
    expect(p.status, p.stderr).toBe(0);
    const records = await consumeAll(client, topic, 200);
    expect(records.map((r) => r.key?.toString())).toEqual(Array.from({ length: 200 }, (_, i) => `k${i}`));
    expect(records[199]!.value?.toString()).toBe('value-199-'.padEnd(300, codec));
  });

  it.each(['snappy', 'lz4', 'zstd'] as const)('%s: the seam writes, kcat reads', async (codec) => {
    const topic = `to-kcat-${codec}`;
    const producer = await client.producer({ compression: codec });
    await producer.send(
      Array.from({ length: 100 }, (_, i) => ({
        topic,
        partition: 0,
        key: `k${i}`,
        value: `v${i}-`.padEnd(200, 'z'),
      })),
    );
    await producer.close();
    const c = await run('kcat', [
      '-C',
      '-b',
      broker.bootstrap,
      '-t',
      topic,
      '-p',
      '0',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%k=%s\\n',
    ]);
    expect(c.status, c.stderr).toBe(0);
    const lines = c.stdout.trim().split('\n');
    expect(lines).toHaveLength(100);
    expect(lines[42]).toBe(`k42=${'v42-'.padEnd(200, 'z')}`);
  });
});

describe('secured brokers', () => {
  let certs: TestCertificates;
  let otherCa: TestCertificates;
  let saslPlain: RunningBroker;
  let saslTls: RunningBroker;
  let mtls: RunningBroker;
  beforeAll(async () => {
    certs = makeTestCertificates({ hosts: ['127.0.0.1', 'localhost'], clients: ['carol'] });
    otherCa = makeTestCertificates({ hosts: ['127.0.0.1'], caName: 'another CA' });
    saslPlain = await startBroker({ port: 0, users: USERS });
    saslTls = await startBroker({
      port: 0,
      users: USERS,
      tls: { cert: certs.server.cert, key: certs.server.key },
    });
    mtls = await startBroker({
      port: 0,
      tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca, requireClientCert: true },
    });
  });
  afterAll(async () => {
    await Promise.all([saslPlain?.stop(), saslTls?.stop(), mtls?.stop()]);
  });

  async function roundTrip(profile: ConnectionProfile, resolver: SecretResolver, topic: string) {
    const client = await connect(profile, { secrets: resolver });
    try {
      const t = await client.testConnection();
      expect(t.ok, t.ok ? '' : t.error.message).toBe(true);
      const producer = await client.producer();
      const [m] = await producer.send([{ topic, value: `hello over ${profile.name}` }]);
      expect(m?.offset).toBe(0n);
      await producer.close();
      const [r] = await consumeAll(client, topic, 1);
      expect(r?.value?.toString()).toBe(`hello over ${profile.name}`);
    } finally {
      await client.close();
    }
  }

  it('SASL PLAIN', async () => {
    await roundTrip(
      {
        name: 'plain',
        bootstrap: [saslPlain.bootstrap],
        sasl: { mechanism: 'plain', username: 'alice', password: { secret: 'local', key: 'password' } },
      },
      secrets({ 'local/password': 'alice-secret' }),
      'sasl-plain',
    );
  });

  it('SCRAM-SHA-512 over TLS', async () => {
    await roundTrip(
      {
        name: 'scram-tls',
        bootstrap: [saslTls.bootstrap],
        tls: { ca: certs.ca },
        sasl: {
          mechanism: 'scram-sha-512',
          username: 'alice',
          password: { secret: 'local', key: 'password' },
        },
      },
      secrets({ 'local/password': 'alice-secret' }),
      'scram-tls',
    );
  });

  it('mutual TLS, the client key from a secret', async () => {
    await roundTrip(
      {
        name: 'mtls',
        bootstrap: [mtls.bootstrap],
        tls: { ca: certs.ca, cert: certs.clients['carol']!.cert, key: { secret: 'carol', key: 'key' } },
      },
      secrets({ 'carol/key': certs.clients['carol']!.key }),
      'mtls',
    );
  });

  async function failed(profile: ConnectionProfile, resolver: SecretResolver = secrets({})) {
    const client = await connect(profile, { secrets: resolver });
    const t0 = Date.now();
    const r = await client.testConnection();
    const ms = Date.now() - t0;
    await client.close();
    expect(r.ok).toBe(false);
    if (r.ok) throw new Error('unreachable');
    expect(ms).toBeLessThan(5000);
    return r.error;
  }

  it('testConnection: wrong password → auth', async () => {
    const e = await failed(
      {
        name: 'wrong',
        bootstrap: [saslTls.bootstrap],
        tls: { ca: certs.ca },
        sasl: {
          mechanism: 'scram-sha-512',
          username: 'alice',
          password: { secret: 'local', key: 'password' },
        },
      },
      secrets({ 'local/password': 'not-her-password' }),
    );
    expect(e.stage).toBe('auth');
    expect(e.message).toMatch(/authentication failed/);
  });

  it('testConnection: a closed port → tcp', async () => {
    const port = await closedPort();
    const e = await failed({ name: 'closed', bootstrap: [`127.0.0.1:${port}`] });
    expect(e.stage).toBe('tcp');
    expect(e.message).toBe(`connection refused (127.0.0.1:${port}): nothing listens on that port`);
  });

  it('testConnection: a name that does not resolve → dns', async () => {
    const e = await failed({ name: 'nowhere', bootstrap: ['no-such-host.invalid:9092'] });
    expect(e.stage).toBe('dns');
    expect(e.message).toMatch(/^cannot resolve no-such-host\.invalid/);
  });

  it('testConnection: a client trusting another CA → tls', async () => {
    const e = await failed({ name: 'other-ca', bootstrap: [mtls.bootstrap], tls: { ca: otherCa.ca } });
    expect(e.stage).toBe('tls');
    expect(e.message).toMatch(/TLS handshake failed/);
    expect(e.message).toMatch(/CA/);
  });

  it('testConnection: TLS to a plaintext listener → tls', async () => {
    const e = await failed({ name: 'tls-to-plain', bootstrap: [saslPlain.bootstrap], tls: { ca: certs.ca } });
    expect(e.stage).toBe('tls');
  });

  it('testConnection: a hostname the certificate does not name → tls', async () => {
    const e = await failed({
      name: 'mismatch',
      bootstrap: [saslTls.bootstrap],
      tls: { ca: certs.ca, servername: 'kafka.example.com' },
    });
    expect(e.stage).toBe('tls');
    expect(e.message).toMatch(/hostname mismatch/);
  });
});
