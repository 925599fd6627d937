// Plain aggregates folded in place: the same accumulators and results as the evaluator, a bad
// record rejected whole, and the evaluator's path for anything that is not plain.
import { describe, expect, it } from 'vitest';
import { parseExpression, type Expr } from '../../../../src/expr/index';
import { plainFolder } from '../../../../src/engine/operators/plain-fold';
import { Aggregates } from '../../../../src/engine/operators/expr';
import type { EngineRecord } from '../../../../src/engine/operators/types';

const ast = (text: string): Expr => {
  const p = parseExpression(text);
  if (!p.ok) throw new Error(text);
  return p.ast;
};
const rec = (value: unknown): EngineRecord => ({ key: null, value, timestamp: 0, headers: {} });

describe('plainFolder', () => {
  it('takes count(*), count(f), sum(f) and avg(f) over top-level fields only', () => {
    expect(plainFolder(['count(*)', 'count(v)', 'sum(v)', 'AVG(v)'].map(ast))).toBeDefined();
    for (const text of ['max(v)', 'sum(a.b)', 'sum(_timestamp)', 'sum(v) + 1', 'sum(v * 2)', 'collect(v)'])
      expect(plainFolder([ast('count(*)'), ast(text)]), text).toBeUndefined();
  });

  it('folds in place; nulls and missing fields are skipped as the evaluator skips them', () => {
    const f = plainFolder(['count(*)', 'count(v)', 'sum(v)'].map(ast));
    // One state per aggregate, each [part state]: counts are numbers, sums { s, n }.
    const acc: unknown[][] = [[0], [0], [{ s: 0, n: 0 }]];
    expect(f?.add(acc, { v: 2 })).toBe(true);
    expect(f?.add(acc, { v: null })).toBe(true);
    expect(f?.add(acc, { w: 1 })).toBe(true);
    expect(f?.add(acc, 'not an object')).toBe(true);
    expect(f?.add(acc, { v: 5.5 })).toBe(true);
    // 5 records; v present and not null in 2 of them, summing 7.5.
    expect(acc).toEqual([[5], [2], [{ s: 7.5, n: 2 }]]);
  });

  it('changes nothing and says so when a sum meets text', () => {
    const f = plainFolder(['count(*)', 'sum(v)'].map(ast));
    const acc: unknown[][] = [[3], [{ s: 10, n: 3 }]];
    expect(f?.add(acc, { v: 'seven' })).toBe(false);
    expect(acc).toEqual([[3], [{ s: 10, n: 3 }]]);
  });
});

describe('Aggregates.add', () => {
  it('gives the results the records folded one by one give', () => {
    const a = new Aggregates({ events: 'count(*)', total: 'sum(v)', mean: 'avg(v)', seen: 'count(v)' });
    const acc = a.init();
    for (const v of [4, null, 6, 11]) a.add(acc, rec({ v }));
    // 4 records, 3 numbers: 4 + 6 + 11 = 21, mean 7.
    expect(a.results(acc)).toEqual({ events: 4, total: 21, mean: 7, seen: 3 });
  });

  it('raises the evaluator error for a bad record and leaves the accumulators as they were', () => {
    const a = new Aggregates({ events: 'count(*)', total: 'sum(v)' });
    const acc = a.init();
    a.add(acc, rec({ v: 1 }));
    expect(() => a.add(acc, rec({ v: 'x' }))).toThrow(/sum\(\) needs numbers, got/);
    expect(a.results(acc)).toEqual({ events: 1, total: 1 });
  });

  it('takes the evaluator path for aggregates that are not plain', () => {
    const a = new Aggregates({ top: 'max(v)', twice: 'sum(v * 2)' });
    const acc = a.init();
    for (const v of [3, 9, 1]) a.add(acc, rec({ v }));
    expect(a.results(acc)).toEqual({ top: 9, twice: 26 });
  });
});
