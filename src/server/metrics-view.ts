/**
 * @module server/metrics-view
 * The engine's metrics batch as the UI shows it (`RunMetricsView`): per node stats, per edge
 * counts, rates and samples keyed by `edgeKey()`. Pure.
 *
 * Edges: the engine's `batch.edges` / `batch.edgeSamples` when it reports them. An engine without
 * them still gives counts where they follow from node counters — an edge leaving a node whose
 * edges all leave from one port carries every record the node emitted — and samples from the one
 * record per sink it keeps, on the edges into that sink.
 */
import { edgeKey, qualifyEnd, type EdgeKey, type RunMetricsView, type SampleRecord } from '../api/index';
import type { MetricsBatch, NodeMetrics } from '../engine/metrics/metrics';
import type { EngineRecord } from '../engine/operators/types';
import type { SpecEdge } from '../spec/index';

/** Newest records kept per edge. */
export const SAMPLES_PER_EDGE = 20;

/** The fields of a batch this mapping reads; `edges` and `edgeSamples` are absent in older engines. */
export type EngineBatch = Pick<
  MetricsBatch,
  'at' | 'nodes' | 'recordsIn' | 'recordsOut' | 'inRate' | 'outRate' | 'lag' | 'samples'
> & {
  edges?: Record<string, { count: number; rate: number }>;
  edgeSamples?: Record<string, EngineRecord[]>;
};

export interface ViewContext {
  runId: string;
  edges: SpecEdge[];
  /** The previous view of this run, for derived rates and accumulated samples. */
  previous: RunMetricsView | null;
  deadLetterTopic?: string;
  lateTopics?: string[];
}

export function metricsView(batch: EngineBatch, ctx: ViewContext): RunMetricsView {
  const nodes: RunMetricsView['nodes'] = {};
  let deadLetters = 0;
  let late = 0;
  for (const [id, n] of Object.entries(batch.nodes)) {
    nodes[id] = nodeStats(n);
    deadLetters += n.errors;
    late += n.late;
  }
  const view: RunMetricsView = {
    runId: ctx.runId,
    at: batch.at,
    nodes,
    edges: batch.edges ? copyEdges(batch.edges) : derivedEdges(batch, ctx),
    samples: batch.edgeSamples ? engineSamples(batch.edgeSamples, ctx) : sinkSamples(batch, ctx),
    lag: batch.lag,
    recordsIn: batch.recordsIn,
    recordsOut: batch.recordsOut,
    inRate: batch.inRate,
    outRate: batch.outRate,
    deadLetters,
    late,
  };
  if (ctx.deadLetterTopic !== undefined) view.deadLetterTopic = ctx.deadLetterTopic;
  if (ctx.lateTopics !== undefined) view.lateTopics = ctx.lateTopics;
  return view;
}

function nodeStats(n: NodeMetrics): RunMetricsView['nodes'][string] {
  return {
    in: n.in,
    out: n.out,
    rate: n.inRate,
    late: n.late,
    errors: n.errors,
    stateEntries: n.stateEntries,
    stateBytes: n.stateBytes,
  };
}

function copyEdges(edges: NonNullable<EngineBatch['edges']>): RunMetricsView['edges'] {
  const out: RunMetricsView['edges'] = {};
  for (const [k, e] of Object.entries(edges)) out[k] = { count: e.count, rate: e.rate };
  return out;
}

const nodeOf = (end: string): string => end.slice(0, end.indexOf('.'));
const portOf = (end: string): string => end.slice(end.indexOf('.') + 1);

function derivedEdges(batch: EngineBatch, ctx: ViewContext): RunMetricsView['edges'] {
  const portsByNode = new Map<string, Set<string>>();
  for (const e of ctx.edges) {
    const from = qualifyEnd(e.from, 'from');
    const ports = portsByNode.get(nodeOf(from)) ?? new Set<string>();
    ports.add(portOf(from));
    portsByNode.set(nodeOf(from), ports);
  }
  const prev = ctx.previous;
  const dt = prev ? (batch.at - prev.at) / 1000 : 0;
  const out: RunMetricsView['edges'] = {};
  for (const e of ctx.edges) {
    const from = nodeOf(qualifyEnd(e.from, 'from'));
    const n = batch.nodes[from];
    // Several output ports: the node's out counter does not say which port a record took.
    if (!n || (portsByNode.get(from)?.size ?? 0) !== 1) continue;
    const key = edgeKey(e);
    const before = prev?.edges[key]?.count;
    out[key] = { count: n.out, rate: before !== undefined && dt > 0 ? Math.max(0, n.out - before) / dt : 0 };
  }
  return out;
}

function engineSamples(samples: Record<string, EngineRecord[]>, ctx: ViewContext): RunMetricsView['samples'] {
  const out: RunMetricsView['samples'] = {};
  // An edge quiet in this interval keeps the samples it had.
  for (const [k, s] of Object.entries(ctx.previous?.samples ?? {})) out[k] = s;
  for (const [k, records] of Object.entries(samples))
    if (records.length > 0) out[k] = records.slice(-SAMPLES_PER_EDGE).map(sampleRecord);
  return out;
}

function sinkSamples(batch: EngineBatch, ctx: ViewContext): RunMetricsView['samples'] {
  const out: RunMetricsView['samples'] = {};
  for (const [k, s] of Object.entries(ctx.previous?.samples ?? {})) out[k] = s;
  for (const e of ctx.edges) {
    const r = batch.samples[nodeOf(qualifyEnd(e.to, 'to'))];
    if (!r) continue;
    const key: EdgeKey = edgeKey(e);
    out[key] = [...(out[key] ?? []), sampleRecord(r)].slice(-SAMPLES_PER_EDGE);
  }
  return out;
}

export function sampleRecord(r: EngineRecord): SampleRecord {
  const s: SampleRecord = {
    key: r.key === null || r.key === undefined ? null : typeof r.key === 'string' ? r.key : stringify(r.key),
    value: jsonSafe(r.value),
    timestamp: r.timestamp,
  };
  if (Object.keys(r.headers).length > 0) s.headers = { ...r.headers };
  return s;
}

function stringify(v: unknown): string {
  try {
    return JSON.stringify(jsonSafe(v)) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Values as JSON carries them: bigint as a decimal string, Buffers as text, no functions. */
export function jsonSafe(v: unknown, depth = 0): unknown {
  if (depth > 32) return '…';
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return null;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (Array.isArray(v)) return v.map((x) => jsonSafe(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = jsonSafe(x, depth + 1);
  return out;
}
