// The map-side combine of a tumbling window: partials folded upstream, merged by the window,
// with results equal to what the window computes from the records one by one.
import { describe, expect, it } from 'vitest';
import { PARTIAL_RECORDS_HEADER, WindowCombiner } from '../../../../src/engine/operators/window-combine';
import { WindowAggregateOperator } from '../../../../src/engine/operators/window-aggregate';
import type { EngineRecord, OperatorContext } from '../../../../src/engine/operators/types';
import { memoryStores } from '../../../../src/engine/state/index';

const m = 60_000;
const config = {
  size: '5m',
  grace: '30s',
  groupBy: 'category',
  aggregates: {
    total: 'sum(v)',
    events: 'count(*)',
    mean: 'avg(v)',
    users: 'count_distinct(u)',
    top: 'max(v)',
  },
};
const rec = (category: string, t: number, v: unknown, u = 'x'): EngineRecord => ({
  key: `k-${t}`,
  value: { category, v, u },
  timestamp: t,
  headers: {},
});

function windowOp() {
  const op = new WindowAggregateOperator('w', 'window.tumbling', config, { stores: memoryStores() });
  const out: Array<[string, EngineRecord]> = [];
  const ctx: OperatorContext = {
    emit: (port, r) => out.push([port, r]),
    deadLetter: () => undefined,
  };
  return { op, out, ctx };
}

/** What crosses the topic: key, value and headers survive as JSON. */
const roundTrip = (r: EngineRecord): EngineRecord => JSON.parse(JSON.stringify(r)) as EngineRecord;

describe('WindowCombiner and the window merging its partials', () => {
  it('one partial per (group, window) covering its records; the window ends with the per-record totals', () => {
    // Two upstream tasks; by hand:
    //   [0,5m)  books: 3 (u1) + 4 (u2) + 5 (u1) → total 12, events 3, mean 4, users 2, top 5
    //           games: 1 (u1)                    → total 1, events 1, mean 1, users 1, top 1
    //   [5m,10m) books: 2 (u3)                   → total 2, events 1, mean 2, users 1, top 2
    const a = new WindowCombiner(config);
    const b = new WindowCombiner(config);
    expect(a.add(rec('books', 0, 3, 'u1'), -Infinity)).toBe(true);
    expect(a.add(rec('books', 1 * m, 4, 'u2'), -Infinity)).toBe(true);
    expect(a.add(rec('games', 2 * m, 1, 'u1'), -Infinity)).toBe(true);
    expect(a.add(rec('books', 6 * m, 2, 'u3'), -Infinity)).toBe(true);
    expect(b.add(rec('books', 3 * m, 5, 'u1'), -Infinity)).toBe(true);
    expect(a.pending).toBe(3);
    const partials = [...a.drain(), ...b.drain()].map(roundTrip);
    expect(a.pending).toBe(0);
    expect(a.drain()).toEqual([]);
    // Each partial carries the group's field and the newest event time it covers.
    expect(partials.map((p) => [p.value, p.timestamp])).toEqual([
      [{ category: 'books' }, 1 * m],
      [{ category: 'games' }, 2 * m],
      [{ category: 'books' }, 6 * m],
      [{ category: 'books' }, 3 * m],
    ]);
    const { op, out, ctx } = windowOp();
    for (const p of partials) op.process(p, ctx);
    expect(out).toEqual([]);
    op.onWatermark(10 * m + 30_000, ctx);
    expect(out.map(([port, r]) => [port, r.value])).toEqual([
      [
        'out',
        {
          category: 'books',
          total: 12,
          events: 3,
          mean: 4,
          users: 2,
          top: 5,
          window_start: 0,
          window_end: 5 * m,
        },
      ],
      [
        'out',
        {
          category: 'games',
          total: 1,
          events: 1,
          mean: 1,
          users: 1,
          top: 1,
          window_start: 0,
          window_end: 5 * m,
        },
      ],
      [
        'out',
        {
          category: 'books',
          total: 2,
          events: 1,
          mean: 2,
          users: 1,
          top: 2,
          window_start: 5 * m,
          window_end: 10 * m,
        },
      ],
    ]);
  });

  it('a record already late upstream is not folded: it crosses on its own', () => {
    const c = new WindowCombiner(config);
    // [0,5m) closes at 5m30 (grace 30 s): at watermark 5m30 a record at 4m is late, one at 5m is not.
    expect(c.add(rec('books', 4 * m, 1), 5 * m + 30_000)).toBe(false);
    expect(c.add(rec('books', 5 * m, 1), 5 * m + 30_000)).toBe(true);
    expect(c.pending).toBe(1);
  });

  it('a bad record throws before anything is folded', () => {
    const c = new WindowCombiner(config);
    c.add(rec('books', 0, 1), -Infinity);
    expect(() => c.add(rec('books', 0, 'seven'), -Infinity)).toThrow(/sum\(\) needs numbers/);
    const [p] = c.drain().map(roundTrip);
    const { op, out, ctx } = windowOp();
    op.process(p as EngineRecord, ctx);
    op.onWatermark(6 * m, ctx);
    expect(out.map(([, r]) => (r.value as { events: number }).events)).toEqual([1]);
  });

  it('a partial reaching a closed window goes to late with how many records it covers', () => {
    const c = new WindowCombiner(config);
    c.add(rec('books', 1 * m, 3), -Infinity);
    c.add(rec('books', 2 * m, 4), -Infinity);
    const [p] = c.drain().map(roundTrip);
    const { op, out, ctx } = windowOp();
    op.onWatermark(5 * m + 30_000, ctx); // [0,5m) closed, nothing in it
    op.process(p as EngineRecord, ctx);
    expect(out.map(([port, r]) => [port, r.value, r.headers])).toEqual([
      [
        'late',
        {
          category: 'books',
          total: 7,
          events: 2,
          mean: 3.5,
          users: 1,
          top: 4,
          window_start: 0,
          window_end: 5 * m,
        },
        { [PARTIAL_RECORDS_HEADER]: '2' },
      ],
    ]);
  });
});
