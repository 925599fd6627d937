// The transactional wire producer (`producer({ fast: true, transactionalId })`, src/kafka/wire/
// transaction.ts) against the embedded broker: a commit makes records and group offsets visible
// to read_committed together, an abort hides both, a second producer with the same
// transactional id fences the first, and a TxnOffsetCommit from a group member the group has
// moved on from (KIP-447) is refused. kcat and kafka-python read what was committed.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConsumerGroupMetadata, KafkaProducer } from '../../../../src/kafka/client';
import { ProducerFencedError } from '../../../../src/kafka/errors';
import type { WireClient } from '../../../../src/kafka/wire/index';
import { parseHostPort } from '../../../../src/kafka/wire/metadata';
import { ApiKey } from '../../../../src/protocol/generated/index';
import { useSeamBroker } from '../../../support/use-broker';
import { requireTool, run, toolAvailable } from '../../../support/tools';

const env = useSeamBroker();
let wire: WireClient;
beforeAll(() => {
  wire = env.client.wire()!;
});

async function topic(name: string, partitions = 2): Promise<void> {
  await (await env.client.admin()).createTopics([{ name, partitions }]);
}

/** What read_committed sees of a topic up to its last stable offset: values, partition by partition. */
async function committed(name: string): Promise<string[]> {
  const ends = await wire.listOffsets(name, 'latest', { isolation: 'read_committed' });
  const byPartition = new Map<number, string[]>();
  await wire.read({
    topic: name,
    isolation: 'read_committed',
    ranges: [...ends].map(([partition, to]) => ({ partition, from: 0n, to })),
    onBatch: (b) => {
      const list = byPartition.get(b.partition) ?? [];
      for (const r of b.records) list.push(r.value!.toString());
      byPartition.set(b.partition, list);
    },
  });
  return [...byPartition].sort((x, y) => x[0] - y[0]).flatMap(([, v]) => v);
}

/** read_committed end offsets (the last stable offset) of each partition. */
async function stableEnds(name: string): Promise<number[]> {
  const ends = await wire.listOffsets(name, 'latest', { isolation: 'read_committed' });
  return [...ends.entries()].sort((a, b) => a[0] - b[0]).map(([, o]) => Number(o));
}

async function groupOffset(group: string, name: string, partition = 0): Promise<bigint> {
  const all = await (await env.client.admin()).groupOffsets(group, [name]);
  return all.find((o) => o.partition === partition)?.offset ?? -1n;
}

const raw = async () => wire.cluster.connectTo(parseHostPort(env.broker.bootstrap));

/** A one-member group through raw JoinGroup/SyncGroup; `rejoin` starts its next generation. */
async function joinGroup(groupId: string, memberId = ''): Promise<ConsumerGroupMetadata> {
  const conn = await raw();
  const join = (id: string) =>
    conn.request(
      ApiKey.JoinGroup,
      {
        groupId,
        sessionTimeoutMs: 30_000,
        rebalanceTimeoutMs: 30_000,
        memberId: id,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
        reason: null,
      },
      9,
    );
  let res = await join(memberId);
  if (res.errorCode === 79) res = await join(res.memberId); // MEMBER_ID_REQUIRED: join again with it
  expect(res.errorCode).toBe(0);
  const sync = await conn.request(
    ApiKey.SyncGroup,
    {
      groupId,
      generationId: res.generationId,
      memberId: res.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId: res.memberId, assignment: Buffer.alloc(0) }],
    },
    5,
  );
  expect(sync.errorCode).toBe(0);
  return { groupId, generationId: res.generationId, memberId: res.memberId };
}

async function txProducer(id: string): Promise<KafkaProducer> {
  const p = await env.client.producer({ fast: true, transactionalId: id });
  expect(p.constructor.name).toBe('WireSeamProducer');
  return p;
}

const records = (name: string, values: string[]) =>
  values.map((v, i) => ({ topic: name, partition: i % 2, key: v, value: v }));

