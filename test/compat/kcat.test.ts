// kcat (librdkafka 2.x) against the embedded broker: an independent client
// proving wire compatibility. CI installs kcat; locally a missing kcat skips.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificates } from '../../src/broker/auth/certs';
import { startBroker, type RunningBroker } from '../../src/broker/index';
import { ApiKey } from '../../src/protocol/generated/index';
import { requireTool, run, toolAvailable } from '../support/tools';

const haveKcat = requireTool('kcat', toolAvailable('kcat', ['-V']));

const kcat = (args: string[], input?: string) => run('kcat', args, input === undefined ? {} : { input });

describe.runIf(haveKcat)('kcat compatibility', () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    broker = await startBroker({ port: 0, defaultPartitions: 3 });
  });
  afterAll(async () => {
    await broker.stop();
  });

  it('lists metadata with -L', async () => {
    broker.cluster.createTopic('listed', 4);
    const r = await kcat(['-L', '-b', broker.bootstrap, '-t', 'listed']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`broker 0 at ${broker.bootstrap}`);
    expect(r.stdout).toMatch(/topic "listed" with 4 partitions/);
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])(
    'produces and consumes keys, values and headers with %s compression',
    async (codec) => {
      const topic = `kcat-${codec}`;
      const lines = Array.from({ length: 50 }, (_, i) => `key${i}\tvalue-${i}-${'x'.repeat(i * 10)}`).join(
        '\n',
      );
      const p = await kcat(
        [
          '-P',
          '-b',
          broker.bootstrap,
          '-t',
          topic,
          '-p',
          '0',
          '-K',
          '\t',
          '-z',
          codec,
          '-H',
          'source=kcat',
          '-H',
          `codec=${codec}`,
        ],
        `${lines}\n`,
      );
      expect(p.status, p.stderr).toBe(0);
      const c = await kcat([
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
        '%o %k %s %h\n',
      ]);
      expect(c.status, c.stderr).toBe(0);
      const got = c.stdout.trim().split('\n');
      expect(got).toHaveLength(50);
      got.forEach((line, i) =>
        expect(line).toBe(`${i} key${i} value-${i}-${'x'.repeat(i * 10)} source=kcat,codec=${codec}`),
      );
    },
  );
});

describe.runIf(haveKcat)('librdkafka consumer group (kcat -G)', () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    // Three broker identities: FindCoordinator spreads groups over them. The delay lets both members join generation 1.
    broker = await startBroker({ port: 0, brokers: 3, groupInitialRebalanceDelayMs: 1000 });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('two balanced kcat consumers split the partitions, read every record once and commit on exit', async () => {
    const topic = 'kcat-group';
    const groupId = 'g-kcat';
    const kafka = new Kafka({
      clientId: 'kcat-setup',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    const producer = kafka.producer();
    await producer.connect();
    for (let p = 0; p < 4; p++)
      await producer.send({
        topic,
        messages: [0, 1, 2].map((i) => ({ partition: p, value: `k-${p}-${i}` })),
      });
    await producer.disconnect();
    const consume = () =>
      run(
        'kcat',
        // Not `-o beginning`: kcat applies -o to every assigned partition, overriding committed offsets.
        [
          '-b',
          broker.bootstrap,
          '-G',
          groupId,
          '-X',
          'auto.offset.reset=earliest',
          '-e',
          '-f',
          '%p:%o:%s\\n',
          topic,
        ],
        { timeoutMs: 60_000 },
      );
    const seen = new Map<number, number>();
    const unhook = broker.onRequest((h) => {
      seen.set(h.apiKey, Math.max(seen.get(h.apiKey) ?? -1, h.apiVersion));
    });
    const [a, b] = await Promise.all([consume(), consume()]);
    unhook();
    // librdkafka 2.x uses FindCoordinator v2, JoinGroup v5, SyncGroup v3, Heartbeat v3, OffsetCommit v7, OffsetFetch v7 here.
    expect(seen.get(ApiKey.JoinGroup)).toBeGreaterThanOrEqual(5);
    expect(seen.get(ApiKey.OffsetCommit)).toBeGreaterThanOrEqual(7);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    const lines = (out: string) => out.split('\n').filter((l) => /^\d+:\d+:/.test(l));
    const all = [...lines(a.stdout), ...lines(b.stdout)];
    // Each record exactly once, split between the two members.
    expect(all.length).toBe(12);
    expect(lines(a.stdout).length).toBeGreaterThan(0);
    expect(lines(b.stdout).length).toBeGreaterThan(0);
    expect(all.map((l) => l.split(':')[2]).sort()).toEqual(
      [0, 1, 2, 3].flatMap((p) => [0, 1, 2].map((i) => `k-${p}-${i}`)).sort(),
    );
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(t?.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
      [0, '3'],
      [1, '3'],
      [2, '3'],
      [3, '3'],
    ]);
    expect((await admin.describeGroups([groupId])).groups[0]?.state).toBe('Empty');
    await admin.disconnect();
  }, 90_000);
});

