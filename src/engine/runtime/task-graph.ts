/**
 * @module engine/runtime/task-graph
 * The operators of one task wired by the spec's edges: what the test driver and the
 * runtime share. Records are pushed into a node's port; each emit follows the edges
 * of `node.port`. Sinks, late ports and dead letters end in hooks, and an edge that
 * leaves the task (a repartition) ends in `crossing`, so the caller decides where
 * records go (a list in tests, topics in the runtime).
 *
 * After input, `advance(now)` recomputes the watermark over the task's partitions
 * (per-partition stream time, idleness) and, when it moved, gives it to every operator
 * in graph order, so what an upstream operator emits reaches a downstream one before
 * that one sees the new watermark (as Flink forwards watermarks after records).
 *
 * A crossing into a window that takes partial aggregates (`combine`) goes through a
 * WindowCombiner instead: the records are folded here and `drainPartials()` hands the partials
 * to `crossing`; the runtime calls it when it takes its buffer for a flush, so the partials go
 * out with the input positions of the records they cover.
 */
import { edgeKey } from '../../api/index';
import type { ResolvedEdge } from '../../spec/graph';
import type { SpecNode } from '../../spec/types';
import { durationMs } from '../operators/config';
import { createOperator } from '../operators/factory';
import {
  MAX_PARTIALS,
  PARTIAL_HEADER,
  PARTIAL_RECORDS_HEADER,
  WindowCombiner,
  partialCount,
} from '../operators/window-combine';
import {
  MISSED_WINDOWS_HEADER,
  type EngineRecord,
  type Operator,
  type OperatorContext,
} from '../operators/types';
import type { StoreFactory } from '../state/types';
import { WatermarkTracker, type PartitionTimeOptions } from '../time/watermark';
import { LATE_UPSTREAM_HEADER } from './watermark-markers';

export interface NodeCounters {
  in: number;
  out: number;
  late: number;
  errors: number;
  stateEntries: number;
  stateBytes: number;
}

export interface TaskGraphHooks {
  /** A record left a sink node (after the sink's own key and header expressions). */
  sink(nodeId: string, record: EngineRecord): void;
  /** A record left a `late` port; `routed` tells whether an edge also took it downstream. */
  late(nodeId: string, record: EngineRecord, routed: boolean): void;
  deadLetter(nodeId: string, record: EngineRecord, error: unknown): void;
  /** A record took an edge that leaves this task (through a repartition topic). */
  crossing?(edge: ResolvedEdge, record: EngineRecord): void;
}

export interface TaskGraphOptions {
  /** The nodes this task runs (validated, defaults filled). */
  nodes: readonly SpecNode[];
  /** Edges of the pipeline; those in `cut` or into nodes outside `nodes` become crossings. */
  edges: readonly ResolvedEdge[];
  /** Topological order of the pipeline (nodes outside this task are skipped). */
  order: readonly string[];
  cut?: ReadonlySet<number>;
  /** Crossing edges (by index) whose records are sent as partial aggregates: the window they reach. */
  combine?: ReadonlyMap<number, SpecNode>;
  /** Stores of a node's operator (the runtime wires each node's changelog here). */
  stores: (nodeId: string) => StoreFactory;
  hooks: TaskGraphHooks;
  /** Wall clock in ms, for idleness. */
  now: () => number;
  /** Keep the newest EDGE_SAMPLES records of every edge (`edgeStats()`); off by default. */
  sampleEdges?: boolean;
}

/** Records kept per edge when sampling. */
export const EDGE_SAMPLES = 20;

/** What went along one edge in this task: a count, and with sampling a ring of the newest records. */
export interface EdgeStat {
  /** `edgeKey()` of the edge: `from.port->to.port`. */
  readonly key: string;
  count: number;
  /** The newest records, oldest first once the ring wrapped; empty without sampling. */
  readonly ring: EngineRecord[];
  /** The ring slot the next record overwrites. */
  next: number;
}

interface Counters {
  in: number;
  out: number;
  late: number;
  errors: number;
}

type Route = (
  | { kind: 'local'; to: string; port: string }
  | { kind: 'crossing'; edge: ResolvedEdge }
  | { kind: 'combine'; edge: ResolvedEdge; combiner: WindowCombiner }
) & {
  stat: EdgeStat;
};

