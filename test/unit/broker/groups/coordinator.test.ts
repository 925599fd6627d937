import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/broker/groups/clock';
import {
  GroupCoordinator,
  type JoinGroupParams,
  type JoinGroupResult,
  type SyncGroupResult,
} from '../../../../src/broker/groups/coordinator';
import { MemoryGroupStore } from '../../../../src/broker/groups/store';
import { ErrorCode } from '../../../../src/protocol/errors';

const SESSION = 10_000;
const REBALANCE = 30_000;

function params(over: Partial<JoinGroupParams> = {}): JoinGroupParams {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: SESSION,
    rebalanceTimeoutMs: REBALANCE,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('meta') }],
    requireKnownMemberId: true,
    supportsSkipAssignment: false,
    ...over,
  };
}

/** A promise whose outcome can be inspected synchronously after a flush. */
function track<T>(p: Promise<T>): { value: T | undefined; done: boolean } {
  const t = { value: undefined as T | undefined, done: false };
  void p.then((v) => {
    t.value = v;
    t.done = true;
  });
  return t;
}

const flush = () => new Promise<void>((r) => setImmediate(r));

function setup(opts: { initialRebalanceDelayMs?: number } = {}) {
  const clock = new ManualClock();
  const store = new MemoryGroupStore();
  const gc = new GroupCoordinator({ clock, store, ...opts });
  return { clock, store, gc };
}

/** The KIP-394 dance: first join gets an id, the second joins with it (and may wait for the phase to end). */
async function joinWithId(gc: GroupCoordinator, over: Partial<JoinGroupParams> = {}) {
  const first = await gc.join(params(over));
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  expect(first.memberId).toMatch(/^client-/);
  return { memberId: first.memberId, result: track(gc.join(params({ ...over, memberId: first.memberId }))) };
}

async function stableSingle(gc: GroupCoordinator) {
  const a = await joinWithId(gc);
  await flush();
  const joined = a.result.value as JoinGroupResult;
  const sync = await gc.sync({
    groupId: 'g',
    generationId: joined.generationId,
    memberId: a.memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: a.memberId, assignment: Buffer.from('A') }],
  });
  return { id: a.memberId, joined, sync };
}

const hb = (
  gc: GroupCoordinator,
  memberId: string,
  generationId: number,
  groupInstanceId: string | null = null,
) => gc.heartbeat({ groupId: 'g', memberId, generationId, groupInstanceId });

const syncOf = (
  gc: GroupCoordinator,
  memberId: string,
  generationId: number,
  assignments: [string, string][] = [],
) =>
  track(
    gc.sync({
      groupId: 'g',
      generationId,
      memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: assignments.map(([m, a]) => ({ memberId: m, assignment: Buffer.from(a) })),
    }),
  );

