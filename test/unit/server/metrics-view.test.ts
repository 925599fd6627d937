import { describe, expect, it } from 'vitest';
import type { NodeMetrics } from '../../../src/engine/metrics/metrics';
import type { EngineRecord } from '../../../src/engine/operators/types';
import { metricsView, SAMPLES_PER_EDGE, type EngineBatch } from '../../../src/server/metrics-view';

const node = (n: Partial<NodeMetrics>): NodeMetrics => ({
  in: 0,
  out: 0,
  late: 0,
  errors: 0,
  stateEntries: 0,
  stateBytes: 0,
  inRate: 0,
  ...n,
});

const rec = (value: unknown, key: unknown = 'k'): EngineRecord => ({
  key,
  value,
  timestamp: 1000,
  headers: {},
});

function batch(b: Partial<EngineBatch>): EngineBatch {
  return {
    at: 3000,
    nodes: {},
    recordsIn: 0,
    recordsOut: 0,
    inRate: 0,
    outRate: 0,
    lag: 0,
    samples: {},
    ...b,
  };
}

// src → filter → sink, written with and without ports.
const chain = [
  { from: 'src', to: 'filter' },
  { from: 'filter.out', to: 'sink.in' },
];

describe('metricsView', () => {
  it('maps node counters and sums dead letters (errors) and late records over nodes', () => {
    const v = metricsView(
      batch({
        nodes: {
          src: node({ in: 10, out: 10, inRate: 5 }),
          filter: node({ in: 10, out: 7, errors: 2, late: 1 }),
        },
        recordsIn: 10,
        recordsOut: 7,
        lag: 3,
      }),
      { runId: 'r1', edges: chain, previous: null, deadLetterTopic: 'p-dlq', lateTopics: ['p-late'] },
    );
    expect(v.nodes['src']).toEqual({
      in: 10,
      out: 10,
      rate: 5,
      late: 0,
      errors: 0,
      stateEntries: 0,
      stateBytes: 0,
    });
    expect(v.deadLetters).toBe(2);
    expect(v.late).toBe(1);
    expect(v.lag).toBe(3);
    expect(v.runId).toBe('r1');
    expect(v.deadLetterTopic).toBe('p-dlq');
    expect(v.lateTopics).toEqual(['p-late']);
  });

  it("derives edge counts from the from-node's out counter and rates from the previous view", () => {
    const first = metricsView(
      batch({ at: 1000, nodes: { src: node({ out: 4 }), filter: node({ out: 1 }) } }),
      {
        runId: 'r',
        edges: chain,
        previous: null,
      },
    );
    expect(first.edges).toEqual({
      'src.out->filter.in': { count: 4, rate: 0 },
      'filter.out->sink.in': { count: 1, rate: 0 },
    });
    const second = metricsView(
      batch({ at: 3000, nodes: { src: node({ out: 10 }), filter: node({ out: 7 }) } }),
      {
        runId: 'r',
        edges: chain,
        previous: first,
      },
    );
    // (10 - 4) records in 2 s; (7 - 1) in 2 s.
    expect(second.edges).toEqual({
      'src.out->filter.in': { count: 10, rate: 3 },
      'filter.out->sink.in': { count: 7, rate: 3 },
    });
  });

  it('gives no derived count for edges of a node with several output ports', () => {
    const edges = [
      { from: 'split.big', to: 'a' },
      { from: 'split.small', to: 'b' },
      { from: 'src', to: 'split' },
    ];
    const v = metricsView(batch({ nodes: { src: node({ out: 5 }), split: node({ out: 5 }) } }), {
      runId: 'r',
      edges,
      previous: null,
    });
    expect(Object.keys(v.edges)).toEqual(['src.out->split.in']);
  });

  it("uses the engine's own edge counts and samples when the batch has them", () => {
    const samples = Array.from({ length: 25 }, (_, i) => rec({ n: i, big: 10n }, { id: i }));
    const v = metricsView(
      batch({
        nodes: { src: node({ out: 99 }) },
        edges: { 'src.out->filter.in': { count: 12, rate: 6 } },
        edgeSamples: { 'src.out->filter.in': samples },
      }),
      { runId: 'r', edges: chain, previous: null },
    );
    expect(v.edges).toEqual({ 'src.out->filter.in': { count: 12, rate: 6 } });
    const s = v.samples['src.out->filter.in'] ?? [];
    expect(s).toHaveLength(SAMPLES_PER_EDGE);
    // The newest 20 of 25: n = 5..24; bigint as a decimal string; an object key as JSON.
    expect(s[0]).toEqual({ key: '{"id":5}', value: { n: 5, big: '10' }, timestamp: 1000 });
    expect(s[19]?.value).toEqual({ n: 24, big: '10' });
  });

  it('puts the sampled sink record on the edges into that sink, keeping earlier samples up to the bound', () => {
    let v = metricsView(batch({ samples: { sink: rec({ n: 0 }) } }), {
      runId: 'r',
      edges: chain,
      previous: null,
    });
    expect(v.samples).toEqual({ 'filter.out->sink.in': [{ key: 'k', value: { n: 0 }, timestamp: 1000 }] });
    for (let i = 1; i <= 30; i++)
      v = metricsView(batch({ samples: i % 2 === 0 ? { sink: rec({ n: i }) } : {} }), {
        runId: 'r',
        edges: chain,
        previous: v,
      });
    const s = v.samples['filter.out->sink.in'] ?? [];
    // 16 samples (n = 0, 2, ..., 30): the bound is not reached, quiet batches lose nothing.
    expect(s.map((x) => (x.value as { n: number }).n)).toEqual(Array.from({ length: 16 }, (_, i) => i * 2));
  });
});
