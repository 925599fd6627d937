import { describe, expect, it } from 'vitest';
import { compileAggregate, ExprCompileError, type ExprEvalError } from '../../../src/expr/index';
import { parseOk } from './helpers';

const rows = [
  { amount: 10, user_id: 'u1', sku: 'a' },
  { amount: null, user_id: 'u2', sku: 'b' },
  { amount: 30, user_id: 'u1', sku: null },
  { amount: 20, user_id: 1, sku: 'c' },
  { user_id: '1' },
];

function aggregate(text: string, records: unknown[] = rows): unknown {
  const agg = compileAggregate(parseOk(text));
  let acc = agg.init();
  for (const r of records) acc = agg.add(acc, r);
  return agg.result(acc);
}

describe('compileAggregate', () => {
  it.each<[string, unknown]>([
    ['count(*)', 5],
    ['count(amount)', 3],
    ['sum(amount)', 60],
    ['avg(amount)', 20],
    ['min(amount)', 10],
    ['max(amount)', 30],
    ['min(sku)', 'a'],
    ['max(sku)', 'c'],
    ['first(sku)', 'a'],
    ['last(sku)', 'c'],
    ['first(amount)', 10],
    ['last(amount)', 20],
    // 'u1', 'u2', 1 and '1' — a number and a text are different values.
    ['count_distinct(user_id)', 4],
    ['collect(sku)', ['a', 'b', 'c']],
    ['sum(amount) / count(*)', 12],
    ['round(avg(amount) / 3, 2)', 6.67],
    ['coalesce(sum(missing), 0)', 0],
    ['sum(amount * 2)', 120],
  ])('%s → %j', (text, expected) => {
    expect(aggregate(text)).toEqual(expected);
  });

  it('empty input', () => {
    expect(aggregate('count(*)', [])).toBe(0);
    expect(aggregate('sum(amount)', [])).toBe(null);
    expect(aggregate('avg(amount)', [])).toBe(null);
    expect(aggregate('collect(sku)', [])).toEqual([]);
    expect(aggregate('first(sku)', [])).toBe(null);
  });

  it('state survives a JSON round trip (changelog) mid-stream', () => {
    const agg = compileAggregate(parseOk('count_distinct(user_id) * 100 + avg(amount) + size(collect(sku))'));
    let acc = agg.init();
    acc = agg.add(acc, rows[0]);
    acc = agg.add(acc, rows[1]);
    acc = JSON.parse(JSON.stringify(acc)) as typeof acc;
    for (const r of rows.slice(2)) acc = agg.add(acc, r);
    // 4 distinct users, avg 20, 3 collected skus
    expect(agg.result(acc)).toBe(423);
  });

  it('merge combines partial accumulators', () => {
    const agg = compileAggregate(parseOk('sum(amount) + count_distinct(user_id) + count(*)'));
    const a = rows.slice(0, 2).reduce((acc, r) => agg.add(acc, r), agg.init());
    const b = rows.slice(2).reduce((acc, r) => agg.add(acc, r), agg.init());
    expect(agg.result(agg.merge(a, b))).toBe(60 + 4 + 5);
    const first = compileAggregate(parseOk('first(sku)'));
    const last = compileAggregate(parseOk('last(sku)'));
    const f1 = first.add(first.init(), { sku: 'x' });
    const f2 = first.add(first.init(), { sku: 'y' });
    expect(first.result(first.merge(f1, f2))).toBe('x');
    const l1 = last.add(last.init(), { sku: 'x' });
    const l2 = last.add(last.init(), { sku: 'y' });
    expect(last.result(last.merge(l1, l2))).toBe('y');
  });

  it('count_distinct is safe with prototype-looking values', () => {
    expect(
      aggregate('count_distinct(v)', [{ v: '__proto__' }, { v: 'constructor' }, { v: '__proto__' }]),
    ).toBe(2);
  });

  it('reports non-numeric values to sum through the hook and skips them', () => {
    const errors: ExprEvalError[] = [];
    const agg = compileAggregate(parseOk('sum(amount)'), { onError: (e) => errors.push(e) });
    let acc = agg.init();
    for (const r of [{ amount: 1 }, { amount: 'x' }, { amount: 2 }]) acc = agg.add(acc, r);
    expect(agg.result(acc)).toBe(3);
    expect(errors).toHaveLength(1);
  });

  it('rejects expressions that are not aggregates or misuse fields', () => {
    expect(() => compileAggregate(parseOk('amount + 1'))).toThrow(ExprCompileError);
    expect(() => compileAggregate(parseOk('sum(amount) + amount'))).toThrow(/outside an aggregate/);
    expect(() => compileAggregate(parseOk('sum(count(*))'))).toThrow(/nested/);
  });
});
