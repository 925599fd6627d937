/**
 * Bounded history of a run's metrics for the sparklines and charts. Every series is aligned with
 * `at` (one entry per metrics batch), so a chart can plot several series on one x axis; a node or
 * edge missing from a batch gets `null` there (a gap, not a zero).
 */
import type { RunMetricsView } from '../../../api/index';

/** Thirty seconds at the backend's fastest push rate (4/s), two minutes at 1/s. */
export const HISTORY_POINTS = 120;

export type Series = (number | null)[];

export interface NodeSeries {
  rate: Series;
  stateEntries: Series;
}

export interface RunHistory {
  at: number[];
  lag: Series;
  inRate: Series;
  outRate: Series;
  nodes: Record<string, NodeSeries>;
  edges: Record<string, Series>;
}

export function emptyHistory(): RunHistory {
  return { at: [], lag: [], inRate: [], outRate: [], nodes: {}, edges: {} };
}

/** `series` with `value` appended, keeping the last `max` entries; a new array (state stays immutable). */
export function pushBounded<T>(series: readonly T[], value: T, max = HISTORY_POINTS): T[] {
  const start = series.length + 1 > max ? series.length + 1 - max : 0;
  const out = series.slice(start);
  out.push(value);
  return out;
}

function gap(length: number): Series {
  return new Array<number | null>(length).fill(null);
}

/** The history after one more metrics batch. */
export function appendMetrics(h: RunHistory, m: RunMetricsView, max = HISTORY_POINTS): RunHistory {
  // Length of every series before the push, capped as the push will cap it.
  const before = h.at.length;
  const pad = (s: Series | undefined): Series => s ?? gap(before);
  const nodes: Record<string, NodeSeries> = {};
  for (const id of new Set([...Object.keys(h.nodes), ...Object.keys(m.nodes)])) {
    const prev = h.nodes[id];
    const stats = m.nodes[id];
    nodes[id] = {
      rate: pushBounded(pad(prev?.rate), stats ? stats.rate : null, max),
      stateEntries: pushBounded(pad(prev?.stateEntries), stats ? stats.stateEntries : null, max),
    };
  }
  const edges: Record<string, Series> = {};
  for (const key of new Set([...Object.keys(h.edges), ...Object.keys(m.edges)])) {
    const stats = m.edges[key];
    edges[key] = pushBounded(pad(h.edges[key]), stats ? stats.rate : null, max);
  }
  return {
    at: pushBounded(h.at, m.at, max),
    lag: pushBounded(h.lag, m.lag, max),
    inRate: pushBounded(h.inRate, m.inRate, max),
    outRate: pushBounded(h.outRate, m.outRate, max),
    nodes,
    edges,
  };
}