describe('transactional wire producer', () => {
  it('commit: records and offsets become visible to read_committed together', async () => {
    await topic('tx-commit');
    await topic('tx-commit-in', 1);
    const group = await joinGroup('tx-commit-g');
    const p = await txProducer('tx-commit-id');
    const tx = await p.transaction();
    await tx.write(records('tx-commit', ['a', 'b', 'c', 'd']));
    await tx.sendOffsets('tx-commit-g', [{ topic: 'tx-commit-in', partition: 0, offset: 7n }], group);
    // Open: read_committed sees nothing yet (the last stable offset stays at 0), no offset either.
    expect(await stableEnds('tx-commit')).toEqual([0, 0]);
    expect(await groupOffset('tx-commit-g', 'tx-commit-in')).toBe(-1n);
    await tx.commit();
    // Two records per partition plus the COMMIT marker.
    expect(await stableEnds('tx-commit')).toEqual([3, 3]);
    expect((await committed('tx-commit')).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(await groupOffset('tx-commit-g', 'tx-commit-in')).toBe(7n);

    // The next transaction on the same producer continues the sequences.
    const tx2 = await p.transaction();
    await tx2.send(records('tx-commit', ['e', 'f']));
    await tx2.sendOffsets('tx-commit-g', [{ topic: 'tx-commit-in', partition: 0, offset: 9n }], group);
    await tx2.commit();
    expect((await committed('tx-commit')).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await groupOffset('tx-commit-g', 'tx-commit-in')).toBe(9n);
  });

  it('abort: hides the records and drops the offsets; the producer goes on', async () => {
    await topic('tx-abort');
    await topic('tx-abort-in', 1);
    const group = await joinGroup('tx-abort-g');
    const p = await txProducer('tx-abort-id');
    const tx = await p.transaction();
    await tx.write(records('tx-abort', ['x1', 'x2', 'x3']));
    await tx.sendOffsets('tx-abort-g', [{ topic: 'tx-abort-in', partition: 0, offset: 5n }], group);
    await tx.abort();
    expect(await committed('tx-abort')).toEqual([]);
    expect(await groupOffset('tx-abort-g', 'tx-abort-in')).toBe(-1n);
    // Written to the log and aborted: the partitions moved past them (2 + marker, 1 + marker).
    expect(await stableEnds('tx-abort')).toEqual([3, 2]);

    const tx2 = await p.transaction();
    await tx2.write(records('tx-abort', ['y1']));
    await tx2.sendOffsets('tx-abort-g', [{ topic: 'tx-abort-in', partition: 0, offset: 6n }], group);
    await tx2.commit();
    expect(await committed('tx-abort')).toEqual(['y1']);
    expect(await groupOffset('tx-abort-g', 'tx-abort-in')).toBe(6n);
  });

  it('a second producer with the same transactional id fences the first', async () => {
    await topic('tx-fence');
    const first = await txProducer('tx-fence-id');
    const tx1 = await first.transaction();
    await tx1.write(records('tx-fence', ['zombie-1']));
    // The second producer's InitProducerId bumps the epoch and aborts the open transaction.
    const second = await txProducer('tx-fence-id');
    const sendErr = await tx1.write(records('tx-fence', ['zombie-2'])).catch((e: unknown) => e);
    expect(sendErr).toBeInstanceOf(ProducerFencedError);
    expect((sendErr as ProducerFencedError).transactionalId).toBe('tx-fence-id');
    expect((sendErr as ProducerFencedError).fencedBy).toBe('producer-epoch');
    expect((sendErr as Error).message).toMatch(/tx-fence-id was fenced/);
    await expect(tx1.commit()).rejects.toBeInstanceOf(ProducerFencedError);
    await expect(first.transaction()).rejects.toBeInstanceOf(ProducerFencedError);
    await tx1.abort(); // nothing to do, never throws

    const tx2 = await second.transaction();
    await tx2.write(records('tx-fence', ['owner-1']));
    await tx2.commit();
    expect(await committed('tx-fence')).toEqual(['owner-1']);
  });

  it('the commit of a fenced first producer is refused (fenced between its send and its commit)', async () => {
    await topic('tx-fence-commit');
    const first = await txProducer('tx-fence-commit-id');
    const tx1 = await first.transaction();
    await tx1.write(records('tx-fence-commit', ['z1', 'z2']));
    await txProducer('tx-fence-commit-id');
    const err = await tx1.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProducerFencedError);
    expect((err as ProducerFencedError).fencedBy).toBe('producer-epoch');
    expect(await committed('tx-fence-commit')).toEqual([]);
  });

  it('refuses offsets of a stale generation or an unknown member and aborts the transaction', async () => {
    await topic('tx-gen');
    await topic('tx-gen-in', 1);
    const gen1 = await joinGroup('tx-gen-g');
    // The only member joins again: generation 2, and the group has moved on from generation 1.
    const gen2 = await joinGroup('tx-gen-g', gen1.memberId);
    expect(gen2.generationId).toBe(gen1.generationId + 1);
    expect(gen2.memberId).toBe(gen1.memberId);

    const p = await txProducer('tx-gen-id');
    for (const stale of [gen1, { ...gen2, memberId: 'someone-else' }]) {
      const tx = await p.transaction();
      await tx.write(records('tx-gen', ['stale']));
      const err = await tx
        .sendOffsets('tx-gen-g', [{ topic: 'tx-gen-in', partition: 0, offset: 3n }], stale)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProducerFencedError);
      expect((err as ProducerFencedError).fencedBy).toBe('group-generation');
      expect((err as Error).message).toMatch(
        stale === gen1 ? /tx-gen-id was fenced.*generation 1 .*ILLEGAL_GENERATION/ : /UNKNOWN_MEMBER_ID/,
      );
      await expect(tx.commit()).rejects.toBeInstanceOf(ProducerFencedError);
      await tx.abort();
    }
    expect(await committed('tx-gen')).toEqual([]);
    expect(await groupOffset('tx-gen-g', 'tx-gen-in')).toBe(-1n);

    // The current generation commits.
    const tx = await p.transaction();
    await tx.write(records('tx-gen', ['current']));
    await tx.sendOffsets('tx-gen-g', [{ topic: 'tx-gen-in', partition: 0, offset: 3n }], gen2);
    await tx.commit();
    expect(await committed('tx-gen')).toEqual(['current']);
    expect(await groupOffset('tx-gen-g', 'tx-gen-in')).toBe(3n);
  });

  it('sends records only inside a transaction', async () => {
    const p = await txProducer('tx-outside-id');
    await expect(p.send(records('tx-commit', ['no']))).rejects.toThrow(/inside transaction\(\) only/);
  });
});

