import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  MAX_LENGTH,
  parseExpression,
  referencedFields,
  tokenize,
  isAggregate,
  FUNCTIONS,
} from '../../../src/expr/index';
import { evaluate, parseOk, run } from './helpers';

describe('pathological input', () => {
  it('100k opening parentheses: an error, not a crash', () => {
    const r = parseExpression('('.repeat(100_000));
    expect(r.ok).toBe(false);
  });

  it('deep but short nesting is rejected with a clear message', () => {
    const text = '('.repeat(300) + 'a' + ')'.repeat(300);
    const r = parseExpression(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.message).toMatch(/nested too deeply/);
  });

  it('nesting up to the limit still parses and evaluates', () => {
    const text = '('.repeat(199) + 'a + 1' + ')'.repeat(199);
    expect(evaluate(text, { a: 1 })).toBe(2);
    const calls = 'abs('.repeat(150) + '-2' + ')'.repeat(150);
    expect(evaluate(calls)).toBe(2);
  });

  it('long prefix operator chains', () => {
    expect(parseExpression('NOT '.repeat(2000) + 'a').ok).toBe(false);
    expect(parseExpression('-'.repeat(5000) + '1').ok).toBe(false);
    expect(evaluate('NOT NOT NOT a', { a: true })).toBe(false);
  });

  it('very long flat chains are rejected by the tree-depth limit, not the stack', () => {
    const r = parseExpression('1' + '+1'.repeat(4000));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.message).toMatch(/too complex/);
    expect(evaluate('1' + '+1'.repeat(500))).toBe(501);
  });

  it('input longer than the limit', () => {
    const r = parseExpression('a'.repeat(MAX_LENGTH + 1));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.message).toMatch(/too long/);
  });

  it('random garbage never throws and always returns errors or an AST', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = 'ab1 ()[]\'".,+-*/%<>=!|&`\\\n\tANDORNOTINISNULLCASEWHENEND_é😀#$';
    for (let i = 0; i < 3000; i++) {
      let text = '';
      const len = rnd(40);
      for (let j = 0; j < len; j++) text += alphabet[rnd(alphabet.length)];
      const r = parseExpression(text);
      if (r.ok) expect(r.ast).toBeDefined();
      else {
        expect(r.errors.length).toBeGreaterThan(0);
        for (const e of r.errors) {
          expect(e.start).toBeGreaterThanOrEqual(0);
          expect(e.end).toBeGreaterThanOrEqual(e.start);
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.column).toBeGreaterThanOrEqual(1);
        }
      }
      expect(() => tokenize(text)).not.toThrow();
    }
  });

  it('non-string input', () => {
    expect(parseExpression(undefined as unknown as string).ok).toBe(false);
  });
});

describe('no path to JavaScript evaluation or prototypes', () => {
  const record = { a: 1, user: { name: 'x' }, list: [1, 2] };

  it.each([
    "constructor.constructor('return process')()",
    'constructor.constructor',
    "this.constructor.constructor('return this')()",
    '${process.exit(1)}',
    'process.exit(1)',
    "require('fs')",
    'eval(1)',
    "Function('return 1')",
    'a; process.exit(1)',
    'a => a',
    '`${1+1}`()',
    'new Date()',
  ])('%s cannot execute', (text) => {
    const r = parseExpression(text);
    if (r.ok) {
      // If it parses at all, it is data access only and reads nothing from prototypes.
      expect(evaluate(text, record)).toBe(null);
    } else {
      expect(r.errors.length).toBeGreaterThan(0);
    }
  });

  it.each([
    '__proto__',
    'constructor',
    'this',
    'globalThis',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'user.__proto__',
    'user.constructor',
    'user.constructor.name',
    '__proto__.polluted',
    'list.length',
    "user['constructor']",
    "list['length']",
    "user->'__proto__'",
    '`${1+1}`',
    '"__proto__"',
    'process',
    'window',
  ])('%s reads as NULL', (text) => {
    const { value, errors } = run(text, record);
    expect(value).toBe(null);
    expect(errors).toEqual([]);
  });

  it('own properties named like prototype members are ordinary data', () => {
    const rec = JSON.parse('{"__proto__": {"x": 5}, "constructor": "c"}') as unknown;
    expect(evaluate('__proto__.x', rec)).toBe(5);
    expect(evaluate('constructor', rec)).toBe('c');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('does not pollute Object.prototype', () => {
    const fn = compileExpression(parseOk("coalesce(__proto__.polluted, 'no')"));
    expect(fn({})).toBe('no');
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('calls are limited to the function table', () => {
    const r = parseExpression('constructor(1)');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.message).toContain("unknown function 'constructor'");
  });
});

describe('helpers', () => {
  it('referencedFields lists dotted paths once, in order', () => {
    expect(
      referencedFields(
        parseOk("a + user.id > 1 AND lower(user.email) = 'x' AND event.items[0].sku = a AND _key IS NULL"),
      ),
    ).toEqual(['a', 'user.id', 'user.email', 'event.items', '_key']);
  });

  it('isAggregate', () => {
    expect(isAggregate(parseOk('sum(x) / 2'))).toBe(true);
    expect(isAggregate(parseOk('round(avg(x))'))).toBe(true);
    expect(isAggregate(parseOk('abs(x)'))).toBe(false);
  });

  it('FUNCTIONS describes every function with a signature and an example', () => {
    const names = FUNCTIONS.map((f) => f.name);
    for (const n of [
      'lower',
      'substring',
      'coalesce',
      'parse_timestamp',
      'least',
      'sum',
      'count_distinct',
      'collect',
    ]) {
      expect(names).toContain(n);
    }
    for (const f of FUNCTIONS) {
      expect(f.signature.startsWith(f.name + '(')).toBe(true);
      expect(f.example.length).toBeGreaterThan(0);
    }
    expect(FUNCTIONS.find((f) => f.name === 'sum')?.aggregate).toBe(true);
    expect(FUNCTIONS.find((f) => f.name === 'lower')?.aggregate).toBe(false);
    expect(JSON.parse(JSON.stringify(FUNCTIONS.filter((f) => f.maxArgs !== Infinity)))).toBeTruthy();
  });

  it('tokenize gives kinds and positions, tolerating errors', () => {
    expect(tokenize("lower(name) = 'x")).toEqual([
      { kind: 'function', start: 0, end: 5, text: 'lower' },
      { kind: 'punctuation', start: 5, end: 6, text: '(' },
      { kind: 'identifier', start: 6, end: 10, text: 'name' },
      { kind: 'punctuation', start: 10, end: 11, text: ')' },
      { kind: 'operator', start: 12, end: 13, text: '=' },
      { kind: 'error', start: 14, end: 16, text: "'x" },
    ]);
    expect(tokenize('a AND 1.5 # "q"').map((t) => t.kind)).toEqual([
      'identifier',
      'keyword',
      'number',
      'error',
      'identifier',
    ]);
    expect(tokenize('')).toEqual([]);
  });
});
