import { describe, expect, it } from 'vitest';
import { InMemoryKeyValueStore, InMemoryWindowStore, memoryStores } from '../../../../src/engine/state/index';
import type { StoreFactory } from '../../../../src/engine/state/index';
import { TestDriver } from '../../../../src/engine/testing/driver';
import { m } from '../helpers';

const spec = {
  kflow: 1,
  name: 'restore',
  nodes: [
    { id: 'in', kind: 'source.topic', config: { topic: 'in', eventTime: 'ts' } },
    {
      id: 'w',
      kind: 'window.tumbling',
      config: { size: '5m', aggregates: { total: 'sum(v)', n: 'count(*)' } },
    },
    { id: 'out', kind: 'sink.topic', config: { topic: 'out' } },
  ],
  edges: [
    { from: 'in', to: 'w' },
    { from: 'w', to: 'out' },
  ],
};

describe('changelog restore', () => {
  it('a driver rebuilt from the changelog continues with the same results', () => {
    const log: Array<[string, unknown, unknown]> = [];
    const rows = Array.from({ length: 40 }, (_, i) => ({
      key: `k${i % 3}`,
      value: { ts: i * 20_000, v: i },
    }));
    const first = TestDriver.fromSpec(spec, {
      stores: memoryStores((store, k, v) => log.push([store, k, v])),
    });
    const whole = TestDriver.fromSpec(spec);
    rows.slice(0, 25).forEach((r) => first.pipe('in', r));
    rows.forEach((r) => whole.pipe('in', r));

    // Replays the changelog through JSON, as a compacted topic would hand it back.
    const replay = JSON.parse(JSON.stringify(log)) as Array<[string, never, never]>;
    const restored: StoreFactory = {
      keyValue: <V>(name: string) => {
        const st = new InMemoryKeyValueStore<V>(name);
        st.restore(replay.filter(([n]) => n === name).map(([, k, v]) => [k, v]));
        return st;
      },
      window: <V>(name: string) => {
        const st = new InMemoryWindowStore<V>(name);
        st.restore(replay.filter(([n]) => n === name).map(([, k, v]) => [k, v]));
        return st;
      },
    };
    const second = TestDriver.fromSpec(spec, { stores: restored });
    expect(second.counters('w').stateEntries).toBe(first.counters('w').stateEntries);
    rows.slice(25).forEach((r) => second.pipe('in', r));
    second.endOfInput();
    whole.endOfInput();
    const after = (d: TestDriver): unknown[] =>
      d.output('out').filter((r) => (r.value as { window_start: number }).window_start >= 5 * m);
    expect(after(second)).toEqual(after(whole));
  });
});
