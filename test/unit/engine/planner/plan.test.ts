// The planner on specs written by hand: where repartitions go, co-partitioning, internal topic names.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { planPipeline, formatPlan } from '../../../../src/engine/planner/index';
import type { PipelineSpec } from '../../../../src/spec/types';
import { validateSpec } from '../../../../src/spec/validate';

function spec(raw: unknown): PipelineSpec {
  const r = validateSpec(raw);
  if (!r.spec) throw new Error(JSON.stringify(r.problems));
  return r.spec;
}
const example = (f: string) =>
  spec(JSON.parse(readFileSync(new URL(`../../../../resources/examples/${f}`, import.meta.url), 'utf8')));

const src = (id: string, topic: string) => ({ id, kind: 'source.topic', config: { topic } });
const sink = (id: string, topic: string) => ({ id, kind: 'sink.topic', config: { topic } });
const win = (id: string, groupBy?: string) => ({
  id,
  kind: 'window.tumbling',
  config: { size: '1m', aggregates: { n: 'count(*)' }, ...(groupBy ? { groupBy } : {}) },
});

describe('planPipeline', () => {
  it('clicks-per-category: groupBy category reads through a repartition topic; names of every internal topic', () => {
    const plan = planPipeline(example('clicks-per-category.json'), { existingTopics: { 'raw-events': 3 } });
    expect(plan.groupId).toBe('kflow-clicks-per-category');
    expect(plan.repartitions).toMatchObject([
      {
        topic: 'clicks-per-category-per5min-repartition',
        from: 'raw',
        to: 'per5min',
        partitions: 3,
        keyExpr: 'category',
        // sum and count over a tumbling window, emitted when it closes: partials are exact.
        crossing: { mode: 'partial' },
      },
    ]);
    expect(formatPlan(plan)).toContain(
      'sends partial aggregates per group and window (combined before the topic)',
    );
    // Two sub-topologies: the source alone, then window → sink reading the repartition topic.
    expect(plan.subtopologies.map((s) => s.nodes)).toEqual([['raw'], ['per5min', 'out']]);
    expect(plan.tasks.map((t) => t.id)).toEqual(['0_0', '0_1', '0_2', '1_0', '1_1', '1_2']);
    expect(plan.tasks[4]?.inputs).toEqual([
      { topic: 'clicks-per-category-per5min-repartition', partition: 1 },
    ]);
    const topics = Object.fromEntries(plan.topics.map((t) => [t.name, t]));
    expect(topics['clicks-per-category-per5min-changelog']).toMatchObject({
      role: 'changelog',
      partitions: 3,
      config: { 'cleanup.policy': 'compact' },
      create: true,
    });
    expect(topics['clicks-per-category.per5min.late']).toMatchObject({ role: 'late', partitions: 3 });
    expect(topics['clicks-per-category.dlq']).toMatchObject({ role: 'dlq', partitions: 1 });
    expect(topics['raw-events']).toMatchObject({ role: 'source', partitions: 3, create: false });
    // The sink does not exist: created with the partitions of its sub-topology.
    expect(topics['aggregated-events']).toMatchObject({ role: 'sink', partitions: 3, create: true });
  });

  it('a window without groupBy straight after a source needs no repartition', () => {
    const plan = planPipeline(
      spec({
        kflow: 1,
        name: 'p',
        nodes: [src('a', 'in'), win('w'), sink('o', 'out')],
        edges: [
          { from: 'a', to: 'w' },
          { from: 'w', to: 'o' },
        ],
      }),
      { existingTopics: { in: 2 } },
    );
    expect(plan.repartitions).toEqual([]);
    expect(plan.subtopologies).toHaveLength(1);
    expect(plan.tasks.map((t) => t.id)).toEqual(['0_0', '0_1']);
  });

  it('a rekey before a window inserts a repartition; a filter after the rekey does not hide it', () => {
    const plan = planPipeline(
      spec({
        kflow: 1,
        name: 'p',
        nodes: [
          src('a', 'in'),
          { id: 'rk', kind: 'rekey', config: { key: 'user_id' } },
          { id: 'f', kind: 'filter', config: { where: 'TRUE' } },
          win('w'),
          sink('o', 'out'),
        ],
        edges: [
          { from: 'a', to: 'rk' },
          { from: 'rk', to: 'f' },
          { from: 'f', to: 'w' },
          { from: 'w', to: 'o' },
        ],
      }),
      { existingTopics: { in: 4 } },
    );
    expect(plan.repartitions).toMatchObject([
      { topic: 'p-w-repartition', from: 'f', to: 'w', partitions: 4 },
    ]);
    expect(plan.repartitions[0]?.reason).toContain('the key changes upstream');
    expect(plan.repartitions[0]?.keyExpr).toBeUndefined();
  });

  it('a join of sources with 2 and 4 partitions repartitions the smaller side and says so', () => {
    const plan = planPipeline(
      spec({
        kflow: 1,
        name: 'j',
        nodes: [
          src('l', 'left-topic'),
          src('r', 'right-topic'),
          { id: 'jn', kind: 'join.stream-stream', config: { within: '1m' } },
          sink('o', 'out'),
        ],
        edges: [
          { from: 'l', to: 'jn.left' },
          { from: 'r', to: 'jn.right' },
          { from: 'jn', to: 'o' },
        ],
      }),
      { existingTopics: { 'left-topic': 2, 'right-topic': 4 } },
    );
    expect(plan.repartitions).toMatchObject([
      { topic: 'j-jn-repartition', from: 'l', toPort: 'left', partitions: 4 },
    ]);
    expect(plan.notes.some((n) => n.includes('co-partitioned'))).toBe(true);
    // The right source and the repartitioned left side form one sub-topology of 4 tasks.
    const joinSub = plan.subtopologies.find((s) => s.nodes.includes('jn'));
    expect(joinSub?.partitions).toBe(4);
    expect(joinSub?.repartitionInputs).toEqual(['j-jn-repartition']);
    expect(plan.tasks.filter((t) => t.subtopology === joinSub?.id)).toHaveLength(4);
  });

  it('co-partitioned join sources keyed by their record key share tasks without a repartition', () => {
    const plan = planPipeline(
      spec({
        kflow: 1,
        name: 'j',
        nodes: [
          src('l', 'a'),
          src('r', 'b'),
          { id: 'jn', kind: 'join.stream-stream', config: { within: '1m' } },
          sink('o', 'out'),
        ],
        edges: [
          { from: 'l', to: 'jn.left' },
          { from: 'r', to: 'jn.right' },
          { from: 'jn', to: 'o' },
        ],
      }),
      { existingTopics: { a: 3, b: 3 } },
    );
    expect(plan.repartitions).toEqual([]);
    expect(plan.tasks.map((t) => t.inputs)).toEqual(
      [0, 1, 2].map((p) => [
        { topic: 'a', partition: p },
        { topic: 'b', partition: p },
      ]),
    );
  });

  it('join-orders-payments: explicit keys on both sides share one repartition topic (also with one partition each)', () => {
    const plan = planPipeline(example('join-orders-payments.json'), {
      existingTopics: { orders: 1, payments: 1 },
    });
    expect(plan.repartitions.map((r) => [r.from, r.toPort, r.topic, r.keyExpr])).toEqual([
      ['orders', 'left', 'join-orders-payments-match-repartition', 'user_id'],
      ['payments', 'right', 'join-orders-payments-match-repartition', 'user_id'],
    ]);
    expect(plan.changelogs).toEqual({ match: 'join-orders-payments-match-changelog' });
    // The join's late port is not connected: late records go to the pipeline's late topic for it.
    expect(plan.lateTopics).toEqual({ match: 'join-orders-payments.match.late' });
  });

  it('a connected late port gets no late topic; a missing source topic is created and noted', () => {
    const plan = planPipeline(
      spec({
        kflow: 1,
        name: 'p',
        nodes: [src('a', 'in'), win('w'), sink('o', 'out'), sink('l', 'late-out')],
        edges: [
          { from: 'a', to: 'w' },
          { from: 'w', to: 'o' },
          { from: 'w.late', to: 'l' },
        ],
      }),
      { existingTopics: {} },
    );
    expect(plan.lateTopics).toEqual({});
    expect(plan.notes).toContain('source topic "in" does not exist; the run creates it with 1 partition(s)');
    expect(formatPlan(plan)).toContain('p-w-changelog');
  });

  it('one partition everywhere: groupBy needs no repartition, one task sees every key (noted)', () => {
    const plan = planPipeline(example('clicks-per-category.json'), { existingTopics: { 'raw-events': 1 } });
    expect(plan.repartitions).toEqual([]);
    expect(plan.subtopologies.map((s) => s.nodes)).toEqual([['raw', 'per5min', 'out']]);
    expect(plan.tasks.map((t) => t.id)).toEqual(['0_0']);
    expect(plan.tasks[0]?.inputs).toEqual([{ topic: 'raw-events', partition: 0 }]);
    expect(plan.topics.map((t) => t.role)).not.toContain('repartition');
    expect(plan.notes).toContain(
      'raw.out → per5min.in needs no repartition although per5min partitions by category: every input has one partition, so one task sees every key',
    );
  });

  it('groupBy _key is the record key: no repartition on a 4-partition source', () => {
    const plan = planPipeline(
      spec({
        kflow: 1,
        name: 'p',
        nodes: [src('a', 'in'), win('w', '_key'), sink('o', 'out')],
        edges: [
          { from: 'a', to: 'w' },
          { from: 'w', to: 'o' },
        ],
      }),
      { existingTopics: { in: 4 } },
    );
    expect(plan.repartitions).toEqual([]);
    expect(plan.tasks.map((t) => t.id)).toEqual(['0_0', '0_1', '0_2', '0_3']);
  });

  it('records cross one by one when a partial would not be exact, and the plan says why', () => {
    const cases: Array<[object, string]> = [
      [
        { kind: 'window.tumbling', config: { size: '1m', groupBy: 'g', aggregates: { f: 'first(v)' } } },
        'first() in f depends on arrival order',
      ],
      [
        { kind: 'window.tumbling', config: { size: '1m', groupBy: 'g', aggregates: { c: 'collect(v)' } } },
        'collect() in c depends on arrival order',
      ],
      [
        {
          kind: 'window.tumbling',
          config: { size: '1m', groupBy: 'g', emit: 'update', aggregates: { n: 'count(*)' } },
        },
        'the window emits every update',
      ],
      [
        {
          kind: 'window.tumbling',
          config: { size: '1m', groupBy: 'lower(g)', aggregates: { n: 'count(*)' } },
        },
        'groupBy lower(g) is not a plain field',
      ],
      [
        {
          kind: 'window.hopping',
          config: { size: '2m', advance: '1m', groupBy: 'g', aggregates: { n: 'count(*)' } },
        },
        'a hopping record is in several windows and its missed windows are reported per record',
      ],
    ];
    for (const [w, why] of cases) {
      const plan = planPipeline(
        spec({
          kflow: 1,
          name: 'p',
          nodes: [src('a', 'in'), { id: 'w', ...w }, sink('o', 'out')],
          edges: [
            { from: 'a', to: 'w' },
            { from: 'w', to: 'o' },
          ],
        }),
        { existingTopics: { in: 2 } },
      );
      expect(plan.repartitions.map((r) => r.crossing)).toEqual([{ mode: 'per-record', why }]);
      expect(formatPlan(plan)).toContain(`sends every record (${why})`);
    }
    // avg, min, max and count_distinct merge in any order, also inside a larger expression.
    const ok = planPipeline(
      spec({
        kflow: 1,
        name: 'p',
        nodes: [
          src('a', 'in'),
          {
            id: 'w',
            kind: 'window.tumbling',
            config: {
              size: '1m',
              groupBy: ['g', 'h'],
              aggregates: { a: 'avg(v)', m: 'max(v) - min(v)', d: 'count_distinct(u)' },
            },
          },
          sink('o', 'out'),
        ],
        edges: [
          { from: 'a', to: 'w' },
          { from: 'w', to: 'o' },
        ],
      }),
      { existingTopics: { in: 2 } },
    );
    expect(ok.repartitions.map((r) => r.crossing)).toEqual([{ mode: 'partial' }]);
  });
});
