// Small specs for operator tests: one source ("in", topic source, event time from
// the `ts` field), the node under test ("n"), and a sink ("out").
import { TestDriver } from '../../../src/engine/testing/driver';

export const s = 1000;
export const m = 60 * s;

export function single(
  kind: string,
  config: Record<string, unknown>,
  source: Record<string, unknown> = {},
  extraEdges: Array<{ from: string; to: string }> = [],
  extraNodes: Array<Record<string, unknown>> = [],
): TestDriver {
  return TestDriver.fromSpec({
    kflow: 1,
    name: 'unit',
    nodes: [
      { id: 'in', kind: 'source.topic', config: { topic: 'in', eventTime: 'ts', ...source } },
      { id: 'n', kind, config },
      { id: 'out', kind: 'sink.topic', config: { topic: 'out' } },
      ...extraNodes,
    ],
    edges: [{ from: 'in', to: 'n' }, { from: 'n', to: 'out' }, ...extraEdges],
  });
}

/** Pipes `[key, ts, fields]` rows into source `in`. */
export function feed(
  d: TestDriver,
  rows: Array<[unknown, number, Record<string, unknown>?]>,
  source = 'in',
): void {
  for (const [key, ts, fields] of rows) d.pipe(source, { key, value: { ts, ...fields } });
}

/** Output values of a sink, for compact expectations. */
export function values(d: TestDriver, sink = 'out'): unknown[] {
  return d.output(sink).map((r) => r.value);
}
