// The group APIs at the flexible versions Java 3.x clients send (JoinGroup v9,
// SyncGroup v5, Heartbeat v4, LeaveGroup v5, OffsetCommit v8, OffsetFetch v8,
// FindCoordinator v4, DescribeGroups v5, ListGroups v4-5, DeleteGroups v2),
// over TCP with the raw client, since no JVM client runs in the test suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/index';
import { ErrorCode } from '../../../src/protocol/errors';
import { ApiKey, type JoinGroupRequest } from '../../../src/protocol/generated/index';
import { RawClient } from '../../support/raw-client';

describe('group APIs at flexible versions', () => {
  let broker: RunningBroker;
  let raw: RawClient;
  beforeAll(async () => {
    broker = await startBroker({ port: 0, brokers: 2 });
    broker.cluster.createTopic('wire', 2);
    raw = await RawClient.connect(broker.bootstrap);
  });
  afterAll(async () => {
    raw?.socket.destroy();
    await broker?.stop();
  });

  const joinReq = (memberId: string, groupInstanceId: string | null = null): JoinGroupRequest => ({
    groupId: 'wire-g',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    groupInstanceId,
    protocolType: 'consumer',
    protocols: [
      {
        name: 'range',
        metadata: Buffer.from([0, 0, 0, 0, 0, 1, 0, 4, 0x77, 0x69, 0x72, 0x65, 0xff, 0xff, 0xff, 0xff]),
      },
    ],
    reason: 'test',
  });

  it('FindCoordinator v4 answers each key with a broker of this process', async () => {
    const r = await raw.request(ApiKey.FindCoordinator, 4, {
      key: '',
      keyType: 0,
      coordinatorKeys: ['a', 'b', ''],
    });
    expect(r.coordinators.map((c) => c.key)).toEqual(['a', 'b', '']);
    for (const c of r.coordinators.slice(0, 2)) {
      expect(c.errorCode).toBe(ErrorCode.NONE);
      expect(broker.brokers).toContainEqual({ nodeId: c.nodeId, host: c.host, port: c.port });
    }
    expect(r.coordinators[2]?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    // Java's String.hashCode("a") = 97 → broker 1 of 2; "b" = 98 → broker 0.
    expect(r.coordinators.slice(0, 2).map((c) => c.nodeId)).toEqual([1, 0]);
    const v2 = await raw.request(ApiKey.FindCoordinator, 2, { key: 'txn', keyType: 1, coordinatorKeys: [] });
    expect(v2.errorCode).toBe(ErrorCode.NONE);
  });

  it('runs a static member through join, sync, commit, fetch, describe, list, leave and delete', async () => {
    const first = await raw.request(ApiKey.JoinGroup, 9, joinReq('', 'inst-1'));
    // Static members skip MEMBER_ID_REQUIRED.
    expect(first.errorCode).toBe(ErrorCode.NONE);
    expect(first).toMatchObject({
      generationId: 1,
      protocolType: 'consumer',
      protocolName: 'range',
      skipAssignment: false,
    });
    expect(first.leader).toBe(first.memberId);
    expect(first.members.map((m) => [m.memberId, m.groupInstanceId])).toEqual([[first.memberId, 'inst-1']]);
    const id = first.memberId;

    const sync = await raw.request(ApiKey.SyncGroup, 5, {
      groupId: 'wire-g',
      generationId: 1,
      memberId: id,
      groupInstanceId: 'inst-1',
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId: id, assignment: Buffer.from('assigned') }],
    });
    expect(sync).toMatchObject({
      errorCode: ErrorCode.NONE,
      protocolType: 'consumer',
      protocolName: 'range',
    });
    expect(sync.assignment.toString()).toBe('assigned');
    const wrongProto = await raw.request(ApiKey.SyncGroup, 5, {
      groupId: 'wire-g',
      generationId: 1,
      memberId: id,
      groupInstanceId: 'inst-1',
      protocolType: 'consumer',
      protocolName: 'roundrobin',
      assignments: [],
    });
    expect(wrongProto.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);

    const hb = (memberId: string, generationId: number) =>
      raw.request(ApiKey.Heartbeat, 4, {
        groupId: 'wire-g',
        generationId,
        memberId,
        groupInstanceId: 'inst-1',
      });
    expect((await hb(id, 1)).errorCode).toBe(ErrorCode.NONE);
    expect((await hb(id, 0)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);

    const commit = await raw.request(ApiKey.OffsetCommit, 8, {
      groupId: 'wire-g',
      generationIdOrMemberEpoch: 1,
      memberId: id,
      groupInstanceId: 'inst-1',
      retentionTimeMs: -1n,
      topics: [
        {
          name: 'wire',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 12n,
              committedLeaderEpoch: 0,
              commitTimestamp: -1n,
              committedMetadata: 'meta',
            },
            {
              partitionIndex: 9,
              committedOffset: 1n,
              committedLeaderEpoch: 0,
              commitTimestamp: -1n,
              committedMetadata: null,
            },
          ],
        },
      ],
    });
    expect(commit.topics[0]?.partitions.map((p) => p.errorCode)).toEqual([
      ErrorCode.NONE,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);

    // A transaction has staged an offset for partition 1: requireStable reports it as unstable.
    broker.cluster.groups.stageTxnOffsets('wire-g', 77, 0, [
      { topic: 'wire', partition: 1, offset: 5, leaderEpoch: 0, metadata: null },
    ]);
    const fetched = await raw.request(ApiKey.OffsetFetch, 8, {
      groupId: '',
      topics: [],
      requireStable: true,
      groups: [
        {
          groupId: 'wire-g',
          memberId: null,
          memberEpoch: -1,
          topics: [{ name: 'wire', partitionIndexes: [0, 1] }],
        },
        { groupId: 'no-such-group', memberId: null, memberEpoch: -1, topics: null },
      ],
    });
    expect(fetched.groups.map((g) => g.groupId)).toEqual(['wire-g', 'no-such-group']);
    expect(
      fetched.groups[0]?.topics[0]?.partitions.map((p) => [
        p.partitionIndex,
        p.committedOffset,
        p.metadata,
        p.errorCode,
      ]),
    ).toEqual([
      [0, 12n, 'meta', ErrorCode.NONE],
      [1, -1n, '', ErrorCode.UNSTABLE_OFFSET_COMMIT],
    ]);
    expect(fetched.groups[1]?.topics).toEqual([]);
    broker.cluster.groups.completeTxnOffsets(77, true);
    const v4 = await raw.request(ApiKey.OffsetFetch, 4, {
      groupId: 'wire-g',
      topics: null,
      requireStable: false,
      groups: [],
    });
    expect(v4.topics[0]?.partitions.map((p) => [p.partitionIndex, p.committedOffset])).toEqual([
      [0, 12n],
      [1, 5n],
    ]);

    const described = await raw.request(ApiKey.DescribeGroups, 5, {
      groups: ['wire-g', 'nope'],
      includeAuthorizedOperations: false,
    });
    expect(described.groups[0]).toMatchObject({
      errorCode: ErrorCode.NONE,
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
    });
    expect(described.groups[0]?.members[0]).toMatchObject({
      memberId: id,
      groupInstanceId: 'inst-1',
      clientHost: '/127.0.0.1',
    });
    expect(described.groups[0]?.members[0]?.memberAssignment.toString()).toBe('assigned');
    expect(described.groups[1]).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Dead', members: [] });

    const listed = await raw.request(ApiKey.ListGroups, 4, { statesFilter: ['stable'], typesFilter: [] });
    expect(listed.groups).toContainEqual({
      groupId: 'wire-g',
      protocolType: 'consumer',
      groupState: 'Stable',
      groupType: '',
    });
    const none = await raw.request(ApiKey.ListGroups, 4, { statesFilter: ['Empty'], typesFilter: [] });
    expect(none.groups.map((g) => g.groupId)).not.toContain('wire-g');
    const typed = await raw.request(ApiKey.ListGroups, 5, { statesFilter: [], typesFilter: ['consumer'] });
    expect(typed.groups).toEqual([]);

    // The instance restarts: new member id, same generation, old id fenced.
    const restarted = await raw.request(ApiKey.JoinGroup, 9, joinReq('', 'inst-1'));
    expect(restarted).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, skipAssignment: true });
    expect(restarted.memberId).not.toBe(id);
    expect((await hb(id, 1)).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);

    const del = await raw.request(ApiKey.DeleteGroups, 2, { groupsNames: ['wire-g', 'nope'] });
    expect(del.results.map((r) => r.errorCode)).toEqual([
      ErrorCode.NON_EMPTY_GROUP,
      ErrorCode.GROUP_ID_NOT_FOUND,
    ]);
    const offDel = await raw.request(ApiKey.OffsetDelete, 0, {
      groupId: 'wire-g',
      topics: [{ name: 'wire', partitions: [{ partitionIndex: 0 }] }],
    });
    // The live member subscribes to "wire" (its ConsumerProtocolSubscription above).
    expect(offDel.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);

    const left = await raw.request(ApiKey.LeaveGroup, 5, {
      groupId: 'wire-g',
      memberId: '',
      members: [
        { memberId: '', groupInstanceId: 'inst-1', reason: 'shutdown' },
        { memberId: 'ghost', groupInstanceId: null, reason: null },
      ],
    });
    expect(left.errorCode).toBe(ErrorCode.NONE);
    expect(left.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    const empty = await raw.request(ApiKey.DescribeGroups, 5, {
      groups: ['wire-g'],
      includeAuthorizedOperations: false,
    });
    expect(empty.groups[0]).toMatchObject({ groupState: 'Empty', members: [] });
    const offDel2 = await raw.request(ApiKey.OffsetDelete, 0, {
      groupId: 'wire-g',
      topics: [{ name: 'wire', partitions: [{ partitionIndex: 0 }] }],
    });
    expect(offDel2.errorCode).toBe(ErrorCode.NONE);
    expect(offDel2.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.NONE);
    const del2 = await raw.request(ApiKey.DeleteGroups, 2, { groupsNames: ['wire-g'] });
    expect(del2.results[0]?.errorCode).toBe(ErrorCode.NONE);
  });

  it('JoinGroup v7 dynamic members: MEMBER_ID_REQUIRED, then join; errors echo the member id', async () => {
    const req = { ...joinReq(''), groupId: 'wire-dyn' };
    const first = await raw.request(ApiKey.JoinGroup, 7, req);
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).not.toBe('');
    const second = await raw.request(ApiKey.JoinGroup, 7, { ...req, memberId: first.memberId });
    expect(second).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 1,
      memberId: first.memberId,
      leader: first.memberId,
    });
    const bad = await raw.request(ApiKey.JoinGroup, 7, { ...req, memberId: 'x', sessionTimeoutMs: 100 });
    expect(bad).toMatchObject({
      errorCode: ErrorCode.INVALID_SESSION_TIMEOUT,
      memberId: 'x',
      protocolName: null,
    });
  });
});
