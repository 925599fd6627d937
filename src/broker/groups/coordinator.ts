/**
 * @module broker/groups/coordinator
 * The classic group coordinator (Kafka's GroupCoordinator before KIP-848), as a
 * pure state machine: no sockets, time through an injected {@link GroupClock},
 * durability through an injected {@link GroupStore}. Handlers translate wire
 * requests into these calls; JoinGroup and SyncGroup return promises that settle
 * when the rebalance phase they wait on completes.
 *
 * Group states (Kafka's names; DescribeGroups reports them verbatim):
 *
 * ```
 *             join                    all known members joined,         leader's SyncGroup
 *   Empty ───────────▶ Preparing ───  or rebalance timeout  ──▶ Completing ──────────────▶ Stable
 *     ▲                Rebalance  ◀──────────────────────────── Rebalance  ◀───────────────   │
 *     │                   │  ▲        join / leave / expiry /   (syncs answered  join by leader,│
 *     │  no member left   │  │        sync timeout              REBALANCE_IN_     changed       │
 *     └───────────────────┘  └────────────────────────────────  PROGRESS)         metadata,     │
 *                                                                                 leave, expiry │
 *   DeleteGroups (Empty only) ──▶ Dead (removed)                 ◀──────────────────────────────┘
 * ```
 *
 * | state               | JoinGroup (known member)          | SyncGroup             | Heartbeat             |
 * |---------------------|-----------------------------------|-----------------------|-----------------------|
 * | Empty               | UNKNOWN_MEMBER_ID                 | UNKNOWN_MEMBER_ID     | UNKNOWN_MEMBER_ID     |
 * | PreparingRebalance  | waits for the join phase          | REBALANCE_IN_PROGRESS | REBALANCE_IN_PROGRESS |
 * | CompletingRebalance | same metadata: current generation | waits for the leader  | NONE                  |
 * | Stable              | leader or changed: rebalance      | member's assignment   | NONE                  |
 *
 * Generation fencing: Heartbeat, SyncGroup and member OffsetCommits carry the
 * generation; a stale one gets ILLEGAL_GENERATION, an unknown member id
 * UNKNOWN_MEMBER_ID, and a static member id replaced by a newer instance of the
 * same `group.instance.id` FENCED_INSTANCE_ID (KIP-345).
 *
 * The broker never interprets protocol metadata (except OffsetDelete's check of
 * consumer subscriptions), so eager and cooperative-sticky clients both work:
 * a cooperative client simply triggers a second rebalance round itself.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../protocol/errors';
import { systemClock, type GroupClock, type GroupTimer } from './clock';
import { subscribedTopics } from './consumer-protocol';
import { MemoryGroupStore, type GroupStore, type StoredGroup, type StoreRecord } from './store';

export type GroupStateName = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupParams {
  groupId: string;
  /** '' on a first join. */
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  /** JoinGroup v4+: a dynamic member's first join is answered MEMBER_ID_REQUIRED with its new id. */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+ (KIP-814): the response can tell a rejoining static leader to skip assignment. */
  supportsSkipAssignment: boolean;
  reason?: string | null;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  memberId: string;
  /** Every member with its metadata for the selected protocol, for the leader only. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
  skipAssignment: boolean;
}

export interface SyncGroupParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  /** Only the leader's are used. */
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface HeartbeatParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveGroupResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export interface CommitParams {
  groupId: string;
  /** -1 for a simple (non-member) commit. */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  offsets: OffsetToCommit[];
}

export interface FetchedOffset {
  topic: string;
  partition: number;
  /** -1 when nothing is committed. */
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface DescribedGroupInfo {
  groupId: string;
  state: GroupStateName;
  protocolType: string;
  /** The selected protocol when Stable, '' otherwise (as Kafka). */
  protocolData: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

export interface ListedGroupInfo {
  groupId: string;
  protocolType: string;
  state: GroupStateName;
}

/** The subset of pino's Logger the coordinator uses. */
export interface GroupLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface GroupCoordinatorOptions {
  store?: GroupStore;
  clock?: GroupClock;
  /** group.initial.rebalance.delay.ms: how long a rebalance of an Empty group waits for more members. */
  initialRebalanceDelayMs?: number;
  /** group.min.session.timeout.ms */
  minSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms */
  maxSessionTimeoutMs?: number;
  /** offset.metadata.max.bytes */
  maxMetadataBytes?: number;
  logger?: GroupLogger;
}

interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  assignment: Buffer;
  joinWaiter: ((r: JoinGroupResult) => void) | null;
  syncWaiter: ((r: SyncGroupResult) => void) | null;
  sessionTimer: GroupTimer | null;
}

interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

interface Group {
  groupId: string;
  state: GroupStateName;
  protocolType: string | null;
  protocolName: string | null;
  generationId: number;
  leaderId: string | null;
  /** In join order. */
  members: Map<string, Member>;
  /** group.instance.id → the member id currently holding it. */
  staticMembers: Map<string, string>;
  /** Member ids handed out with MEMBER_ID_REQUIRED, expiring after a session timeout. */
  pendingMembers: Map<string, GroupTimer>;
  /** Ends the join phase at the rebalance timeout (or the initial delay). */
  joinTimer: GroupTimer | null;
  /** Set while an Empty group's initial rebalance delay runs: the join phase cannot end early. */
  initialDelay: { remainingMs: number; newMemberAdded: boolean } | null;
  /** Ends CompletingRebalance when the members (the leader above all) do not SyncGroup in time. */
  syncTimer: GroupTimer | null;
  /** "topic\0partition" → committed offset. */
  offsets: Map<string, CommittedOffset & { topic: string; partition: number }>;
}

interface StagedTxn {
  producerEpoch: number;
  /** groupId → "topic\0partition" → offset. */
  groups: Map<string, Map<string, OffsetToCommit>>;
}

const NO_LEADER = '';
const EMPTY = Buffer.alloc(0);

function tpKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}

