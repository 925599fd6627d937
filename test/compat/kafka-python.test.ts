// kafka-python 2.0 (Debian's python3-kafka) against the embedded broker: an
// independent client proving wire compatibility. The python side lives in
// small scripts under ./python, each printing JSON lines this file parses.
// Debian's modules are seen by /usr/bin/python3 only, so that is the one used.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/index';
import { compressionOf, splitBatches } from '../../src/protocol/records/batch';
import { requireTool, run, toolAvailable } from '../support/tools';

const PYTHON = '/usr/bin/python3';
const CODECS = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
const DYNAMIC_TOPIC_CONFIG = 1;
const DEFAULT_CONFIG = 5;
const WRONG = 'wrong-password-9f3c';

const haveKafkaPython = requireTool(
  'python3-kafka with python3-lz4, python3-snappy and python3-zstandard',
  toolAvailable(PYTHON, ['-c', 'import kafka, kafka.admin, lz4, snappy, zstandard']),
);

const script = (name: string) => fileURLToPath(new URL(`./python/${name}`, import.meta.url));

/** Runs a script to completion (asynchronously: the broker shares this event loop). */
async function python(name: string, args: string[], timeoutMs = 30_000) {
  const r = await run(PYTHON, [script(name), ...args], { timeoutMs });
  if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
  return r;
}

const jsonLines = <T>(out: string): T[] =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as T);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface MemberEvent {
  event: 'assigned' | 'revoked' | 'record' | 'closed';
  member: string;
  partitions?: number[];
  partition?: number;
  offset?: number;
  value?: string;
}

/** A long-running group_member.py whose JSON lines land in `events` as they are printed. */
class GroupMember {
  readonly child: ChildProcessWithoutNullStreams;
  stderr = '';
  readonly exited: Promise<number | null>;
  private partial = '';

  constructor(
    bootstrap: string,
    topic: string,
    group: string,
    readonly name: string,
    events: MemberEvent[],
  ) {
    this.child = spawn(PYTHON, [script('group_member.py'), bootstrap, topic, group, name]);
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const lines = (this.partial + d).split('\n');
      this.partial = lines.pop() ?? '';
      events.push(...jsonLines<MemberEvent>(lines.join('\n')));
    });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('close', resolve));
  }

  /** SIGTERM: the script finishes its poll, closes the consumer (LeaveGroup) and exits. */
  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    const code = await this.exited;
    clearTimeout(t);
    return code;
  }
}

/** Each member's latest assignment. */
function assignments(events: MemberEvent[]): Map<string, number[]> {
  const latest = new Map<string, number[]>();
  for (const e of events) {
    if (e.event === 'assigned') latest.set(e.member, e.partitions ?? []);
    if (e.event === 'closed') latest.delete(e.member);
  }
  return latest;
}

