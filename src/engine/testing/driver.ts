/**
 * @module engine/testing/driver
 * A deterministic, in-process runner of a pipeline, in the style of Kafka
 * Streams' TopologyTestDriver: no broker, no threads, no real clock.
 *
 *   const d = TestDriver.fromSpec(specJson);
 *   d.pipe('raw', { key: 'a', value: { category: 'books', value: 5, ts: 0 } });
 *   d.advanceWallClock(30_000);            // idle partitions stop holding the watermark
 *   d.output('out');                        // what the sink received
 *   d.late(); d.deadLetters(); d.counters('per5min');
 *
 * All sources form one task: one watermark over every partition of every source
 * (each declared with `partitions` of its config, default 1, so a source that has
 * not produced yet holds the watermark back until it idles out). After each input
 * the watermark is recomputed and, when it moved, given to every operator in graph
 * order, so results emitted by an upstream operator reach a downstream one before
 * that one sees the new watermark (as Flink forwards watermarks after records).
 */
import { checkGraph, type ResolvedEdge } from '../../spec/graph';
import type { PipelineSpec, Problem, SpecNode } from '../../spec/types';
import { validateSpec } from '../../spec/validate';
import { createOperator } from '../operators/factory';
import type { EngineRecord, Operator, OperatorContext } from '../operators/types';
import { memoryStores } from '../state/memory';
import type { StoreFactory } from '../state/types';
import { durationMs } from '../operators/config';
import { WatermarkTracker } from '../time/watermark';

export interface PipeInput {
  key?: unknown;
  value: unknown;
  /** Record timestamp (epoch ms); default: the driver's wall clock. */
  timestamp?: number;
  partition?: number;
  headers?: Record<string, string>;
}

export interface NodeCounters {
  in: number;
  out: number;
  late: number;
  errors: number;
  stateEntries: number;
  stateBytes: number;
}

export interface LateRecord {
  nodeId: string;
  record: EngineRecord;
}

export interface DeadLetter {
  nodeId: string;
  record: EngineRecord;
  error: string;
}

export interface DriverOptions {
  /** Wall clock at start, epoch ms; default 0. */
  wallClock?: number;
  /** Stores to use (e.g. with a changelog listener); default in memory. */
  stores?: StoreFactory;
}

interface Counters {
  in: number;
  out: number;
  late: number;
  errors: number;
}

export class TestDriver {
  private readonly operators = new Map<string, Operator>();
  private readonly nodes = new Map<string, SpecNode>();
  private readonly order: string[];
  /** `node.port` → downstream [node, port]. */
  private readonly routes = new Map<string, Array<[string, string]>>();
  private readonly outputs = new Map<string, EngineRecord[]>();
  private readonly lateRecords: LateRecord[] = [];
  private readonly dead: DeadLetter[] = [];
  private readonly counts = new Map<string, Counters>();
  private readonly tracker = new WatermarkTracker();
  private readonly offsets = new Map<string, number>();
  private now: number;
  private wm = -Infinity;

  /** Validates `spec` (a parsed spec file) and builds the driver; throws listing the errors if invalid. */
  static fromSpec(spec: unknown, options: DriverOptions = {}): TestDriver {
    const result = validateSpec(spec);
    if (!result.ok || !result.spec) {
      const errors = result.problems.filter((p) => p.severity === 'error');
      throw new Error(
        `invalid spec:\n${errors.map((p) => `${p.nodeId ?? '-'}:${p.path}: ${p.message}`).join('\n')}`,
      );
    }
    return new TestDriver(result.spec, options);
  }

  /** Builds from a spec already validated (config defaults filled in). */
  constructor(spec: PipelineSpec, options: DriverOptions = {}) {
    this.now = options.wallClock ?? 0;
    const stores = options.stores ?? memoryStores();
    const problems: Problem[] = [];
    const configs = new Map(spec.nodes.map((n) => [n.id, n.config]));
    const graph = checkGraph(spec, configs, problems);
    this.order = graph.order;
    for (const e of graph.edges) this.addRoute(e);
    for (const node of spec.nodes) {
      this.nodes.set(node.id, node);
      this.operators.set(node.id, createOperator(node, { stores }));
      this.counts.set(node.id, { in: 0, out: 0, late: 0, errors: 0 });
      if (node.kind.startsWith('sink.')) this.outputs.set(node.id, []);
      if (node.kind.startsWith('source.')) {
        const partitions = typeof node.config['partitions'] === 'number' ? node.config['partitions'] : 1;
        for (let p = 0; p < partitions; p++)
          this.tracker.addPartition(`${node.id}/${p}`, this.timeOptions(node), this.now);
      }
    }
  }

