/**
 * @module engine/runtime/runtime
 * Runs a pipeline against Kafka through the client seam (src/kafka): plan, create topics,
 * consume with the group `kflow-<pipeline>`, feed tasks, produce outputs, commit.
 *
 * One consumer per run reads every input topic (sources and repartition topics); a record of
 * partition P of an input of sub-topology S goes to task S_P, created on its first batch after
 * its state was restored from the changelogs. Every batch ends in a commit:
 *
 *   batch ──► tasks (operators, watermark) ──► pending: sink, repartition, late, DLQ, changelog
 *        at-least-once: send(pending) acked ──► commit input offsets
 *        exactly-once:  begin ─► send(pending) ─► sendOffsets(group) ─► commit transaction
 *
 * So a run killed at any point resumes from the last commit: its state is the changelog as of
 * that commit (exactly-once) or at least that far (at-least-once: records after the commit are
 * read again and may count twice; nothing is lost). Each task's watermark goes to its changelogs
 * too, so windows closed before a restart stay closed after it.
 *
 * A timer advances watermarks on the wall clock (idle partitions stop holding them back) and
 * flushes what that emits; batches and ticks run one at a time (a promise chain).
 */
import { EventEmitter } from 'node:events';
import type {
  BatchControl,
  ConsumedBatch,
  KafkaClient,
  KafkaConsumer,
  KafkaProducer,
  ProduceRecord,
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
import { RunMetrics, type MetricsBatch } from '../metrics/metrics';

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

interface Task {
  id: string;
  sub: Subtopology;
  partition: number;
  graph: TaskGraph;
  /** node id → changelog topic, for the stateful nodes of this task. */
  changelogs: string[];
  lastWatermark: number;
}

/** Headers of a dead letter. */
export const DLQ_HEADERS = {
  pipeline: 'kflow-pipeline',
  node: 'kflow-node',
  error: 'kflow-error',
  topic: 'kflow-source-topic',
  partition: 'kflow-source-partition',
  offset: 'kflow-source-offset',
} as const;

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
  private producer: KafkaProducer | undefined;
  private consumer: KafkaConsumer | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
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
    this.producer = await client.producer(
      eos ? { transactionalId: `${this.plan.groupId}-${this.opts.instanceId ?? '0'}` } : { idempotent: true },
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
        onRebalance: (assigned) => this.onAssigned(assigned),
      });
      await this.consumer.subscribe(inputTopics);
      void this.consumer
        .run((batch, ctl) => this.serial(() => this.onBatch(batch, ctl)))
        .catch((e: unknown) => this.fail(e));
    }
    this.startExternalSources();
    this.lastInput = Date.now();
    this.timer = setInterval(
      () => void this.serial(() => this.tick()).catch((e: unknown) => this.fail(e)),
      this.opts.tickMs ?? 200,
    );
    return this.plan;
  }

  /** Stops consuming, flushes and commits what is pending, closes producers and sinks. */
  async stop(): Promise<void> {
    if (this.stopping) return this.done.catch(() => undefined);
    this.stopping = true;
    clearInterval(this.timer);
    this.abort.abort();
    try {
      await this.consumer?.close();
      await this.serial(() => this.flush(undefined));
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

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private fail(err: unknown): void {
    if (this.stopping) return;
    this.fatal = err;
    this.pending = [];
    this.pendingExternal = [];
    this.log.warn('the pipeline stopped on an error', { error: String((err as Error)?.message ?? err) });
    void this.stop();
  }

  private onAssigned(assigned: { topic: string; partitions: number[] }[]): void {
    this.assigned = new Set(assigned.flatMap((a) => a.partitions.map((p) => `${a.topic}/${p}`)));
    // Waiting to join the group (a crashed instance's session must expire first) is not idleness.
    this.lastInput = Date.now();
    this.everAssigned = true;
    // A task whose inputs went elsewhere is dropped: another instance owns its state now, and
    // getting it back later means restoring afresh from the changelog.
    for (const [id, t] of this.tasks) {
      const inputs = this.plan.tasks.find((x) => x.id === id)?.inputs ?? [];
      if (inputs.length > 0 && !inputs.some((i) => this.assigned.has(`${i.topic}/${i.partition}`)))
        this.tasks.delete(id);
      void t;
    }
  }

  // ---- tasks ----

  private async ensureTask(sub: Subtopology, partition: number): Promise<Task> {
    const id = `${sub.id}_${partition}`;
    const have = this.tasks.get(id);
    if (have) return have;
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
    const storesOf = (nodeId: string): StoreFactory => {
      const topic = this.plan.changelogs[nodeId];
      if (!topic) return memoryStores();
      changelogs.push(topic);
      return memoryStores((store, key, value) =>
        this.pending.push({
          topic,
          partition,
          key: changelogKey(store, key),
          value: value === null ? null : JSON.stringify(value),
        }),
      );
    };
    const graph = new TaskGraph({
      nodes: sub.nodes.map((n) => this.nodes.get(n) as SpecNode),
      edges: this.edges,
      order: this.order,
      cut: this.cut,
      stores: storesOf,
      now: () => Date.now(),
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
      lastWatermark: -Infinity,
    };
    // Declare the inputs so a silent partition holds the watermark until it idles out.
    for (const src of sub.sources)
      if (!src.external)
        graph.addPartition(`${src.nodeId}/${partition}`, timeOptions(this.nodes.get(src.nodeId) as SpecNode));
    for (const t of sub.repartitionInputs)
      graph.addPartition(`rp:${t}/${partition}`, this.repartitionTime(t));

    // Restore: apply each node's changelog entries, in log order, to its stores.
    let wm = -Infinity;
    const drop = this.pending.length;
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
    this.pending.length = drop;
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

  private async onBatch(batch: ConsumedBatch, ctl: BatchControl): Promise<void> {
    if (this.stopping || batch.records.length === 0) return;
    const input = this.topicInputs.get(batch.topic);
    if (!input) return;
    this.lastInput = Date.now();
    const task = await this.ensureTask(input.sub, batch.partition);
    const t0 = performance.now();
    for (const r of batch.records) {
      if (!ctl.isRunning() || ctl.isStale()) break;
      if (input.repartition) {
        let decoded;
        try {
          decoded = decodeRepartition(r);
        } catch (err) {
          this.toDeadLetter(input.sub.nodes[0] ?? '-', rawAsRecord(r), err);
          continue;
        }
        task.graph.observe(
          `rp:${batch.topic}/${batch.partition}`,
          decoded.record.timestamp,
          this.repartitionTime(batch.topic),
        );
        const target = this.plan.repartitions.find(
          (x) => x.topic === batch.topic && x.toPort === decoded.port,
        );
        task.graph.deliver(target?.to ?? '', decoded.port, decoded.record);
      } else {
        for (const nodeId of input.sourceIds) {
          const node = this.nodes.get(nodeId) as SpecNode;
          let record: EngineRecord | undefined;
          try {
            record =
              node.kind === 'source.cdc.mysql'
                ? decodeCdcRecord(r, node.config)
                : decodeSourceRecord(r, node.config);
          } catch (err) {
            this.toDeadLetter(nodeId, rawAsRecord(r), err, r.value);
            continue;
          }
          if (record) task.graph.deliver(nodeId, 'in', record);
        }
      }
      task.graph.advance();
      if (this.fatal !== undefined) {
        // Fail fast: nothing of this batch is sent or committed; a restart reads it again.
        this.fail(this.fatal);
        return;
      }
    }
    this.metrics.batch(batch, performance.now() - t0);
    const last = batch.records[batch.records.length - 1];
    if (!last) return;
    await this.flush({ ctl, topic: batch.topic, partition: batch.partition, offset: last.offset });
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    for (const t of this.tasks.values()) t.graph.advance();
    if (this.fatal !== undefined) throw this.fatal;
    await this.flush(undefined);
    this.emitMetrics(false);
    const idle = this.opts.untilIdleMs;
    const waitingForGroup = this.consumer !== undefined && !this.everAssigned;
    if (idle !== undefined && !waitingForGroup && Date.now() - this.lastInput >= idle) void this.stop();
  }

  // ---- output ----

  private toSink(nodeId: string, r: EngineRecord): void {
    const node = this.nodes.get(nodeId) as SpecNode;
    this.metrics.sample(nodeId, r);
    if (node.kind === 'sink.topic') {
      const format = typeof node.config['format'] === 'string' ? node.config['format'] : 'json';
      this.pending.push({
        topic: node.config['topic'] as string,
        key: encodeKey(r.key),
        value: encodeValue(r.value, format),
        headers: r.headers,
        timestamp: r.timestamp,
      });
      return;
    }
    const sink = this.externalSinks.get(nodeId);
    if (!sink) throw new PipelineError(`sink ${nodeId} (${node.kind}) is not open`, nodeId);
    this.pendingExternal.push([sink, r]);
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

  /**
   * Sends what is pending and, with `commit`, commits the batch's input position after it —
   * in one transaction with exactly-once.
   */
  private async flush(
    commit: { ctl: BatchControl; topic: string; partition: number; offset: bigint } | undefined,
  ): Promise<void> {
    for (const t of this.tasks.values()) {
      const wm = t.graph.watermark();
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
    const external = this.pendingExternal;
    this.pendingExternal = [];
    if (records.length === 0 && external.length === 0 && !commit) return;
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
      if (records.length === 0 && !commit) return;
      const tx = await producer.transaction();
      try {
        if (records.length > 0) await tx.send(records);
        if (commit)
          await tx.sendOffsets(this.plan.groupId, [
            { topic: commit.topic, partition: commit.partition, offset: commit.offset + 1n },
          ]);
        await tx.commit();
      } catch (err) {
        await tx.abort().catch(() => undefined);
        // The tasks' state is ahead of what was committed: stop, a restart restores it.
        throw new PipelineError(`the transaction failed: ${(err as Error).message}`, undefined, err);
      }
      if (commit) commit.ctl.resolve(commit.offset);
    } else {
      if (records.length > 0) await producer.send(records);
      if (commit) {
        commit.ctl.resolve(commit.offset);
        await commit.ctl.commit();
      }
    }
    this.metrics.produced(records.length + external.length, performance.now() - t0);
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
              await this.serial(async () => {
                if (this.stopping) return;
                this.lastInput = Date.now();
                const task = this.tasks.get(`${sub.id}_0`) ?? (await this.ensureTask(sub, 0));
                for (const r of records) {
                  task.graph.deliver(n.id, 'in', r);
                  task.graph.advance();
                }
                await this.flush(undefined);
              });
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
