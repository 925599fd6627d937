// The seam's fast consumer (`consumer({ fast: true })`: kflow's wire client in a consumer group)
// against the embedded broker: partitions split and rebalance with onRevoke awaited before the
// new owner starts, co-partitioned topics stay together, commits survive a restart, aborted
// transactions stay hidden under read_committed, a member that stops heartbeating is removed, and
// a broker restart in the middle loses nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBroker } from '../../../src/broker/index';
import {
  connect,
  type ConsumerOptions,
  type KafkaClient,
  type KafkaConsumer,
} from '../../../src/kafka/client';
import { embeddedProfile } from '../../../src/kafka/profile';
import { GroupMember } from '../../../src/kafka/wire/group';
import { useSeamBroker } from '../../support/use-broker';

const env = useSeamBroker();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

interface Member {
  consumer: KafkaConsumer;
  /** "topic/partition:value" of every record handed over. */
  seen: string[];
  /** The latest assignment, "topic/partition" sorted. */
  owns: string[];
  assignments: number;
}

async function member(
  c: KafkaClient,
  topics: string[],
  opts: Partial<ConsumerOptions> & { groupId: string },
  log?: string[],
  name = '',
): Promise<Member> {
  const m: Member = { consumer: undefined as unknown as KafkaConsumer, seen: [], owns: [], assignments: 0 };
  m.consumer = await c.consumer({
    isolation: 'read_committed',
    fromBeginning: true,
    fast: true,
    heartbeatIntervalMs: 200,
    sessionTimeoutMs: 6000,
    maxWaitMs: 100,
    onRebalance: (a) => {
      m.owns = a.flatMap((x) => x.partitions.map((p) => `${x.topic}/${p}`)).sort();
      m.assignments++;
      log?.push(`${name} assigned ${m.owns.join(',')}`);
    },
    ...opts,
  });
  await m.consumer.subscribe(topics);
  await m.consumer.run(async (batch) => {
    for (const r of batch.records) m.seen.push(`${batch.topic}/${batch.partition}:${r.value?.toString()}`);
  });
  return m;
}

async function produce(c: KafkaClient, topic: string, partitions: number, perPartition: number, tag = '') {
  const p = await c.producer({ fast: true });
  await p.send(
    Array.from({ length: partitions * perPartition }, (_, i) => ({
      topic,
      partition: i % partitions,
      value: `${tag}${i}`,
    })),
  );
}

