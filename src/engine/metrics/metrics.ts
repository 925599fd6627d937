/**
 * @module engine/metrics/metrics
 * Metrics of one run: per node records in/out, late, errors and state size (summed over the
 * run's tasks), rates over the last interval, processing and produce latency, per source
 * partition lag, one sampled record per sink, and per edge (`edgeKey()`) a count, a rate and,
 * when the run samples edges, its newest records for the UI. `snapshot` builds the batch the
 * runtime emits as `run.on('metrics', batch)`; the Prometheus exporter reads the same numbers.
 */
import type { ConsumedBatch } from '../../kafka/client';
import type { EngineRecord } from '../operators/types';
import { EDGE_SAMPLES, type TaskGraph } from '../runtime/task-graph';

export interface EdgeMetrics {
  /** Records that took the edge since the run started (over every task). */
  count: number;
  /** Records per second over the last interval. */
  rate: number;
}

export interface NodeMetrics {
  in: number;
  out: number;
  late: number;
  errors: number;
  stateEntries: number;
  stateBytes: number;
  /** Records in per second over the last interval. */
  inRate: number;
}

export interface MetricsBatch {
  pipeline: string;
  at: number;
  tasks: number;
  nodes: Record<string, NodeMetrics>;
  /** Records read from input topics and produced (sinks and internal topics), in total. */
  recordsIn: number;
  recordsOut: number;
  inRate: number;
  outRate: number;
  /** Sum of every assigned input partition's lag (high watermark − next offset). */
  lag: number;
  lagByPartition: Record<string, number>;
  /** Mean ms spent processing one record in the last interval. */
  processingMsPerRecord: number;
  /** Mean ms per produce (send or transaction) in the last interval. */
  produceMs: number;
  watermarks: Record<string, number>;
  /** The last record each sink received, for the UI's edge samples. */
  samples: Record<string, EngineRecord>;
  /** Per edge (`edgeKey()`: `from.port->to.port`), every edge leaving a node of a task here. */
  edges: Record<string, EdgeMetrics>;
  /** Per edge, its newest records (at most 20, oldest first); empty unless the run samples edges. */
  edgeSamples: Record<string, EngineRecord[]>;
}

export class RunMetrics {
  recordsIn = 0;
  recordsOut = 0;
  private readonly lag = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private samples: Record<string, EngineRecord> = {};
  private procMs = 0;
  private procRecords = 0;
  private produceMs = 0;
  private produces = 0;
  private last: {
    at: number;
    in: number;
    out: number;
    nodeIn: Map<string, number>;
    edges: Map<string, number>;
  } = {
    at: Date.now(),
    in: 0,
    out: 0,
    nodeIn: new Map(),
    edges: new Map(),
  };
  latest: MetricsBatch | undefined;

  constructor(readonly pipeline: string) {}

  /** A consumed batch of which `processed` records were new (a re-delivered record is skipped). */
  batch(b: ConsumedBatch, ms: number, processed = b.records.length): void {
    this.recordsIn += processed;
    this.procMs += ms;
    this.procRecords += processed;
    const last = b.records[b.records.length - 1];
    if (last)
      this.lag.set(`${b.topic}/${b.partition}`, Math.max(0, Number(b.highWatermark - last.offset - 1n)));
  }

  /** `count` records written to sinks (topics and external sinks) in `ms`. */
  produced(count: number, ms: number): void {
    this.recordsOut += count;
    this.produceMs += ms;
    this.produces++;
  }

  error(nodeId: string): void {
    this.errors.set(nodeId, (this.errors.get(nodeId) ?? 0) + 1);
  }

  sample(nodeId: string, r: EngineRecord): void {
    this.samples[nodeId] = r;
  }

  taskCreated(_id: string): void {}

  snapshot(tasks: TaskGraph[]): MetricsBatch {
    const now = Date.now();
    const dt = Math.max(1, now - this.last.at) / 1000;
    const nodes: Record<string, NodeMetrics> = {};
    const watermarks: Record<string, number> = {};
    tasks.forEach((t, i) => {
      watermarks[String(i)] = t.watermark();
      for (const id of t.nodeIds()) {
        const c = t.counters(id);
        const n = (nodes[id] ??= {
          in: 0,
          out: 0,
          late: 0,
          errors: 0,
          stateEntries: 0,
          stateBytes: 0,
          inRate: 0,
        });
        n.in += c.in;
        n.out += c.out;
        n.late += c.late;
        n.stateEntries += c.stateEntries;
        n.stateBytes += c.stateBytes;
      }
    });
    const edges: Record<string, EdgeMetrics> = {};
    const edgeSamples: Record<string, EngineRecord[]> = {};
    for (const t of tasks)
      for (const e of t.edgeStats()) {
        const m = (edges[e.key] ??= { count: 0, rate: 0 });
        m.count += e.count;
        if (e.ring.length === 0) continue;
        const newest = e.ring.slice(e.next).concat(e.ring.slice(0, e.next));
        const list = edgeSamples[e.key];
        edgeSamples[e.key] = list ? list.concat(newest).slice(-EDGE_SAMPLES) : newest;
      }
    for (const [k, m] of Object.entries(edges)) m.rate = (m.count - (this.last.edges.get(k) ?? 0)) / dt;
    for (const [id, n] of Object.entries(nodes)) {
      n.errors = this.errors.get(id) ?? 0;
      n.inRate = (n.in - (this.last.nodeIn.get(id) ?? 0)) / dt;
    }
    const batch: MetricsBatch = {
      pipeline: this.pipeline,
      at: now,
      tasks: tasks.length,
      nodes,
      recordsIn: this.recordsIn,
      recordsOut: this.recordsOut,
      inRate: (this.recordsIn - this.last.in) / dt,
      outRate: (this.recordsOut - this.last.out) / dt,
      lag: [...this.lag.values()].reduce((a, b) => a + b, 0),
      lagByPartition: Object.fromEntries(this.lag),
      processingMsPerRecord: this.procRecords === 0 ? 0 : this.procMs / this.procRecords,
      produceMs: this.produces === 0 ? 0 : this.produceMs / this.produces,
      watermarks,
      samples: this.samples,
      edges,
      edgeSamples,
    };
    this.last = {
      at: now,
      in: this.recordsIn,
      out: this.recordsOut,
      nodeIn: new Map(Object.entries(nodes).map(([id, n]) => [id, n.in])),
      edges: new Map(Object.entries(edges).map(([k, m]) => [k, m.count])),
    };
    this.samples = {};
    this.procMs = 0;
    this.procRecords = 0;
    this.produceMs = 0;
    this.produces = 0;
    this.latest = batch;
    return batch;
  }
}