function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leaderId: NO_LEADER,
    memberId,
    members: [],
    skipAssignment: false,
  };
}

function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

function sameProtocols(a: GroupProtocol[], b: GroupProtocol[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => p.name === b[i]?.name && p.metadata.equals(b[i]?.metadata ?? EMPTY))
  );
}

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly staged = new Map<bigint, StagedTxn>();
  private readonly store: GroupStore;
  private readonly clock: GroupClock;
  private readonly initialDelayMs: number;
  private readonly minSessionMs: number;
  private readonly maxSessionMs: number;
  private readonly maxMetadataBytes: number;
  private readonly log: GroupLogger | undefined;
  private closed = false;

  constructor(opts: GroupCoordinatorOptions = {}) {
    this.store = opts.store ?? new MemoryGroupStore();
    this.clock = opts.clock ?? systemClock;
    this.initialDelayMs = opts.initialRebalanceDelayMs ?? 0;
    this.minSessionMs = opts.minSessionTimeoutMs ?? 6_000;
    this.maxSessionMs = opts.maxSessionTimeoutMs ?? 1_800_000;
    this.maxMetadataBytes = opts.maxMetadataBytes ?? 4096;
    this.log = opts.logger;
    this.load();
  }

  // ---------------------------------------------------------------- JoinGroup

  join(p: JoinGroupParams): Promise<JoinGroupResult> {
    if (this.closed) return Promise.resolve(joinError(p.memberId, ErrorCode.NOT_COORDINATOR));
    if (p.groupId === '') return Promise.resolve(joinError(p.memberId, ErrorCode.INVALID_GROUP_ID));
    if (p.sessionTimeoutMs < this.minSessionMs || p.sessionTimeoutMs > this.maxSessionMs) {
      return Promise.resolve(joinError(p.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    // JoinGroup v0 has no rebalance timeout: Kafka uses the session timeout.
    const params = p.rebalanceTimeoutMs < 0 ? { ...p, rebalanceTimeoutMs: p.sessionTimeoutMs } : p;
    let group = this.groups.get(p.groupId);
    if (!group) {
      if (p.memberId !== '') return Promise.resolve(joinError(p.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = this.newGroup(p.groupId);
    }
    if (group.state === 'Dead')
      return Promise.resolve(joinError(p.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!this.supportsProtocols(group, params)) {
      return Promise.resolve(joinError(p.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const g = group;
    return new Promise((resolve) => {
      if (params.memberId === '') this.joinUnknown(g, params, resolve);
      else this.joinKnown(g, params, resolve);
    });
  }

  private joinUnknown(group: Group, p: JoinGroupParams, resolve: (r: JoinGroupResult) => void): void {
    const memberId = `${p.groupInstanceId ?? (p.clientId || 'member')}-${randomUUID()}`;
    if (p.groupInstanceId !== null) {
      const oldId = group.staticMembers.get(p.groupInstanceId);
      if (oldId !== undefined) {
        this.replaceStaticMember(group, oldId, memberId, p, resolve);
        return;
      }
      this.addMemberAndRebalance(group, memberId, p, resolve);
      return;
    }
    if (p.requireKnownMemberId) {
      // KIP-394: the member must come back with this id, so a client that times out and retries does not leave a ghost.
      group.pendingMembers.set(
        memberId,
        this.clock.schedule(p.sessionTimeoutMs, () => this.expirePending(group, memberId)),
      );
      resolve(joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED));
      return;
    }
    this.addMemberAndRebalance(group, memberId, p, resolve);
  }

  private joinKnown(group: Group, p: JoinGroupParams, resolve: (r: JoinGroupResult) => void): void {
    const pending = group.pendingMembers.get(p.memberId);
    if (pending) {
      pending.cancel();
      group.pendingMembers.delete(p.memberId);
      this.addMemberAndRebalance(group, p.memberId, p, resolve);
      return;
    }
    const fenced = this.memberError(group, p.memberId, p.groupInstanceId);
    if (fenced !== ErrorCode.NONE) return resolve(joinError(p.memberId, fenced));
    const member = group.members.get(p.memberId) as Member;
    switch (group.state) {
      case 'PreparingRebalance':
        this.updateMemberAndRebalance(group, member, p, resolve);
        return;
      case 'CompletingRebalance':
        // A repeated join with unchanged metadata: the member lost the response; resend it.
        if (sameProtocols(member.protocols, p.protocols))
          return resolve(this.currentJoinResult(group, member.memberId));
        this.updateMemberAndRebalance(group, member, p, resolve);
        return;
      case 'Stable':
        // A leader's join means it wants a new assignment (e.g. topic metadata changed); a follower with unchanged metadata just resyncs.
        if (group.leaderId !== member.memberId && sameProtocols(member.protocols, p.protocols)) {
          return resolve(this.currentJoinResult(group, member.memberId));
        }
        this.updateMemberAndRebalance(group, member, p, resolve);
        return;
      default:
        resolve(joinError(p.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private addMemberAndRebalance(
    group: Group,
    memberId: string,
    p: JoinGroupParams,
    resolve: (r: JoinGroupResult) => void,
  ): void {
    const member: Member = {
      memberId,
      groupInstanceId: p.groupInstanceId,
      clientId: p.clientId,
      clientHost: p.clientHost,
      sessionTimeoutMs: p.sessionTimeoutMs,
      rebalanceTimeoutMs: p.rebalanceTimeoutMs,
      protocolType: p.protocolType,
      protocols: p.protocols,
      assignment: EMPTY,
      joinWaiter: resolve,
      syncWaiter: null,
      sessionTimer: null,
    };
    if (group.members.size === 0) group.protocolType = p.protocolType;
    group.members.set(memberId, member);
    if (p.groupInstanceId !== null) group.staticMembers.set(p.groupInstanceId, memberId);
    if (group.leaderId === null) group.leaderId = memberId;
    if (group.initialDelay) group.initialDelay.newMemberAdded = true;
    this.armSession(group, member);
    this.log?.debug({ group: group.groupId, member: memberId, reason: p.reason }, 'member joined');
    this.rebalanceOrComplete(group, `member ${memberId} joined`);
  }

  private updateMemberAndRebalance(
    group: Group,
    member: Member,
    p: JoinGroupParams,
    resolve: (r: JoinGroupResult) => void,
  ): void {
    member.protocols = p.protocols;
    member.sessionTimeoutMs = p.sessionTimeoutMs;
    member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    member.clientId = p.clientId;
    member.clientHost = p.clientHost;
    // A client that re-sends JoinGroup before the first one was answered only waits once.
    member.joinWaiter?.(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    member.joinWaiter = resolve;
    this.rebalanceOrComplete(group, `member ${member.memberId} rejoined`);
  }

  /** KIP-345: a restarted static member takes over its old member id's place and assignment. */
  private replaceStaticMember(
    group: Group,
    oldId: string,
    newId: string,
    p: JoinGroupParams,
    resolve: (r: JoinGroupResult) => void,
  ): void {
    const old = group.members.get(oldId) as Member;
    old.sessionTimer?.cancel();
    old.joinWaiter?.(joinError(oldId, ErrorCode.FENCED_INSTANCE_ID));
    old.syncWaiter?.(syncError(ErrorCode.FENCED_INSTANCE_ID));
    const member: Member = {
      ...old,
      memberId: newId,
      clientId: p.clientId,
      clientHost: p.clientHost,
      sessionTimeoutMs: p.sessionTimeoutMs,
      rebalanceTimeoutMs: p.rebalanceTimeoutMs,
      protocols: p.protocols,
      joinWaiter: null,
      syncWaiter: null,
      sessionTimer: null,
    };
    group.members.delete(oldId);
    group.members.set(newId, member);
    group.staticMembers.set(p.groupInstanceId as string, newId);
    const wasLeader = group.leaderId === oldId;
    if (wasLeader) group.leaderId = newId;
    this.armSession(group, member);
    this.log?.info(
      { group: group.groupId, instance: p.groupInstanceId, old: oldId, member: newId },
      'static member replaced',
    );
    if (group.state === 'Stable' && this.selectProtocol(group) === group.protocolName) {
      // No rebalance: the member gets the current generation and resyncs its old assignment.
      this.persistGroup(group);
      const current = this.currentJoinResult(group, newId);
      resolve({
        ...current,
        // Before v9 the leader cannot be told to skip assigning; answering with the old leader id makes it a follower.
        leaderId: wasLeader && !p.supportsSkipAssignment ? oldId : current.leaderId,
        members: wasLeader && p.supportsSkipAssignment ? current.members : [],
        skipAssignment: wasLeader && p.supportsSkipAssignment,
      });
      return;
    }
    member.joinWaiter = resolve;
    this.rebalanceOrComplete(group, `static member ${p.groupInstanceId} rejoined with changed protocols`);
  }

  private currentJoinResult(group: Group, memberId: string): JoinGroupResult {
    const isLeader = group.leaderId === memberId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? NO_LEADER,
      memberId,
      members: isLeader ? this.memberMetadata(group) : [],
      skipAssignment: false,
    };
  }

  private memberMetadata(group: Group): JoinGroupResult['members'] {
    return [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.protocols.find((x) => x.name === group.protocolName)?.metadata ?? EMPTY,
    }));
  }

  private supportsProtocols(group: Group, p: JoinGroupParams): boolean {
    if (p.protocolType === '' || p.protocols.length === 0) return false;
    const others = [...group.members.values()].filter((m) => m.memberId !== p.memberId || p.memberId === '');
    if (others.length === 0) return true;
    if (group.protocolType !== p.protocolType) return false;
    return p.protocols.some((proto) => others.every((m) => m.protocols.some((x) => x.name === proto.name)));
  }

  /**
   * Kafka's vote: among the protocols every member supports, each member votes
   * for the one it lists first; most votes wins, ties go to the leader's order.
   */
  private selectProtocol(group: Group): string | null {
    const members = [...group.members.values()];
    const first = group.members.get(group.leaderId ?? '') ?? members[0];
    if (!first) return null;
    const candidates = first.protocols
      .map((x) => x.name)
      .filter((name) => members.every((m) => m.protocols.some((x) => x.name === name)));
    if (candidates.length === 0) return null;
    const votes = new Map<string, number>(candidates.map((c) => [c, 0]));
    for (const m of members) {
      const choice = m.protocols.find((x) => votes.has(x.name))?.name;
      if (choice !== undefined) votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = candidates[0] as string;
    for (const c of candidates) if ((votes.get(c) ?? 0) > (votes.get(best) ?? 0)) best = c;
    return best;
  }

  // ------------------------------------------------------------ rebalancing

  /** Starts a rebalance unless one is under way; in either case, ends the join phase if everyone is in. */
  private rebalanceOrComplete(group: Group, reason: string): void {
    if (group.state !== 'PreparingRebalance') this.prepareRebalance(group, reason);
    this.maybeCompleteJoin(group);
  }

  private prepareRebalance(group: Group, reason: string): void {
    if (group.state === 'CompletingRebalance') {
      // Assignments of the aborted generation are void; members waiting in SyncGroup must rejoin.
      for (const m of group.members.values()) {
        m.assignment = EMPTY;
        this.answerSync(m, syncError(ErrorCode.REBALANCE_IN_PROGRESS), group);
      }
    }
    group.syncTimer?.cancel();
    group.syncTimer = null;
    group.joinTimer?.cancel();
    const rebalanceTimeout = this.rebalanceTimeout(group);
    if (group.state === 'Empty' && this.initialDelayMs > 0) {
      // Kafka's InitialDelayedJoin: wait for more members, extending by the delay while they keep coming, up to the rebalance timeout.
      group.initialDelay = {
        remainingMs: Math.max(rebalanceTimeout - this.initialDelayMs, 0),
        newMemberAdded: false,
      };
      group.joinTimer = this.clock.schedule(this.initialDelayMs, () => this.onInitialDelay(group));
    } else {
      group.initialDelay = null;
      group.joinTimer = this.clock.schedule(rebalanceTimeout, () => this.completeJoin(group));
    }
    group.state = 'PreparingRebalance';
    this.log?.info({ group: group.groupId, generation: group.generationId, reason }, 'preparing rebalance');
  }

  private onInitialDelay(group: Group): void {
    const d = group.initialDelay;
    if (d && d.newMemberAdded && d.remainingMs > 0) {
      const delay = Math.min(this.initialDelayMs, d.remainingMs);
      group.initialDelay = { remainingMs: Math.max(d.remainingMs - delay, 0), newMemberAdded: false };
      group.joinTimer = this.clock.schedule(delay, () => this.onInitialDelay(group));
      return;
    }
    this.completeJoin(group);
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || group.initialDelay) return;
    if (group.pendingMembers.size > 0) return;
    for (const m of group.members.values()) if (!m.joinWaiter) return;
    this.completeJoin(group);
  }

  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    group.joinTimer?.cancel();
    group.joinTimer = null;
    group.initialDelay = null;
    // Dynamic members that did not rejoin in time are gone; static ones keep their place (KIP-345).
    for (const m of [...group.members.values()]) {
      if (!m.joinWaiter && m.groupInstanceId === null)
        this.removeMember(group, m, ErrorCode.UNKNOWN_MEMBER_ID);
    }
    const joined = [...group.members.values()].filter((m) => m.joinWaiter);
    if (group.members.size > 0 && joined.length === 0) {
      // Only absent static members: wait another round for them to come back or expire.
      group.joinTimer = this.clock.schedule(this.rebalanceTimeout(group), () => this.completeJoin(group));
      return;
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.leaderId = null;
      this.persistGroup(group);
      this.log?.info({ group: group.groupId, generation: group.generationId }, 'group is empty');
      return;
    }
    if (!group.leaderId || !group.members.get(group.leaderId)?.joinWaiter)
      group.leaderId = (joined[0] as Member).memberId;
    group.protocolName = this.selectProtocol(group);
    group.state = 'CompletingRebalance';
    this.log?.info(
      {
        group: group.groupId,
        generation: group.generationId,
        protocol: group.protocolName,
        leader: group.leaderId,
        members: group.members.size,
      },
      'join phase complete',
    );
    for (const m of group.members.values()) {
      const waiter = m.joinWaiter;
      m.joinWaiter = null;
      waiter?.(this.currentJoinResult(group, m.memberId));
      this.armSession(group, m);
    }
    group.syncTimer = this.clock.schedule(this.rebalanceTimeout(group), () => this.onSyncTimeout(group));
  }

  /** Members that never sent SyncGroup (a leader that died mid-rebalance above all) are removed, and the group rebalances. */
  private onSyncTimeout(group: Group): void {
    group.syncTimer = null;
    if (group.state !== 'CompletingRebalance') return;
    const missing = [...group.members.values()].filter((m) => !m.syncWaiter);
    for (const m of missing) this.removeMember(group, m, ErrorCode.UNKNOWN_MEMBER_ID);
    this.log?.warn({ group: group.groupId, removed: missing.map((m) => m.memberId) }, 'SyncGroup timed out');
    this.rebalanceOrComplete(group, 'members did not sync in time');
  }

  private rebalanceTimeout(group: Group): number {
    let max = 0;
    for (const m of group.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  // ---------------------------------------------------------------- SyncGroup

  sync(p: SyncGroupParams): Promise<SyncGroupResult> {
    if (this.closed) return Promise.resolve(syncError(ErrorCode.NOT_COORDINATOR));
    if (p.groupId === '') return Promise.resolve(syncError(ErrorCode.INVALID_GROUP_ID));
    const group = this.groups.get(p.groupId);
    if (!group) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.state === 'Dead') return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const err = this.memberError(group, p.memberId, p.groupInstanceId);
    if (err !== ErrorCode.NONE) return Promise.resolve(syncError(err));
    if (p.generationId !== group.generationId)
      return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if (
      (p.protocolType !== null && p.protocolType !== group.protocolType) ||
      (p.protocolName !== null && p.protocolName !== group.protocolName)
    ) {
      return Promise.resolve(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const member = group.members.get(p.memberId) as Member;
    switch (group.state) {
      case 'PreparingRebalance':
        return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'Stable':
        this.armSession(group, member);
        return Promise.resolve(this.syncResult(group, member));
      case 'CompletingRebalance':
        return new Promise((resolve) => {
          this.answerSync(member, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          member.syncWaiter = resolve;
          if (group.leaderId === member.memberId) this.completeSync(group, p.assignments);
        });
      default:
        return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private completeSync(group: Group, assignments: SyncGroupParams['assignments']): void {
    const given = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    for (const m of group.members.values()) m.assignment = given.get(m.memberId) ?? EMPTY;
    group.syncTimer?.cancel();
    group.syncTimer = null;
    group.state = 'Stable';
    this.persistGroup(group);
    this.log?.info({ group: group.groupId, generation: group.generationId }, 'group stable');
    for (const m of group.members.values()) {
      this.answerSync(m, this.syncResult(group, m));
      this.armSession(group, m);
    }
  }

  private syncResult(group: Group, m: Member): SyncGroupResult {
    return {
      errorCode: ErrorCode.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment: m.assignment,
    };
  }

  private answerSync(m: Member, r: SyncGroupResult, group?: Group): void {
    const waiter = m.syncWaiter;
    m.syncWaiter = null;
    waiter?.(r);
    // The member's session restarts from the answer, so a long wait in SyncGroup cannot expire it straight after.
    if (waiter && group?.members.get(m.memberId) === m) this.armSession(group, m);
  }

  // ---------------------------------------------------------------- Heartbeat

  heartbeat(p: HeartbeatParams): number {
    if (this.closed) return ErrorCode.NOT_COORDINATOR;
    if (p.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(p.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const err = this.memberError(group, p.memberId, p.groupInstanceId);
    if (err !== ErrorCode.NONE) return err;
    if (p.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const member = group.members.get(p.memberId) as Member;
    switch (group.state) {
      case 'PreparingRebalance':
        this.armSession(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        this.armSession(group, member);
        return ErrorCode.NONE;
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID;
    }
  }

  /** FENCED_INSTANCE_ID when a newer instance holds the static id, UNKNOWN_MEMBER_ID when the member is not in the group. */
  private memberError(group: Group, memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const holder = group.staticMembers.get(groupInstanceId);
      if (holder !== undefined && holder !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    return group.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  private armSession(group: Group, member: Member): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = this.clock.schedule(member.sessionTimeoutMs, () =>
      this.onSessionExpired(group, member),
    );
  }

  private onSessionExpired(group: Group, member: Member): void {
    member.sessionTimer = null;
    if (group.members.get(member.memberId) !== member) return;
    // A member parked in JoinGroup or SyncGroup is alive by definition; the phase timeouts bound those waits.
    if (member.joinWaiter || member.syncWaiter) {
      this.armSession(group, member);
      return;
    }
    this.log?.info({ group: group.groupId, member: member.memberId }, 'member session expired');
    this.removeMember(group, member, ErrorCode.UNKNOWN_MEMBER_ID);
    this.afterRemoval(group, `member ${member.memberId} session expired`);
  }

  private expirePending(group: Group, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    this.maybeCompleteJoin(group);
  }

  private removeMember(group: Group, m: Member, waiterError: number): void {
    m.sessionTimer?.cancel();
    m.sessionTimer = null;
    const jw = m.joinWaiter;
    m.joinWaiter = null;
    jw?.(joinError(m.memberId, waiterError));
    this.answerSync(m, syncError(waiterError));
    group.members.delete(m.memberId);
    if (m.groupInstanceId !== null && group.staticMembers.get(m.groupInstanceId) === m.memberId)
      group.staticMembers.delete(m.groupInstanceId);
    if (group.leaderId === m.memberId) group.leaderId = group.members.keys().next().value ?? null;
  }

  private afterRemoval(group: Group, reason: string): void {
    if (group.state === 'Stable' || group.state === 'CompletingRebalance')
      this.prepareRebalance(group, reason);
    this.maybeCompleteJoin(group);
  }

  // --------------------------------------------------------------- LeaveGroup

  leave(groupId: string, leaving: { memberId: string; groupInstanceId: string | null }[]): LeaveGroupResult {
    if (this.closed) return { errorCode: ErrorCode.NOT_COORDINATOR, members: [] };
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.groups.get(groupId);
    if (!group) {
      return {
        errorCode: ErrorCode.NONE,
        members: leaving.map((l) => ({ ...l, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })),
      };
    }
    if (group.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    let removed = 0;
    const members = leaving.map((l) => {
      let memberId = l.memberId;
      if (l.groupInstanceId !== null) {
        const holder = group.staticMembers.get(l.groupInstanceId);
        if (holder === undefined) return { ...l, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
        if (memberId !== '' && memberId !== holder) return { ...l, errorCode: ErrorCode.FENCED_INSTANCE_ID };
        memberId = holder;
      }
      const pending = group.pendingMembers.get(memberId);
      if (pending) {
        pending.cancel();
        group.pendingMembers.delete(memberId);
        removed++;
        return { ...l, errorCode: ErrorCode.NONE };
      }
      const m = group.members.get(memberId);
      if (!m) return { ...l, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      this.removeMember(group, m, ErrorCode.UNKNOWN_MEMBER_ID);
      removed++;
      this.log?.info({ group: groupId, member: memberId }, 'member left');
      return { ...l, errorCode: ErrorCode.NONE };
    });
    if (removed > 0) this.afterRemoval(group, 'members left');
    return { errorCode: ErrorCode.NONE, members };
  }

  // ------------------------------------------------------------------ offsets

  /** Per-offset error codes, in the order given. The caller checks that the partitions exist. */
  commitOffsets(p: CommitParams): number[] {
    const all = (code: number) => p.offsets.map(() => code);
    if (this.closed) return all(ErrorCode.NOT_COORDINATOR);
    let group = this.groups.get(p.groupId);
    if (!group) {
      // A group not managed by the coordinator (simple consumer, admin reset) may commit with generation -1.
      if (p.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
      group = this.newGroup(p.groupId);
    }
    const err = this.commitError(group, p.generationId, p.memberId, p.groupInstanceId);
    if (err !== ErrorCode.NONE) return all(err);
    const member = group.members.get(p.memberId);
    if (member) this.armSession(group, member);
    const now = this.clock.now();
    const records: StoreRecord[] = [];
    const codes = p.offsets.map((o) => {
      if (o.metadata !== null && Buffer.byteLength(o.metadata) > this.maxMetadataBytes)
        return ErrorCode.OFFSET_METADATA_TOO_LARGE;
      const c = {
        topic: o.topic,
        partition: o.partition,
        offset: o.offset,
        leaderEpoch: o.leaderEpoch,
        metadata: o.metadata ?? '',
        commitTimestamp: now,
      };
      (group as Group).offsets.set(tpKey(o.topic, o.partition), c);
      records.push({ k: 'offset', groupId: p.groupId, ...c });
      return ErrorCode.NONE;
    });
    this.store.append(records);
    return codes;
  }

  private commitError(
    group: Group,
    generationId: number,
    memberId: string,
    groupInstanceId: string | null,
  ): number {
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      const err = this.memberError(group, memberId, groupInstanceId);
      if (err !== ErrorCode.NONE) return err;
      if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      // The member has the new generation from JoinGroup but no assignment yet.
      if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
      return ErrorCode.NONE;
    }
    // Only members may commit for a group that has them.
    return group.state === 'Empty' ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  /**
   * Committed offsets of the given partitions (null: every partition with a
   * committed offset). With `requireStable`, partitions with transactional
   * offsets still pending get UNSTABLE_OFFSET_COMMIT.
   */
  fetchOffsets(
    groupId: string,
    partitions: { topic: string; partition: number }[] | null,
    requireStable: boolean,
  ): FetchedOffset[] {
    if (this.closed)
      return (partitions ?? []).map((x) => ({
        ...x,
        offset: -1,
        leaderEpoch: -1,
        metadata: '',
        errorCode: ErrorCode.NOT_COORDINATOR,
      }));
    const group = this.groups.get(groupId);
    const pending = requireStable ? this.pendingPartitions(groupId) : new Set<string>();
    const wanted =
      partitions ??
      [...(group?.offsets.values() ?? [])].map((o) => ({ topic: o.topic, partition: o.partition }));
    return wanted.map(({ topic, partition }) => {
      const key = tpKey(topic, partition);
      if (pending.has(key))
        return {
          topic,
          partition,
          offset: -1,
          leaderEpoch: -1,
          metadata: '',
          errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT,
        };
      const c = group?.offsets.get(key);
      if (!c)
        return { topic, partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
      return {
        topic,
        partition,
        offset: c.offset,
        leaderEpoch: c.leaderEpoch,
        metadata: c.metadata,
        errorCode: ErrorCode.NONE,
      };
    });
  }

  /**
   * OffsetDelete: a group-level error (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP for a
   * live non-consumer group) or per-partition codes (GROUP_SUBSCRIBED_TO_TOPIC
   * when a live consumer group's member subscribes to the topic).
   */
  deleteOffsets(
    groupId: string,
    partitions: { topic: string; partition: number }[],
  ): { errorCode: number; partitions: number[] } {
    if (this.closed) return { errorCode: ErrorCode.NOT_COORDINATOR, partitions: [] };
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, partitions: [] };
    const group = this.groups.get(groupId);
    if (!group || group.state === 'Dead') return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: [] };
    let subscribed = new Set<string>();
    if (group.state !== 'Empty') {
      if (group.protocolType !== 'consumer') return { errorCode: ErrorCode.NON_EMPTY_GROUP, partitions: [] };
      subscribed = this.subscribedTopics(group);
    }
    const records: StoreRecord[] = [];
    const codes = partitions.map(({ topic, partition }) => {
      if (subscribed.has(topic)) return ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
      if (group.offsets.delete(tpKey(topic, partition)))
        records.push({ k: 'offset-delete', groupId, topic, partition });
      return ErrorCode.NONE;
    });
    this.store.append(records);
    return { errorCode: ErrorCode.NONE, partitions: codes };
  }

  private subscribedTopics(group: Group): Set<string> {
    const out = new Set<string>();
    for (const m of group.members.values()) {
      const proto = m.protocols.find((x) => x.name === group.protocolName) ?? m.protocols[0];
      for (const t of (proto && subscribedTopics(proto.metadata)) ?? []) out.add(t);
    }
    return out;
  }

  // ------------------------------------------------------------ transactions

  /**
   * Checks a TxnOffsetCommit's member fields (v3+) like a group commit's;
   * generation -1 with no member id (v0-2 clients) is accepted as Kafka does.
   */
  txnCommitError(
    groupId: string,
    generationId: number,
    memberId: string,
    groupInstanceId: string | null,
  ): number {
    if (this.closed) return ErrorCode.NOT_COORDINATOR;
    const group = this.groups.get(groupId);
    if (!group) return generationId >= 0 ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.NONE;
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && memberId === '' && groupInstanceId === null) return ErrorCode.NONE;
    const err = this.memberError(group, memberId, groupInstanceId);
    if (err !== ErrorCode.NONE) return err;
    return generationId === group.generationId ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
  }

  /**
   * Offsets committed inside a transaction: invisible to OffsetFetch (and
   * UNSTABLE_OFFSET_COMMIT under requireStable) until {@link completeTxnOffsets}.
   * A later stage for the same producer and partition replaces the earlier one.
   */
  stageTxnOffsets(
    groupId: string,
    producerId: bigint | number,
    producerEpoch: number,
    offsets: OffsetToCommit[],
  ): void {
    const pid = BigInt(producerId);
    let txn = this.staged.get(pid);
    if (!txn || txn.producerEpoch !== producerEpoch) {
      // A new epoch means the old transaction was fenced or ended without telling us.
      txn = { producerEpoch, groups: new Map() };
      this.staged.set(pid, txn);
    }
    let byTp = txn.groups.get(groupId);
    if (!byTp) txn.groups.set(groupId, (byTp = new Map()));
    for (const o of offsets) byTp.set(tpKey(o.topic, o.partition), { ...o });
    if (!this.groups.has(groupId)) this.newGroup(groupId);
  }

  /** Applies (commit) or drops (abort) everything the producer staged; persists applied offsets. */
  completeTxnOffsets(producerId: bigint | number, commit: boolean): void {
    const pid = BigInt(producerId);
    const txn = this.staged.get(pid);
    if (!txn) return;
    this.staged.delete(pid);
    if (!commit) return;
    const now = this.clock.now();
    const records: StoreRecord[] = [];
    for (const [groupId, byTp] of txn.groups) {
      const group = this.groups.get(groupId) ?? this.newGroup(groupId);
      for (const o of byTp.values()) {
        const c = {
          topic: o.topic,
          partition: o.partition,
          offset: o.offset,
          leaderEpoch: o.leaderEpoch,
          metadata: o.metadata ?? '',
          commitTimestamp: now,
        };
        group.offsets.set(tpKey(o.topic, o.partition), c);
        records.push({ k: 'offset', groupId, ...c });
      }
    }
    this.store.append(records);
  }

  /** True when any producer has offsets staged for the group (DescribeGroups/tests). */
  hasPendingTxnOffsets(groupId: string): boolean {
    return this.pendingPartitions(groupId).size > 0;
  }

  private pendingPartitions(groupId: string): Set<string> {
    const out = new Set<string>();
    for (const txn of this.staged.values()) for (const k of txn.groups.get(groupId)?.keys() ?? []) out.add(k);
    return out;
  }

  // ------------------------------------------------------- describe / list / delete

  describe(groupId: string): DescribedGroupInfo | undefined {
    const group = this.groups.get(groupId);
    if (!group) return undefined;
    const stable = group.state === 'Stable';
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        // As Kafka: metadata and assignment only once the generation is settled.
        metadata: stable
          ? (m.protocols.find((x) => x.name === group.protocolName)?.metadata ?? EMPTY)
          : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  list(): ListedGroupInfo[] {
    return [...this.groups.values()].map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType ?? '',
      state: g.state,
    }));
  }

  /** DeleteGroups for one group: only Empty groups can go (their offsets with them). */
  deleteGroup(groupId: string): number {
    if (this.closed) return ErrorCode.NOT_COORDINATOR;
    const group = this.groups.get(groupId);
    if (!group || group.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP;
    group.state = 'Dead';
    for (const t of group.pendingMembers.values()) t.cancel();
    group.joinTimer?.cancel();
    this.groups.delete(groupId);
    this.store.append([{ k: 'group-delete', groupId }]);
    this.log?.info({ group: groupId }, 'group deleted');
    return ErrorCode.NONE;
  }

  /** Cancels every timer, answers waiting JoinGroup/SyncGroup calls with NOT_COORDINATOR, closes the store. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const g of this.groups.values()) {
      g.joinTimer?.cancel();
      g.syncTimer?.cancel();
      for (const t of g.pendingMembers.values()) t.cancel();
      for (const m of g.members.values()) {
        m.sessionTimer?.cancel();
        const jw = m.joinWaiter;
        m.joinWaiter = null;
        jw?.(joinError(m.memberId, ErrorCode.NOT_COORDINATOR));
        this.answerSync(m, syncError(ErrorCode.NOT_COORDINATOR));
      }
    }
    this.store.close();
  }

  // -------------------------------------------------------------- persistence

  private newGroup(groupId: string): Group {
    const group: Group = {
      groupId,
      state: 'Empty',
      protocolType: null,
      protocolName: null,
      generationId: 0,
      leaderId: null,
      members: new Map(),
      staticMembers: new Map(),
      pendingMembers: new Map(),
      joinTimer: null,
      initialDelay: null,
      syncTimer: null,
      offsets: new Map(),
    };
    this.groups.set(groupId, group);
    return group;
  }

  private persistGroup(group: Group): void {
    const stored: StoredGroup = {
      groupId: group.groupId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      generationId: group.generationId,
      leaderId: group.leaderId,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        sessionTimeoutMs: m.sessionTimeoutMs,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        metadata: (m.protocols.find((x) => x.name === group.protocolName)?.metadata ?? EMPTY).toString(
          'base64',
        ),
        assignment: m.assignment.toString('base64'),
      })),
    };
    this.store.append([{ k: 'group', ...stored }]);
  }

  /**
   * Rebuilds groups from the store. A group stored with members comes back
   * Stable with fresh session timers, as after a Kafka coordinator failover:
   * members that reconnect and heartbeat keep their assignment, dead ones expire.
   */
  private load(): void {
    const snap = this.store.load();
    for (const s of snap.groups) {
      const group = this.newGroup(s.groupId);
      group.protocolType = s.protocolType;
      group.protocolName = s.protocolName;
      group.generationId = s.generationId;
      group.leaderId = s.leaderId;
      for (const sm of s.members) {
        const m: Member = {
          memberId: sm.memberId,
          groupInstanceId: sm.groupInstanceId,
          clientId: sm.clientId,
          clientHost: sm.clientHost,
          sessionTimeoutMs: sm.sessionTimeoutMs,
          rebalanceTimeoutMs: sm.rebalanceTimeoutMs,
          protocolType: s.protocolType ?? '',
          protocols: [{ name: s.protocolName ?? '', metadata: Buffer.from(sm.metadata, 'base64') }],
          assignment: Buffer.from(sm.assignment, 'base64'),
          joinWaiter: null,
          syncWaiter: null,
          sessionTimer: null,
        };
        group.members.set(m.memberId, m);
        if (m.groupInstanceId !== null) group.staticMembers.set(m.groupInstanceId, m.memberId);
      }
      if (group.members.size > 0) {
        group.state = 'Stable';
        for (const m of group.members.values()) this.armSession(group, m);
      }
    }
    for (const o of snap.offsets) {
      const group = this.groups.get(o.groupId) ?? this.newGroup(o.groupId);
      group.offsets.set(tpKey(o.topic, o.partition), {
        topic: o.topic,
        partition: o.partition,
        offset: o.offset,
        leaderEpoch: o.leaderEpoch,
        metadata: o.metadata ?? '',
        commitTimestamp: o.commitTimestamp,
      });
    }
    if (this.groups.size > 0)
      this.log?.info({ groups: this.groups.size, offsets: snap.offsets.length }, 'groups loaded');
  }
}
