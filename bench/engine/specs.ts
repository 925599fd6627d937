// The pipelines the engine bench and the join soak run, validated like `kflow run` validates them.
import type { PipelineSpec } from '../../src/spec/types';
import { validateSpec } from '../../src/spec/validate';

function validated(raw: unknown): PipelineSpec {
  const r = validateSpec(raw as PipelineSpec);
  if (!r.ok || !r.spec) throw new Error(`invalid bench spec: ${JSON.stringify(r.problems)}`);
  return r.spec;
}

const fields = { id: 'number', user: 'string', category: 'string', value: 'number', ts: 'timestamp' };

/** filter → map → topic. The filter keeps every bench record (value ≥ 0), so output = input. */
export function statelessSpec(name: string, input: string, output: string): PipelineSpec {
  return validated({
    kflow: 1,
    name,
    nodes: [
      { id: 'src', kind: 'source.topic', config: { topic: input, eventTime: 'ts', fields } },
      { id: 'keep', kind: 'filter', config: { where: 'value >= 0' } },
      {
        id: 'shape',
        kind: 'map',
        config: { set: { value2: 'value * 2' }, rename: { category: 'cat' } },
      },
      { id: 'out', kind: 'sink.topic', config: { topic: output } },
    ],
    edges: [
      { from: 'src', to: 'keep' },
      { from: 'keep', to: 'shape' },
      { from: 'shape', to: 'out' },
    ],
  });
}

/** The seed's aggregation on event time: 5-minute tumbling windows per category, sum and count. */
export function windowSpec(name: string, input: string, output: string): PipelineSpec {
  return validated({
    kflow: 1,
    name,
    nodes: [
      { id: 'src', kind: 'source.topic', config: { topic: input, eventTime: 'ts', fields } },
      {
        id: 'win',
        kind: 'window.tumbling',
        config: {
          size: '5m',
          grace: '30s',
          groupBy: 'category',
          aggregates: { total: 'sum(value)', events: 'count(*)' },
          emit: 'final',
        },
      },
      { id: 'out', kind: 'sink.topic', config: { topic: output } },
    ],
    edges: [
      { from: 'src', to: 'win' },
      { from: 'win', to: 'out' },
    ],
  });
}

/** Inner stream-stream join of clicks and purchases by user, within 10 s, grace 2 s. */
export function joinSpec(name: string, left: string, right: string, output: string, partitions: number) {
  const f = { user: 'string', n: 'number', ts: 'timestamp' };
  return validated({
    kflow: 1,
    name,
    nodes: [
      { id: 'l', kind: 'source.topic', config: { topic: left, eventTime: 'ts', fields: f, partitions } },
      { id: 'r', kind: 'source.topic', config: { topic: right, eventTime: 'ts', fields: f, partitions } },
      {
        id: 'join',
        kind: 'join.stream-stream',
        config: { type: 'inner', within: '10s', grace: '2s', leftKey: 'user', rightKey: 'user' },
      },
      { id: 'out', kind: 'sink.topic', config: { topic: output } },
    ],
    edges: [
      { from: 'l', to: 'join.left' },
      { from: 'r', to: 'join.right' },
      { from: 'join', to: 'out' },
    ],
  });
}
