import { describe, expect, it } from 'vitest';
import { compileExpression, parseExpression, type RecordMeta } from '../../../src/expr/index';
import { compileFilter } from '../../../src/inspector/filter';
import { fieldReader } from '../../../src/inspector/json-fields';
import { fakeRecord, rng } from './fake-record';

const NAMES = ['amount', 'a', 'é', '__proto__', 'status', 'items', 'missing'];
// Keys as they may be written: plain, escaped spellings of the wanted names, near misses.
const KEYS = [
  '"amount"',
  '"a"',
  '"\\u0061"',
  '"am\\u006funt"',
  '"é"',
  '"\\u00e9"',
  '"__proto__"',
  '"status"',
  '"items"',
  '"amount "',
  '"Amount"',
  '""',
  '"x\\"y"',
  '"😀"',
];
const NUMBERS = [
  '0',
  '-0',
  '7',
  '499',
  '500',
  '-12',
  '1.5',
  '-0.25',
  '1e3',
  '1E-3',
  '2.5e+2',
  '12345678901234567890',
  '123456789012345',
  '1234567890123456',
  '1e400',
  '-1e400',
  '0.1',
  '9007199254740993',
];
const STRINGS = [
  '""',
  '"failed"',
  '"a\\"b"',
  '"\\\\"',
  '"\\/"',
  '"\\b\\f\\n\\r\\t"',
  '"\\u0000"',
  '"\\ud83d\\ude00"',
  '"\\ud800"',
  '"é€😀"',
  '"\ufeffbom"',
  '"\u2028"',
  `"${'x'.repeat(300)}"`,
  `"${'é'.repeat(20)}${'x'.repeat(20)}😀"`,
  `"${'y'.repeat(40)}\\"${'z'.repeat(40)}"`,
];
const WS = ['', ' ', '\n', '\t', '\r\n  '];

function gen(next: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const w = () => (next() < 0.3 ? pick(WS) : '');
  const k = next();
  if (depth > 0 && k < 0.15) {
    const n = Math.floor(next() * 4);
    return `[${w()}${Array.from({ length: n }, () => `${w()}${gen(next, depth - 1)}${w()}`).join(',')}${w()}]`;
  }
  if (depth > 0 && k < 0.3) return object(next, depth - 1);
  if (k < 0.6) return pick(NUMBERS);
  if (k < 0.85) return pick(STRINGS);
  return pick(['true', 'false', 'null']);
}

function object(next: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const w = () => (next() < 0.3 ? pick(WS) : '');
  const n = Math.floor(next() * 6);
  const members = Array.from(
    { length: n },
    () => `${w()}${pick(KEYS)}${w()}:${w()}${gen(next, depth)}${w()}`,
  );
  return `{${members.join(',')}${n === 0 ? w() : ''}}`;
}

/** Breaks a document in one of the ways JSON.parse rejects (or makes it something else). */
function mutate(next: () => number, text: string): Buffer {
  const at = Math.floor(next() * (text.length + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  switch (Math.floor(next() * 9)) {
    case 0:
      return Buffer.from(text.slice(0, at));
    case 1:
      return Buffer.from(
        text.slice(0, at) + pick([',', '}', ']', ':', '"', 'x', '01', '-', '.', '\\']) + text.slice(at),
      );
    case 2:
      return Buffer.from(text.slice(0, at) + text.slice(at + 1));
    case 3:
      return Buffer.from(`${text}${pick([' x', '}', ',', ' {}', '\u0000'])}`);
    case 4:
      return Buffer.from(`\ufeff${text}`);
    case 5:
      return Buffer.from(text.replace('"failed"', '"fa\u0001iled"').replace('"a"', '"a\tb"'));
    case 6:
      return Buffer.concat([
        Buffer.from(text.slice(0, at)),
        Buffer.from([0xff]),
        Buffer.from(text.slice(at)),
      ]);
    case 7:
      return Buffer.from(pick(['[1]', '"text"', '42', 'null', '', '   ', '{"a":1,}', '{"a" 1}', '{a:1}']));
    default:
      return Buffer.from(text.replace(/(\d)(?=[,}\]])/, '$1.').replace('1e3', '1e'));
  }
}

const own = (o: unknown, k: string): unknown =>
  typeof o === 'object' && o !== null && !Array.isArray(o) && Object.hasOwn(o, k)
    ? (o as Record<string, unknown>)[k]
    : undefined;

