// Per-edge counts, rates and samples in the metrics batch (what the UI's edge view shows).
import { describe, expect, it } from 'vitest';
import { RunMetrics } from '../../../../src/engine/metrics/metrics';
import { TaskGraph } from '../../../../src/engine/runtime/task-graph';
import { memoryStores } from '../../../../src/engine/state/memory';
import { checkGraph } from '../../../../src/spec/graph';
import type { PipelineSpec, Problem } from '../../../../src/spec/types';
import { validateSpec } from '../../../../src/spec/validate';

// in ──► keep (value > 10) ──► out
//  └──────────────────────────► all
function graph(sampleEdges: boolean): TaskGraph {
  const r = validateSpec({
    kflow: 1,
    name: 'edges',
    nodes: [
      { id: 'in', kind: 'source.topic', config: { topic: 'in', eventTime: 'ts' } },
      { id: 'keep', kind: 'filter', config: { where: 'value > 10' } },
      { id: 'out', kind: 'sink.topic', config: { topic: 'out' } },
      { id: 'all', kind: 'sink.topic', config: { topic: 'all' } },
    ],
    edges: [
      { from: 'in', to: 'keep' },
      { from: 'keep', to: 'out' },
      { from: 'in', to: 'all' },
    ],
  } as unknown as PipelineSpec);
  if (!r.ok || !r.spec) throw new Error(JSON.stringify(r.problems));
  const spec = r.spec;
  const problems: Problem[] = [];
  const g = checkGraph(spec, new Map(spec.nodes.map((n) => [n.id, n.config])), problems);
  return new TaskGraph({
    nodes: spec.nodes,
    edges: g.edges,
    order: g.order,
    stores: () => memoryStores(),
    now: () => 0,
    sampleEdges,
    hooks: { sink: () => undefined, late: () => undefined, deadLetter: () => undefined },
  });
}

function feed(g: TaskGraph, from: number, to: number): void {
  for (let v = from; v <= to; v++)
    g.deliver('in', 'in', {
      key: `k${v}`,
      value: { value: v, ts: v * 1000 },
      timestamp: v * 1000,
      headers: {},
    });
}

const IN_KEEP = 'in.out->keep.in';
const KEEP_OUT = 'keep.out->out.in';
const IN_ALL = 'in.out->all.in';

describe('edge metrics', () => {
  it('count every record per edge, keyed like edgeKey(), and sample the newest 20 oldest first', () => {
    const g = graph(true);
    const m = new RunMetrics('edges');
    feed(g, 1, 25);
    const b = m.snapshot([g]);
    // 25 records in; 15 of them (11..25) pass the filter.
    expect(Object.fromEntries(Object.entries(b.edges).map(([k, e]) => [k, e.count]))).toEqual({
      [IN_KEEP]: 25,
      [KEEP_OUT]: 15,
      [IN_ALL]: 25,
    });
    const vals = (k: string) => (b.edgeSamples[k] ?? []).map((r) => (r.value as { value: number }).value);
    expect(vals(IN_KEEP)).toEqual([
      6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
    ]);
    expect(vals(KEEP_OUT)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(vals(IN_ALL)).toHaveLength(20);
  });

  it('sum counts over tasks, and a rate is the records since the last batch over the time between', async () => {
    const a = graph(false);
    const b = graph(false);
    const m = new RunMetrics('edges');
    feed(a, 1, 5);
    m.snapshot([a, b]);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 200));
    feed(a, 6, 15); // 5 of them (11..15) pass
    feed(b, 20, 29); // all 10 pass
    const second = m.snapshot([a, b]);
    const dt = (Date.now() - t0) / 1000;
    expect(second.edges[IN_KEEP]?.count).toBe(25);
    expect(second.edges[KEEP_OUT]?.count).toBe(15);
    // 20 records on in→keep since the first batch, in a little over 0.2 s.
    expect(second.edges[IN_KEEP]?.rate).toBeGreaterThan(20 / (dt + 0.05));
    expect(second.edges[IN_KEEP]?.rate).toBeLessThanOrEqual(20 / 0.2);
    // Without sampling nothing is kept.
    expect(second.edgeSamples).toEqual({});
  });
});
