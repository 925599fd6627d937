// Two task graphs as the runtime wires them when a repartition into a tumbling window sends
// partial aggregates: the source task folds what crosses and hands the partials over at a flush;
// the window task merges them. Totals derived by hand below.
import { describe, expect, it } from 'vitest';
import { TaskGraph } from '../../../../src/engine/runtime/task-graph';
import type { EngineRecord } from '../../../../src/engine/operators/types';
import { memoryStores } from '../../../../src/engine/state/memory';
import { checkGraph, type ResolvedEdge } from '../../../../src/spec/graph';
import type { PipelineSpec, Problem, SpecNode } from '../../../../src/spec/types';
import { validateSpec } from '../../../../src/spec/validate';

const m = 60_000;

function setup() {
  const r = validateSpec({
    kflow: 1,
    name: 'combine',
    nodes: [
      { id: 'in', kind: 'source.topic', config: { topic: 'in', eventTime: 'ts' } },
      {
        id: 'w',
        kind: 'window.tumbling',
        config: { size: '5m', grace: '0s', groupBy: 'cat', aggregates: { total: 'sum(v)', n: 'count(*)' } },
      },
      { id: 'out', kind: 'sink.topic', config: { topic: 'out' } },
    ],
    edges: [
      { from: 'in', to: 'w' },
      { from: 'w', to: 'out' },
    ],
  } as unknown as PipelineSpec);
  if (!r.ok || !r.spec) throw new Error(JSON.stringify(r.problems));
  const spec = r.spec;
  const problems: Problem[] = [];
  const g = checkGraph(spec, new Map(spec.nodes.map((n) => [n.id, n.config])), problems);
  const edge = g.edges.find((e) => e.to === 'w') as ResolvedEdge;
  const node = (id: string) => spec.nodes.find((n) => n.id === id) as SpecNode;
  const crossed: EngineRecord[] = [];
  const dead: string[] = [];
  const sink: unknown[] = [];
  const late: EngineRecord[] = [];
  const hooks = {
    sink: (_: string, rec: EngineRecord) => sink.push(rec.value),
    late: (_: string, rec: EngineRecord) => late.push(rec),
    deadLetter: (at: string) => dead.push(at),
  };
  const source = new TaskGraph({
    nodes: [node('in')],
    edges: g.edges,
    order: g.order,
    cut: new Set([edge.index]),
    combine: new Map([[edge.index, node('w')]]),
    stores: () => memoryStores(),
    now: () => 0,
    hooks: { ...hooks, crossing: (_, rec) => crossed.push(JSON.parse(JSON.stringify(rec)) as EngineRecord) },
  });
  const window = new TaskGraph({
    nodes: [node('w'), node('out')],
    edges: g.edges,
    order: g.order,
    stores: () => memoryStores(),
    now: () => 0,
    hooks,
  });
  return { source, window, crossed, dead, sink, late };
}

const rec = (cat: string, t: number, v: unknown): EngineRecord => ({
  key: null,
  value: { cat, v, ts: t },
  timestamp: t,
  headers: {},
  source: { topic: 'in', partition: 0, offset: 0 },
});

describe('a task graph sending partial aggregates', () => {
  it('folds until the flush, sends a record late here to late downstream and dead-letters a bad one', () => {
    const { source, window, crossed, dead, sink, late } = setup();
    // [0,5m): a 1 + a 2 + b 4; [5m,10m): a 8. Then the source's watermark is 6m, so a at 1m
    // (window [0,5m) closed here, grace 0) crosses on its own; "x" is not a number for sum().
    for (const r of [rec('a', 0, 1), rec('a', 1 * m, 2), rec('b', 2 * m, 4), rec('a', 6 * m, 8)]) {
      source.deliver('in', 'in', r);
      source.advance();
    }
    expect(source.watermark()).toBe(6 * m);
    source.deliver('in', 'in', rec('a', 1 * m, 16));
    source.deliver('in', 'in', rec('a', 7 * m, 'x'));
    expect(dead).toEqual(['w']);
    // Only the record late here has crossed so far; the rest waits for the flush.
    expect(crossed.map((r) => r.value)).toEqual([{ cat: 'a', v: 16, ts: 1 * m }]);
    expect(crossed[0]?.headers).toEqual({ 'kflow-late': '1' });
    source.drainPartials();
    expect(crossed.map((r) => [r.value, r.timestamp])).toEqual([
      [{ cat: 'a', v: 16, ts: 1 * m }, 1 * m],
      [{ cat: 'a' }, 1 * m],
      [{ cat: 'b' }, 2 * m],
      [{ cat: 'a' }, 6 * m],
    ]);
    source.drainPartials();
    expect(crossed.length).toBe(4);

    // The window task reads them in that order. Its watermark starts below all of them, yet the
    // lone record stays late: it was late on its own partition, where that is known. A partial
    // counts as the records it covers.
    for (const r of crossed) window.deliverCrossed('w', 'in', r);
    expect(window.counters('w')).toMatchObject({ in: 5, late: 1 });
    expect(late.map((r) => [r.value, r.headers])).toEqual([
      [{ cat: 'a', v: 16, ts: 1 * m }, { 'kflow-missed-windows': '1/1' }],
    ]);
    window.setWatermark(10 * m);
    expect(sink).toEqual([
      { cat: 'a', total: 3, n: 2, window_start: 0, window_end: 5 * m },
      { cat: 'b', total: 4, n: 1, window_start: 0, window_end: 5 * m },
      { cat: 'a', total: 8, n: 1, window_start: 5 * m, window_end: 10 * m },
    ]);
  });

  it('a partial reaching a closed window counts all its records as late', () => {
    const { source, window, crossed, late } = setup();
    source.deliver('in', 'in', rec('a', 0, 1));
    source.deliver('in', 'in', rec('a', 1 * m, 2));
    source.drainPartials();
    window.setWatermark(5 * m);
    for (const r of crossed) window.deliver('w', 'in', r);
    expect(window.counters('w')).toMatchObject({ in: 2, late: 2 });
    expect(late.map((r) => r.value)).toEqual([
      { cat: 'a', total: 3, n: 2, window_start: 0, window_end: 5 * m },
    ]);
  });
});
