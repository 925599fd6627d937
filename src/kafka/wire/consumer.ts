/**
 * @module kafka/wire/consumer
 * The seam's KafkaConsumer on kflow's own wire client: group membership by wire/group (eager
 * rebalances, kflow's co-partitioning assignor), fetches per leader pipelined as in wire/fetch
 * (the next request goes out before the records of the last are handed over), records decoded by
 * `decodeFetchedRecords` as views of the response.
 *
 * One loop per generation: join, position every assigned partition (a seek given before the
 * assignment, else the committed offset, read with require_stable under read_committed, else the
 * log start or end by `fromBeginning`), then fetch from each partition's leader until the group
 * rebalances or the consumer closes. A rebalance (a heartbeat, commit or sync answering
 * REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID) lets the batches in hand finish,
 * hands nothing more out, commits (autoCommit), awaits `onRevoke` and joins again; `onRebalance`
 * follows each sync. A coordinator that moved or a broker that went away is looked up again, with
 * backoff, for up to RETRY_FOR_MS of failures in a row; then the consumer stops and reports the
 * last error to `onError`.
 */
import { ApiKey } from '../../protocol/generated/index';
import type { FetchResponse } from '../../protocol/generated/fetch';
import { ZERO_UUID } from '../../protocol/reader';
import type {
  BatchControl,
  BatchHandler,
  ConsumedBatch,
  ConsumerOptions,
  KafkaConsumer,
  TopicPartitionOffset,
} from '../client';
import type { TopicPartitions } from '../copartition';
import type { BrokerConnection } from './connection';
import { KafkaResponseError, LEADER_MOVED, WireConnectionError, WireError } from './errors';
import { decodeFetchedRecords } from './fetch';
import { COORDINATOR_MOVED, GroupErrorCode, GroupMember, REJOIN } from './group';
import type { WireClient } from './index';

/** How long failures in a row (a broker away, no coordinator) are retried before giving up. */
export const RETRY_FOR_MS = 60_000;
const MAX_BACKOFF_MS = 3_000;

