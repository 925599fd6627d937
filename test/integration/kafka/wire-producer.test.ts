// The seam's fast producer (`producer({ fast: true })`, kflow's wire client behind the
// KafkaProducer interface) against the embedded broker: keyed records land where kafkajs' default
// partitioner puts them, large sends are cut into ordered requests, headers and timestamps
// survive, secured connections work, transactional producers are wire ones too, and kafkajs serves
// when forced.
import { describe, expect, it } from 'vitest';
import { makeTestCertificates } from '../../../src/broker/auth/certs';
import { startBroker } from '../../../src/broker/index';
import { connect, type ConsumedRecord, type KafkaClient } from '../../../src/kafka/client';
import { embeddedProfile, type ConnectionProfile } from '../../../src/kafka/profile';
import { readToEnd } from '../../../src/engine/runtime/restore';
import { useSeamBroker } from '../../support/use-broker';

const env = useSeamBroker();

async function read(c: KafkaClient, topic: string, partitions: number[]): Promise<ConsumedRecord[]> {
  const m = await readToEnd(c, 'wire-producer-read', [{ topic, partitions }]);
  return partitions.flatMap((p) => m.get(`${topic}/${p}`) ?? []);
}

const kind = (p: object) => p.constructor.name;

describe('fast producer on the wire client', () => {
  it('puts keyed records on the partitions kafkajs would', async () => {
    const admin = await env.client.admin();
    await admin.createTopics([
      { name: 'wp-keys-wire', partitions: 5 },
      { name: 'wp-keys-kjs', partitions: 5 },
    ]);
    const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const fast = await env.client.producer({ fast: true });
    expect(kind(fast)).toBe('WireSeamProducer');
    const viaWire = await fast.send(keys.map((k) => ({ topic: 'wp-keys-wire', key: k, value: k })));
    const kjs = await env.client.producer();
    expect(kind(kjs)).toBe('KafkajsProducer');
    const viaKafkajs = await kjs.send(keys.map((k) => ({ topic: 'wp-keys-kjs', key: k, value: k })));
    expect(viaWire.map((m) => m.partition)).toEqual(viaKafkajs.map((m) => m.partition));
    // Not all on one partition (the hash spreads them).
    expect(new Set(viaWire.map((m) => m.partition)).size).toBeGreaterThan(1);
  });

  it('cuts a large send into requests and keeps each partition in order, offsets per record', async () => {
    await (await env.client.admin()).createTopics([{ name: 'wp-order', partitions: 2 }]);
    const p = await env.client.producer({ fast: true, batchBytes: 2048 });
    // 300 records of about 100 B alternating over 2 partitions: 150 each, ~15 KB per partition,
    // so about 8 requests per partition at 2 KiB each.
    const records = Array.from({ length: 300 }, (_, i) => ({
      topic: 'wp-order',
      partition: i % 2,
      value: `${String(i).padStart(4, '0')}${'x'.repeat(96)}`,
    }));
    const metas = await p.send(records);
    // A fresh topic: record i is the (i div 2)-th of its partition.
    expect(metas.map((m) => [m.partition, m.offset])).toEqual(
      records.map((_, i) => [i % 2, BigInt(Math.floor(i / 2))]),
    );
    const back = await read(env.client, 'wp-order', [0, 1]);
    const p0 = back.filter((r) => r.partition === 0).map((r) => Number(r.value!.toString().slice(0, 4)));
    const p1 = back.filter((r) => r.partition === 1).map((r) => Number(r.value!.toString().slice(0, 4)));
    expect(p0).toEqual(Array.from({ length: 150 }, (_, j) => 2 * j));
    expect(p1).toEqual(Array.from({ length: 150 }, (_, j) => 2 * j + 1));
  });

  it('keeps keys, headers and timestamps; write() resolves with nothing per record', async () => {
    await (await env.client.admin()).createTopics([{ name: 'wp-fields', partitions: 1 }]);
    const p = await env.client.producer({ fast: true });
    await p.write([
      {
        topic: 'wp-fields',
        key: 'k1',
        value: 'v1',
        headers: { a: 'x', b: Buffer.from('y') },
        timestamp: 1_000,
      },
      { topic: 'wp-fields', key: null, value: null, timestamp: 2_000 },
    ]);
    const [r1, r2] = await read(env.client, 'wp-fields', [0]);
    expect(r1?.key?.toString()).toBe('k1');
    expect(r1?.value?.toString()).toBe('v1');
    expect(r1?.headers['a']?.toString()).toBe('x');
    expect(r1?.headers['b']?.toString()).toBe('y');
    expect(r1?.timestamp).toBe(1_000n);
    expect(r2?.key).toBeNull();
    expect(r2?.value).toBeNull();
    expect(r2?.timestamp).toBe(2_000n);
  });

  it('runs transactions on the wire too (wire/transaction), and leaves a forced kafkajs to kafkajs', async () => {
    const tx = await env.client.producer({ fast: true, transactionalId: 'wp-tx' });
    expect(kind(tx)).toBe('WireSeamProducer');
    await tx.close();
    expect(kind(await env.client.producer({ transactionalId: 'wp-tx-kjs' }))).toBe('KafkajsProducer');
    const before = process.env['KFLOW_KAFKA_CLIENT'];
    process.env['KFLOW_KAFKA_CLIENT'] = 'kafkajs';
    const other = await connect(embeddedProfile(env.broker.bootstrap));
    try {
      expect(kind(await other.producer({ fast: true }))).toBe('KafkajsProducer');
      expect(kind(await other.producer({ fast: true, transactionalId: 'wp-tx-forced' }))).toBe(
        'KafkajsProducer',
      );
    } finally {
      if (before === undefined) delete process.env['KFLOW_KAFKA_CLIENT'];
      else process.env['KFLOW_KAFKA_CLIENT'] = before;
      await other.close();
    }
  });

  it('works over SCRAM-SHA-512 and TLS', async () => {
    const certs = makeTestCertificates({ hosts: ['127.0.0.1', 'localhost'] });
    const secured = await startBroker({
      port: 0,
      users: [{ name: 'alice', password: 'alice-secret' }],
      tls: { cert: certs.server.cert, key: certs.server.key },
    });
    const profile: ConnectionProfile = {
      name: 'scram-tls',
      bootstrap: [secured.bootstrap],
      tls: { ca: certs.ca },
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: { secret: 'local', key: 'password' } },
    };
    const c = await connect(profile, { secrets: () => 'alice-secret' });
    try {
      const p = await c.producer({ fast: true });
      expect(kind(p)).toBe('WireSeamProducer');
      const [m] = await p.send([{ topic: 'wp-secure', value: 'over scram and tls' }]);
      expect(m?.offset).toBe(0n);
      const [r] = await read(c, 'wp-secure', [0]);
      expect(r?.value?.toString()).toBe('over scram and tls');
    } finally {
      await c.close();
      await secured.stop();
    }
  });
});