describe('GroupCoordinator: joining and syncing', () => {
  it('forms a one-member group: MEMBER_ID_REQUIRED, generation 1, leader, Stable after SyncGroup', async () => {
    const { gc } = setup();
    const { id, joined, sync } = await stableSingle(gc);
    expect(joined).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 1,
      protocolType: 'consumer',
      protocolName: 'range',
      leaderId: id,
      memberId: id,
    });
    expect(joined.members).toEqual([{ memberId: id, groupInstanceId: null, metadata: Buffer.from('meta') }]);
    expect(sync.errorCode).toBe(ErrorCode.NONE);
    expect(sync.assignment.toString()).toBe('A');
    expect(gc.describe('g')?.state).toBe('Stable');
    expect(hb(gc, id, 1)).toBe(ErrorCode.NONE);
  });

  it('rejects bad joins: empty group id, session timeout out of range, unknown member of an unknown group', async () => {
    const { gc } = setup();
    expect((await gc.join(params({ groupId: '' }))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect((await gc.join(params({ sessionTimeoutMs: 5_999 }))).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect((await gc.join(params({ sessionTimeoutMs: 1_800_001 }))).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect((await gc.join(params({ memberId: 'nobody' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('v0-3 joins (no KIP-394) are admitted on the first request', async () => {
    const { gc } = setup();
    const r = await gc.join(params({ requireKnownMemberId: false }));
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.generationId).toBe(1);
    expect(r.leaderId).toBe(r.memberId);
  });

  it('a second member triggers a rebalance that waits for the first to rejoin', async () => {
    const { gc } = setup();
    const a = await stableSingle(gc);
    const b = await joinWithId(gc);
    await flush();
    expect(b.result.done).toBe(false);
    expect(gc.describe('g')?.state).toBe('PreparingRebalance');
    expect(hb(gc, a.id, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);

    const aJoin = track(gc.join(params({ memberId: a.id })));
    await flush();
    expect(aJoin.value?.generationId).toBe(2);
    expect(b.result.value?.generationId).toBe(2);
    // The leader keeps its role; only it sees the member list.
    expect(aJoin.value?.leaderId).toBe(a.id);
    expect(b.result.value?.leaderId).toBe(a.id);
    expect(aJoin.value?.members.map((m) => m.memberId)).toEqual([a.id, b.memberId]);
    expect(b.result.value?.members).toEqual([]);
    expect(gc.describe('g')?.state).toBe('CompletingRebalance');

    // The follower waits in SyncGroup until the leader brings the assignment.
    const bSync = syncOf(gc, b.memberId, 2);
    await flush();
    expect(bSync.done).toBe(false);
    const aSync = syncOf(gc, a.id, 2, [
      [a.id, 'p0'],
      [b.memberId, 'p1'],
    ]);
    await flush();
    expect(aSync.value?.assignment.toString()).toBe('p0');
    expect(bSync.value?.assignment.toString()).toBe('p1');
    expect(gc.describe('g')?.state).toBe('Stable');
    expect(hb(gc, a.id, 2)).toBe(ErrorCode.NONE);
    expect(hb(gc, b.memberId, 2)).toBe(ErrorCode.NONE);
  });

  it('removes a member that does not rejoin within the rebalance timeout', async () => {
    const { gc, clock } = setup();
    const a = await stableSingle(gc);
    const b = await joinWithId(gc);
    // a keeps heartbeating (REBALANCE_IN_PROGRESS) but never rejoins.
    for (let i = 0; i < 9; i++) {
      clock.advance(3000);
      expect(hb(gc, a.id, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    clock.advance(2999);
    await flush();
    expect(b.result.done).toBe(false);
    clock.advance(1);
    await flush();
    expect(b.result.value).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 2,
      leaderId: b.memberId,
    });
    expect(b.result.value?.members.map((m) => m.memberId)).toEqual([b.memberId]);
    expect(hb(gc, a.id, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('expires a silent member after its session timeout and rebalances the rest', async () => {
    const { gc, clock } = setup();
    const a = await stableSingle(gc);
    const b = await joinWithId(gc);
    const aJoin = track(gc.join(params({ memberId: a.id })));
    await flush();
    syncOf(gc, b.memberId, 2);
    syncOf(gc, a.id, 2, [[a.id, 'x']]);
    await flush();
    expect(gc.describe('g')?.state).toBe('Stable');
    expect(aJoin.value?.generationId).toBe(2);

    // Only a heartbeats; b's session (10 s) runs out.
    for (let i = 0; i < 3; i++) {
      clock.advance(3000);
      expect(hb(gc, a.id, 2)).toBe(ErrorCode.NONE);
    }
    clock.advance(1001);
    expect(gc.describe('g')?.state).toBe('PreparingRebalance');
    expect(hb(gc, a.id, 2)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(hb(gc, b.memberId, 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const again = await gc.join(params({ memberId: a.id }));
    expect(again).toMatchObject({ generationId: 3, leaderId: a.id });
    expect(again.members.map((m) => m.memberId)).toEqual([a.id]);
  });

  it('a member parked in JoinGroup does not expire while the join phase runs', async () => {
    const { gc, clock } = setup();
    const a = await stableSingle(gc);
    const b = await joinWithId(gc); // parked until a rejoins or 30 s pass
    clock.advance(SESSION + 5_000);
    expect(hb(gc, a.id, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID); // a stopped heartbeating: expired
    await flush();
    expect(b.result.value).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 2,
      leaderId: b.memberId,
    });
  });

  it('fences stale generations in Heartbeat, SyncGroup and OffsetCommit', async () => {
    const { gc } = setup();
    const a = await stableSingle(gc);
    // A rebalance round led by the leader's own rejoin (what a cooperative client does) moves to generation 2.
    const again = await gc.join(params({ memberId: a.id }));
    expect(again.generationId).toBe(2);
    expect(hb(gc, a.id, 1)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await gc.sync({ ...syncParams(a.id, 1) })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const commit = (generationId: number) =>
      gc.commitOffsets({
        groupId: 'g',
        generationId,
        memberId: a.id,
        groupInstanceId: null,
        offsets: [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: null }],
      });
    expect(commit(1)).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    // Generation 2 is known but not synced yet.
    expect(commit(2)).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
    await gc.sync(syncParams(a.id, 2));
    expect(commit(2)).toEqual([ErrorCode.NONE]);
    expect(hb(gc, 'someone-else', 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('answers a repeated follower join in CompletingRebalance with the same generation', async () => {
    const { gc } = setup();
    const a = await stableSingle(gc);
    const b = await joinWithId(gc);
    await gc.join(params({ memberId: a.id }));
    await flush();
    const repeat = await gc.join(params({ memberId: b.memberId }));
    expect(repeat).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 2, leaderId: a.id, members: [] });
    expect(gc.describe('g')?.state).toBe('CompletingRebalance');
  });

  it('removes members that never SyncGroup within the rebalance timeout', async () => {
    const { gc, clock } = setup();
    // A rebalance timeout below the session timeout, so the sync deadline comes before any session expiry.
    const quick = { rebalanceTimeoutMs: 8000 };
    const a = await stableSingle(gc);
    const b = await joinWithId(gc, quick);
    await gc.join(params({ ...quick, memberId: a.id }));
    await flush();
    const bSync = syncOf(gc, b.memberId, 2); // the leader (a) never syncs
    clock.advance(7999);
    await flush();
    expect(bSync.done).toBe(false);
    clock.advance(1);
    await flush();
    expect(bSync.value?.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(gc.describe('g')?.members.map((m) => m.memberId)).toEqual([b.memberId]);
    const rejoin = await gc.join(params({ memberId: b.memberId }));
    expect(rejoin).toMatchObject({ generationId: 3, leaderId: b.memberId });
  });
});

function syncParams(memberId: string, generationId: number) {
  return {
    groupId: 'g',
    generationId,
    memberId,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [{ memberId, assignment: Buffer.from('A') }],
  };
}

describe('GroupCoordinator: protocols', () => {
  it('selects the protocol all members support by their preference vote', async () => {
    const { gc, clock } = setup({ initialRebalanceDelayMs: 100 });
    const p = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }));
    const a = await joinWithId(gc, { protocols: p('sticky', 'range', 'roundrobin') });
    const b = await joinWithId(gc, { protocols: p('range', 'roundrobin') });
    const c = await joinWithId(gc, { protocols: p('roundrobin', 'range') });
    // Candidates: range, roundrobin (sticky is a's only). Votes: a→range, b→range, c→roundrobin.
    const bad = await gc.join(params({ protocols: p('cooperative-sticky') }));
    expect(bad.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const otherType = await gc.join(params({ protocolType: 'connect', protocols: p('range') }));
    expect(otherType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    await flush();
    expect(a.result.done).toBe(false);
    // b and c arrived during the first 100 ms of delay, so it runs once more.
    clock.advance(200);
    await flush();
    for (const r of [a, b, c]) expect(r.result.value?.protocolName).toBe('range');
    const leader = [a, b, c].find((r) => r.result.value?.members.length);
    expect(leader?.result.value?.members.map((m) => m.metadata.toString())).toEqual([
      'range',
      'range',
      'range',
    ]);
  });

  it('waits group.initial.rebalance.delay.ms for a new group, extending while members arrive', async () => {
    const { gc, clock } = setup({ initialRebalanceDelayMs: 3000 });
    const a = await joinWithId(gc);
    clock.advance(2000);
    const b = await joinWithId(gc);
    clock.advance(999);
    await flush();
    expect(a.result.done).toBe(false);
    // At 3000 a member arrived during the delay: wait another 3000.
    clock.advance(1);
    clock.advance(2999);
    await flush();
    expect(a.result.done).toBe(false);
    clock.advance(1);
    await flush();
    expect(a.result.value?.generationId).toBe(1);
    expect(b.result.value?.generationId).toBe(1);
    expect(a.result.value?.members.length).toBe(2);
  });
});

describe('GroupCoordinator: LeaveGroup', () => {
  it('rebalances the rest when a member leaves, and empties the group with the last one', async () => {
    const { gc } = setup();
    const a = await stableSingle(gc);
    const b = await joinWithId(gc);
    await gc.join(params({ memberId: a.id }));
    await flush();
    syncOf(gc, b.memberId, 2);
    syncOf(gc, a.id, 2, []);
    await flush();

    const left = gc.leave('g', [
      { memberId: a.id, groupInstanceId: null },
      { memberId: 'ghost', groupInstanceId: null },
    ]);
    expect(left).toEqual({
      errorCode: ErrorCode.NONE,
      members: [
        { memberId: a.id, groupInstanceId: null, errorCode: ErrorCode.NONE },
        { memberId: 'ghost', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
      ],
    });
    expect(hb(gc, b.memberId, 2)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoin = await gc.join(params({ memberId: b.memberId }));
    expect(rejoin).toMatchObject({ generationId: 3, leaderId: b.memberId });

    gc.leave('g', [{ memberId: b.memberId, groupInstanceId: null }]);
    expect(gc.describe('g')).toMatchObject({ state: 'Empty', members: [] });
    expect(hb(gc, b.memberId, 3)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(gc.leave('nope', [{ memberId: 'x', groupInstanceId: null }]).members[0]?.errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });
});

describe('GroupCoordinator: static membership (KIP-345)', () => {
  async function stableStatic(gc: GroupCoordinator) {
    const a = track(gc.join(params({ groupInstanceId: 'i-a' })));
    const b = track(gc.join(params({ groupInstanceId: 'i-b' })));
    await flush();
    // Static members skip MEMBER_ID_REQUIRED. a formed generation 1 alone; b started generation 2's join.
    expect(a.value?.generationId).toBe(1);
    const aId = a.value?.memberId as string;
    expect(aId).toMatch(/^i-a-/);
    const aRe = await gc.join(params({ memberId: aId, groupInstanceId: 'i-a' }));
    await flush();
    const bId = b.value?.memberId as string;
    expect(aRe.generationId).toBe(2);
    const sa = track(
      gc.sync({
        ...syncParams(aId, 2),
        groupInstanceId: 'i-a',
        assignments: [
          { memberId: aId, assignment: Buffer.from('for-a') },
          { memberId: bId, assignment: Buffer.from('for-b') },
        ],
      }),
    );
    await flush();
    expect(sa.value?.assignment.toString()).toBe('for-a');
    return { aId, bId };
  }

  it('a restarted static member takes its old place without a rebalance; the old id is fenced', async () => {
    const { gc } = setup();
    const { aId, bId } = await stableStatic(gc);
    const restarted = await gc.join(params({ groupInstanceId: 'i-b' }));
    expect(restarted.errorCode).toBe(ErrorCode.NONE);
    expect(restarted.memberId).not.toBe(bId);
    expect(restarted.generationId).toBe(2);
    expect(restarted.leaderId).toBe(aId);
    expect(gc.describe('g')?.state).toBe('Stable');
    const s = (await gc.sync({
      ...syncParams(restarted.memberId, 2),
      groupInstanceId: 'i-b',
      assignments: [],
    })) as SyncGroupResult;
    expect(s.assignment.toString()).toBe('for-b');
    expect(hb(gc, bId, 2, 'i-b')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(hb(gc, restarted.memberId, 2, 'i-b')).toBe(ErrorCode.NONE);
    expect(hb(gc, aId, 2, 'i-a')).toBe(ErrorCode.NONE);
    const left = gc.leave('g', [{ memberId: bId, groupInstanceId: 'i-b' }]);
    expect(left.members[0]?.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
  });

  it('a restarted static leader is told to skip assignment (v9) or answered as a follower (older)', async () => {
    const { gc } = setup();
    const { aId } = await stableStatic(gc);
    const v9 = await gc.join(params({ groupInstanceId: 'i-a', supportsSkipAssignment: true }));
    expect(v9).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 2,
      leaderId: v9.memberId,
      skipAssignment: true,
    });
    expect(v9.members.length).toBe(2);
    const old = await gc.join(params({ groupInstanceId: 'i-a' }));
    expect(old).toMatchObject({ generationId: 2, leaderId: v9.memberId, skipAssignment: false, members: [] });
    expect(old.leaderId).not.toBe(old.memberId);
    expect(aId).not.toBe(v9.memberId);
    expect(gc.describe('g')?.state).toBe('Stable');
  });

  it('a static member that is away during a rebalance keeps its place', async () => {
    const { gc, clock } = setup();
    const { aId, bId } = await stableStatic(gc);
    // a rejoins (triggering a round); b is away but its session has not run out.
    const aJoin = track(gc.join(params({ memberId: aId, groupInstanceId: 'i-a' })));
    for (let i = 0; i < 5; i++) {
      clock.advance(5000);
      expect(hb(gc, bId, 2, 'i-b')).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    clock.advance(4999);
    await flush();
    expect(aJoin.done).toBe(false);
    clock.advance(1);
    await flush();
    expect(aJoin.value?.generationId).toBe(3);
    expect(aJoin.value?.members.map((m) => m.memberId)).toEqual([aId, bId]);
  });
});

describe('GroupCoordinator: offsets', () => {
  const o = (partition: number, offset: number, metadata: string | null = null) => ({
    topic: 't',
    partition,
    offset,
    leaderEpoch: 3,
    metadata,
  });
  const simple = (gc: GroupCoordinator, groupId: string, offsets: ReturnType<typeof o>[]) =>
    gc.commitOffsets({ groupId, generationId: -1, memberId: '', groupInstanceId: null, offsets });

  it('simple commits create an Empty group; OffsetFetch returns them and -1 for the rest', () => {
    const { gc } = setup();
    expect(simple(gc, 's', [o(0, 42, 'hello'), o(1, 7)])).toEqual([ErrorCode.NONE, ErrorCode.NONE]);
    expect(gc.describe('s')?.state).toBe('Empty');
    expect(
      gc.fetchOffsets(
        's',
        [
          { topic: 't', partition: 0 },
          { topic: 't', partition: 2 },
        ],
        false,
      ),
    ).toEqual([
      { topic: 't', partition: 0, offset: 42, leaderEpoch: 3, metadata: 'hello', errorCode: ErrorCode.NONE },
      { topic: 't', partition: 2, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE },
    ]);
    expect(gc.fetchOffsets('s', null, false).map((f) => [f.partition, f.offset, f.metadata])).toEqual([
      [0, 42, 'hello'],
      [1, 7, ''],
    ]);
    expect(gc.fetchOffsets('unknown', null, false)).toEqual([]);
    expect(simple(gc, 's', [o(0, 1, 'x'.repeat(4097))])).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE]);
    // A member-style commit for a group that does not exist is a stale generation.
    expect(
      gc.commitOffsets({
        groupId: 'nope',
        generationId: 3,
        memberId: 'm',
        groupInstanceId: null,
        offsets: [o(0, 1)],
      }),
    ).toEqual([ErrorCode.ILLEGAL_GENERATION]);
  });

  it('refuses simple commits while the group has members', async () => {
    const { gc } = setup();
    await stableSingle(gc);
    expect(simple(gc, 'g', [o(0, 1)])).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
  });

  it('stages transactional offsets: hidden (or UNSTABLE with requireStable) until commit, dropped on abort', () => {
    const { gc, store } = setup();
    simple(gc, 'g', [o(0, 10)]);
    const before = store.appended;
    gc.stageTxnOffsets('g', 1000n, 0, [o(0, 20), o(1, 21)]);
    gc.stageTxnOffsets('g', 2000, 0, [o(2, 30)]);
    expect(store.appended).toBe(before); // staged offsets are not persisted
    const tps = [0, 1, 2].map((partition) => ({ topic: 't', partition }));
    expect(gc.fetchOffsets('g', tps, false).map((f) => [f.offset, f.errorCode])).toEqual([
      [10, ErrorCode.NONE],
      [-1, ErrorCode.NONE],
      [-1, ErrorCode.NONE],
    ]);
    expect(gc.fetchOffsets('g', tps, true).map((f) => f.errorCode)).toEqual([
      ErrorCode.UNSTABLE_OFFSET_COMMIT,
      ErrorCode.UNSTABLE_OFFSET_COMMIT,
      ErrorCode.UNSTABLE_OFFSET_COMMIT,
    ]);
    gc.completeTxnOffsets(1000, true);
    gc.completeTxnOffsets(2000n, false);
    expect(store.appended).toBe(before + 2);
    expect(gc.fetchOffsets('g', tps, true).map((f) => [f.offset, f.errorCode])).toEqual([
      [20, ErrorCode.NONE],
      [21, ErrorCode.NONE],
      [-1, ErrorCode.NONE],
    ]);
    expect(gc.hasPendingTxnOffsets('g')).toBe(false);
    // Staging for an unknown group creates it, so the commit has somewhere to land.
    gc.stageTxnOffsets('fresh', 3000, 1, [o(0, 5)]);
    gc.completeTxnOffsets(3000, true);
    expect(gc.fetchOffsets('fresh', null, false).map((f) => f.offset)).toEqual([5]);
  });

  it('checks a transactional commit member like a group commit', async () => {
    const { gc } = setup();
    const a = await stableSingle(gc);
    expect(gc.txnCommitError('g', 1, a.id, null)).toBe(ErrorCode.NONE);
    expect(gc.txnCommitError('g', 0, a.id, null)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(gc.txnCommitError('g', 1, 'ghost', null)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(gc.txnCommitError('g', -1, '', null)).toBe(ErrorCode.NONE);
  });

  it('DeleteGroups deletes Empty groups only; OffsetDelete respects live subscriptions', async () => {
    const { gc } = setup();
    simple(gc, 'empty', [o(0, 1)]);
    expect(gc.deleteGroup('empty')).toBe(ErrorCode.NONE);
    expect(gc.fetchOffsets('empty', null, false)).toEqual([]);
    expect(gc.deleteGroup('empty')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    // A live consumer group subscribed to "t": ConsumerProtocolSubscription v0 = int16 version, [string topics], bytes userData.
    const sub = Buffer.from([0, 0, 0, 0, 0, 1, 0, 1, 0x74, 0xff, 0xff, 0xff, 0xff]);
    const first = await gc.join(params({ groupId: 'live', protocols: [{ name: 'range', metadata: sub }] }));
    await gc.join(
      params({ groupId: 'live', memberId: first.memberId, protocols: [{ name: 'range', metadata: sub }] }),
    );
    gc.commitOffsets({
      groupId: 'live',
      generationId: 1,
      memberId: first.memberId,
      groupInstanceId: null,
      offsets: [],
    });
    expect(gc.deleteGroup('live')).toBe(ErrorCode.NON_EMPTY_GROUP);
    const del = gc.deleteOffsets('live', [
      { topic: 't', partition: 0 },
      { topic: 'u', partition: 0 },
    ]);
    expect(del).toEqual({
      errorCode: ErrorCode.NONE,
      partitions: [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.NONE],
    });
    expect(gc.deleteOffsets('missing', []).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });
});

describe('GroupCoordinator: describe, list, close', () => {
  it('lists groups with states and answers parked requests with NOT_COORDINATOR on close', async () => {
    const { gc, clock } = setup({ initialRebalanceDelayMs: 3000 });
    gc.commitOffsets({ groupId: 'idle', generationId: -1, memberId: '', groupInstanceId: null, offsets: [] });
    const a = await joinWithId(gc);
    expect(gc.list()).toEqual([
      { groupId: 'idle', protocolType: '', state: 'Empty' },
      { groupId: 'g', protocolType: 'consumer', state: 'PreparingRebalance' },
    ]);
    expect(gc.describe('g')).toMatchObject({ state: 'PreparingRebalance', protocolData: '' });
    expect(gc.describe('g')?.members[0]).toMatchObject({
      memberId: a.memberId,
      clientId: 'client',
      clientHost: '/127.0.0.1',
    });
    expect(clock.activeTimers).toBeGreaterThan(0);
    gc.close();
    await flush();
    expect(a.result.value?.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(clock.activeTimers).toBe(0);
  });
});
