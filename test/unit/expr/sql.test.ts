import { describe, expect, it } from 'vitest';
import { parseExpression, sameExpression, toSql } from '../../../src/expr/index';
import { parseOk, sexpr } from './helpers';

describe('toSql: canonical text', () => {
  it.each<[string, string]>([
    ['a+b*c', 'a + b * c'],
    ['(a+b)*c', '(a + b) * c'],
    ['((a))', 'a'],
    ['a - (b - c)', 'a - (b - c)'],
    ['(a - b) - c', 'a - b - c'],
    ['a / (b * c)', 'a / (b * c)'],
    ['not a = b and c or d', 'NOT a = b AND c OR d'],
    ['(a or b) and c', '(a OR b) AND c'],
    ['a or (b and c)', 'a OR b AND c'],
    ['not (a and b)', 'NOT (a AND b)'],
    ['- -a', '-(-a)'],
    ['-(a + b)', '-(a + b)'],
    ['(a = b) is null', '(a = b) IS NULL'],
    ['a = (b = c)', 'a = (b = c)'],
    ['x between 1+2 and 5 and y', 'x BETWEEN 1 + 2 AND 5 AND y'],
    ["lower(X) like 'a%'", "lower(X) LIKE 'a%'"],
    ['"my field".x', '"my field".x'],
    ['"end"', '"end"'],
    ['`a"b`', '"a""b"'],
    ["a->'b c'", 'a."b c"'],
    ['COUNT( * )', 'count(*)'],
    ["case x when 1 then 'a' else 'b' end", "CASE x WHEN 1 THEN 'a' ELSE 'b' END"],
    ["'it''s'", "'it''s'"],
    ['x in tags', 'x IN (tags)'],
    ["x   NOT   IN   ( 'a' ,'b' )", "x NOT IN ('a', 'b')"],
    ['a == b', 'a = b'],
    ['a != b', 'a <> b'],
    ['1.50', '1.5'],
    ['true AND null', 'TRUE AND NULL'],
    ['(a.b)[0].c', 'a.b[0].c'],
    ['(a || b).c', '(a || b).c'],
  ])('%s → %s', (text, sql) => {
    expect(toSql(parseOk(text))).toBe(sql);
  });

  it('sameExpression ignores spacing, case and redundant parentheses', () => {
    expect(sameExpression(parseOk('LOWER( user.email )'), parseOk('lower(user.email)'))).toBe(true);
    expect(sameExpression(parseOk('(a + b) + c'), parseOk('a + b + c'))).toBe(true);
    expect(sameExpression(parseOk('a + (b + c)'), parseOk('a + b + c'))).toBe(false);
  });
});

describe('toSql round trip', () => {
  const samples = [
    "amount > 100 AND country IN ('DE','FR')",
    'lower(user.email)',
    'coalesce(price, 0) * qty',
    "CASE WHEN amount > 1000 THEN 'big' ELSE 'small' END",
    'sum(value) / count(*)',
    'event.items[0].sku',
    'ts - 300000',
    'status IS NOT NULL',
    "name LIKE 'a%'",
    'x BETWEEN 1 AND 5',
    'NOT flag',
    'a || b',
    'NOT NOT a',
    'a = NOT b',
    '- NOT a',
    'x BETWEEN -1 AND -(2 + 3)',
    'NOT a IS NULL = b',
    'a < b = c < d',
    '"weird "" name".`x y` || \'q\'\'q\'',
    'a - -b',
    '1e21 + 1e-7',
    'x NOT BETWEEN a || b AND c',
    'CASE WHEN a THEN CASE WHEN b THEN 1 END END',
  ];
  it.each(samples)('%s', (text) => {
    const once = toSql(parseOk(text));
    const twice = toSql(parseOk(once));
    expect(twice).toBe(once);
    // Re-parsing the canonical text gives the same tree shape.
    expect(sexpr(parseOk(once))).toBe(sexpr(parseOk(text)));
  });

  it('random expressions round-trip', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const atoms = ['a', 'b.c', '1', "'s'", 'NULL', 'TRUE', 'f(x)', 'x[0]'];
    const bin = ['AND', 'OR', '=', '<', '<>', '||', '+', '-', '*', '/', '%'];
    const gen = (d: number): string => {
      if (d === 0) return (atoms[rnd(atoms.length)] as string).replace('f(x)', 'lower(x)');
      switch (rnd(7)) {
        case 0:
          return `NOT ${gen(d - 1)}`;
        case 1:
          return `-${gen(d - 1)}`;
        case 2:
          return `(${gen(d - 1)})`;
        case 3:
          return `${gen(d - 1)} IS NULL`;
        case 4:
          return `${gen(d - 1)} BETWEEN ${gen(0)} AND ${gen(0)}`;
        default:
          return `${gen(d - 1)} ${bin[rnd(bin.length)]} ${gen(d - 1)}`;
      }
    };
    let checked = 0;
    for (let i = 0; i < 500; i++) {
      const text = gen(4);
      const r = parseExpression(text);
      if (!r.ok) continue;
      checked++;
      const once = toSql(r.ast);
      expect(toSql(parseOk(once)), text).toBe(once);
      expect(sexpr(parseOk(once)), text).toBe(sexpr(r.ast));
    }
    expect(checked).toBeGreaterThan(400);
  });
});
