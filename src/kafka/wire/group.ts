/**
 * @module kafka/wire/group
 * One member of a classic consumer group (the JoinGroup/SyncGroup protocol, as kafkajs and
 * franz-go's consumer_group.go speak it): finding the group coordinator, joining (v4+ answers a
 * first join with MEMBER_ID_REQUIRED and the id to join with), the leader computing the
 * assignment with kflow's co-partitioning assignor (kafka/copartition, the same protocol name and
 * bytes as the kafkajs consumer's), heartbeats, leaving, committing and fetching offsets with the
 * generation and member id. Policy (when to rejoin, what to fetch) is the consumer's
 * (wire/consumer); this module turns each exchange into a result or a KafkaResponseError.
 */
import { ApiKey } from '../../protocol/generated/index';
import {
  COPARTITION_ASSIGNER,
  copartitionAssign,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  type TopicPartitions,
} from '../copartition';
import { BrokerConnection } from './connection';
import { CoordinatorKeyType, lookupCoordinator } from './coordinator';
import { KafkaResponseError } from './errors';
import type { WireCluster } from './metadata';

export const GroupErrorCode = {
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  MEMBER_ID_REQUIRED: 79,
  UNSTABLE_OFFSET_COMMIT: 88,
} as const;

/** The coordinator moved or is not ready: look it up again. */
export const COORDINATOR_MOVED = new Set([14, 15, 16]);
/** This member's generation is over: rejoin (25: with a new member id). */
export const REJOIN = new Set([22, 25, 27]);

export interface GroupMemberOptions {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** Groups of co-partitioned topics (see kafka/copartition). */
  copartitioned: readonly (readonly string[])[];
}

/** What a join ended with: this member's partitions in the new generation. */
export interface Joined {
  generationId: number;
  memberId: string;
  leader: boolean;
  assignment: TopicPartitions;
}

export class GroupMember {
  memberId = '';
  generationId = -1;
  private coordinator: Promise<BrokerConnection> | undefined;

  constructor(
    private readonly cluster: WireCluster,
    readonly opts: GroupMemberOptions,
  ) {}

  /** The coordinator's connection, found with FindCoordinator through any bootstrap broker. */
  coordinatorConnection(): Promise<BrokerConnection> {
    let p = this.coordinator;
    if (p) return p;
    p = this.findCoordinator();
    this.coordinator = p;
    p.then(
      (c) => c.onClose(() => this.coordinator === p && (this.coordinator = undefined)),
      () => this.coordinator === p && (this.coordinator = undefined),
    );
    return p;
  }

  /** Drops (and closes) the coordinator's connection: the next request looks it up again. */
  forgetCoordinator(): void {
    const p = this.coordinator;
    this.coordinator = undefined;
    p?.then(
      (c) => c.close(),
      () => undefined,
    );
  }

  private async findCoordinator(): Promise<BrokerConnection> {
    const at = await lookupCoordinator(this.cluster, CoordinatorKeyType.GROUP, this.opts.groupId);
    // A connection of this member's own: a broker answers a connection's requests in order, and
    // JoinGroup waits for the whole group, which must not hold up another member's heartbeats
    // or anyone's fetches on a shared connection.
    return BrokerConnection.open(at, this.cluster.opts);
  }

