import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/broker/groups/clock';
import { GroupCoordinator, type JoinGroupParams } from '../../../../src/broker/groups/coordinator';
import { FileGroupStore, StoreCorruptError } from '../../../../src/broker/groups/store';
import { ErrorCode } from '../../../../src/protocol/errors';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kflow-groups-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const offset = (partition: number, value: number) => ({
  topic: 't',
  partition,
  offset: value,
  leaderEpoch: 0,
  metadata: `m${value}`,
});

function open(clock = new ManualClock(), warnings: string[] = []) {
  const store = new FileGroupStore(dir, { warn: (msg) => warnings.push(msg) });
  return new GroupCoordinator({ clock, store });
}

const join = (memberId: string): JoinGroupParams => ({
  groupId: 'g',
  memberId,
  groupInstanceId: null,
  clientId: 'c',
  clientHost: '/h',
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 10_000,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
  requireKnownMemberId: true,
  supportsSkipAssignment: false,
});

describe('FileGroupStore', () => {
  it('keeps committed offsets, deletions and group deletions across reopen, compacted', () => {
    const gc = open();
    const commit = (groupId: string, ...o: ReturnType<typeof offset>[]) =>
      gc.commitOffsets({ groupId, generationId: -1, memberId: '', groupInstanceId: null, offsets: o });
    commit('a', offset(0, 1), offset(1, 2));
    commit('a', offset(0, 5));
    commit('b', offset(0, 9));
    gc.deleteOffsets('a', [{ topic: 't', partition: 1 }]);
    commit('gone', offset(0, 3));
    gc.deleteGroup('gone');
    gc.close();
    // 7 lines appended: 2 + 1 + 1 offsets, 1 offset-delete, 1 offset, 1 group-delete.
    expect(fs.readFileSync(path.join(dir, 'groups.jsonl'), 'utf8').trim().split('\n')).toHaveLength(7);

    const again = open();
    expect(again.fetchOffsets('a', null, false).map((f) => [f.partition, f.offset, f.metadata])).toEqual([
      [0, 5, 'm5'],
    ]);
    expect(again.fetchOffsets('b', null, false).map((f) => f.offset)).toEqual([9]);
    expect(
      again
        .list()
        .map((g) => g.groupId)
        .sort(),
    ).toEqual(['a', 'b']);
    again.close();
    // Reopening rewrote the file with the two live offsets only.
    expect(fs.readFileSync(path.join(dir, 'groups.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('compacts at run time once dead lines pile up', () => {
    const store = new FileGroupStore(dir, { compactSlack: 10 });
    const gc = new GroupCoordinator({ clock: new ManualClock(), store });
    for (let i = 0; i < 100; i++) {
      gc.commitOffsets({
        groupId: 'g',
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        offsets: [offset(0, i)],
      });
    }
    gc.close();
    // One live record; the file is rewritten whenever it exceeds 2 × 1 + 10 lines, so it never holds more than 12.
    const lines = fs.readFileSync(path.join(dir, 'groups.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ k: 'offset', offset: 99 });
    const again = open();
    expect(again.fetchOffsets('g', null, false).map((f) => f.offset)).toEqual([99]);
    again.close();
  });

  it('drops a torn last line and keeps every earlier commit', () => {
    const gc = open();
    gc.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      offsets: [offset(0, 10)],
    });
    gc.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      offsets: [offset(1, 11)],
    });
    gc.close();
    const file = path.join(dir, 'groups.jsonl');
    // A crash in the middle of the next write: half a record, no newline.
    fs.appendFileSync(file, '{"k":"offset","groupId":"g","topic":"t","partition":0,"off');
    const warnings: string[] = [];
    const again = open(new ManualClock(), warnings);
    expect(warnings).toEqual(['dropping torn last line of group store']);
    expect(again.fetchOffsets('g', null, false).map((f) => [f.partition, f.offset])).toEqual([
      [0, 10],
      [1, 11],
    ]);
    again.commitOffsets({
      groupId: 'g',
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      offsets: [offset(2, 12)],
    });
    again.close();
    // The torn bytes are gone, so the append after them is readable.
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).every((l) => JSON.parse(l))).toBe(true);
    const third = open();
    expect(third.fetchOffsets('g', null, false).map((f) => f.offset)).toEqual([10, 11, 12]);
    third.close();
  });

  it('refuses a store corrupted in the middle instead of guessing', () => {
    fs.writeFileSync(
      path.join(dir, 'groups.jsonl'),
      '{"k":"group-delete","groupId":"x"}\nnot json\n{"k":"group-delete","groupId":"y"}\n',
    );
    expect(() => open()).toThrow(StoreCorruptError);
  });

  it('brings a Stable group back with its members, generation and assignments', async () => {
    const clock = new ManualClock();
    const gc = open(clock);
    const first = await gc.join(join(''));
    const joined = await gc.join(join(first.memberId));
    const id = joined.memberId;
    await gc.sync({
      groupId: 'g',
      generationId: 1,
      memberId: id,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId: id, assignment: Buffer.from('p0,p1') }],
    });
    gc.close();

    const clock2 = new ManualClock();
    const again = open(clock2);
    expect(again.describe('g')).toMatchObject({
      state: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
    });
    // The member keeps its session by heartbeating with its old id and generation.
    expect(again.heartbeat({ groupId: 'g', memberId: id, generationId: 1, groupInstanceId: null })).toBe(
      ErrorCode.NONE,
    );
    const s = await again.sync({
      groupId: 'g',
      generationId: 1,
      memberId: id,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    expect(s.assignment.toString()).toBe('p0,p1');
    // A member that never comes back expires, leaving an Empty group of the next generation.
    clock2.advance(10_000);
    expect(again.describe('g')?.state).toBe('Empty');
    again.close();
    const third = open();
    expect(third.describe('g')).toMatchObject({ state: 'Empty', members: [] });
    expect(third.heartbeat({ groupId: 'g', memberId: id, generationId: 1, groupInstanceId: null })).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    third.close();
  });
});
