// The topic tools' API (src/inspector) against the embedded broker: tail with a filter, a search
// that stops at its bound and a cancel that stops the consumer, produce, export/import of a small
// mixed topic, group lag, and a reset whose dry run matches what the reset then commits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/index';
import { connect, type ConsumedRecord, type KafkaClient } from '../../../src/kafka/client';
import { embeddedProfile } from '../../../src/kafka/profile';
import {
  describeGroup,
  exportTopic,
  groupLag,
  GroupNotEmptyError,
  importTopic,
  listGroups,
  listTopics,
  produceRecord,
  readTopic,
  resetOffsets,
  resetPlan,
  deleteGroup,
} from '../../../src/inspector/index';
import { PassThrough } from 'node:stream';

let broker: RunningBroker;
let client: KafkaClient;

beforeAll(async () => {
  broker = await startBroker({ port: 0 });
  client = await connect({ ...embeddedProfile(broker.bootstrap), name: 'test' });
});
afterAll(async () => {
  await client.close();
  await broker.stop();
});

async function topic(name: string, partitions: number) {
  const admin = await client.admin();
  await admin.createTopics([{ name, partitions }]);
}

/** n JSON records over `partitions` partitions, record i in partition i % partitions, time 1e12 + i s. */
async function fill(name: string, n: number, partitions: number) {
  const p = await client.producer();
  await p.send(
    Array.from({ length: n }, (_, i) => ({
      topic: name,
      partition: i % partitions,
      key: `k${i}`,
      value: JSON.stringify({ i, kind: i % 3 === 0 ? 'fizz' : 'other' }),
      timestamp: 1_000_000_000_000 + i * 1000,
    })),
  );
  await p.close();
}

const values = (rs: ConsumedRecord[]) => rs.map((r) => JSON.parse(r.value!.toString()) as { i: number });