  /** Feeds one record into a source node, then advances the watermark. */
  pipe(sourceId: string, input: PipeInput): void {
    const node = this.nodes.get(sourceId);
    if (!node?.kind.startsWith('source.')) throw new Error(`"${sourceId}" is not a source node`);
    const partition = input.partition ?? 0;
    const pid = `${sourceId}/${partition}`;
    const offset = this.offsets.get(pid) ?? 0;
    this.offsets.set(pid, offset + 1);
    const topic = typeof node.config['topic'] === 'string' ? node.config['topic'] : sourceId;
    const record: EngineRecord = {
      key: input.key ?? null,
      value: input.value,
      timestamp: input.timestamp ?? this.now,
      headers: input.headers ?? {},
      source: { topic, partition, offset },
    };
    this.deliver(sourceId, 'in', record);
    this.advanceWatermark();
  }

  pipeAll(sourceId: string, inputs: readonly PipeInput[]): void {
    for (const i of inputs) this.pipe(sourceId, i);
  }

  /** Moves the wall clock (for idle timeouts) and re-evaluates the watermark. */
  advanceWallClock(ms: number): void {
    this.now += ms;
    this.advanceWatermark();
  }

  /** End of all input: the watermark jumps to +∞, closing every window and join buffer. */
  endOfInput(): void {
    this.setWatermark(Infinity);
  }

  /** Records received by a sink node, in order. */
  output(sinkId: string): EngineRecord[] {
    const out = this.outputs.get(sinkId);
    if (!out) throw new Error(`"${sinkId}" is not a sink node`);
    return out;
  }

  /** Records emitted on a `late` port (whether or not the port is connected). */
  late(nodeId?: string): EngineRecord[] {
    return this.lateRecords.filter((l) => nodeId === undefined || l.nodeId === nodeId).map((l) => l.record);
  }

  deadLetters(): readonly DeadLetter[] {
    return this.dead;
  }

  counters(nodeId: string): NodeCounters {
    const c = this.counts.get(nodeId);
    const op = this.operators.get(nodeId);
    if (!c || !op) throw new Error(`no node "${nodeId}"`);
    let stateEntries = 0;
    let stateBytes = 0;
    for (const s of op.stores()) {
      const size = s.size();
      stateEntries += size.entries;
      stateBytes += size.bytes;
    }
    return { ...c, stateEntries, stateBytes };
  }

  watermark(): number {
    return this.wm;
  }

  wallClock(): number {
    return this.now;
  }

  private timeOptions(node: SpecNode): { maxOutOfOrder: number; idleTimeout: number } {
    return {
      maxOutOfOrder: durationMs(node.config, 'maxOutOfOrder', 0),
      idleTimeout: durationMs(node.config, 'idleTimeout', 30_000),
    };
  }

  private addRoute(e: ResolvedEdge): void {
    const from = `${e.from}.${e.fromPort}`;
    const list = this.routes.get(from) ?? [];
    list.push([e.to, e.toPort]);
    this.routes.set(from, list);
  }

  private readonly contexts = new Map<string, OperatorContext>();

  private context(nodeId: string): OperatorContext {
    let ctx = this.contexts.get(nodeId);
    if (!ctx) {
      ctx = this.makeContext(nodeId);
      this.contexts.set(nodeId, ctx);
    }
    return ctx;
  }

  private makeContext(nodeId: string): OperatorContext {
    const node = this.nodes.get(nodeId) as SpecNode;
    const counts = this.counts.get(nodeId) as Counters;
    return {
      emit: (port, record) => {
        if (port === 'late') {
          counts.late++;
          this.lateRecords.push({ nodeId, record });
        } else {
          counts.out++;
        }
        if (node.kind.startsWith('sink.')) {
          this.outputs.get(nodeId)?.push(record);
          return;
        }
        if (node.kind.startsWith('source.') && record.source) {
          this.tracker.observe(
            `${nodeId}/${record.source.partition}`,
            record.timestamp,
            this.now,
            this.timeOptions(node),
          );
        }
        for (const [to, toPort] of this.routes.get(`${nodeId}.${port}`) ?? [])
          this.deliver(to, toPort, record);
      },
      deadLetter: (record, error, at) => {
        (this.counts.get(at) ?? counts).errors++;
        this.dead.push({ nodeId: at, record, error: error instanceof Error ? error.message : String(error) });
      },
    };
  }

  private deliver(nodeId: string, port: string, record: EngineRecord): void {
    const op = this.operators.get(nodeId);
    if (!op) return;
    (this.counts.get(nodeId) as Counters).in++;
    op.process(record, this.context(nodeId), port);
  }

  private advanceWatermark(): void {
    this.setWatermark(this.tracker.watermark(this.now));
  }

  private setWatermark(wm: number): void {
    if (!(wm > this.wm)) return;
    this.wm = wm;
    for (const id of this.order) this.operators.get(id)?.onWatermark(wm, this.context(id));
  }
}
