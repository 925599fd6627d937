/**
 * @module engine/runtime/runtime
 * Runs a pipeline against Kafka through the client seam (src/kafka): plan, create topics,
 * consume with the group `kflow-<pipeline>`, feed tasks, produce outputs, commit.
 *
 * One consumer per run reads every input topic (sources and repartition topics); a record of
 * partition P of an input of sub-topology S goes to task S_P, created on its first batch after
 * its state was restored from the changelogs. Batches are processed as they arrive; their outputs
 * and input positions accumulate and are flushed together:
 *
 *   batch ──► tasks (operators, watermark) ──► buffer: sink, repartition, late, DLQ records,
 *             the latest changelog value of each key changed, input positions
 *   flush (at-least-once: while fewer than 4 are unacknowledged; exactly-once: when the previous
 *   one is done, every commitIntervalMs):
 *        at-least-once: send(buffer) ... acked, and every earlier flush acked ──► commit input positions
 *        exactly-once:  begin ─► send(buffer) ─► sendOffsets(group) ─► commit transaction
 *
 * At-least-once flushes are pipelined: the next one starts without waiting for the previous one's
 * acknowledgement (the producer keeps each partition's order), so a record does not wait a whole
 * round trip for the flush before it; positions are still committed in order, only once every
 * output before them is acknowledged. While the flushes in flight are at their limit the next
 * batches keep being processed into a new buffer (so sends grow with the load, as group commit
 * does), up to maxBufferedRecords, when a batch waits for a flush (backpressure). A run killed
 * at any point resumes from the last commit: its state is the
 * changelog as of that commit (exactly-once) or at least that far (at-least-once: records after
 * the commit are read again and may count twice; nothing is lost). Each task's watermark goes to
 * its changelogs too, so windows closed before a restart stay closed after it.
 *
 * A timer advances watermarks on the wall clock (idle partitions stop holding them back) and
 * flushes what that emits.
 */
import { EventEmitter } from 'node:events';
import type {
  ConsumedBatch,
  KafkaClient,
  KafkaConsumer,
  KafkaProducer,
  ProduceRecord,
  TopicPartitionOffset,
} from '../../kafka/client';
import { checkGraph, type ResolvedEdge } from '../../spec/graph';
import type { PipelineSpec, Problem, SpecNode } from '../../spec/types';
import { DatagenSource, externalSinkFor, externalSourceFor } from '../io/index';
import type { ExternalSink, IoLogger } from '../io/types';
import type { EngineRecord } from '../operators/types';
import { planPipeline, type PhysicalPlan, type Repartition, type Subtopology } from '../planner/plan';
import { memoryStores } from '../state/memory';
import type { StoreFactory } from '../state/types';
import type { PartitionTimeOptions } from '../time/watermark';
import {
  WATERMARK_STORE,
  changelogKey,
  decodeCdcRecord,
  decodeRepartition,
  decodeSourceRecord,
  encodeKey,
  encodeRepartition,
  encodeValue,
  headerText,
  partitionFor,
} from './codec';
import { partitionKeyFn } from './keys';
import { readToEnd } from './restore';
import { TaskGraph, timeOptions } from './task-graph';
import {
  MarkerSchedule,
  channelId,
  encodeMarker,
  markerOf,
  repartitionOutputs,
  upstreamTasks,
} from './watermark-markers';
import { RunMetrics, type MetricsBatch } from '../metrics/metrics';
import { DLQ_HEADERS } from '../../spec/dead-letter';
import { ProducerFencedError } from '../../kafka/errors';

export type Guarantee = 'at-least-once' | 'exactly-once';

export interface RunOptions {
  client: KafkaClient;
  /** A validated spec (defaults filled in). */
  spec: PipelineSpec;
  guarantee?: Guarantee;
  /** Start from the earliest offsets, forgetting the group's committed ones. */
  fromBeginning?: boolean;
  /** Stop at the first bad record instead of dead-lettering it. */
  failFast?: boolean;
  /** Stop after this long without input records. */
  untilIdleMs?: number;
  /** Directory of the spec file (external sources and sinks resolve paths against it). */
  specDir?: string;
  /** Names the transactional id `kflow-<pipeline>-<instance>`; one per concurrently running instance. */
  instanceId?: string;
  /** Wall-clock ticks for idleness and metrics; 200 ms by default. */
  tickMs?: number;
  /** Metrics events at most this often; 500 ms by default. */
  metricsIntervalMs?: number;
  /**
   * The group session timeout (kafkajs: 30 s by default). A restart after a crash waits until the
   * dead instance's session expires before it is assigned partitions; shorter means faster recovery.
   */
  sessionTimeoutMs?: number;
  /**
   * Exactly-once: one transaction at most this often (Kafka Streams' commit.interval.ms, 100 ms
   * by default). At-least-once flushes as soon as the previous flush is done and commits input
   * positions after each one.
   */
  commitIntervalMs?: number;
  /**
   * At-least-once: flushes sent and not yet acknowledged, at most; 4 by default. 1 waits for each
   * flush's acknowledgement before the next (bigger, fewer requests; a round trip more of latency).
   */
  maxFlushesInFlight?: number;
  /** Output records buffered before a batch waits for the flush in flight; 20,000 by default. */
  maxBufferedRecords?: number;
  /**
   * At-least-once output producer: `auto` (the default) uses kflow's wire producer when the
   * connection allows it (not AWS IAM; KFLOW_KAFKA_CLIENT=kafkajs forces kafkajs), `kafkajs` its
   * idempotent producer. Exactly-once: `auto` runs on kflow's transactional wire producer (its
   * offset commits carry the group generation, so a zombie instance is fenced), `kafkajs` on
   * kafkajs' transactions (not fenced).
   */
  producer?: 'auto' | 'kafkajs';
  /** Keep the newest records of every edge for `metrics.edgeSamples` (costs a slot write per record). */
  sampleEdges?: boolean;
  log?: IoLogger;
}