  /**
   * JoinGroup then SyncGroup; the leader assigns. `partitionsOf` gives a topic's partitions (fresh
   * metadata). Throws KafkaResponseError on any error code (the caller decides: find the
   * coordinator again, rejoin, or give up); MEMBER_ID_REQUIRED is answered here.
   */
  async join(topics: readonly string[], partitionsOf: (topic: string) => Promise<number[]>): Promise<Joined> {
    const conn = await this.coordinatorConnection();
    const v = Math.min(conn.version(ApiKey.JoinGroup), 7);
    for (let attempt = 0; ; attempt++) {
      const res = await conn.request(
        ApiKey.JoinGroup,
        {
          groupId: this.opts.groupId,
          sessionTimeoutMs: this.opts.sessionTimeoutMs,
          rebalanceTimeoutMs: this.opts.rebalanceTimeoutMs,
          memberId: this.memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocols: [{ name: COPARTITION_ASSIGNER, metadata: encodeSubscription(topics) }],
          reason: null,
        },
        v,
        // The coordinator answers once every member has joined, up to the rebalance timeout.
        this.opts.rebalanceTimeoutMs,
      );
      if (res.errorCode === GroupErrorCode.MEMBER_ID_REQUIRED && attempt === 0) {
        this.memberId = res.memberId;
        continue;
      }
      if (res.errorCode !== 0) {
        if (res.errorCode === GroupErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
        throw new KafkaResponseError(
          conn.address,
          'JoinGroup',
          res.errorCode,
          undefined,
          undefined,
          `group ${this.opts.groupId}`,
        );
      }
      this.memberId = res.memberId;
      const generationId = res.generationId;
      const leader = res.leader === res.memberId;
      let assignments: { memberId: string; assignment: Buffer }[] = [];
      if (leader) {
        const members = res.members.map((m) => ({
          memberId: m.memberId,
          topics: decodeSubscription(m.metadata),
        }));
        const all = [...new Set(members.flatMap((m) => m.topics))];
        const counts = new Map<string, number[]>();
        for (const t of all) counts.set(t, await partitionsOf(t));
        const dealt = copartitionAssign(members, (t) => counts.get(t) ?? [], this.opts.copartitioned);
        assignments = [...dealt].map(([memberId, a]) => ({ memberId, assignment: encodeAssignment(a) }));
      }
      const sv = Math.min(conn.version(ApiKey.SyncGroup), 5);
      const sync = await conn.request(
        ApiKey.SyncGroup,
        {
          groupId: this.opts.groupId,
          generationId,
          memberId: this.memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocolName: COPARTITION_ASSIGNER,
          assignments,
        },
        sv,
        this.opts.rebalanceTimeoutMs,
      );
      if (sync.errorCode !== 0) {
        if (sync.errorCode === GroupErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
        throw new KafkaResponseError(
          conn.address,
          'SyncGroup',
          sync.errorCode,
          undefined,
          undefined,
          `group ${this.opts.groupId}`,
        );
      }
      this.generationId = generationId;
      return { generationId, memberId: this.memberId, leader, assignment: decodeAssignment(sync.assignment) };
    }
  }

  /** One heartbeat: 0, or the error code (REBALANCE_IN_PROGRESS and the like). */
  async heartbeat(): Promise<number> {
    const conn = await this.coordinatorConnection();
    const v = Math.min(conn.version(ApiKey.Heartbeat), 4);
    const res = await conn.request(
      ApiKey.Heartbeat,
      {
        groupId: this.opts.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
      },
      v,
    );
    return res.errorCode;
  }

  /** LeaveGroup, so the group rebalances now instead of after the session timeout. Best effort. */
  async leave(): Promise<void> {
    if (this.memberId === '') return;
    const conn = await this.coordinatorConnection();
    const v = Math.min(conn.version(ApiKey.LeaveGroup), 4);
    await conn.request(
      ApiKey.LeaveGroup,
      {
        groupId: this.opts.groupId,
        memberId: v <= 2 ? this.memberId : '',
        members: v >= 3 ? [{ memberId: this.memberId, groupInstanceId: null, reason: null }] : [],
      },
      v,
    );
    this.memberId = '';
    this.generationId = -1;
  }

  /** Closes this member's coordinator connection. */
  close(): void {
    this.forgetCoordinator();
  }

  /** OffsetCommit as this member of this generation; throws the first partition's error. */
  async commit(offsets: readonly { topic: string; partition: number; offset: bigint }[]): Promise<void> {
    if (offsets.length === 0) return;
    const conn = await this.coordinatorConnection();
    const v = Math.min(conn.version(ApiKey.OffsetCommit), 8);
    const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
    for (const o of offsets) {
      const list = byTopic.get(o.topic);
      if (list) list.push(o);
      else byTopic.set(o.topic, [o]);
    }
    const res = await conn.request(
      ApiKey.OffsetCommit,
      {
        groupId: this.opts.groupId,
        generationIdOrMemberEpoch: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [...byTopic].map(([name, ps]) => ({
          name,
          partitions: ps.map((p) => ({
            partitionIndex: p.partition,
            committedOffset: p.offset,
            committedLeaderEpoch: -1,
            commitTimestamp: -1n,
            committedMetadata: null,
          })),
        })),
      },
      v,
    );
    for (const t of res.topics)
      for (const p of t.partitions)
        if (p.errorCode !== 0)
          throw new KafkaResponseError(
            conn.address,
            'OffsetCommit',
            p.errorCode,
            t.name,
            p.partitionIndex,
            `group ${this.opts.groupId}`,
          );
  }

  /**
   * Committed offsets (`topic/partition` → offset; -1n for none). `requireStable` (read_committed)
   * makes the coordinator refuse partitions with transactional offsets still pending
   * (UNSTABLE_OFFSET_COMMIT, thrown like any other code; the caller retries).
   */
  async committed(tps: TopicPartitions, requireStable: boolean): Promise<Map<string, bigint>> {
    const conn = await this.coordinatorConnection();
    const v = Math.min(conn.version(ApiKey.OffsetFetch), 7);
    const res = await conn.request(
      ApiKey.OffsetFetch,
      {
        groupId: this.opts.groupId,
        topics: Object.entries(tps).map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
        groups: [],
        requireStable: v >= 7 && requireStable,
      },
      v,
    );
    if (res.errorCode !== 0)
      throw new KafkaResponseError(
        conn.address,
        'OffsetFetch',
        res.errorCode,
        undefined,
        undefined,
        `group ${this.opts.groupId}`,
      );
    const out = new Map<string, bigint>();
    for (const t of res.topics)
      for (const p of t.partitions) {
        if (p.errorCode !== 0)
          throw new KafkaResponseError(
            conn.address,
            'OffsetFetch',
            p.errorCode,
            t.name,
            p.partitionIndex,
            `group ${this.opts.groupId}`,
          );
        out.set(`${t.name}/${p.partitionIndex}`, p.committedOffset);
      }
    return out;
  }
}
