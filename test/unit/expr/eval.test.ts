import { describe, expect, it } from 'vitest';
import { compileExpression, ExprEvalError } from '../../../src/expr/index';
import { evaluate, parseOk, run } from './helpers';

const T = true;
const F = false;
const N = null;

describe('three-valued logic', () => {
  // SQL truth tables, written out by hand: rows a, columns b, in the order TRUE, FALSE, NULL.
  const values = [T, F, N] as const;
  const AND = [
    [T, F, N],
    [F, F, F],
    [N, F, N],
  ];
  const OR = [
    [T, T, T],
    [T, F, N],
    [T, N, N],
  ];
  values.forEach((a, i) =>
    values.forEach((b, j) => {
      it(`${String(a)} AND ${String(b)} = ${String(AND[i]?.[j])}`, () => {
        expect(evaluate('a AND b', { a, b })).toBe(AND[i]?.[j]);
      });
      it(`${String(a)} OR ${String(b)} = ${String(OR[i]?.[j])}`, () => {
        expect(evaluate('a OR b', { a, b })).toBe(OR[i]?.[j]);
      });
    }),
  );
  it('NOT', () => {
    expect(evaluate('NOT a', { a: true })).toBe(false);
    expect(evaluate('NOT a', { a: false })).toBe(true);
    expect(evaluate('NOT a', { a: null })).toBe(null);
    expect(evaluate('NOT a', {})).toBe(null);
  });
});

describe('NULL in comparisons and arithmetic', () => {
  it.each([
    ['a = 1', N],
    ['a <> 1', N],
    ['a < 1', N],
    ['a >= 1', N],
    ['NULL = NULL', N],
    ['a + 1', N],
    ['1 - a', N],
    ['a * 2', N],
    ['a / 2', N],
    ["a || 'x'", N],
    ['-a', N],
    ['a IS NULL', T],
    ['a IS NOT NULL', F],
    ['a IN (1, 2)', N],
    ['a BETWEEN 1 AND 2', N],
    ["a LIKE 'x%'", N],
    ['missing.deeply.nested', N],
  ])('%s with a missing → %s', (text, expected) => {
    expect(evaluate(text, { other: 1 })).toBe(expected);
  });

  it('IN with a NULL in the list: TRUE on a match, otherwise NULL', () => {
    expect(evaluate('x IN (1, NULL)', { x: 1 })).toBe(true);
    expect(evaluate('x IN (1, NULL)', { x: 2 })).toBe(null);
    expect(evaluate('x NOT IN (1, NULL)', { x: 2 })).toBe(null);
    expect(evaluate('x NOT IN (1, 3)', { x: 2 })).toBe(true);
  });

  it('BETWEEN with one NULL bound can still be FALSE', () => {
    expect(evaluate('x BETWEEN NULL AND 5', { x: 9 })).toBe(false);
    expect(evaluate('x BETWEEN NULL AND 5', { x: 3 })).toBe(null);
    expect(evaluate('x BETWEEN 1 AND 5', { x: 5 })).toBe(true);
    expect(evaluate('x NOT BETWEEN 1 AND 5', { x: 6 })).toBe(true);
  });

  it('division and modulo by zero give NULL without an error', () => {
    expect(run('a / 0', { a: 5 })).toEqual({ value: null, errors: [] });
    expect(run('a % 0', { a: 5 })).toEqual({ value: null, errors: [] });
    expect(evaluate('7 % 3')).toBe(1);
    expect(evaluate('7 / 2')).toBe(3.5);
  });

  it('overflow to infinity gives NULL', () => {
    expect(evaluate('a * a', { a: 1e200 })).toBe(null);
  });
});

describe('runtime type mismatches', () => {
  it("'abc' * 2 yields NULL and reports an ExprEvalError with the position", () => {
    const { value, errors } = run('x * 2', { x: 'abc' });
    expect(value).toBe(null);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ExprEvalError);
    expect(errors[0]).toMatchObject({ code: 'type_mismatch', start: 0, end: 5 });
  });

  it('comparing a number with text reports and yields NULL', () => {
    const { value, errors } = run('x > 100', { x: 'abc' });
    expect(value).toBe(null);
    expect(errors[0]?.message).toContain('cannot compare');
  });

  it('a filter combined with AND drops to FALSE/NULL, never throws', () => {
    const fn = compileExpression(parseOk("amount > 100 AND country = 'DE'"));
    expect(fn({ amount: 'x', country: 'FR' })).toBe(false);
    expect(fn({ amount: 'x', country: 'DE' })).toBe(null);
  });

  it('the hook may throw to abort evaluation', () => {
    const fn = compileExpression(parseOk('x * 2'), {
      onError: (e) => {
        throw e;
      },
    });
    expect(() => fn({ x: 'abc' })).toThrow(ExprEvalError);
    expect(fn({ x: 4 })).toBe(8);
  });

  it('works without a hook', () => {
    const fn = compileExpression(parseOk('x * 2'));
    expect(fn({ x: 'abc' })).toBe(null);
  });
});