describe.runIf(haveKafkaPython)('kafka-python compatibility', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    // The initial delay lets the three group members join one generation together.
    broker = await startBroker({ port: 0, groupInitialRebalanceDelayMs: 1500 });
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.stop();
  });

  it.each(Object.keys(CODECS) as (keyof typeof CODECS)[])(
    'produces keys, values and headers with acks=all and %s compression, and reads them back',
    async (codec) => {
      const topic = `py-${codec}`;
      broker.cluster.createTopic(topic, 2);
      const acks = jsonLines<{ partition: number; offset: number }>(
        (await python('produce.py', [broker.bootstrap, topic, '1', '40', codec])).stdout,
      );
      expect(acks).toEqual(Array.from({ length: 40 }, (_, i) => ({ partition: 1, offset: i })));

      // The broker stored what python sent: batches carrying the codec's id.
      const log = broker.cluster.partition(topic, 1)?.log;
      const batches = splitBatches(log?.read(0, 1 << 22).records ?? Buffer.alloc(0));
      expect(batches.length).toBeGreaterThan(0);
      expect(new Set(batches.map((b) => compressionOf(b.attributes)))).toEqual(new Set([CODECS[codec]]));

      const got = jsonLines<{ offset: number; key: string; value: string; headers: string[][] }>(
        (await python('consume.py', [broker.bootstrap, topic, '1', '40'])).stdout,
      );
      expect(got).toEqual(
        Array.from({ length: 40 }, (_, i) => ({
          offset: i,
          key: `key${i}`,
          value: `value-${i}-${'x'.repeat(i * 10)}`,
          headers: [
            ['source', 'kafka-python'],
            ['codec', codec],
          ],
        })),
      );
    },
  );

  it('three consumers share six partitions; when one stops the others take its partitions, every record once', async () => {
    const topic = 'py-group-six';
    const group = 'g-py-three';
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
    const events: MemberEvent[] = [];
    const members = ['m1', 'm2', 'm3'].map((n) => new GroupMember(broker.bootstrap, topic, group, n, events));
    try {
      const balanced = (n: number) => () => {
        const a = [...assignments(events).values()];
        return a.length === n && a.flat().sort().join() === '0,1,2,3,4,5';
      };
      await waitFor('three members with two partitions each', balanced(3));
      expect([...assignments(events).values()].map((p) => p.length)).toEqual([2, 2, 2]);

      const produce = async (tag: string, perPartition: number) => {
        for (let p = 0; p < 6; p++)
          await producer.send({
            topic,
            messages: Array.from({ length: perPartition }, (_, i) => ({
              partition: p,
              value: `${tag}-${p}-${i}`,
            })),
          });
      };
      const records = () => events.filter((e) => e.event === 'record');
      await produce('a', 5);
      await waitFor('30 records', () => records().length >= 30);

      const stopped = members[2];
      const owned = assignments(events).get('m3') ?? [];
      expect(await stopped?.stop()).toBe(0);
      await waitFor('two members holding all six partitions', balanced(2));
      const after = assignments(events);
      expect([...after.keys()].sort()).toEqual(['m1', 'm2']);
      expect([...after.values()].map((p) => p.length)).toEqual([3, 3]);

      await produce('b', 5);
      await waitFor('60 records', () => records().length >= 60);
      await sleep(500); // a duplicate would arrive now

      const all = records();
      expect(all).toHaveLength(60);
      expect(new Set(all.map((r) => `${r.partition}:${r.offset}`)).size).toBe(60);
      expect(all.map((r) => r.value).sort()).toEqual(
        ['a', 'b']
          .flatMap((t) => [0, 1, 2, 3, 4, 5].flatMap((p) => [0, 1, 2, 3, 4].map((i) => `${t}-${p}-${i}`)))
          .sort(),
      );
      // The stopped member's partitions went on, with the "b" records, at the survivors.
      const takenOver = all.filter((r) => owned.includes(r.partition ?? -1) && r.value?.startsWith('b-'));
      expect(takenOver).toHaveLength(owned.length * 5);
      expect(takenOver.every((r) => r.member !== 'm3' && r.offset !== undefined && r.offset >= 5)).toBe(true);

      // Commits after each poll: every partition's committed offset is 10.
      const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      expect(t?.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual(
        [0, 1, 2, 3, 4, 5].map((p) => [p, '10']),
      );
    } finally {
      await Promise.all(members.map((m) => (m.child.exitCode === null ? m.stop() : undefined)));
    }
    for (const m of members) expect(m.stderr, m.name).not.toMatch(/Traceback/);
    expect((await admin.describeGroups([group])).groups[0]?.state).toBe('Empty');
  }, 90_000);

  it('commits offsets; a restarted consumer resumes after them and the group is left Empty', async () => {
    const topic = 'py-commit';
    const group = 'g-py-commit';
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    for (let p = 0; p < 3; p++)
      await producer.send({
        topic,
        messages: [0, 1, 2, 3].map((i) => ({ partition: p, value: `py-${p}-${i}` })),
      });
    type Out = {
      records: [number, number, string][];
      assignment: number[];
      committed: Record<string, number | null>;
    };
    const first = JSON.parse(
      (await python('consume_commit.py', [broker.bootstrap, topic, group, '5'])).stdout,
    ) as Out;
    expect(first.assignment).toEqual([0, 1, 2]);
    expect(first.records).toHaveLength(5);
    // What python says it committed is what the broker serves to another client: per
    // partition, one past the last record read there (or nothing, where none was read).
    const next = (recs: Out['records'], p: number) =>
      Math.max(-1, ...recs.filter((r) => r[0] === p).map((r) => r[1])) + 1;
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    for (const p of [0, 1, 2]) {
      const read = next(first.records, p);
      const committed = first.committed[String(p)] ?? null;
      // A partition with nothing read yet may be committed at 0 or not at all.
      expect(read === 0 ? [0, null] : [read]).toContain(committed);
      expect(t?.partitions.find((x) => x.partition === p)?.offset).toBe(String(committed ?? -1));
    }
    expect((await admin.describeGroups([group])).groups[0]?.state).toBe('Empty');

    const second = JSON.parse(
      (await python('consume_commit.py', [broker.bootstrap, topic, group, '7'])).stdout,
    ) as Out;
    // The rest, each partition starting exactly at the committed offset.
    expect(second.records).toHaveLength(7);
    for (const p of [0, 1, 2]) {
      const offsets = second.records.filter((r) => r[0] === p).map((r) => r[1]);
      const from = next(first.records, p);
      expect(offsets).toEqual([0, 1, 2, 3].filter((o) => o >= from));
    }
    expect([...first.records, ...second.records].map((r) => r[2]).sort()).toEqual(
      [0, 1, 2].flatMap((p) => [0, 1, 2, 3].map((i) => `py-${p}-${i}`)).sort(),
    );
    const [t2] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(t2?.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
      [0, '4'],
      [1, '4'],
      [2, '4'],
    ]);
  }, 60_000);

  it('KafkaAdminClient creates, lists, describes and deletes topics', async () => {
    const out = JSON.parse(
      (await python('admin.py', [broker.bootstrap])).stdout.trim().split('\n').at(-1) ?? '{}',
    ) as Record<string, unknown>;
    // kafka-python negotiates DescribeConfigs v2 here, whose entries carry [value, config_source].
    expect(out).toEqual({
      again: 'exists',
      listed: ['adm-a', 'adm-b'],
      retention: ['120000', DYNAMIC_TOPIC_CONFIG],
      cleanup: ['delete', DEFAULT_CONFIG],
      after_delete: ['adm-a'],
    });
    expect(broker.cluster.topic('adm-a')?.partitions).toHaveLength(3);
  });
});

describe.runIf(haveKafkaPython)('kafka-python over SASL_PLAINTEXT (SaslHandshake v0 and raw tokens)', () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    broker = await startBroker({ port: 0, users: [{ name: 'alice', password: 'alice-secret' }] });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    it(`${mechanism}: lists topics with the right password, fails with a wrong one`, async () => {
      const ok = await python('sasl_topics.py', [broker.bootstrap, mechanism, 'alice', 'alice-secret']);
      expect(ok.stdout, ok.stderr).toMatch(/^TOPICS \[/m);
      const t0 = Date.now();
      const bad = await python('sasl_topics.py', [broker.bootstrap, mechanism, 'alice', WRONG]);
      expect(bad.stdout).toMatch(/^ERROR /m);
      expect(Date.now() - t0).toBeLessThan(15_000);
    });
  }
});
