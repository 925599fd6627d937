/**
 * The pipeline both resilience tests run: a topic source, a filter keeping even `n`, a topic
 * sink. Every expected output is then `n` even, which a test checks against what it produced.
 */
import { validateSpec } from '../../../../src/spec/validate';
import type { PipelineSpec } from '../../../../src/spec/types';

export function evenFilterSpec(name: string, input: string, output: string): PipelineSpec {
  const r = validateSpec({
    kflow: 1,
    name,
    nodes: [
      { id: 'src', kind: 'source.topic', config: { topic: input, eventTime: 'ts' } },
      { id: 'even', kind: 'filter', config: { where: 'n % 2 = 0' } },
      { id: 'out', kind: 'sink.topic', config: { topic: output } },
    ],
    edges: [
      { from: 'src', to: 'even' },
      { from: 'even', to: 'out' },
    ],
  } as unknown as PipelineSpec);
  if (!r.ok || !r.spec) throw new Error(JSON.stringify(r.problems));
  return r.spec;
}

/** Records `n = from..to` (inclusive), keyed `k<n>`, with event time n seconds. */
export const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    key: `k${from + i}`,
    value: { n: from + i, ts: 1000 * (from + i) },
  }));