const haveKcat = requireTool('kcat', toolAvailable('kcat', ['-V']));
const PYTHON = '/usr/bin/python3';
const haveKafkaPython = requireTool('python3-kafka', toolAvailable(PYTHON, ['-c', 'import kafka']));

describe('other clients read what the wire producer committed', () => {
  beforeAll(async () => {
    await topic('tx-tools');
    await topic('tx-tools-in', 1);
    const group = await joinGroup('tx-tools-g');
    const p = await txProducer('tx-tools-id');
    let tx = await p.transaction();
    await tx.write(records('tx-tools', ['c1', 'c2', 'c3']));
    await tx.commit();
    tx = await p.transaction();
    await tx.write(records('tx-tools', ['a1', 'a2']));
    await tx.abort();
    tx = await p.transaction();
    await tx.write(records('tx-tools', ['c4']));
    await tx.sendOffsets('tx-tools-g', [{ topic: 'tx-tools-in', partition: 0, offset: 12n }], group);
    await tx.commit();
  });

  it.runIf(haveKcat)('kcat with isolation.level=read_committed', async () => {
    const out = await run('kcat', [
      '-b',
      env.broker.bootstrap,
      '-C',
      '-t',
      'tx-tools',
      '-e',
      '-X',
      'isolation.level=read_committed',
      '-f',
      '%p:%s\\n',
    ]);
    expect(out.status, out.stderr).toBe(0);
    // Partition 0: c1 c3 (then a1 aborted) c4; partition 1: c2 (then a2 aborted).
    expect(out.stdout.trim().split('\n').sort()).toEqual(['0:c1', '0:c3', '0:c4', '1:c2']);
  });

  // kafka-python 2.0 (Debian's) has no isolation_level (it reads uncommitted, control markers
  // included): it checks the transactional batches decode, and that the offset committed inside
  // a transaction is the group's.
  it.runIf(haveKafkaPython)(
    'kafka-python reads the transactional batches and the committed offset',
    async () => {
      const script = [
        'import sys',
        'from kafka import KafkaConsumer, TopicPartition',
        "c = KafkaConsumer('tx-tools', bootstrap_servers=sys.argv[1], auto_offset_reset='earliest',",
        '    enable_auto_commit=False, consumer_timeout_ms=4000)',
        // It hands out the COMMIT/ABORT markers as records too: ours have key == value, markers not.
        'for m in c:',
        '    if m.key == m.value: print("%d:%s" % (m.partition, m.value.decode()))',
        'c.close()',
        "g = KafkaConsumer(bootstrap_servers=sys.argv[1], group_id='tx-tools-g', enable_auto_commit=False)",
        "print('offset:%d' % g.committed(TopicPartition('tx-tools-in', 0)))",
        'g.close()',
      ].join('\n');
      const out = await run(PYTHON, ['-c', script, env.broker.bootstrap], { timeoutMs: 60_000 });
      expect(out.status, out.stderr).toBe(0);
      expect(out.stdout.trim().split('\n').sort()).toEqual([
        '0:a1',
        '0:c1',
        '0:c3',
        '0:c4',
        '1:a2',
        '1:c2',
        'offset:12',
      ]);
    },
  );
});