export class PipelineError extends Error {
  constructor(
    message: string,
    readonly nodeId?: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'PipelineError';
  }
}

/**
 * Exactly-once: this instance was fenced. Another instance took its partitions over (it stalled
 * past the group's session timeout and the group moved on, KIP-447) or started with the same
 * instance id; its open transaction was aborted and its in-memory state dropped, so nothing it
 * did since its last commit counts. `kflow run` exits with code 3; restarting it is safe.
 */
export class InstanceFencedError extends PipelineError {
  constructor(
    readonly groupId: string,
    readonly transactionalId: string,
    cause: ProducerFencedError,
  ) {
    super(
      `another instance took over: ${
        cause.fencedBy === 'group-generation'
          ? `the group ${groupId} moved this instance's partitions to another member while it was stalled`
          : `a producer with the same transactional id (${transactionalId}) started`
      }; the open transaction was aborted and nothing since the last commit counts (${cause.message})`,
      undefined,
      cause,
    );
    this.name = 'InstanceFencedError';
  }
}

interface Task {
  id: string;
  sub: Subtopology;
  partition: number;
  graph: TaskGraph;
  /** node id → changelog topic, for the stateful nodes of this task. */
  changelogs: string[];
  /** Per changelog, the latest value of each store key changed since the last flush. */
  dirty: DirtyKeys[];
  lastWatermark: number;
}

/**
 * Changelog writes of one task and changelog, compacted until the next flush: only the latest
 * value of a key is sent (Kafka Streams' caching), and it is serialized only then.
 */
interface DirtyKeys {
  topic: string;
  partition: number;
  /** changelog key → the value as the store last reported it (null: deleted). */
  values: Map<string, unknown>;
}

const DEFAULT_MAX_BUFFERED = 20_000;
/** At-least-once flushes sent and not yet acknowledged, at most (the wire producer allows 5 requests). */
const MAX_FLUSHES_IN_FLIGHT = 4;
const DEFAULT_COMMIT_INTERVAL_EOS = 100;

/** Commit failures that mean "the group moved on": the records are read again, nothing is lost. */
const REBALANCE_ERROR =
  /rebalanc|generation|unknown.?member|not.?coordinator|coordinator.?not|not running|not.?initiali[sz]ed/i;

// The headers of a dead letter live in the common layer: redrive and the app read them too.
export { DLQ_HEADERS };

const silent: IoLogger = { info: () => undefined, warn: () => undefined };

export class PipelineRun extends EventEmitter {
  readonly metrics: RunMetrics;
  plan!: PhysicalPlan;
  private readonly guarantee: Guarantee;
  private readonly spec: PipelineSpec;
  private readonly nodes: Map<string, SpecNode>;
  private edges: ResolvedEdge[] = [];
  private order: string[] = [];
  private cut = new Set<number>();
  private readonly tasks = new Map<string, Task>();
  private assigned = new Set<string>(); // `topic/partition`
  private pending: ProduceRecord[] = [];
  /** Input positions (next offset to read) processed into the buffer, per `topic/partition`. */
  private pendingOffsets = new Map<string, TopicPartitionOffset>();
  /** The next offset expected per input `topic/partition`: a re-delivered record is skipped. */
  private readonly position = new Map<string, bigint>();
  private producer: KafkaProducer | undefined;
  private consumer: KafkaConsumer | undefined;
  private restoring: Promise<unknown> = Promise.resolve();
  /** Restores asked for and not finished. */
  private restores = 0;
  private flushTail: Promise<void> = Promise.resolve();
  private flushQueued: Promise<void> | undefined;
  private flushBusy = false;
  /** At-least-once: flushes sent and not yet acknowledged. */
  private flushesInFlight = 0;
  private flushAcked: (() => void)[] = [];
  /** At-least-once: settles once every flush sent so far is acknowledged and its positions queued for commit. */
  private ackTail: Promise<void> = Promise.resolve();
  private commitTail: Promise<void> = Promise.resolve();
  private commitWaiting: TopicPartitionOffset[] | undefined;
  private lastFlushAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private commitTimer: NodeJS.Timeout | undefined;
  private lastInput = Date.now();
  private everAssigned = false;
  private stopping = false;
  private fatal: unknown;
  private resolveDone!: (e?: unknown) => void;
  /** Resolves when the run has stopped; rejects with the error that stopped it. */
  readonly done: Promise<void>;
  private readonly abort = new AbortController();
  private readonly externalSinks = new Map<string, ExternalSink>();
  private readonly log: IoLogger;
  private readonly topicInputs = new Map<
    string,
    { sub: Subtopology; sourceIds: string[]; repartition: boolean }
  >();
  private readonly repartitionByEdge = new Map<number, Repartition & { key: (r: EngineRecord) => unknown }>();
  /** Repartition edges whose records cross as partial aggregates → the window they reach. */
  private readonly combine = new Map<number, SpecNode>();

  constructor(private readonly opts: RunOptions) {
    super();
    this.spec = opts.spec;
    this.guarantee = opts.guarantee ?? 'at-least-once';
    this.nodes = new Map(opts.spec.nodes.map((n) => [n.id, n]));
    this.log = opts.log ?? silent;
    this.metrics = new RunMetrics(opts.spec.name);
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = (e) => (e === undefined ? resolve() : reject(e as Error));
    });
    // A run that fails before anyone awaits `done` must not crash the process.
    this.done.catch(() => undefined);
  }

  /** Plans, creates topics, restores nothing yet (tasks restore on assignment) and starts consuming. */
  async start(): Promise<PhysicalPlan> {
    const { client, spec } = this.opts;
    const admin = await client.admin();
    const problems: Problem[] = [];
    const graph = checkGraph(spec, new Map(spec.nodes.map((n) => [n.id, n.config])), problems);
    this.edges = graph.edges;
    this.order = graph.order;
    const existing = await existingTopics(client, spec);
    this.plan = planPipeline(spec, { existingTopics: existing });
    for (const r of this.plan.repartitions) {
      const e = this.edges.find(
        (x) => x.from === r.from && x.fromPort === r.fromPort && x.to === r.to && x.toPort === r.toPort,
      );
      if (!e) continue;
      this.cut.add(e.index);
      this.repartitionByEdge.set(e.index, {
        ...r,
        key: partitionKeyFn(this.nodes.get(r.to) as SpecNode, r.toPort),
      });
      if (r.crossing.mode === 'partial') this.combine.set(e.index, this.nodes.get(r.to) as SpecNode);
    }
    const toCreate = this.plan.topics.filter((t) => t.create);
    if (toCreate.length > 0) {
      await admin
        .createTopics(
          toCreate.map((t) => ({
            name: t.name,
            partitions: t.partitions,
            config: t.config,
            ...(t.replicationFactor !== undefined ? { replicationFactor: t.replicationFactor } : {}),
          })),
        )
        .catch((err: unknown) => {
          // Another instance may have created them first.
          if (!/exist/i.test(String((err as Error).message))) throw err;
        });
    }
    for (const s of this.plan.subtopologies) {
      for (const src of s.sources) {
        if (src.external) continue;
        const cur = this.topicInputs.get(src.topic) ?? { sub: s, sourceIds: [], repartition: false };
        cur.sourceIds.push(src.nodeId);
        this.topicInputs.set(src.topic, cur);
      }
      for (const t of s.repartitionInputs)
        this.topicInputs.set(t, { sub: s, sourceIds: [], repartition: true });
    }

    const eos = this.guarantee === 'exactly-once';
    // Exactly-once on the wire: its offset commits carry the group generation (zombie fencing).
    this.producer = await client.producer(
      eos
        ? { transactionalId: this.transactionalId(), fast: this.opts.producer !== 'kafkajs' }
        : { idempotent: true, fast: this.opts.producer !== 'kafkajs' },
    );
    await this.openExternalSinks();
    const inputTopics = [...this.topicInputs.keys()];
    if (this.opts.fromBeginning)
      for (const t of inputTopics)
        await admin.resetGroupOffsets(this.plan.groupId, t, 'earliest').catch(() => undefined);
    const latestOnly = this.spec.nodes
      .filter(
        (n) =>
          n.kind.startsWith('source.') &&
          !this.plan.subtopologies.some((s) => s.sources.some((x) => x.nodeId === n.id && x.external)),
      )
      .every((n) => n.config['startFrom'] === 'latest');
    if (inputTopics.length > 0) {
      this.consumer = await client.consumer({
        groupId: this.plan.groupId,
        // kflow's wire consumer unless the connection needs kafkajs (AWS IAM, KFLOW_KAFKA_CLIENT).
        fast: true,
        onError: (e) => this.fail(e),
        isolation: 'read_committed',
        fromBeginning: !latestOnly,
        autoCommit: false,
        maxWaitMs: 100,
        ...(this.opts.sessionTimeoutMs !== undefined
          ? {
              sessionTimeoutMs: this.opts.sessionTimeoutMs,
              heartbeatIntervalMs: Math.max(100, Math.floor(this.opts.sessionTimeoutMs / 3)),
            }
          : {}),
        // Batches of different partitions are processed as they come (each one synchronously, so
        // a task's records stay in order); kafkajs fetches for the next ones meanwhile.
        concurrency: Math.max(1, this.plan.tasks.length),
        onRebalance: (assigned) => this.onAssigned(assigned),
        onRevoke: () => this.onRevoke(),
        copartitioned: this.copartitionGroups(),
      });
      await this.consumer.subscribe(inputTopics);
      void this.consumer.run((batch) => this.onBatch(batch)).catch((e: unknown) => this.fail(e));
    }
    this.startExternalSources();
    this.lastInput = Date.now();
    this.timer = setInterval(() => this.tick(), this.opts.tickMs ?? 200);
    this.commitTimer = setInterval(() => {
      if (this.hasBuffered() && !this.flushBusy) void this.requestFlush().catch(() => undefined);
    }, this.commitIntervalMs());
    return this.plan;
  }

  /** The input topics of each sub-topology: partition P of all of them belongs to task S_P. */
  private copartitionGroups(): string[][] {
    const bySub = new Map<number, string[]>();
    for (const [topic, input] of this.topicInputs) {
      const list = bySub.get(input.sub.id);
      if (list) list.push(topic);
      else bySub.set(input.sub.id, [topic]);
    }
    return [...bySub.values()].filter((g) => g.length > 1);
  }

  private transactionalId(): string {
    return `${this.plan.groupId}-${this.opts.instanceId ?? '0'}`;
  }

  private commitIntervalMs(): number {
    return (
      this.opts.commitIntervalMs ?? (this.guarantee === 'exactly-once' ? DEFAULT_COMMIT_INTERVAL_EOS : 100)
    );
  }

  /** Stops consuming, flushes and commits what is pending, closes producers and sinks. */
  async stop(): Promise<void> {
    if (this.stopping) return this.done.catch(() => undefined);
    this.stopping = true;
    clearInterval(this.timer);
    clearInterval(this.commitTimer);
    this.abort.abort();
    try {
      // Flush and commit while the consumer is still a group member (its commits need that).
      if (this.fatal === undefined) {
        for (const t of this.tasks.values()) t.graph.advance();
        await this.requestFlush();
        await this.ackTail;
        await this.commitTail;
      }
      await this.consumer?.close();
      for (const s of this.externalSinks.values()) await s.close();
      await this.producer?.close();
      this.emitMetrics(true);
      this.resolveDone(this.fatal);
    } catch (err) {
      this.resolveDone(this.fatal ?? err);
    }
    return this.done.catch(() => undefined);
  }

  /** The in-process tasks (tests and the UI read counters and watermarks). */
  taskIds(): string[] {
    return [...this.tasks.keys()];
  }

  watermark(taskId: string): number | undefined {
    return this.tasks.get(taskId)?.graph.watermark();
  }

  private fail(err: unknown): void {
    if (this.stopping) return;
    this.fatal = err;
    this.pending = [];
    this.pendingOffsets.clear();
    this.pendingExternal = [];
    for (const t of this.tasks.values()) for (const d of t.dirty) d.values.clear();
    this.log.warn('the pipeline stopped on an error', { error: String((err as Error)?.message ?? err) });
    void this.stop();
  }

  /**
   * The group is rebalancing and this instance is about to give up its partitions (all of them:
   * the eager protocol). Everything processed so far is flushed and its input positions committed
   * first (one transaction with exactly-once), so the next owner of a partition starts exactly
   * where this instance stopped, with the changelogs holding the state as of that point.
   */
  private async onRevoke(): Promise<void> {
    if (this.stopping || this.fatal !== undefined) return;
    const t0 = Date.now();
    try {
      await this.requestFlush();
      await this.ackTail;
      if (this.fatal !== undefined) throw this.fatal;
      await this.commitTail;
    } catch (err) {
      // requestFlush already stopped the run; the next owner reads from the last commit.
      this.log.warn('flushing before a rebalance failed', { error: String((err as Error)?.message ?? err) });
      return;
    }
    this.log.info('rebalance: output flushed and positions committed before rejoining', {
      ms: Date.now() - t0,
    });
  }

  private onAssigned(assigned: { topic: string; partitions: number[] }[]): void {
    this.assigned = new Set(assigned.flatMap((a) => a.partitions.map((p) => `${a.topic}/${p}`)));
    // Waiting to join the group (a crashed instance's session must expire first) is not idleness.
    this.lastInput = Date.now();
    this.everAssigned = true;
    // A task whose inputs went elsewhere is dropped: another instance owns its state now, and
    // getting it back later means restoring afresh from the changelog.
    for (const id of this.tasks.keys()) {
      const inputs = this.plan.tasks.find((x) => x.id === id)?.inputs ?? [];
      if (inputs.length > 0 && !inputs.some((i) => this.assigned.has(`${i.topic}/${i.partition}`))) {
        this.tasks.delete(id);
        for (const i of inputs) this.position.delete(`${i.topic}/${i.partition}`);
      }
    }
    for (const tp of this.position.keys()) if (!this.assigned.has(tp)) this.position.delete(tp);
  }

  // ---- tasks ----

  /** The task of `partition`, restored first when it does not exist (restores run one at a time). */
  private ensureTask(sub: Subtopology, partition: number): Task | Promise<Task> {
    const have = this.tasks.get(`${sub.id}_${partition}`);
    if (have) return have;
    this.restores++;
    const run = this.restoring
      .then(() => this.tasks.get(`${sub.id}_${partition}`) ?? this.restoreTasks(sub, partition))
      .finally(() => {
        this.restores--;
        // Restoring is not idleness: the batch that asked for it is processed next.
        this.lastInput = Date.now();
      });
    this.restoring = run.catch(() => undefined);
    return run;
  }

  private async restoreTasks(sub: Subtopology, partition: number): Promise<Task> {
    const id = `${sub.id}_${partition}`;
    // Restore every assigned task that does not exist yet with one read of the changelogs.
    const wanted = new Map<string, { sub: Subtopology; partition: number }>([[id, { sub, partition }]]);
    for (const key of this.assigned) {
      const topic = key.slice(0, key.lastIndexOf('/'));
      const p = Number(key.slice(key.lastIndexOf('/') + 1));
      const inp = this.topicInputs.get(topic);
      if (inp && !this.tasks.has(`${inp.sub.id}_${p}`))
        wanted.set(`${inp.sub.id}_${p}`, { sub: inp.sub, partition: p });
    }
    const requests = new Map<string, Set<number>>();
    for (const w of wanted.values())
      for (const nodeId of w.sub.nodes) {
        const cl = this.plan.changelogs[nodeId];
        if (cl) requests.set(cl, (requests.get(cl) ?? new Set()).add(w.partition));
      }
    const restored = await readToEnd(
      this.opts.client,
      this.plan.groupId,
      [...requests].map(([topic, ps]) => ({ topic, partitions: [...ps] })),
    );
    for (const [tid, w] of wanted) this.tasks.set(tid, this.createTask(tid, w.sub, w.partition, restored));
    return this.tasks.get(id) as Task;
  }

  private createTask(
    id: string,
    sub: Subtopology,
    partition: number,
    restored: Map<string, import('../../kafka/client').ConsumedRecord[]>,
  ): Task {
    const changelogs: string[] = [];
    const dirty: DirtyKeys[] = [];
    const storesOf = (nodeId: string): StoreFactory => {
      const topic = this.plan.changelogs[nodeId];
      if (!topic) return memoryStores();
      changelogs.push(topic);
      const values = new Map<string, unknown>();
      dirty.push({ topic, partition, values });
      return memoryStores((store, key, value) => values.set(changelogKey(store, key), value));
    };
    const graph = new TaskGraph({
      nodes: sub.nodes.map((n) => this.nodes.get(n) as SpecNode),
      edges: this.edges,
      order: this.order,
      cut: this.cut,
      combine: this.combine,
      stores: storesOf,
      now: () => Date.now(),
      sampleEdges: this.opts.sampleEdges === true,
      hooks: {
        sink: (nodeId, r) => this.toSink(nodeId, r),
        late: (nodeId, r, routed) => this.toLate(partition, nodeId, r, routed),
        deadLetter: (nodeId, r, error) => this.toDeadLetter(nodeId, r, error),
        crossing: (edge, r) => this.toRepartition(edge, r),
      },
    });
    const task: Task = {
      id,
      sub,
      partition,
      graph,
      changelogs: [...new Set(changelogs)],
      dirty,
      lastWatermark: -Infinity,
    };
    // Declare the inputs so a silent partition holds the watermark until it idles out.
    for (const src of sub.sources)
      if (!src.external)
        graph.addPartition(`${src.nodeId}/${partition}`, timeOptions(this.nodes.get(src.nodeId) as SpecNode));
    // A repartition partition: one channel per upstream task, moved by its watermark markers.
    for (const t of sub.repartitionInputs) {
      const channel = { maxOutOfOrder: 0, idleTimeout: this.repartitionTime(t).idleTimeout };
      for (const up of upstreamTasks(this.plan, t)) graph.addPartition(channelId(t, partition, up), channel);
    }

    // Restore: apply each node's changelog entries, in log order, to its stores.
    let wm = -Infinity;
    for (const nodeId of sub.nodes) {
      const topic = this.plan.changelogs[nodeId];
      const op = graph.operator(nodeId);
      if (!topic || !op) continue;
      const stores = new Map(
        op
          .stores()
          .map((s) => [s.name, s as unknown as { restore(e: Iterable<readonly [unknown, unknown]>): void }]),
      );
      for (const r of restored.get(`${topic}/${partition}`) ?? []) {
        if (!r.key) continue;
        const k = JSON.parse(r.key.toString('utf8')) as { s: string; k: unknown };
        const v = r.value === null ? null : (JSON.parse(r.value.toString('utf8')) as unknown);
        if (k.s === WATERMARK_STORE) {
          const w = (v as { wm?: number } | null)?.wm;
          if (typeof w === 'number' && w > wm) wm = w;
          continue;
        }
        stores.get(k.s)?.restore([[k.k, v]]);
      }
    }
    if (wm > -Infinity) {
      graph.setWatermark(wm);
      task.lastWatermark = graph.watermark();
    }
    this.metrics.taskCreated(id);
    return task;
  }

  /** Event-time options of a repartition input: those of the sources upstream of it. */
  private repartitionTime(topic: string): PartitionTimeOptions {
    let maxOutOfOrder = 0;
    let idleTimeout = 30_000;
    const sources = this.spec.nodes.filter((n) => n.kind.startsWith('source.'));
    for (const r of this.plan.repartitions.filter((x) => x.topic === topic))
      for (const s of sources)
        if (this.reaches(s.id, r.from)) {
          const o = timeOptions(s);
          maxOutOfOrder = Math.max(maxOutOfOrder, o.maxOutOfOrder);
          idleTimeout = Math.min(idleTimeout, o.idleTimeout);
        }
    return { maxOutOfOrder, idleTimeout };
  }

  private reaches(from: string, to: string): boolean {
    if (from === to) return true;
    return this.edges.some((e) => e.from === from && this.reaches(e.to, to));
  }

  // ---- input ----

  private async onBatch(batch: ConsumedBatch): Promise<void> {
    if (this.stopping || batch.records.length === 0) return;
    const input = this.topicInputs.get(batch.topic);
    if (!input) return;
    this.lastInput = Date.now();
    const got = this.ensureTask(input.sub, batch.partition);
    const task = got instanceof Promise ? await got : got;
    if (this.stopping) return;
    const tp = `${batch.topic}/${batch.partition}`;
    // After a rejoin kafkajs fetches again from the committed offset; what is already in the
    // buffer or in the flush in flight must not be processed twice.
    const from = this.position.get(tp);
    const t0 = performance.now();
    const graph = task.graph;
    const records = batch.records;
    let processed = 0;
    let last: bigint | undefined;
    if (input.repartition) {
      const channel = { maxOutOfOrder: 0, idleTimeout: this.repartitionTime(batch.topic).idleTimeout };
      for (const r of records) {
        if (from !== undefined && r.offset < from) continue;
        const marker = markerOf(r);
        if (marker !== undefined) {
          graph.observe(channelId(batch.topic, batch.partition, marker.task), marker.watermark, channel);
          graph.advance();
          last = r.offset;
          continue;
        }
        let decoded;
        try {
          decoded = decodeRepartition(r);
        } catch (err) {
          this.toDeadLetter(input.sub.nodes[0] ?? '-', rawAsRecord(r), err);
          last = r.offset;
          continue;
        }
        graph.deliverCrossed(this.repartitionTarget(batch.topic, decoded.port), decoded.port, decoded.record);
        graph.advance();
        processed++;
        last = r.offset;
        if (this.fatal !== undefined) break;
      }
    } else {
      const sources = input.sourceIds.map((id) => this.nodes.get(id) as SpecNode);
      for (const r of records) {
        if (from !== undefined && r.offset < from) continue;
        for (const node of sources) {
          let record: EngineRecord | undefined;
          try {
            record =
              node.kind === 'source.cdc.mysql'
                ? decodeCdcRecord(r, node.config)
                : decodeSourceRecord(r, node.config);
          } catch (err) {
            this.toDeadLetter(node.id, rawAsRecord(r), err, r.value);
            continue;
          }
          if (record) graph.deliver(node.id, 'in', record);
        }
        graph.advance();
        processed++;
        last = r.offset;
        if (this.fatal !== undefined) break;
      }
    }
    if (this.fatal !== undefined) {
      // Fail fast: nothing of this batch is sent or committed; a restart reads it again.
      this.fail(this.fatal);
      return;
    }
    this.metrics.batch(batch, performance.now() - t0, processed);
    if (last === undefined) return;
    this.position.set(tp, last + 1n);
    this.pendingOffsets.set(tp, { topic: batch.topic, partition: batch.partition, offset: last + 1n });
    await this.afterInput();
  }

  /** Starts a flush when none is in flight (at-least-once); waits for it when the buffer is full. */
  private async afterInput(): Promise<void> {
    const full = this.pending.length >= (this.opts.maxBufferedRecords ?? DEFAULT_MAX_BUFFERED);
    if (this.flushBusy) {
      if (full) await this.requestFlush();
      return;
    }
    const due =
      this.guarantee === 'at-least-once' || Date.now() - this.lastFlushAt >= this.commitIntervalMs();
    if (due || full) {
      const p = this.requestFlush();
      if (full) await p;
      else p.catch(() => undefined);
    }
  }

  private readonly repartitionTargets = new Map<string, string>();

  private repartitionTarget(topic: string, port: string): string {
    const k = `${topic}\0${port}`;
    let to = this.repartitionTargets.get(k);
    if (to === undefined) {
      to = this.plan.repartitions.find((x) => x.topic === topic && x.toPort === port)?.to ?? '';
      this.repartitionTargets.set(k, to);
    }
    return to;
  }

  private tick(): void {
    if (this.stopping) return;
    try {
      for (const t of this.tasks.values()) t.graph.advance();
      if (this.fatal !== undefined) throw this.fatal;
    } catch (e) {
      this.fail(e);
      return;
    }
    if (this.hasBuffered() && !this.flushBusy) void this.requestFlush().catch(() => undefined);
    this.emitMetrics(false);
    const idle = this.opts.untilIdleMs;
    const waitingForGroup = this.consumer !== undefined && !this.everAssigned;
    if (this.restores > 0) this.lastInput = Date.now();
    if (idle !== undefined && !waitingForGroup && Date.now() - this.lastInput >= idle) void this.stop();
  }
  // ---- output ----

  private toSink(nodeId: string, r: EngineRecord): void {
    let write = this.sinkWriters.get(nodeId);
    if (write === undefined) {
      write = this.sinkWriter(nodeId);
      this.sinkWriters.set(nodeId, write);
    }
    this.metrics.sample(nodeId, r);
    write(r);
  }

  /** Per sink node, what a record leaving it becomes (looked up once, not per record). */
  private readonly sinkWriters = new Map<string, (r: EngineRecord) => void>();

  private sinkWriter(nodeId: string): (r: EngineRecord) => void {
    const node = this.nodes.get(nodeId) as SpecNode;
    if (node.kind === 'sink.topic') {
      const format = typeof node.config['format'] === 'string' ? node.config['format'] : 'json';
      const topic = node.config['topic'] as string;
      return (r) => {
        this.pending.push({
          topic,
          key: encodeKey(r.key),
          value: encodeValue(r.value, format),
          headers: r.headers,
          timestamp: r.timestamp,
        });
      };
    }
    const sink = this.externalSinks.get(nodeId);
    if (!sink) throw new PipelineError(`sink ${nodeId} (${node.kind}) is not open`, nodeId);
    return (r) => {
      this.pendingExternal.push([sink, r]);
    };
  }

  private pendingExternal: Array<[ExternalSink, EngineRecord]> = [];

  private toLate(partition: number, nodeId: string, r: EngineRecord, routed: boolean): void {
    const topic = this.plan.lateTopics[nodeId];
    if (routed || !topic) return;
    this.pending.push({
      topic,
      partition,
      key: encodeKey(r.key),
      value: encodeValue(r.value, 'json'),
      headers: r.headers,
      timestamp: r.timestamp,
    });
  }

  private toDeadLetter(nodeId: string, r: EngineRecord, error: unknown, raw?: Buffer | null): void {
    const message = error instanceof Error ? error.message : String(error);
    this.metrics.error(nodeId);
    if (this.opts.failFast) {
      this.fatal ??= new PipelineError(
        `${nodeId}: ${message}${r.source ? ` (${r.source.topic}/${r.source.partition}@${r.source.offset})` : ''}`,
        nodeId,
        error,
      );
      return;
    }
    const headers: Record<string, string> = {
      ...r.headers,
      [DLQ_HEADERS.pipeline]: this.spec.name,
      [DLQ_HEADERS.node]: nodeId,
      [DLQ_HEADERS.error]: message,
    };
    if (r.source) {
      headers[DLQ_HEADERS.topic] = r.source.topic;
      headers[DLQ_HEADERS.partition] = String(r.source.partition);
      headers[DLQ_HEADERS.offset] = String(r.source.offset);
    }
    this.pending.push({
      topic: this.plan.dlqTopic,
      key: encodeKey(r.key),
      value: raw !== undefined ? raw : encodeValue(r.value, 'json'),
      headers,
      timestamp: Number.isFinite(r.timestamp) ? r.timestamp : Date.now(),
    });
  }

  private toRepartition(edge: ResolvedEdge, r: EngineRecord): void {
    const rp = this.repartitionByEdge.get(edge.index);
    if (!rp) return;
    let key: unknown;
    try {
      key = rp.key(r);
    } catch (err) {
      this.toDeadLetter(rp.to, r, err);
      return;
    }
    this.pending.push(encodeRepartition(r, rp.topic, partitionFor(key, rp.partitions), rp.toPort));
  }

  private markerSchedule: MarkerSchedule | undefined;
  private readonly markerOutputs = new Map<number, Array<{ topic: string; partitions: number }>>();

  /** After the task's records of this flush: its watermark to every partition of its repartition topics. */
  private pushMarkers(t: Task, wm: number): void {
    let outputs = this.markerOutputs.get(t.sub.id);
    if (outputs === undefined) {
      outputs = repartitionOutputs(this.plan, t.sub.id);
      this.markerOutputs.set(t.sub.id, outputs);
    }
    if (outputs.length === 0) return;
    this.markerSchedule ??= new MarkerSchedule(
      Math.min(1000, ...this.plan.repartitions.map((r) => this.repartitionTime(r.topic).idleTimeout / 4)),
    );
    const hadInput = t.sub.sources.some((s) => this.pendingOffsets.has(`${s.topic}/${t.partition}`));
    const send = this.markerSchedule.due(t.id, wm, hadInput, Date.now());
    if (send === undefined) return;
    for (const o of outputs)
      for (let p = 0; p < o.partitions; p++) this.pending.push(encodeMarker(o.topic, p, t.id, send));
  }

  /** Records or input positions wait to be flushed. */
  private hasOutput(): boolean {
    return this.pending.length > 0 || this.pendingOffsets.size > 0 || this.pendingExternal.length > 0;
  }

  private hasBuffered(): boolean {
    if (this.pending.length > 0 || this.pendingOffsets.size > 0 || this.pendingExternal.length > 0)
      return true;
    for (const t of this.tasks.values()) {
      if (t.graph.watermark() > t.lastWatermark) return true;
      for (const d of t.dirty) if (d.values.size > 0) return true;
    }
    return false;
  }

  /**
   * Queues a flush of everything buffered when it starts; flushes run one at a time, and a
   * request while one is queued joins it. Resolves when that flush is done; rejects (and stops
   * the run) when it failed.
   */
  private requestFlush(): Promise<void> {
    if (this.flushQueued) return this.flushQueued;
    const p = this.flushTail.then(async () => {
      this.flushQueued = undefined;
      if (this.fatal !== undefined) throw this.fatal;
      this.flushBusy = true;
      try {
        await this.flushOnce();
        // Pipelined at-least-once flushes: the next one waits only for room, not for this one's ack.
        while (this.flushesInFlight >= (this.opts.maxFlushesInFlight ?? MAX_FLUSHES_IN_FLIGHT))
          await new Promise<void>((r) => this.flushAcked.push(r));
      } finally {
        this.flushBusy = false;
      }
      // At-least-once: what arrived during this flush goes out now, not at the next batch or tick.
      if (this.guarantee === 'at-least-once' && !this.stopping && this.hasOutput())
        void this.requestFlush().catch(() => undefined);
    });
    this.flushQueued = p;
    this.flushTail = p.catch(() => undefined);
    p.catch((e: unknown) => this.fail(e));
    return p;
  }

  /**
   * Sends what is buffered and commits the input positions processed into it — in one
   * transaction with exactly-once.
   */
  private async flushOnce(): Promise<void> {
    this.lastFlushAt = Date.now();
    // Take the buffer as it is now (synchronously): batches processed during the sends go to the next flush.
    for (const t of this.tasks.values()) {
      t.graph.drainPartials();
      for (const d of t.dirty) {
        if (d.values.size === 0) continue;
        for (const [key, value] of d.values)
          this.pending.push({
            topic: d.topic,
            partition: d.partition,
            key,
            value: value === null || value === undefined ? null : JSON.stringify(value),
          });
        d.values.clear();
      }
      const wm = t.graph.watermark();
      this.pushMarkers(t, wm);
      if (wm > t.lastWatermark && Number.isFinite(wm)) {
        t.lastWatermark = wm;
        for (const topic of t.changelogs)
          this.pending.push({
            topic,
            partition: t.partition,
            key: changelogKey(WATERMARK_STORE, null),
            value: JSON.stringify({ wm }),
          });
      }
    }
    const records = this.pending;
    this.pending = [];
    const offsets = [...this.pendingOffsets.values()];
    this.pendingOffsets = new Map();
    const external = this.pendingExternal;
    this.pendingExternal = [];
    if (records.length === 0 && external.length === 0 && offsets.length === 0) return;
    const producer = this.producer as KafkaProducer;
    // External sinks first: their flush makes them durable before offsets move.
    if (external.length > 0) {
      const bySink = new Map<ExternalSink, EngineRecord[]>();
      for (const [s, r] of external) {
        const list = bySink.get(s);
        if (list) list.push(r);
        else bySink.set(s, [r]);
      }
      for (const [s, rs] of bySink) {
        await s.write(rs);
        await s.flush();
      }
    }
    const t0 = performance.now();
    if (this.guarantee === 'exactly-once') {
      if (records.length > 0 || offsets.length > 0) {
        try {
          const tx = await producer.transaction();
          try {
            if (records.length > 0) await tx.write(records);
            // The member's generation: a group that moved on refuses the commit (KIP-447). A member
            // that lost its membership (its id reset after UNKNOWN_MEMBER_ID) is refused too: its
            // partitions may be another's already, so its work must not be committed.
            if (offsets.length > 0)
              await tx.sendOffsets(this.plan.groupId, offsets, this.consumer?.groupMetadata?.());
            await tx.commit();
          } catch (err) {
            await tx.abort().catch(() => undefined);
            throw err;
          }
        } catch (err) {
          if (err instanceof ProducerFencedError) {
            // Another instance owns these tasks now: what this one holds must not be used again.
            this.tasks.clear();
            this.position.clear();
            throw new InstanceFencedError(this.plan.groupId, this.transactionalId(), err);
          }
          // The tasks' state is ahead of what was committed: stop, a restart restores it.
          throw new PipelineError(`the transaction failed: ${(err as Error).message}`, undefined, err);
        }
      }
    } else {
      // Not awaited: the next flush may start meanwhile. Positions are committed once these
      // records and those of every earlier flush are acknowledged.
      const acked = records.length > 0 ? producer.write(records) : Promise.resolve();
      this.flushesInFlight++;
      const previous = this.ackTail;
      this.ackTail = Promise.all([previous, acked]).then(
        () => {
          this.metrics.produced(records.length + external.length, performance.now() - t0);
          if (offsets.length > 0) this.commit(offsets);
          this.flushDone();
        },
        (err: unknown) => {
          this.flushDone();
          this.fail(err);
        },
      );
      return;
    }
    this.metrics.produced(records.length + external.length, performance.now() - t0);
  }

  private flushDone(): void {
    this.flushesInFlight--;
    const waiting = this.flushAcked;
    this.flushAcked = [];
    for (const r of waiting) r();
  }

  /**
   * Commits input positions after their outputs were acknowledged, without holding up the next
   * flush; commits go one at a time and positions waiting meanwhile merge into the next one.
   */
  private commit(offsets: TopicPartitionOffset[]): void {
    const consumer = this.consumer;
    if (!consumer) return;
    if (this.commitWaiting) {
      const merged = new Map(this.commitWaiting.map((o) => [`${o.topic}/${o.partition}`, o]));
      for (const o of offsets) merged.set(`${o.topic}/${o.partition}`, o);
      this.commitWaiting = [...merged.values()];
      return;
    }
    this.commitWaiting = offsets;
    this.commitTail = this.commitTail.then(async () => {
      const todo = this.commitWaiting ?? [];
      this.commitWaiting = undefined;
      // Only partitions this member still owns; the others are read again by their new owner.
      const mine = todo.filter((o) => this.assigned.has(`${o.topic}/${o.partition}`));
      if (mine.length === 0) return;
      try {
        await consumer.commit(mine);
      } catch (err) {
        if (!REBALANCE_ERROR.test(String((err as Error)?.message ?? err))) throw err;
        this.log.warn('an offset commit failed during a rebalance; those records will be read again', {
          error: String((err as Error).message),
        });
      }
    });
    this.commitTail.catch((e: unknown) => this.fail(e));
    this.commitTail = this.commitTail.catch(() => undefined);
  }
  // ---- metrics ----

  private lastMetrics = 0;

  private emitMetrics(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastMetrics < (this.opts.metricsIntervalMs ?? 500)) return;
    this.lastMetrics = now;
    const batch: MetricsBatch = this.metrics.snapshot([...this.tasks.values()].map((t) => t.graph));
    this.emit('metrics', batch);
  }

  // ---- in-process sources and sinks ----

  private async openExternalSinks(): Promise<void> {
    const sinks = this.spec.nodes.filter((n) => n.kind.startsWith('sink.') && n.kind !== 'sink.topic');
    if (sinks.length === 0) return;
    for (const n of sinks) {
      const sink = externalSinkFor(n, {
        specDir: this.opts.specDir ?? process.cwd(),
        pipeline: this.spec.name,
        nodeId: n.id,
        now: () => Date.now(),
        log: this.log,
      });
      if (!sink) throw new PipelineError(`node "${n.id}": no sink for kind ${n.kind}`);
      this.externalSinks.set(n.id, sink);
    }
  }

  private startExternalSources(): void {
    const withSource = this.spec.nodes.filter(
      (n) =>
        n.kind.startsWith('source.') &&
        ((n.kind !== 'source.topic' && n.kind !== 'source.cdc.mysql') ||
          (n.config['local'] !== undefined && (n.config['local'] as { file?: string }).file !== undefined)),
    );
    if (withSource.length === 0) return;
    void (async () => {
      await Promise.all(
        withSource.map(async (n) => {
          const topic =
            typeof n.config['topic'] === 'string' && n.kind === 'source.datagen'
              ? n.config['topic']
              : undefined;
          // Datagen with a topic is produced like any producer would; io leaves it to the runtime.
          const src = topic !== undefined ? new DatagenSource(n.config as never) : externalSourceFor(n);
          if (!src) throw new PipelineError(`node "${n.id}": no source for kind ${n.kind}`);
          const sub = this.plan.subtopologies.find((s) => s.nodes.includes(n.id)) as Subtopology;
          await src.run({
            specDir: this.opts.specDir ?? process.cwd(),
            pipeline: this.spec.name,
            nodeId: n.id,
            signal: this.abort.signal,
            now: () => Date.now(),
            log: this.log,
            emit: async (records) => {
              if (topic !== undefined) {
                // Produced like any producer would; the pipeline reads it back from the topic.
                await (this.producer as KafkaProducer).send(
                  records.map((r) => ({
                    topic,
                    key: encodeKey(r.key),
                    value: encodeValue(r.value, 'json'),
                    headers: r.headers,
                    timestamp: r.timestamp,
                  })),
                );
                return;
              }
              if (this.stopping) return;
              this.lastInput = Date.now();
              const task = await this.ensureTask(sub, 0);
              if (this.stopping) return;
              for (const r of records) {
                task.graph.deliver(n.id, 'in', r);
                task.graph.advance();
              }
              if (this.fatal !== undefined) throw this.fatal;
              // A source without offsets to commit: its records are out once flushed.
              await this.requestFlush();
            },
          });
        }),
      );
    })().catch((e: unknown) => this.fail(e));
  }
}

function rawAsRecord(r: import('../../kafka/client').ConsumedRecord): EngineRecord {
  return {
    key: r.key === null ? null : r.key.toString('utf8'),
    value: r.value === null ? null : r.value.toString('utf8'),
    timestamp: Number(r.timestamp),
    headers: headerText(r.headers),
    source: { topic: r.topic, partition: r.partition, offset: Number(r.offset) },
  };
}

/** Partition counts of the topics the pipeline may touch (its own, its sources and sinks). */
export async function existingTopics(
  client: KafkaClient,
  spec: PipelineSpec,
): Promise<Record<string, number>> {
  const admin = await client.admin();
  const all = await admin.listTopics();
  const named = new Set<string>();
  for (const n of spec.nodes)
    for (const f of ['topic']) if (typeof n.config[f] === 'string') named.add(n.config[f] as string);
  const relevant = all.filter(
    (t) => named.has(t) || t.startsWith(`${spec.name}-`) || t.startsWith(`${spec.name}.`) || t.includes('.'),
  );
  const out: Record<string, number> = {};
  if (relevant.length === 0) return out;
  for (const d of await admin.describeTopics(relevant)) out[d.name] = d.partitions.length;
  return out;
}