/** Event-time options of a source node. */
export function timeOptions(node: SpecNode): PartitionTimeOptions {
  return {
    maxOutOfOrder: durationMs(node.config, 'maxOutOfOrder', 0),
    idleTimeout: durationMs(node.config, 'idleTimeout', 30_000),
  };
}

export class TaskGraph {
  private readonly operators = new Map<string, Operator>();
  private readonly nodes = new Map<string, SpecNode>();
  private readonly order: string[];
  private readonly routes = new Map<string, Route[]>();
  private readonly counts = new Map<string, Counters>();
  private readonly contexts = new Map<string, OperatorContext>();
  private readonly edges: EdgeStat[] = [];
  private readonly combining: Array<{ edge: ResolvedEdge; combiner: WindowCombiner }> = [];
  readonly tracker = new WatermarkTracker();
  private wm = -Infinity;

  constructor(private readonly opts: TaskGraphOptions) {
    for (const node of opts.nodes) {
      this.nodes.set(node.id, node);
      this.operators.set(node.id, createOperator(node, { stores: opts.stores(node.id) }));
      this.counts.set(node.id, { in: 0, out: 0, late: 0, errors: 0 });
    }
    this.order = opts.order.filter((id) => this.nodes.has(id));
    for (const e of opts.edges) {
      if (!this.nodes.has(e.from)) continue;
      const local = this.nodes.has(e.to) && !(opts.cut?.has(e.index) ?? false);
      const key = `${e.from}.${e.fromPort}`;
      const list = this.routes.get(key) ?? [];
      const stat: EdgeStat = {
        key: edgeKey({ from: `${e.from}.${e.fromPort}`, to: `${e.to}.${e.toPort}` }),
        count: 0,
        ring: [],
        next: 0,
      };
      this.edges.push(stat);
      const target = local ? undefined : opts.combine?.get(e.index);
      if (target !== undefined) {
        const combiner = new WindowCombiner(target.config);
        this.combining.push({ edge: e, combiner });
        list.push({ kind: 'combine', edge: e, combiner, stat });
      } else
        list.push(
          local ? { kind: 'local', to: e.to, port: e.toPort, stat } : { kind: 'crossing', edge: e, stat },
        );
      this.routes.set(key, list);
    }
  }

  has(nodeId: string): boolean {
    return this.nodes.has(nodeId);
  }

  node(nodeId: string): SpecNode | undefined {
    return this.nodes.get(nodeId);
  }

  operator(nodeId: string): Operator | undefined {
    return this.operators.get(nodeId);
  }

  nodeIds(): string[] {
    return [...this.order];
  }

  /** Declares an input partition before it has data (it holds the watermark until it idles out). */
  addPartition(id: string, options: PartitionTimeOptions): void {
    this.tracker.addPartition(id, options, this.opts.now());
  }

  /** Records the event time of a record read from partition `id` (sources do this themselves). */
  observe(id: string, eventTime: number, options: PartitionTimeOptions): void {
    this.tracker.observe(id, eventTime, this.opts.now(), options);
  }

  /** Pushes a record into `port` of a node of this task. */
  deliver(nodeId: string, port: string, record: EngineRecord): void {
    const op = this.operators.get(nodeId);
    if (!op) return;
    // A partial aggregate counts as the records it covers.
    const partial = record.headers[PARTIAL_HEADER];
    (this.counts.get(nodeId) as Counters).in += partial === undefined ? 1 : partialCount(partial);
    op.process(record, this.context(nodeId), port);
  }

  /**
   * Pushes a record read from a repartition topic into `port` of a node: as `deliver`, except a
   * record the upstream task found late goes to the node's `late` port as the window would send it.
   */
  deliverCrossed(nodeId: string, port: string, record: EngineRecord): void {
    if (record.headers[LATE_UPSTREAM_HEADER] === undefined) {
      this.deliver(nodeId, port, record);
      return;
    }
    const counts = this.counts.get(nodeId);
    if (!counts) return;
    counts.in++;
    const headers: Record<string, string> = { ...record.headers, [MISSED_WINDOWS_HEADER]: '1/1' };
    delete headers[LATE_UPSTREAM_HEADER];
    this.context(nodeId).emit('late', { ...record, headers });
  }