describe('wire consumer', () => {
  it('is what fast: true gives, kafkajs otherwise', async () => {
    const admin = await env.client.admin();
    await admin.createTopics([{ name: 'wc-kind', partitions: 1 }]);
    const fast = await env.client.consumer({ groupId: 'wc-kind', isolation: 'read_committed', fast: true });
    const plain = await env.client.consumer({ groupId: 'wc-kind-2', isolation: 'read_committed' });
    expect(fast.constructor.name).toBe('WireConsumer');
    expect(plain.constructor.name).toBe('KafkajsConsumer');
    await fast.close();
    await plain.close();
  });

  it('two members split the partitions; a join and a leave rebalance, onRevoke awaited before the new owner starts', async () => {
    await (await env.client.admin()).createTopics([{ name: 'wc-split', partitions: 4 }]);
    await produce(env.client, 'wc-split', 4, 5);
    const log: string[] = [];
    const revokeMs = 400;
    const a = await member(
      env.client,
      ['wc-split'],
      {
        groupId: 'wc-split',
        onRevoke: async () => {
          log.push('A revoke start');
          await sleep(revokeMs);
          log.push('A revoke end');
        },
      },
      log,
      'A',
    );
    await until('A owns all', () => a.owns.length === 4);
    await until('A read all', () => a.seen.length === 20);
    expect(a.consumer.groupMetadata?.()).toMatchObject({
      groupId: 'wc-split',
      generationId: expect.any(Number),
    });
    const b = await member(env.client, ['wc-split'], { groupId: 'wc-split' }, log, 'B');
    await until('both own two', () => a.owns.length === 2 && b.owns.length === 2 && a.assignments === 2);
    expect(new Set([...a.owns, ...b.owns]).size).toBe(4);
    // Dealt over the sorted member ids: partitions 0 and 2 to one member, 1 and 3 to the other.
    const split = [a.owns.join(','), b.owns.join(',')].sort();
    expect(split).toEqual(['wc-split/0,wc-split/2', 'wc-split/1,wc-split/3']);
    // A's revoke ran to its end before anyone got the new assignment.
    const end = log.indexOf('A revoke end');
    expect(log.indexOf('A revoke start')).toBeGreaterThanOrEqual(0);
    expect(end).toBeLessThan(log.findIndex((l) => l.startsWith('B assigned')));
    expect(end).toBeLessThan(
      log.lastIndexOf(log.find((l) => l.startsWith('A assigned') && l.split(',').length === 2)!),
    );
    // B starts at A's committed positions (autoCommit): nothing read twice.
    await produce(env.client, 'wc-split', 4, 1, 'n');
    await until('new records read', () => a.seen.length + b.seen.length === 24);
    expect(b.seen.every((s) => s.includes(':n'))).toBe(true);
    await b.consumer.close();
    await until('A owns all again', () => a.owns.length === 4);
    await a.consumer.close();
  });

  it('keeps co-partitioned topics together', async () => {
    await (
      await env.client.admin()
    ).createTopics([
      { name: 'wc-left', partitions: 3 },
      { name: 'wc-right', partitions: 3 },
    ]);
    const opts = { groupId: 'wc-copart', copartitioned: [['wc-left', 'wc-right']] };
    const a = await member(env.client, ['wc-left', 'wc-right'], opts);
    await until('A owns all', () => a.owns.length === 6);
    const b = await member(env.client, ['wc-left', 'wc-right'], opts);
    await until('split', () => a.owns.length > 0 && b.owns.length > 0 && a.owns.length + b.owns.length === 6);
    for (const m of [a, b]) {
      const left = m.owns.filter((x) => x.startsWith('wc-left/')).map((x) => x.split('/')[1]);
      const right = m.owns.filter((x) => x.startsWith('wc-right/')).map((x) => x.split('/')[1]);
      expect(left).toEqual(right);
    }
    // Three units over two members: 2 and 1.
    expect([a.owns.length, b.owns.length].sort()).toEqual([2, 4]);
    await a.consumer.close();
    await b.consumer.close();
  });

  it('commits, and a restarted member resumes at the committed position', async () => {
    await (await env.client.admin()).createTopics([{ name: 'wc-resume', partitions: 2 }]);
    await produce(env.client, 'wc-resume', 2, 5);
    const a = await member(env.client, ['wc-resume'], { groupId: 'wc-resume' });
    await until('first 10', () => a.seen.length === 10);
    await a.consumer.close();
    const offsets = await (await env.client.admin()).groupOffsets('wc-resume');
    expect(offsets.map((o) => [o.partition, o.offset])).toEqual([
      [0, 5n],
      [1, 5n],
    ]);
    await produce(env.client, 'wc-resume', 2, 2, 'later-');
    const b = await member(env.client, ['wc-resume'], { groupId: 'wc-resume' });
    await until('the 4 later ones', () => b.seen.length === 4);
    await sleep(300);
    expect(b.seen.sort()).toEqual([
      'wc-resume/0:later-0',
      'wc-resume/0:later-2',
      'wc-resume/1:later-1',
      'wc-resume/1:later-3',
    ]);
    await b.consumer.close();
  });

  it('autoCommit false: ctl.commit and commit() as the caller says; seek moves the position', async () => {
    await (await env.client.admin()).createTopics([{ name: 'wc-manual', partitions: 1 }]);
    await produce(env.client, 'wc-manual', 1, 6);
    const seen: string[] = [];
    const c = await env.client.consumer({
      groupId: 'wc-manual',
      isolation: 'read_uncommitted',
      fromBeginning: true,
      fast: true,
      autoCommit: false,
      maxWaitMs: 100,
    });
    await c.subscribe(['wc-manual']);
    // Before the assignment: applied when partition 0 is assigned.
    c.seek('wc-manual', 0, 4n);
    await c.run(async (batch) => {
      for (const r of batch.records) seen.push(r.value!.toString());
    });
    await until('the two after the seek', () => seen.length === 2);
    expect(seen).toEqual(['4', '5']);
    const admin = await env.client.admin();
    expect((await admin.groupOffsets('wc-manual')).map((o) => o.offset)).toEqual([]);
    await c.commit([{ topic: 'wc-manual', partition: 0, offset: 3n }]);
    expect((await admin.groupOffsets('wc-manual')).map((o) => o.offset)).toEqual([3n]);
    c.seek('wc-manual', 0, 1n);
    await until('read again from 1', () => seen.length === 7);
    expect(seen.slice(2)).toEqual(['1', '2', '3', '4', '5']);
    await c.close();
  });

  it('read_committed hides an aborted transaction', async () => {
    await (await env.client.admin()).createTopics([{ name: 'wc-txn', partitions: 1 }]);
    const p = await env.client.producer({ transactionalId: 'wc-txn-producer' });
    const aborted = await p.transaction();
    await aborted.send([1, 2, 3].map((i) => ({ topic: 'wc-txn', value: `aborted-${i}` })));
    await aborted.abort();
    const kept = await p.transaction();
    await kept.send([1, 2].map((i) => ({ topic: 'wc-txn', value: `kept-${i}` })));
    await kept.commit();
    await p.close();
    const committed = await member(env.client, ['wc-txn'], { groupId: 'wc-txn-rc' });
    const all = await member(env.client, ['wc-txn'], { groupId: 'wc-txn-ru', isolation: 'read_uncommitted' });
    await until('read_uncommitted sees all 5', () => all.seen.length === 5);
    await until('read_committed sees 2', () => committed.seen.length === 2);
    await sleep(300);
    expect(committed.seen).toEqual(['wc-txn/0:kept-1', 'wc-txn/0:kept-2']);
    await committed.consumer.close();
    await all.consumer.close();
  });

  it('a member that stops heartbeating is removed and its partitions go to the others', async () => {
    await (await env.client.admin()).createTopics([{ name: 'wc-dead', partitions: 4 }]);
    const wire = env.client.wire()!;
    // A member that joins and then says nothing more (a process frozen or killed).
    const dead = new GroupMember(wire.cluster, {
      groupId: 'wc-dead',
      sessionTimeoutMs: 6000,
      rebalanceTimeoutMs: 6000,
      copartitioned: [],
    });
    const joined = await dead.join(['wc-dead'], async () => [0, 1, 2, 3]);
    expect(Object.values(joined.assignment).flat().sort()).toEqual([0, 1, 2, 3]);
    const t0 = Date.now();
    const live = await member(env.client, ['wc-dead'], { groupId: 'wc-dead' });
    await until('the live member owns all', () => live.owns.length === 4, 25_000);
    // Not before the dead member's session (6 s from its join, the broker's minimum) ran out.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4000);
    await live.consumer.close();
    dead.close();
  });
});