describe('values and operators', () => {
  const record = {
    amount: 150,
    country: 'DE',
    user: { email: 'Ann@Example.COM', 'first name': 'Ann' },
    event: { items: [{ sku: 'A1' }, { sku: 'B2' }] },
    tags: ['vip', 'new'],
    price: null,
    qty: 3,
    flag: true,
  };
  it.each<[string, unknown]>([
    ["amount > 100 AND country IN ('DE','FR')", true],
    ['lower(user.email)', 'ann@example.com'],
    ['coalesce(price, 0) * qty', 0],
    ["CASE WHEN amount > 1000 THEN 'big' ELSE 'small' END", 'small'],
    ["CASE WHEN amount > 100 THEN 'big' END", 'big'],
    ["CASE WHEN amount > 1000 THEN 'big' END", null],
    ["CASE country WHEN 'FR' THEN 1 WHEN 'DE' THEN 2 ELSE 3 END", 2],
    ['event.items[0].sku', 'A1'],
    ['event.items[1].sku', 'B2'],
    ['event.items[2].sku', null],
    ['event.items[-1]', null],
    ["event['items'][0]['sku']", 'A1'],
    ['"user"."first name"', 'Ann'],
    ["user->'first name'", 'Ann'],
    ["'vip' IN tags", true],
    ["'old' IN (tags)", false],
    ["'a' || 'b' || 1", 'ab1'],
    ['amount - 50 * 2', 50],
    ['(amount - 50) * 2', 200],
    ['-amount', -150],
    ['NOT flag', false],
    ["country LIKE 'D_'", true],
    ["country LIKE 'd%'", false],
    ["'50%' LIKE '50\\%'", true],
    ["'505' LIKE '50\\%'", false],
    ["'a.c' LIKE 'a.c'", true],
    ["'abc' LIKE 'a.c'", false],
    ["'new-york' LIKE 'new-%'", true],
    ["'newyork' LIKE 'new-%'", false],
    ["'a/b' LIKE 'a/_'", true],
    ["'a]b' LIKE 'a]_'", true],
    ["'x' = 'x'", true],
    ["'a' < 'b'", true],
    ['TRUE = TRUE', true],
    ['amount BETWEEN 100 AND 200', true],
  ])('%s → %j', (text, expected) => {
    expect(evaluate(text, record)).toEqual(expected);
  });

  it('pseudo-fields come from the metadata', () => {
    const meta = {
      key: 'k1',
      timestamp: 1_700_000_000_000,
      topic: 'orders',
      partition: 3,
      offset: 42,
      headers: { trace: 't-1' },
    };
    expect(evaluate('_key', {}, meta)).toBe('k1');
    expect(evaluate('_timestamp - 300000', {}, meta)).toBe(1_699_999_700_000);
    expect(evaluate('_topic', {}, meta)).toBe('orders');
    expect(evaluate('_partition', {}, meta)).toBe(3);
    expect(evaluate('_offset', {}, meta)).toBe(42);
    expect(evaluate('_headers.trace', {}, meta)).toBe('t-1');
    expect(evaluate('_headers.missing', {}, meta)).toBe(null);
    expect(evaluate('_timestamp', {})).toBe(null);
  });

  it('the same evaluator can be reused across records', () => {
    const fn = compileExpression(parseOk('amount > 100'));
    expect([50, 150, null, 100, 101].map((amount) => fn({ amount }))).toEqual([
      false,
      true,
      null,
      false,
      true,
    ]);
    expect(fn(null)).toBe(null);
    expect(fn('not an object')).toBe(null);
    expect(fn([1, 2])).toBe(null);
  });

  it('if() and coalesce() only evaluate what they need', () => {
    const { value, errors } = run('if(ok, 1, bad * 2)', { ok: true, bad: 'x' });
    expect(value).toBe(1);
    expect(errors).toEqual([]);
    expect(run('coalesce(1, bad * 2)', { bad: 'x' }).errors).toEqual([]);
  });
});