const tpKey = (topic: string, partition: number) => `${topic}/${partition}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Assigned {
  topic: string;
  partition: number;
  key: string;
}

/** Counts up on every seek of a partition: fetched data and batches from before it are stale. */
interface PartitionState {
  position: bigint;
  epoch: number;
}

/** At most `n` handler calls at once (the consumer's `concurrency`), in arrival order. */
class Gate {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number) {
    this.free = n;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

function classify(err: unknown): 'rejoin' | 'coordinator' | 'transient' | 'fatal' {
  if (err instanceof KafkaResponseError) {
    if (REJOIN.has(err.errorCode)) return 'rejoin';
    if (COORDINATOR_MOVED.has(err.errorCode)) return 'coordinator';
    if (LEADER_MOVED.has(err.errorCode) || err.errorCode === GroupErrorCode.UNSTABLE_OFFSET_COMMIT)
      return 'transient';
    return 'fatal';
  }
  if (err instanceof WireConnectionError) return err.reason === 'tls' ? 'fatal' : 'coordinator';
  return 'fatal';
}

export class WireConsumer implements KafkaConsumer {
  private readonly member: GroupMember;
  private topics: string[] = [];
  private pattern: RegExp | undefined;
  private handler: BatchHandler | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private rejoinNeeded = false;
  /** True between a sync and the start of the next join: the generation is this member's. */
  private inGeneration = false;
  private assigned: Assigned[] = [];
  private readonly parts = new Map<string, PartitionState>();
  /** Seeks of partitions not (yet) assigned: applied when they are. */
  private readonly pendingSeeks = new Map<string, bigint>();
  private readonly pausedTopics = new Set<string>();
  private readonly pausedParts = new Set<string>();
  /** Next offset to commit per partition (resolved records), and what was last committed. */
  private readonly resolved = new Map<string, bigint>();
  private readonly committedPos = new Map<string, bigint>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeating = false;
  private readonly gate: Gate;
  private readonly readCommitted: boolean;
  private readonly autoCommit: boolean;
  private failure: Error | undefined;

  constructor(
    private readonly wire: WireClient,
    private readonly opts: ConsumerOptions,
  ) {
    const sessionTimeoutMs = opts.sessionTimeoutMs ?? 30_000;
    this.member = new GroupMember(wire.cluster, {
      groupId: opts.groupId,
      sessionTimeoutMs,
      rebalanceTimeoutMs: Math.max(60_000, sessionTimeoutMs),
      copartitioned: opts.copartitioned ?? [],
    });
    this.gate = new Gate(Math.max(1, opts.concurrency ?? 1));
    this.readCommitted = opts.isolation === 'read_committed';
    this.autoCommit = opts.autoCommit ?? true;
  }

  subscribe(topics: string[] | RegExp): Promise<void> {
    if (topics instanceof RegExp) this.pattern = topics;
    else this.topics = [...new Set([...this.topics, ...topics])];
    return Promise.resolve();
  }

  run(handler: BatchHandler): Promise<void> {
    if (this.loop)
      return Promise.reject(new Error(`consumer of group ${this.opts.groupId} is already running`));
    if (this.topics.length === 0 && !this.pattern)
      return Promise.reject(new Error(`consumer of group ${this.opts.groupId}: subscribe() before run()`));
    this.handler = handler;
    const every = this.opts.heartbeatIntervalMs ?? 3_000;
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), every);
    this.loop = this.main().catch((err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      this.failure = e;
      this.stopping = true;
      clearInterval(this.heartbeatTimer);
      this.member.close();
      this.opts.onError?.(e);
    });
    return Promise.resolve();
  }

  groupMetadata(): { groupId: string; generationId: number; memberId: string } | undefined {
    if (!this.inGeneration) return undefined;
    return {
      groupId: this.opts.groupId,
      generationId: this.member.generationId,
      memberId: this.member.memberId,
    };
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      await this.member.commit(offsets);
    } catch (err) {
      if (classify(err) === 'rejoin') this.rejoinNeeded = true;
      if (classify(err) === 'coordinator') this.member.forgetCoordinator();
      throw err;
    }
    for (const o of offsets) this.committedPos.set(tpKey(o.topic, o.partition), o.offset);
  }

  seek(topic: string, partition: number, offset: bigint): void {
    const k = tpKey(topic, partition);
    const s = this.parts.get(k);
    if (s) {
      s.position = offset;
      s.epoch++;
    } else this.pendingSeeks.set(k, offset);
  }

  pause(topic: string, partitions?: number[]): void {
    if (partitions === undefined) this.pausedTopics.add(topic);
    else for (const p of partitions) this.pausedParts.add(tpKey(topic, p));
  }

  resume(topic: string, partitions?: number[]): void {
    if (partitions === undefined) {
      this.pausedTopics.delete(topic);
      for (const k of [...this.pausedParts]) if (k.startsWith(`${topic}/`)) this.pausedParts.delete(k);
    } else for (const p of partitions) this.pausedParts.delete(tpKey(topic, p));
  }

  async close(): Promise<void> {
    if (this.stopping && !this.loop) return;
    this.stopping = true;
    // A JoinGroup waits for the whole group (up to the rebalance timeout): closing its connection
    // ends it now; LeaveGroup goes on a new one.
    if (!this.inGeneration) this.member.forgetCoordinator();
    await this.loop;
    this.loop = undefined;
    clearInterval(this.heartbeatTimer);
    if (this.failure) return;
    if (this.inGeneration && this.autoCommit) await this.commitResolved().catch(() => undefined);
    this.inGeneration = false;
    await this.member.leave().catch(() => undefined);
    this.member.close();
  }

  // ---- membership ----

  private async heartbeat(): Promise<void> {
    if (!this.inGeneration || this.heartbeating || this.stopping) return;
    this.heartbeating = true;
    const generation = this.member.generationId;
    try {
      const code = await this.member.heartbeat();
      // An answer about a generation this member has left since is no news.
      if (code === 0 || !this.inGeneration || generation !== this.member.generationId) return;
      if (REJOIN.has(code)) {
        if (code === GroupErrorCode.UNKNOWN_MEMBER_ID) this.member.memberId = '';
        this.rejoinNeeded = true;
      } else if (COORDINATOR_MOVED.has(code)) this.member.forgetCoordinator();
    } catch {
      // The coordinator's connection went away: the next beat looks it up again.
      this.member.forgetCoordinator();
    } finally {
      this.heartbeating = false;
    }
  }

  private async subscribedTopics(): Promise<string[]> {
    if (!this.pattern) return this.topics;
    const all = await listTopics(this.wire);
    return [...new Set([...this.topics, ...all.filter((t) => this.pattern!.test(t))])].sort();
  }

  private async partitionsOf(topic: string): Promise<number[]> {
    this.wire.cluster.forget(topic);
    try {
      return (await this.wire.cluster.partitions(topic)).map((p) => p.partition);
    } catch (err) {
      // A subscribed topic that does not exist yet has no partitions to assign.
      if (err instanceof KafkaResponseError && err.errorCode === 3) return [];
      throw err;
    }
  }

  private async joinGroup(): Promise<void> {
    this.inGeneration = false;
    this.rejoinNeeded = false;
    const topics = await this.subscribedTopics();
    const joined = await this.member.join(topics, (t) => this.partitionsOf(t));
    const assigned: Assigned[] = [];
    for (const [topic, ps] of Object.entries(joined.assignment))
      for (const partition of [...ps].sort((a, b) => a - b))
        assigned.push({ topic, partition, key: tpKey(topic, partition) });
    await this.position(assigned, joined.assignment);
    this.assigned = assigned;
    this.inGeneration = true;
    this.opts.onRebalance?.(
      Object.entries(joined.assignment)
        .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
        .sort((a, b) => a.topic.localeCompare(b.topic)),
    );
  }

  /** Where each assigned partition starts: a seek, the committed offset, or the log start or end. */
  private async position(assigned: Assigned[], assignment: TopicPartitions): Promise<void> {
    this.parts.clear();
    this.resolved.clear();
    this.committedPos.clear();
    if (assigned.length === 0) return;
    let committed: Map<string, bigint> | undefined;
    for (let attempt = 0; committed === undefined; attempt++) {
      try {
        committed = await this.member.committed(assignment, this.readCommitted);
      } catch (err) {
        // Transactional offsets still pending for these partitions: they settle when the
        // transaction ends.
        if (!(err instanceof KafkaResponseError && err.errorCode === GroupErrorCode.UNSTABLE_OFFSET_COMMIT))
          throw err;
        if (this.stopping || this.rejoinNeeded) throw err;
        await sleep(Math.min(1000, 50 * 2 ** attempt));
      }
    }
    const missing = new Map<string, number[]>();
    for (const a of assigned) {
      const seek = this.pendingSeeks.get(a.key);
      this.pendingSeeks.delete(a.key);
      const c = committed.get(a.key) ?? -1n;
      if (c >= 0n) this.committedPos.set(a.key, c);
      const at = seek ?? (c >= 0n ? c : undefined);
      if (at !== undefined) this.parts.set(a.key, { position: at, epoch: 0 });
      else missing.set(a.topic, [...(missing.get(a.topic) ?? []), a.partition]);
    }
    for (const [topic, partitions] of missing) await this.reset(topic, partitions);
  }

  /** auto.offset.reset: the log start with fromBeginning, else its end. */
  private async reset(topic: string, partitions: number[]): Promise<void> {
    const at = await this.wire.listOffsets(topic, this.opts.fromBeginning ? 'earliest' : 'latest', {
      partitions,
      isolation: this.opts.isolation,
    });
    for (const p of partitions) {
      const k = tpKey(topic, p);
      const s = this.parts.get(k);
      const position = at.get(p) ?? 0n;
      if (s) {
        s.position = position;
        s.epoch++;
      } else this.parts.set(k, { position, epoch: 0 });
    }
  }

  /** All partitions are given up: finish, commit, let the caller flush (onRevoke), then rejoin. */
  private async revoke(): Promise<void> {
    if (this.inGeneration) {
      if (this.autoCommit) await this.commitResolved().catch(() => undefined);
      // The caller reports its own failures; the member rejoins whatever happened.
      if (this.assigned.length > 0) await this.opts.onRevoke?.().catch(() => undefined);
    }
    this.inGeneration = false;
    this.assigned = [];
    this.parts.clear();
  }

  // ---- the loop ----

  private async main(): Promise<void> {
    let failingSince: number | undefined;
    let attempt = 0;
    while (!this.stopping) {
      try {
        if (!this.inGeneration) await this.joinGroup();
        await this.consumeGeneration();
        failingSince = undefined;
        attempt = 0;
        if (this.rejoinNeeded && !this.stopping) await this.revoke();
      } catch (err) {
        if (this.stopping) return;
        const kind = classify(err);
        if (kind === 'fatal') throw err;
        if (kind === 'rejoin') {
          if (err instanceof KafkaResponseError && err.errorCode === GroupErrorCode.UNKNOWN_MEMBER_ID)
            this.member.memberId = '';
          await this.revoke();
          // A coordinator still rebalancing answers the next join; no need to wait long.
          await sleep(50);
          continue;
        }
        if (kind === 'coordinator') this.member.forgetCoordinator();
        for (const t of this.topics) this.wire.cluster.forget(t);
        failingSince ??= Date.now();
        if (Date.now() - failingSince > RETRY_FOR_MS)
          throw new WireError(
            `consumer of group ${this.opts.groupId} gave up after ${Math.round((Date.now() - failingSince) / 1000)} s of failures: ${(err as Error).message}`,
            err instanceof WireError ? err.broker : '-',
            { cause: err },
          );
        await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt++));
      }
    }
  }

  /** Fetches from every assigned partition's leader until a rebalance or close. */
  private async consumeGeneration(): Promise<void> {
    while (!this.stopping && !this.rejoinNeeded) {
      if (this.assigned.length === 0) {
        await sleep(100);
        continue;
      }
      const byLeader = new Map<number, Assigned[]>();
      for (const a of this.assigned) {
        const leader = await this.wire.cluster.leader(a.topic, a.partition);
        const list = byLeader.get(leader);
        if (list) list.push(a);
        else byLeader.set(leader, [a]);
      }
      // Every leader's loop ends before the next round starts (or the error is thrown): two loops
      // for one partition would hand its records over twice.
      const round = { over: false };
      const settled = await Promise.allSettled(
        [...byLeader].map(([leader, tps]) =>
          this.leaderLoop(leader, tps, round).finally(() => (round.over = true)),
        ),
      );
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      if (settled.some((r) => r.status === 'fulfilled' && r.value === 'moved')) {
        for (const t of new Set(this.assigned.map((a) => a.topic))) this.wire.cluster.forget(t);
        await sleep(100);
      }
    }
  }

  private fetchable(tps: Assigned[]): Assigned[] {
    return tps.filter((a) => !this.pausedTopics.has(a.topic) && !this.pausedParts.has(a.key));
  }

  private fetchFrom(
    conn: BrokerConnection,
    tps: Assigned[],
  ): { asked: Map<string, PartitionState>; res: Promise<FetchResponse> } {
    const maxWaitMs = this.opts.maxWaitMs ?? 500;
    const asked = new Map<string, PartitionState>();
    const byTopic = new Map<string, Assigned[]>();
    for (const a of tps) {
      const s = this.parts.get(a.key);
      if (!s) continue;
      asked.set(a.key, { position: s.position, epoch: s.epoch });
      const list = byTopic.get(a.topic);
      if (list) list.push(a);
      else byTopic.set(a.topic, [a]);
    }
    const res = conn.request(
      ApiKey.Fetch,
      {
        clusterId: null,
        replicaId: -1,
        replicaState: { replicaId: -1, replicaEpoch: -1n },
        maxWaitMs,
        minBytes: this.opts.minBytes ?? 1,
        maxBytes: this.opts.maxBytes ?? 20 << 20,
        isolationLevel: this.readCommitted ? 1 : 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [...byTopic].map(([topic, list]) => ({
          topic,
          topicId: ZERO_UUID,
          partitions: list.map((a) => ({
            partition: a.partition,
            currentLeaderEpoch: -1,
            fetchOffset: asked.get(a.key)!.position,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: this.opts.maxBytesPerPartition ?? 1 << 20,
            replicaDirectoryId: ZERO_UUID,
          })),
        })),
        forgottenTopicsData: [],
        rackId: '',
      },
      undefined,
      maxWaitMs,
    );
    // A failure of a request sent ahead surfaces when it is awaited, not as an unhandled rejection.
    res.catch(() => undefined);
    return { asked, res };
  }

  /** Fetches what `leader` leads until a rebalance, close or leader move ('moved'). */
  private async leaderLoop(
    leader: number,
    tps: Assigned[],
    round: { over: boolean },
  ): Promise<'done' | 'moved'> {
    const conn = await this.wire.cluster.connection(leader);
    const live = () => !this.stopping && !this.rejoinNeeded && !round.over;
    const next = () => {
      const f = this.fetchable(tps);
      return f.length > 0 ? this.fetchFrom(conn, f) : undefined;
    };
    let inflight = next();
    while (live()) {
      if (!inflight) {
        // Everything paused: look again shortly.
        await sleep(50);
        inflight = next();
        continue;
      }
      const res = await inflight.res;
      const asked = inflight.asked;
      if (!live()) return 'done';
      let moved = false;
      const batches: { batch: ConsumedBatch; next: bigint; epoch: number }[] = [];
      for (const t of res.responses)
        for (const p of t.partitions) {
          const k = tpKey(t.topic, p.partitionIndex);
          const was = asked.get(k);
          const s = this.parts.get(k);
          // Sought meanwhile, paused meanwhile, or no longer assigned: what came is not wanted.
          if (!was || !s || s.epoch !== was.epoch || s.position !== was.position) continue;
          if (this.pausedTopics.has(t.topic) || this.pausedParts.has(k)) continue;
          if (p.errorCode !== 0) {
            if (LEADER_MOVED.has(p.errorCode)) moved = true;
            // OFFSET_OUT_OF_RANGE: a committed or sought position the log no longer (or not yet) has.
            else if (p.errorCode === 1) await this.reset(t.topic, [p.partitionIndex]);
            else throw new KafkaResponseError(conn.address, 'Fetch', p.errorCode, t.topic, p.partitionIndex);
            continue;
          }
          const d = decodeFetchedRecords(t.topic, p.partitionIndex, p.records, {
            from: was.position,
            to: null,
            readCommitted: this.readCommitted,
            abortedTransactions: p.abortedTransactions,
          });
          if (d.truncated)
            throw new WireError(
              `${t.topic}[${p.partitionIndex}] at offset ${was.position}: a record batch is larger than the fetch size (maxBytesPerPartition)`,
              conn.address,
            );
          if (d.next === was.position) continue;
          s.position = d.next;
          batches.push({
            batch: {
              topic: t.topic,
              partition: p.partitionIndex,
              highWatermark: p.highWatermark,
              records: d.records,
            },
            next: d.next,
            epoch: s.epoch,
          });
        }
      inflight = !moved && live() ? next() : undefined;
      await this.hand(batches);
      if (this.autoCommit && batches.length > 0 && this.inGeneration) await this.commitResolved();
      if (moved) {
        inflight?.res.catch(() => undefined);
        return 'moved';
      }
    }
    inflight?.res.catch(() => undefined);
    return 'done';
  }

  /** Hands the batches of one response to the handler (batches of one partition in order). */
  private async hand(batches: { batch: ConsumedBatch; next: bigint; epoch: number }[]): Promise<void> {
    if (batches.length === 1) return this.handOne(batches[0]!);
    await Promise.all(batches.map((b) => this.handOne(b)));
  }

  private async handOne(b: { batch: ConsumedBatch; next: bigint; epoch: number }): Promise<void> {
    const { batch } = b;
    const k = tpKey(batch.topic, batch.partition);
    // Only control records or an aborted transaction: nothing to hand over, the position moves on.
    if (batch.records.length === 0) {
      this.resolved.set(k, b.next);
      return;
    }
    const stale = () => this.rejoinNeeded || this.parts.get(k)?.epoch !== b.epoch;
    const ctl: BatchControl = {
      resolve: (offset) => void this.resolved.set(k, offset + 1n),
      commit: async () => {
        const at = this.resolved.get(k);
        if (at === undefined || at === this.committedPos.get(k)) return;
        await this.commit([{ topic: batch.topic, partition: batch.partition, offset: at }]);
      },
      heartbeat: () => this.heartbeat(),
      isRunning: () => !this.stopping,
      isStale: stale,
    };
    try {
      await this.gate.run(() => (this.handler as BatchHandler)(batch, ctl));
    } catch (err) {
      // As kafkajs: the batch is handed over again (after a pause), from its first record.
      const s = this.parts.get(k);
      if (s && s.epoch === b.epoch) {
        s.position = batch.records[0]!.offset;
        s.epoch++;
      }
      void err;
      await sleep(1000);
      return;
    }
    if (!stale()) this.resolved.set(k, b.next);
  }

  /** Commits every resolved position that moved since the last commit. */
  private async commitResolved(): Promise<void> {
    const todo: TopicPartitionOffset[] = [];
    for (const a of this.assigned) {
      const at = this.resolved.get(a.key);
      if (at !== undefined && at !== this.committedPos.get(a.key))
        todo.push({ topic: a.topic, partition: a.partition, offset: at });
    }
    if (todo.length === 0) return;
    try {
      await this.commit(todo);
    } catch (err) {
      // A rebalance under way: the next owner reads these records again (at-least-once).
      if (classify(err) !== 'rejoin') throw err;
    }
  }
}

/** Every topic name in the cluster (for a pattern subscription). */
async function listTopics(wire: WireClient): Promise<string[]> {
  let last: unknown;
  for (const s of wire.cluster.opts.bootstrap) {
    try {
      const [host, port] = [
        s.slice(0, s.lastIndexOf(':')).replace(/^\[|\]$/g, ''),
        Number(s.slice(s.lastIndexOf(':') + 1)),
      ];
      const conn = await wire.cluster.connectTo({ host, port });
      const res = await conn.request(ApiKey.Metadata, {
        topics: null,
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      return res.topics.filter((t) => t.errorCode === 0 && !t.isInternal).map((t) => t.name ?? '');
    } catch (err) {
      last = err;
    }
  }
  throw last;
}
