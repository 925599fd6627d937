import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../../src/expr/index';
import { parseOk, sexpr } from './helpers';

describe('parseExpression: accepted syntax', () => {
  const cases: [string, string][] = [
    ['42', '42'],
    ['3.25', '3.25'],
    ['1e3', '1000'],
    ["'it''s'", "'it's'"],
    ['TRUE', 'true'],
    ['false', 'false'],
    ['null', 'null'],
    ['amount', 'amount'],
    ['user.email', 'user.email'],
    ['"user name".first', 'user name.first'],
    ['`odd.name`', 'odd.name'],
    ["value->'nested field'", 'value.nested field'],
    ['event.items[0].sku', '(. ([] event.items 0) sku)'],
    ['_headers.trace', '_headers.trace'],
    ['lower(user.email)', '(lower user.email)'],
    ['LOWER(x)', '(lower x)'],
    ['coalesce(price, 0) * qty', '(* (coalesce price 0) qty)'],
    ['count(*)', '(count *)'],
    ['count_distinct(user_id)', '(count_distinct user_id)'],
    ["CASE WHEN amount > 1000 THEN 'big' ELSE 'small' END", "(CASE ((> amount 1000) 'big') (ELSE 'small'))"],
    ["case status when 1 then 'a' when 2 then 'b' end", "(CASE status (1 'a') (2 'b'))"],
    ['status IS NOT NULL', '(IS NOT NULL status)'],
    ['status is null', '(IS NULL status)'],
    ["name LIKE 'a%'", "(LIKE name 'a%')"],
    ["name NOT LIKE 'a%'", "(NOT LIKE name 'a%')"],
    ['x BETWEEN 1 AND 5', '(BETWEEN x 1 5)'],
    ['x not between 1 and 5', '(NOT BETWEEN x 1 5)'],
    ["country IN ('DE','FR')", "(IN country 'DE' 'FR')"],
    ["country NOT IN ('DE')", "(NOT IN country 'DE')"],
    ["'vip' IN tags", "(IN 'vip' tags)"],
    ['NOT flag', '(NOT flag)'],
    ['a || b', '(|| a b)'],
    ['a == b', '(= a b)'],
    ['a != b', '(<> a b)'],
    ['a <> b', '(<> a b)'],
    ['ts - 300000', '(- ts 300000)'],
    ['-x', '(- x)'],
    ["split(s, ',')[1]", "([] (split s ',') 1)"],
    ['andy OR orange', '(OR andy orange)'],
    ['  a\n  AND\tb  ', '(AND a b)'],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(sexpr(parseOk(text))).toBe(expected);
  });

  it('records 0-based start/end offsets on nodes', () => {
    const ast = parseOk('a + lower(b)');
    expect(ast).toMatchObject({ kind: 'binary', start: 0, end: 12 });
    if (ast.kind !== 'binary') throw new Error('shape');
    expect(ast.right).toMatchObject({ kind: 'call', start: 4, end: 12 });
  });

  it('produces plain JSON-serialisable data', () => {
    const ast = parseOk('a IN (1, 2) AND b BETWEEN 1 AND 2 AND c IS NULL AND CASE WHEN d THEN 1 END = 1');
    expect(JSON.parse(JSON.stringify(ast))).toEqual(ast);
  });
});

describe('operator precedence', () => {
  const cases: [string, string][] = [
    ['a OR b AND c', '(OR a (AND b c))'],
    ['a AND b OR c', '(OR (AND a b) c)'],
    ['NOT a AND b', '(AND (NOT a) b)'],
    ['NOT a = b', '(NOT (= a b))'],
    ['NOT a OR b', '(OR (NOT a) b)'],
    ['a = b AND c < d', '(AND (= a b) (< c d))'],
    ["a || b = 'xy'", "(= (|| a b) 'xy')"],
    ['a + b || c', '(|| (+ a b) c)'],
    ['a + b * c', '(+ a (* b c))'],
    ['a * b + c', '(+ (* a b) c)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b * c', '(* (/ a b) c)'],
    ['a % b + c', '(+ (% a b) c)'],
    ['-a * b', '(* (- a) b)'],
    ['-a.b', '(- a.b)'],
    ['(a + b) * c', '(* (+ a b) c)'],
    ['x BETWEEN 1 AND 5 AND y', '(AND (BETWEEN x 1 5) y)'],
    ['x BETWEEN a + 1 AND b * 2', '(BETWEEN x (+ a 1) (* b 2))'],
    ["x IN (1, 2) OR y LIKE 'a'", "(OR (IN x 1 2) (LIKE y 'a'))"],
    ['a + 1 IS NULL', '(IS NULL (+ a 1))'],
    ['NOT x IS NULL', '(NOT (IS NULL x))'],
    ['a = b = c', '(= (= a b) c)'],
    ['f.g[1 + 2].h', '(. ([] f.g (+ 1 2)) h)'],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(sexpr(parseOk(text))).toBe(expected);
  });
});

describe('parseExpression: errors', () => {
  const cases: [string, string, number, number][] = [
    // text, message fragment, start, column
    ['amount > ', "expected a value after '>' at column 9", 8, 9],
    ["name = 'abc", 'unterminated string starting at column 8', 7, 8],
    ['lowr(email)', "unknown function 'lowr' — did you mean 'lower'?", 0, 1],
    ['now() - 5', 'use _timestamp', 0, 1],
    ['(a + b', "expected ')' after 'b'", 6, 7],
    ['a b', "unexpected 'b' at column 3", 2, 3],
    ['a )', "unmatched ')'", 2, 3],
    ['a && b', "'&&' is not supported at column 3 — use AND", 2, 3],
    ['a # b', "unexpected character '#' at column 3", 2, 3],
    ['"open', 'unterminated quoted name starting at column 1', 0, 1],
    ['', 'the expression is empty', 0, 1],
    ['substring(x)', 'substring() takes 2 to 3 arguments, but got 1', 0, 1],
    ['lower(a, b)', 'lower() takes 1 argument, but got 2', 0, 1],
    ['sum(*)', "'*' is only allowed in count(*)", 0, 1],
    ['min(a, b)', 'use least(a, b)', 0, 1],
    ['x IN ()', "expected a list of values after IN, found '(' at column 6", 5, 6],
    ['CASE WHEN a THEN b', "expected 'END'", 18, 19],
  ];
  it.each(cases)('%s', (text, fragment, start, column) => {
    const r = parseExpression(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const first = r.errors[0];
    expect(first?.message).toContain(fragment);
    expect(first?.start).toBe(start);
    expect(first?.column).toBe(column);
    expect(first?.line).toBe(1);
  });

  it('reports line and column on multi-line input', () => {
    const r = parseExpression("a = 1 AND\n  b = 'x");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ line: 2, column: 7, start: 16, end: 18 });
  });

  it("reports '&&' once", () => {
    const r = parseExpression('a && b');
    expect(r.ok ? [] : r.errors).toHaveLength(1);
  });

  it('reports every lexical problem at once', () => {
    const r = parseExpression('a # b @ c');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.column)).toEqual([3, 7]);
  });
});