describe('functions', () => {
  it.each<[string, unknown]>([
    ["lower('AbC')", 'abc'],
    ["upper('AbC')", 'ABC'],
    ["trim('  a b ')", 'a b'],
    ["length('héllo')", 5],
    ["length('😀a')", 2],
    ["substring('kafka', 2, 3)", 'afk'],
    ["substring('kafka', 3)", 'fka'],
    ["substring('kafka', 0, 2)", 'k'],
    ["substring('kafka', 9)", ''],
    ["concat('a', NULL, 1, TRUE)", 'a1true'],
    ["replace('a-b-c', '-', '+')", 'a+b+c'],
    ["replace('abc', '', 'x')", 'abc'],
    ["starts_with('kafka', 'ka')", true],
    ["starts_with('kafka', 'fk')", false],
    ["ends_with('kafka', 'ka')", true],
    ["contains('kafka', 'fk')", true],
    ["contains('kafka', 'z')", false],
    ["contains(split('a,b', ','), 'b')", true],
    ["split('a,b,c', ',')", ['a', 'b', 'c']],
    ["split('ab', '')", ['a', 'b']],
    ['coalesce(NULL, NULL, 3, 4)', 3],
    ['coalesce(NULL)', null],
    ["if(1 > 2, 'y', 'n')", 'n'],
    ["if(NULL, 'y', 'n')", 'n'],
    ['abs(-3)', 3],
    ['round(2.345, 2)', 2.35],
    ['round(1.005, 2)', 1.01],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(1234, -2)', 1200],
    ['floor(-1.5)', -2],
    ['ceil(1.2)', 2],
    ['least(3, 1, NULL)', 1],
    ['greatest(3, 1, NULL)', 3],
    ["least('b', 'a')", 'a'],
    ['least(NULL, NULL)', null],
    ["to_number(' 12.5 ')", 12.5],
    ["to_number('abc')", null],
    ["to_number('')", null],
    ['to_number(TRUE)', 1],
    ['to_string(1.5)', '1.5'],
    ['to_string(FALSE)', 'false'],
    ["to_string(split('a', ','))", '["a"]'],
    ["to_boolean('Yes')", true],
    ["to_boolean('0')", false],
    ["to_boolean('maybe')", null],
    ['to_boolean(2)', true],
    ["parse_timestamp('2024-01-02T03:04:05Z')", 1704164645000],
    ["parse_timestamp('2024-01-02T03:04:05')", 1704164645000],
    ["parse_timestamp('2024-01-02T05:04:05+02:00')", 1704164645000],
    ["parse_timestamp('2024-01-02T03:04:05.250Z')", 1704164645250],
    ["parse_timestamp('2024-01-01')", 1704067200000],
    ["parse_timestamp('2023-02-31')", null],
    ["parse_timestamp('yesterday')", null],
    ['format_timestamp(0)', '1970-01-01T00:00:00.000Z'],
    ["format_timestamp(0, 'YYYY-MM-DD HH:mm')", '1970-01-01 00:00'],
    ["format_timestamp(1704164645250, 'DD/MM/YYYY HH:mm:ss.SSS')", '02/01/2024 03:04:05.250'],
    ["date_trunc('hour', 5400000)", 3600000],
    ["date_trunc('day', 1704164645000)", 1704153600000],
    // 2024-01-03 is a Wednesday; its ISO week starts on Monday 2024-01-01.
    ["date_trunc('week', parse_timestamp('2024-01-03T10:00:00Z'))", 1704067200000],
    ["date_trunc('month', 1704164645000)", 1704067200000],
    ["date_trunc('year', parse_timestamp('2024-07-04'))", 1704067200000],
    ["date_trunc('minute', 61001)", 60000],
    ["size(split('a,b', ','))", 2],
    ['size(obj)', 2],
  ])('%s → %j', (text, expected) => {
    expect(evaluate(text, { obj: { a: 1, b: 2 } })).toEqual(expected);
  });

  it('NULL arguments give NULL', () => {
    for (const text of [
      'lower(x)',
      'length(x)',
      'substring(x, 1)',
      'abs(x)',
      'round(x, 1)',
      "split(x, ',')",
    ]) {
      expect(evaluate(text, {})).toBe(null);
    }
  });

  it('wrong runtime argument types report through the hook', () => {
    const { value, errors } = run('lower(x)', { x: 5 });
    expect(value).toBe(null);
    expect(errors[0]?.message).toContain('lower()');
    expect(errors[0]).toMatchObject({ start: 0, end: 8 });
  });

  it('aggregates cannot be compiled as scalars', () => {
    expect(() => compileExpression(parseOk('sum(x)'))).toThrow(/compileAggregate/);
  });
});