describe('inspector', () => {
  it('search with a filter over a time range returns the matches, in offset order per partition', async () => {
    await topic('s1', 3);
    await fill('s1', 300, 3);
    const got: ConsumedRecord[] = [];
    const r = await readTopic(client, {
      topic: 's1',
      // Records 100..199 by time: [1e12 + 100 s, 1e12 + 200 s).
      from: { kind: 'time', ms: 1_000_000_000_000 + 100_000 },
      to: { kind: 'time', ms: 1_000_000_000_000 + 200_000 },
      filter: "kind = 'fizz'",
      onRecords: (rs) => void got.push(...rs),
    });
    const expected = [];
    for (let i = 100; i < 200; i++) if (i % 3 === 0) expected.push(i);
    expect(
      values(got)
        .map((v) => v.i)
        .sort((a, b) => a - b),
    ).toEqual(expected);
    expect(r.reason).toBe('end');
    expect(r.scanned).toBe(100);
    for (const p of [0, 1, 2]) {
      const offs = got.filter((x) => x.partition === p).map((x) => x.offset);
      expect(offs).toEqual([...offs].sort((a, b) => (a < b ? -1 : 1)));
    }
  });

  it('a search stops at its bound, and reports progress', async () => {
    await topic('s2', 1);
    await fill('s2', 1000, 1);
    const got: ConsumedRecord[] = [];
    let progressCalls = 0;
    const r = await readTopic(client, {
      topic: 's2',
      from: { kind: 'offset', offset: 10n },
      filter: 'i % 2 = 1',
      limit: 5,
      onRecords: (rs) => void got.push(...rs),
      onProgress: () => progressCalls++,
    });
    expect(r.reason).toBe('limit');
    expect(values(got).map((v) => v.i)).toEqual([11, 13, 15, 17, 19]);
    expect(r.matched).toBe(5);
    expect(progressCalls).toBeGreaterThan(0);
  });

  it('tail follows new records with a filter until cancelled, and cancelling stops the consumer', async () => {
    await topic('t1', 2);
    await fill('t1', 10, 2); // before the tail starts: not shown from "latest"
    const ac = new AbortController();
    const got: ConsumedRecord[] = [];
    const tail = readTopic(client, {
      topic: 't1',
      from: { kind: 'latest' },
      to: { kind: 'never' },
      filter: "_key LIKE 'new%'",
      signal: ac.signal,
      onRecords: (rs) => {
        got.push(...rs);
        if (got.length >= 2) ac.abort();
      },
    });
    // The tail's group must have joined before producing, or "latest" could skip the records.
    await new Promise((r) => setTimeout(r, 1500));
    const p = await client.producer();
    await p.send([
      { topic: 't1', key: 'old-1', value: '{}' },
      { topic: 't1', key: 'new-1', value: '{"a":1}', partition: 0 },
      { topic: 't1', key: 'new-2', value: '{"a":2}', partition: 1 },
    ]);
    await p.close();
    const r = await tail;
    expect(r.reason).toBe('cancelled');
    expect(got.map((x) => x.key!.toString()).sort()).toEqual(['new-1', 'new-2']);
    // The throwaway group is gone: the consumer left and was deleted.
    const groups = await listGroups(client);
    expect(groups.filter((g) => g.groupId.startsWith('kflow-inspect-'))).toEqual([]);
  });

  it('cancelling a search mid-scan stops it', async () => {
    await topic('s3', 1);
    // ~6 MB: several fetches (1 MiB per partition each), so a cancel lands mid-scan.
    const p = await client.producer();
    const pad = 'x'.repeat(200);
    await p.send(
      Array.from({ length: 30_000 }, (_, i) => ({ topic: 's3', value: JSON.stringify({ i, pad }) })),
    );
    await p.close();
    const ac = new AbortController();
    let seen = 0;
    const r = await readTopic(client, {
      topic: 's3',
      filter: 'i < 0',
      signal: ac.signal,
      onRecords: () => undefined,
      onProgress: (p) => {
        seen = p.scanned;
        if (p.scanned > 0) ac.abort();
      },
    });
    expect(r.reason).toBe('cancelled');
    expect(seen).toBeLessThan(30_000);
    expect((await listGroups(client)).filter((g) => g.groupId.startsWith('kflow-inspect-'))).toEqual([]);
  });

  it('produce places a record with key, headers, partition and timestamp', async () => {
    await topic('p1', 3);
    const meta = await produceRecord(client, {
      topic: 'p1',
      key: 'k',
      value: 'v',
      headers: { h: 'x' },
      partition: 2,
      timestamp: 1234,
    });
    expect(meta).toMatchObject({ partition: 2, offset: 0n });
    const got: ConsumedRecord[] = [];
    await readTopic(client, { topic: 'p1', partitions: [2], onRecords: (rs) => void got.push(...rs) });
    expect(got).toHaveLength(1);
    expect(got[0]!.key!.toString()).toBe('k');
    expect(got[0]!.value!.toString()).toBe('v');
    expect(got[0]!.headers['h']!.toString()).toBe('x');
    expect(got[0]!.timestamp).toBe(1234n);
    expect((await listTopics(client)).find((t) => t.name === 'p1')).toEqual({
      name: 'p1',
      partitions: 3,
      records: 1n,
    });
  });

  it('export then import into a topic with fewer partitions keeps bytes and re-partitions by key', async () => {
    await topic('x1', 2);
    await topic('x2', 1);
    const bin = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    const p = await client.producer();
    await p.send([
      { topic: 'x1', partition: 1, key: bin, value: bin, headers: { b: bin, t: 'text' }, timestamp: 5 },
      { topic: 'x1', partition: 0, key: null, value: null, timestamp: 6 },
    ]);
    await p.close();
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const e = await exportTopic(client, out, { topic: 'x1' });
    expect(e.records).toBe(2);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const binLine = lines.find((l) => l['partition'] === 1)!;
    expect(binLine).toMatchObject({
      key: '//4AgA==',
      keyEncoding: 'base64',
      value: '//4AgA==',
      valueEncoding: 'base64',
    });
    const i = await importTopic(client, PassThrough.from([text]) as unknown as PassThrough, { topic: 'x2' });
    expect(i.records).toBe(2);
    const got: ConsumedRecord[] = [];
    await readTopic(client, { topic: 'x2', onRecords: (rs) => void got.push(...rs) });
    const b = got.find((r) => r.timestamp === 5n)!;
    expect(b.partition).toBe(0);
    expect(b.key).toEqual(bin);
    expect(b.value).toEqual(bin);
    expect(b.headers['b']).toEqual(bin);
    expect(b.headers['t']!.toString()).toBe('text');
    const n = got.find((r) => r.timestamp === 6n)!;
    expect(n.key).toBeNull();
    expect(n.value).toBeNull();
  });

  it('groups: lag per partition and total, a dry run equal to the reset, refusal for an active group', async () => {
    await topic('g1', 2);
    await fill('g1', 100, 2); // 50 per partition, times 1e12 + i s
    const admin = await client.admin();
    await admin.setGroupOffsets('grp', [
      { topic: 'g1', partition: 0, offset: 10n },
      { topic: 'g1', partition: 1, offset: 45n },
    ]);
    const lag = await groupLag(client, 'grp');
    expect(lag.partitions.map((p) => [p.partition, p.committed, p.high, p.lag])).toEqual([
      [0, 10n, 50n, 40n],
      [1, 45n, 50n, 5n],
    ]);
    expect(lag.total).toBe(45n);

    // Shift by -20: partition 0 clamps at the log start (10 - 20 < 0), partition 1 moves to 25.
    const shift = { groupId: 'grp', to: { kind: 'shift' as const, by: -20n } };
    const dry = await resetPlan(client, shift);
    expect(dry.map((s) => [s.partition, s.current, s.target])).toEqual([
      [0, 10n, 0n],
      [1, 45n, 25n],
    ]);
    const applied = await resetOffsets(client, shift);
    expect(applied).toEqual(dry);
    const after = await admin.groupOffsets('grp');
    expect(after.map((o) => [o.partition, o.offset])).toEqual(dry.map((s) => [s.partition, s.target]));

    // To a time: record i is at 1e12 + i s and in partition i % 2; the first at or after
    // 1e12 + 31 s is i = 31 (offset 15 of partition 1) and i = 32 (offset 16 of partition 0).
    const byTime = { groupId: 'grp', to: { kind: 'time' as const, ms: 1_000_000_000_000 + 31_000 } };
    const dryT = await resetPlan(client, byTime);
    expect(dryT.map((s) => [s.partition, s.target])).toEqual([
      [0, 16n],
      [1, 15n],
    ]);
    await resetOffsets(client, byTime);
    expect((await admin.groupOffsets('grp')).map((o) => o.offset)).toEqual([16n, 15n]);

    // An active member: the reset is refused with the group's state.
    const consumer = await client.consumer({
      groupId: 'grp',
      isolation: 'read_committed',
      autoCommit: false,
    });
    await consumer.subscribe(['g1']);
    await consumer.run(async () => undefined);
    try {
      await expect(resetPlan(client, { groupId: 'grp', to: { kind: 'earliest' } })).rejects.toBeInstanceOf(
        GroupNotEmptyError,
      );
      const d = await describeGroup(client, 'grp');
      expect(d.members).toHaveLength(1);
      expect(d.members[0]!.assignment).toEqual([{ topic: 'g1', partitions: [0, 1] }]);
    } finally {
      await consumer.close();
    }
    await deleteGroup(client, 'grp');
    expect((await listGroups(client)).some((g) => g.groupId === 'grp')).toBe(false);
  });
});