describe('fieldReader', () => {
  const read = fieldReader(NAMES);

  it('gives exactly what JSON.parse gives for the names, or undefined where JSON.parse fails', () => {
    const next = rng(20261127);
    let answered = 0;
    let invalid = 0;
    for (let t = 0; t < 6000; t++) {
      const text = object(next, 3);
      const bytes = t % 3 === 2 ? mutate(next, text) : Buffer.from(text, 'utf8');
      let ref: unknown;
      let parsed = true;
      try {
        ref = JSON.parse(bytes.toString('utf8'));
      } catch {
        parsed = false;
      }
      const got = read(bytes);
      const isObject = parsed && typeof ref === 'object' && ref !== null && !Array.isArray(ref);
      if (!isObject) {
        invalid++;
        expect(got, bytes.toString('utf8')).toBeUndefined();
        continue;
      }
      // Valid UTF-8 objects this shallow are always answered, never left to JSON.parse.
      if (Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)) expect(got).toBeDefined();
      if (got === undefined) continue;
      answered++;
      for (const name of NAMES) {
        const want = own(ref, name);
        const have = own(got, name);
        expect(have, `${name} in ${bytes.toString('utf8')}`).toEqual(want);
        if (typeof want === 'number') expect(Object.is(have, want), `${name}: ${String(want)}`).toBe(true);
      }
      expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    }
    expect(answered).toBeGreaterThan(3000);
    expect(invalid).toBeGreaterThan(1000);
  });

  it('keeps the last of duplicate names and decodes escaped names, as JSON.parse does', () => {
    expect(read(Buffer.from('{"amount":1,"am\\u006funt":2,"amount":3}'))?.['amount']).toBe(3);
    expect(read(Buffer.from('{"amount":1,"am\\u006funt":2}'))?.['amount']).toBe(2);
    expect(read(Buffer.from('{"a":{"amount":600},"amount":-0}'))?.['amount']).toBe(-0);
    const proto = read(Buffer.from('{"__proto__":{"x":1}}'))!;
    expect(Object.hasOwn(proto, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });

  it('leaves to JSON.parse what it does not read: deep nesting, bytes that are not UTF-8', () => {
    const deep = `{"a":${'['.repeat(300)}${']'.repeat(300)}}`;
    expect(read(Buffer.from(deep))).toBeUndefined();
    expect(JSON.parse(deep)).toBeDefined();
    expect(
      read(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3]), Buffer.from('"}')])),
    ).toBeUndefined();
    expect(read(Buffer.from(`{"a":${'['.repeat(200)}${']'.repeat(200)}}`))?.['a']).toBeDefined();
  });
});

describe('compileFilter with the field reader', () => {
  it('matches the same records as evaluating the expression on JSON.parse of each value', () => {
    const filters = [
      'amount > 499',
      "status = 'failed' AND amount > 499",
      'a IS NULL',
      "`é` = 'é€😀' OR a = true",
      'items IS NOT NULL AND amount >= 0',
      '__proto__ IS NOT NULL',
      'missing IS NULL AND _partition = 0',
    ];
    const next = rng(42);
    const values: (Buffer | null)[] = [
      null,
      ...[
        '{"status":"failed","amount":500}',
        '{"status":"failed","amount":499}',
        '{"status":"fai\\u006ced", "amount":1e3}',
        '{"amount":500,"status":"failed","status":"paid"}',
        '{"status":"failed","amount":"600"}',
      ].map((t) => Buffer.from(t)),
    ];
    for (let t = 0; t < 3000; t++) {
      const text = object(next, 2);
      values.push(t % 4 === 3 ? mutate(next, text) : Buffer.from(text, 'utf8'));
    }
    for (const text of filters) {
      const parsed = parseExpression(text);
      if (!parsed.ok) throw new Error(text);
      const ev = compileExpression(parsed.ast);
      const f = compileFilter(text);
      let matched = 0;
      for (const [i, v] of values.entries()) {
        const r = fakeRecord({ partition: i % 2, offset: BigInt(i), value: v });
        let value: unknown = null;
        if (v !== null) {
          const s = v.toString('utf8');
          try {
            value = JSON.parse(s);
          } catch {
            value = s;
          }
        }
        const meta: RecordMeta = { key: null, timestamp: 0, topic: 't', partition: i % 2, offset: i };
        const want = ev(value, meta) === true;
        expect(f(r), `${text} on ${v?.toString('utf8')}`).toBe(want);
        if (want) matched++;
      }
      // Each filter both passes and rejects some of the values, so the comparison can fail.
      expect(matched, text).toBeGreaterThan(0);
      expect(matched, text).toBeLessThan(values.length);
    }
  });
});