  /** Hands the partial aggregates held for crossing edges to the `crossing` hook. */
  drainPartials(): void {
    const crossing = this.opts.hooks.crossing;
    if (!crossing) return;
    for (const c of this.combining) for (const p of c.combiner.drain()) crossing(c.edge, p);
  }

  /** Re-evaluates the watermark at the wall clock (idleness) and forwards it when it moved. */
  advance(): number {
    this.setWatermark(this.tracker.watermark(this.opts.now()));
    return this.wm;
  }

  /** Forwards `wm` to every operator in graph order when it is above the current one. */
  setWatermark(wm: number): void {
    if (!(wm > this.wm)) return;
    this.wm = wm;
    for (const id of this.order) this.operators.get(id)?.onWatermark(wm, this.context(id));
  }

  watermark(): number {
    return this.wm;
  }

  /** Per edge leaving a node of this task: records that took it (and samples, when kept). */
  edgeStats(): readonly EdgeStat[] {
    return this.edges;
  }

  counters(nodeId: string): NodeCounters {
    const c = this.counts.get(nodeId);
    const op = this.operators.get(nodeId);
    if (!c || !op) throw new Error(`no node "${nodeId}" in this task`);
    let stateEntries = 0;
    let stateBytes = 0;
    for (const s of op.stores()) {
      const size = s.size();
      stateEntries += size.entries;
      stateBytes += size.bytes;
    }
    return { ...c, stateEntries, stateBytes };
  }

  private combine(edge: ResolvedEdge, combiner: WindowCombiner, record: EngineRecord): void {
    let folded: boolean;
    try {
      folded = combiner.add(record, this.wm);
    } catch (error) {
      // The window would have dead-lettered it: same record, same node.
      this.opts.hooks.deadLetter(edge.to, record, error);
      return;
    }
    // Late here, where the record's own watermark is known: the window must not judge it again
    // by its own watermark (the minimum over every upstream task, possibly behind this one).
    if (!folded)
      this.opts.hooks.crossing?.(edge, {
        ...record,
        headers: { ...record.headers, [LATE_UPSTREAM_HEADER]: '1' },
      });
    else if (combiner.pending >= MAX_PARTIALS)
      for (const p of combiner.drain()) this.opts.hooks.crossing?.(edge, p);
  }

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
    const hooks = this.opts.hooks;
    const isSink = node.kind.startsWith('sink.');
    const isSource = node.kind.startsWith('source.');
    const options = isSource ? timeOptions(node) : undefined;
    const sample = this.opts.sampleEdges === true;
    const routesOf = new Map<string, Route[]>();
    // The watermark tracker's id of each source partition, built once (not a string per record).
    const partitionIds: string[] = [];
    const none: Route[] = [];
    return {
      emit: (port, record) => {
        let routes = routesOf.get(port);
        if (routes === undefined) {
          routes = this.routes.get(`${nodeId}.${port}`) ?? none;
          routesOf.set(port, routes);
        }
        if (port === 'late') {
          const partial = record.headers[PARTIAL_RECORDS_HEADER];
          counts.late += partial === undefined ? 1 : Number(partial);
          hooks.late(nodeId, record, routes.length > 0);
        } else counts.out++;
        if (isSink) {
          hooks.sink(nodeId, record);
          return;
        }
        if (options && record.source) {
          const p = record.source.partition;
          let id = partitionIds[p];
          if (id === undefined) id = partitionIds[p] = `${nodeId}/${p}`;
          this.tracker.observe(id, record.timestamp, this.opts.now(), options);
        }
        for (const r of routes) {
          const stat = r.stat;
          stat.count++;
          if (sample) {
            // Overwrite a slot instead of copying: the record object is shared, not cloned.
            stat.ring[stat.next] = record;
            stat.next = stat.next + 1 === EDGE_SAMPLES ? 0 : stat.next + 1;
          }
          if (r.kind === 'local') this.deliver(r.to, r.port, record);
          else if (r.kind === 'crossing') hooks.crossing?.(r.edge, record);
          else this.combine(r.edge, r.combiner, record);
        }
      },
      deadLetter: (record, error, at) => {
        (this.counts.get(at) ?? counts).errors++;
        hooks.deadLetter(at, record, error);
      },
    };
  }
}
