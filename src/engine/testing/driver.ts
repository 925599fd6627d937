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
import { checkGraph } from '../../spec/graph';
import type { PipelineSpec, Problem, SpecNode } from '../../spec/types';
import { validateSpec } from '../../spec/validate';
import type { EngineRecord } from '../operators/types';
import { TaskGraph, timeOptions, type NodeCounters } from '../runtime/task-graph';
import { memoryStores } from '../state/memory';
import type { StoreFactory } from '../state/types';

export type { NodeCounters };

export interface PipeInput {
  key?: unknown;
  value: unknown;
  /** Record timestamp (epoch ms); default: the driver's wall clock. */
  timestamp?: number;
  partition?: number;
  headers?: Record<string, string>;
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

export class TestDriver {
  private readonly graph: TaskGraph;
  private readonly nodes = new Map<string, SpecNode>();
  private readonly outputs = new Map<string, EngineRecord[]>();
  private readonly lateRecords: LateRecord[] = [];
  private readonly dead: DeadLetter[] = [];
  private readonly offsets = new Map<string, number>();
  private now: number;

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
    this.graph = new TaskGraph({
      nodes: spec.nodes,
      edges: graph.edges,
      order: graph.order,
      stores: () => stores,
      now: () => this.now,
      hooks: {
        sink: (nodeId, record) => this.outputs.get(nodeId)?.push(record),
        late: (nodeId, record) => this.lateRecords.push({ nodeId, record }),
        deadLetter: (nodeId, record, error) =>
          this.dead.push({ nodeId, record, error: error instanceof Error ? error.message : String(error) }),
      },
    });
    for (const node of spec.nodes) {
      this.nodes.set(node.id, node);
      if (node.kind.startsWith('sink.')) this.outputs.set(node.id, []);
      if (node.kind.startsWith('source.')) {
        const partitions = typeof node.config['partitions'] === 'number' ? node.config['partitions'] : 1;
        for (let p = 0; p < partitions; p++) this.graph.addPartition(`${node.id}/${p}`, timeOptions(node));
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
    this.graph.deliver(sourceId, 'in', record);
    this.graph.advance();
  }

  pipeAll(sourceId: string, inputs: readonly PipeInput[]): void {
    for (const i of inputs) this.pipe(sourceId, i);
  }

  /** Moves the wall clock (for idle timeouts) and re-evaluates the watermark. */
  advanceWallClock(ms: number): void {
    this.now += ms;
    this.graph.advance();
  }

  /** End of all input: the watermark jumps to +∞, closing every window and join buffer. */
  endOfInput(): void {
    this.graph.setWatermark(Infinity);
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
    if (!this.graph.has(nodeId)) throw new Error(`no node "${nodeId}"`);
    return this.graph.counters(nodeId);
  }

  watermark(): number {
    return this.graph.watermark();
  }

  wallClock(): number {
    return this.now;
  }
}
