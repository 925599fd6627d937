import { describe, expect, it } from 'vitest';
import { analyzeExpression, checkExpression, type ExprType } from '../../../src/expr/index';
import { parseOk } from './helpers';

const fields: Record<string, ExprType> = {
  amount: 'number',
  country: 'string',
  email: 'string',
  active: 'boolean',
  tags: 'list',
  user: 'object',
  'user.id': 'number',
  created: 'timestamp',
};

function errorsOf(text: string, ctx: Parameters<typeof analyzeExpression>[1] = { fields }) {
  return analyzeExpression(text, ctx).errors.map((e) => ({ message: e.message, start: e.start, end: e.end }));
}

describe('checkExpression: result types', () => {
  it.each<[string, ExprType]>([
    ['amount + 1', 'number'],
    ["country || 'x'", 'string'],
    ['amount > 1', 'boolean'],
    ['created - 300000', 'timestamp'],
    ['created - created', 'number'],
    ['coalesce(amount, 0)', 'number'],
    ["if(active, 'a', 'b')", 'string'],
    ["split(email, '@')", 'list'],
    ['CASE WHEN active THEN 1 ELSE 2 END', 'number'],
    ["CASE WHEN active THEN 1 ELSE 'x' END", 'any'],
    ['unknown_field', 'any'],
    ['user.name', 'any'],
    ['user.id', 'number'],
    ['_timestamp', 'timestamp'],
    ['_headers.trace', 'string'],
    ['NULL', 'null'],
  ])('%s : %s', (text, type) => {
    const r = analyzeExpression(text, { fields: text === 'unknown_field' ? undefined : fields });
    expect(r.errors).toEqual([]);
    expect(r.type).toBe(type);
  });
});

describe('checkExpression: errors with positions', () => {
  it('wrong argument type points at the argument', () => {
    expect(errorsOf('lower(amount)')).toEqual([
      { message: 'lower() expects text as argument 1, but this is a number', start: 6, end: 12 },
    ]);
  });

  it('unknown field, with a suggestion', () => {
    expect(errorsOf('amout > 1')).toEqual([
      { message: "unknown field 'amout' — did you mean 'amount'?", start: 0, end: 5 },
    ]);
  });

  it('unknown fields are fine when the schema is unknown', () => {
    expect(errorsOf('whatever > 1', {})).toEqual([]);
  });

  it('field of a non-object', () => {
    expect(errorsOf('amount.cents')).toEqual([
      { message: "'amount' is a number and has no field 'cents'", start: 0, end: 12 },
    ]);
  });

  it('comparing a number with a text literal', () => {
    expect(errorsOf("amount = 'abc'")).toEqual([
      { message: "cannot compare a number with text using '='", start: 0, end: 14 },
    ]);
  });

  it('arithmetic on text suggests ||', () => {
    expect(errorsOf("country + 'x'")[0]).toEqual({
      message: "'+' needs numbers, but this is text — use '||' to join text",
      start: 0,
      end: 7,
    });
  });

  it('aggregate where not allowed', () => {
    expect(errorsOf('sum(amount) > 10')).toEqual([
      {
        message: "aggregate function 'sum' is not allowed here — aggregates belong in an aggregation step",
        start: 0,
        end: 11,
      },
    ]);
  });

  it('aggregates allowed when the caller says so', () => {
    expect(errorsOf('sum(amount) / count(*)', { fields, allowAggregates: true })).toEqual([]);
    expect(analyzeExpression('avg(amount)', { fields, allowAggregates: true }).type).toBe('number');
  });

  it('nested aggregates', () => {
    expect(errorsOf('avg(sum(amount))', { fields, allowAggregates: true })).toEqual([
      { message: "aggregate functions cannot be nested: 'sum' is inside 'avg'", start: 4, end: 15 },
    ]);
  });

  it('fields outside aggregates in an aggregate expression', () => {
    expect(errorsOf('sum(amount) + amount', { fields, allowAggregates: true })).toEqual([
      {
        message: "'amount' must be inside an aggregate function here (for example first(amount))",
        start: 14,
        end: 20,
      },
    ]);
  });

  it('non-boolean predicate when a boolean is expected', () => {
    expect(errorsOf('amount + 1', { fields, expect: 'boolean' })).toEqual([
      { message: 'this must be a condition (true/false), but it gives a number', start: 0, end: 10 },
    ]);
    expect(errorsOf('amount > 1', { fields, expect: 'boolean' })).toEqual([]);
    expect(errorsOf('anything', { expect: 'boolean' })).toEqual([]);
  });

  it('AND with a non-boolean side points at that side', () => {
    expect(errorsOf('active AND amount')).toEqual([
      { message: 'AND needs a true/false value, but this is a number', start: 11, end: 17 },
    ]);
  });

  it('LIKE on a number', () => {
    expect(errorsOf("amount LIKE '1%'")).toEqual([
      { message: 'LIKE works on text, but this is a number', start: 0, end: 6 },
    ]);
  });

  it('IN list items of the wrong type', () => {
    expect(errorsOf("amount IN (1, 'two')")).toEqual([
      { message: 'IN compares a number with text', start: 14, end: 19 },
    ]);
    expect(errorsOf("'vip' IN tags")).toEqual([]);
  });

  it('bad date_trunc unit literal', () => {
    expect(errorsOf("date_trunc('fortnight', created)")).toEqual([
      {
        message:
          "unknown time unit 'fortnight' — use one of second, minute, hour, day, week, month, quarter, year",
        start: 11,
        end: 22,
      },
    ]);
  });

  it('several errors come back together, in source order', () => {
    const errs = errorsOf('lower(amount) || upper(active)');
    expect(errs.map((e) => e.start)).toEqual([6, 23]);
  });

  it('any is compatible with everything', () => {
    expect(errorsOf('lower(x) || upper(y) || abs(z)', {})).toEqual([]);
  });

  it('line/column are computed from ctx.text', () => {
    const text = 'amount +\n lower(amount)';
    const r = checkExpression(parseOk(text), { fields, text });
    expect(r.errors[0]).toMatchObject({ line: 2, column: 2 });
  });

  it('analyzeExpression stops at parse errors', () => {
    const r = analyzeExpression('amount >', { fields });
    expect(r.ast).toBeUndefined();
    expect(r.errors[0]?.message).toContain('expected a value');
  });
});