describe('wire consumer closing', () => {
  it('closes at once while its JoinGroup waits for a member that does not answer', async () => {
    await (await env.client.admin()).createTopics([{ name: 'wc-close', partitions: 2 }]);
    const dead = new GroupMember(env.client.wire()!.cluster, {
      groupId: 'wc-close',
      sessionTimeoutMs: 6000,
      rebalanceTimeoutMs: 6000,
      copartitioned: [],
    });
    await dead.join(['wc-close'], async () => [0, 1]);
    const waiting = await member(env.client, ['wc-close'], { groupId: 'wc-close' });
    await sleep(500);
    const t0 = Date.now();
    await waiting.consumer.close();
    // The dead member's session (6 s) has not run out: the join was still waiting.
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(waiting.assignments).toBe(0);
    dead.close();
  });
});

describe('wire consumer across a broker restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kflow-wire-consumer-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('continues where it was after the broker comes back, nothing lost', async () => {
    let b = await startBroker({ port: 0, dataDir });
    const port = Number(b.bootstrap.slice(b.bootstrap.lastIndexOf(':') + 1));
    const c = await connect(embeddedProfile(b.bootstrap));
    try {
      await (await c.admin()).createTopics([{ name: 'wc-restart', partitions: 2 }]);
      await produce(c, 'wc-restart', 2, 20, 'a');
      const m = await member(c, ['wc-restart'], { groupId: 'wc-restart' });
      await until('the first 40', () => m.seen.length === 40);
      await b.stop();
      await sleep(500);
      b = await startBroker({ port, dataDir });
      // A separate client: the producer's own connections are not the consumer's business.
      const p = await connect(embeddedProfile(b.bootstrap));
      await produce(p, 'wc-restart', 2, 20, 'b');
      await p.close();
      await until('the next 40', () => new Set(m.seen).size === 80, 30_000);
      const expected = [
        ...Array.from({ length: 40 }, (_, i) => `wc-restart/${i % 2}:a${i}`),
        ...Array.from({ length: 40 }, (_, i) => `wc-restart/${i % 2}:b${i}`),
      ].sort();
      expect([...new Set(m.seen)].sort()).toEqual(expected);
      await m.consumer.close();
    } finally {
      await c.close();
      await b.stop();
    }
  }, 60_000);
});