describe.runIf(haveKcat)('librdkafka (kcat) idempotent and transactional producers', () => {
  let broker: RunningBroker;
  const seen = new Set<string>();

  beforeAll(async () => {
    broker = await startBroker({ port: 0 });
    broker.cluster.createTopic('rdk', 1);
    broker.onRequest((h) => void seen.add(`${h.apiKey}v${h.apiVersion}`));
  });
  afterAll(async () => {
    await broker.stop();
  });

  it('produces idempotently and in a committed transaction; read_committed sees every record once', async () => {
    const idem = await kcat(
      ['-b', broker.bootstrap, '-P', '-t', 'rdk', '-X', 'enable.idempotence=true'],
      'i1\ni2\ni3\n',
    );
    expect(idem.status, idem.stderr).toBe(0);
    const tx = await kcat(
      ['-b', broker.bootstrap, '-P', '-t', 'rdk', '-X', 'transactional.id=rdk-tx'],
      't1\nt2\n',
    );
    expect(tx.status, tx.stderr).toBe(0);
    expect(seen.has(`${ApiKey.InitProducerId}v4`)).toBe(true); // flexible version
    expect(seen.has(`${ApiKey.EndTxn}v1`) || seen.has(`${ApiKey.EndTxn}v3`)).toBe(true);
    expect(broker.cluster.txns.describe('rdk-tx')?.state).toBe('CompleteCommit');
    const out = await kcat([
      '-b',
      broker.bootstrap,
      '-C',
      '-t',
      'rdk',
      '-e',
      '-X',
      'isolation.level=read_committed',
      '-f',
      '%s@%o\\n',
    ]);
    // i1-i3 at 0-2, t1-t2 at 3-4, the COMMIT marker at 5 (never shown to consumers).
    expect(out.stdout.trim().split('\n')).toEqual(['i1@0', 'i2@1', 'i3@2', 't1@3', 't2@4']);
    expect(broker.cluster.partition('rdk', 0)?.log.latest()).toBe(6);
  });
});

describe.runIf(haveKcat)('kcat over SASL_SSL with SCRAM-SHA-512 (as on MSK)', () => {
  let broker: RunningBroker;
  let dir: string;
  beforeAll(async () => {
    const certs = makeTestCertificates({ hosts: ['127.0.0.1', 'localhost'] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kflow-kcat-tls-'));
    fs.writeFileSync(path.join(dir, 'ca.pem'), certs.ca);
    broker = await startBroker({
      port: 0,
      users: [{ name: 'alice', password: 'alice-secret' }],
      tls: { cert: certs.server.cert, key: certs.server.key },
    });
  });
  afterAll(async () => {
    await broker?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('-L with ssl.ca.location authenticates; a wrong password fails', async () => {
    const args = (password: string) => [
      '-L',
      '-b',
      broker.bootstrap,
      '-X',
      'security.protocol=SASL_SSL',
      '-X',
      'sasl.mechanisms=SCRAM-SHA-512',
      '-X',
      'sasl.username=alice',
      '-X',
      `sasl.password=${password}`,
      '-X',
      `ssl.ca.location=${path.join(dir, 'ca.pem')}`,
      '-m',
      '5',
    ];
    const ok = await kcat(args('alice-secret'));
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/1 brokers:/);
    const bad = await kcat(args('wrong-password-9f3c'));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/auth|SASL/i);
  });
});
