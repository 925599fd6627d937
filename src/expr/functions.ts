// The function table: one source of truth for the parser (known names, arity),
// the type checker (argument/result types), the compiler (implementations),
// the docs and the editor's completion (`FUNCTIONS`).
import type { Expr, ExprType } from './ast';

/** Returned by an implementation when an argument has the wrong runtime type. */
export const MISMATCH: unique symbol = Symbol('type mismatch');
export type Mismatch = typeof MISMATCH;

/** Public description of a function, for docs and editor completion. */
export interface FunctionInfo {
  name: string;
  signature: string;
  description: string;
  example: string;
  aggregate: boolean;
  minArgs: number;
  /** `Infinity` for variadic functions. */
  maxArgs: number;
}

export interface FunctionDef extends FunctionInfo {
  /** Accepted types per parameter; the last entry repeats for variadic functions. */
  params: ExprType[][];
  returns: ExprType | ((args: ExprType[]) => ExprType);
  /** Scalar implementation for fixed arity. NULL arguments never reach it unless `nullSafe`. */
  impl?: (a: unknown, b: unknown, c: unknown) => unknown;
  /** Scalar implementation for variadic functions; receives every argument, NULLs included. */
  variadic?: (args: unknown[]) => unknown;
  /** When true, `impl` is called even if an argument is NULL. */
  nullSafe?: boolean;
  /** Extra static checks on literal arguments; returns the index of the bad argument and why. */
  checkArgs?: (args: Expr[]) => { index: number; message: string } | undefined;
}

const STR: ExprType[] = ['string'];
const NUM: ExprType[] = ['number'];
const ANY: ExprType[] = ['any'];
const ORDERED: ExprType[] = ['number', 'string', 'timestamp'];

const str = (v: unknown): v is string => typeof v === 'string';
const num = (v: unknown): v is number => typeof v === 'number';
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Common type of several values (used by coalesce/if/least/CASE). */
export function unifyTypes(types: ExprType[]): ExprType {
  let out: ExprType = 'null';
  for (const t of types) {
    if (t === 'null') continue;
    if (out === 'null') out = t;
    else if (out === t) continue;
    else if ((out === 'number' || out === 'timestamp') && (t === 'number' || t === 'timestamp'))
      out = 'number';
    else return 'any';
  }
  return out;
}

function roundHalfAwayFromZero(x: number, digits: number): number {
  const d = Math.trunc(digits);
  const abs = Math.abs(x);
  // Shifting through the decimal exponent avoids 1.005 * 100 = 100.49999...
  const shifted = Math.round(Number(`${abs}e${d}`));
  const back = Number(`${shifted}e${-d}`);
  return Math.sign(x) * back;
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Strict ISO-8601; a missing offset means UTC so that results never depend on the machine's zone. */
export function parseIsoTimestamp(s: string): number | null {
  const m = ISO_RE.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, se, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = se === undefined ? 0 : Number(se);
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 2023-02-31 over into March; reject instead.
  if (new Date(t).getUTCDate() !== day) return null;
  if (year < 100) t = new Date(t).setUTCFullYear(year);
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    t -= sign * offset * 60_000;
  }
  return t;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

export function formatTimestamp(ms: number, pattern: string | null): string | null {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return null;
  if (pattern === null) return d.toISOString();
  return pattern.replace(/YYYY|MM|DD|HH|mm|ss|SSS/g, (tok) => {
    switch (tok) {
      case 'YYYY':
        return pad(d.getUTCFullYear(), 4);
      case 'MM':
        return pad(d.getUTCMonth() + 1, 2);
      case 'DD':
        return pad(d.getUTCDate(), 2);
      case 'HH':
        return pad(d.getUTCHours(), 2);
      case 'mm':
        return pad(d.getUTCMinutes(), 2);
      case 'ss':
        return pad(d.getUTCSeconds(), 2);
      default:
        return pad(d.getUTCMilliseconds(), 3);
    }
  });
}

export const DATE_UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;

export function dateTrunc(unit: string, ms: number): number | null {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return null;
  switch (unit.toLowerCase()) {
    case 'second':
      return Math.floor(ms / 1000) * 1000;
    case 'minute':
      return Math.floor(ms / 60_000) * 60_000;
    case 'hour':
      return Math.floor(ms / 3_600_000) * 3_600_000;
    case 'day':
      return Math.floor(ms / 86_400_000) * 86_400_000;
    case 'week': {
      // ISO weeks start on Monday; 1970-01-01 was a Thursday, so shift by 3 days.
      const day = Math.floor(ms / 86_400_000);
      return (day - ((((day + 3) % 7) + 7) % 7)) * 86_400_000;
    }
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'quarter':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (d.getUTCMonth() % 3), 1);
    case 'year':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
    default:
      return null;
  }
}

export function toStringValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function literalStringArg(args: Expr[], i: number): string | undefined {
  const a = args[i];
  return a?.kind === 'literal' && typeof a.value === 'string' ? a.value : undefined;
}

function def(d: FunctionDef): FunctionDef {
  return d;
}

const scalar: FunctionDef[] = [
  def({
    name: 'lower',
    signature: 'lower(s: string) → string',
    description: 'Text in lower case.',
    example: "lower('AbC') → 'abc'",
    aggregate: false,
    minArgs: 1,
    maxArgs: 1,
    params: [STR],
    returns: 'string',
    impl: (s) => (str(s) ? s.toLowerCase() : MISMATCH),
  }),
  def({
    name: 'upper',
    signature: 'upper(s: string) → string',
    description: 'Text in upper case.',
    example: "upper('AbC') → 'ABC'",
    aggregate: false,
    minArgs: 1,
    maxArgs: 1,
    params: [STR],
    returns: 'string',
    impl: (s) => (str(s) ? s.toUpperCase() : MISMATCH),
  }),
  def({
    name: 'trim',
    signature: 'trim(s: string) → string',
    description: 'Text without leading and trailing white space.',
    example: "trim('  a b ') → 'a b'",
    aggregate: false,
    minArgs: 1,
    maxArgs: 1,
    params: [STR],
    returns: 'string',
    impl: (s) => (str(s) ? s.trim() : MISMATCH),
  }),
  def({
    name: 'length',
    signature: 'length(s: string) → number',
    description: 'Number of characters (Unicode code points) in the text.',
    example: "length('héllo') → 5",
    aggregate: false,
    minArgs: 1,
    maxArgs: 1,
    params: [STR],
    returns: 'number',
    impl: (s) => {
      if (!str(s)) return MISMATCH;
      let n = 0;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0xdc00 || c > 0xdfff) n++;
      }
      return n;
    },
  }),
  def({
    name: 'substring',
    signature: 'substring(s: string, start: number[, len: number]) → string',
    description:
      'Part of the text starting at position `start` (1-based, as in SQL), at most `len` characters.',
    example: "substring('kafka', 2, 3) → 'afk'",
    aggregate: false,
    minArgs: 2,
    maxArgs: 3,
    params: [STR, NUM, NUM],
    returns: 'string',
    nullSafe: true,
    impl: (s, start, len) => {
      if (s === null || start === null) return null;
      if (!str(s) || !num(start) || (len !== null && len !== undefined && !num(len))) return MISMATCH;
      const cps = codePoints(s);
      const from = Math.trunc(start) - 1;
      const to = num(len) ? from + Math.trunc(len) : cps.length;
      if (num(len) && len < 0) return null;
      return cps.slice(Math.max(0, from), Math.max(0, to)).join('');
    },
  }),
  def({
    name: 'concat',
    signature: 'concat(a, b, ...) → string',
    description: 'Joins values as text; NULL arguments are skipped (unlike `||`).',
    example: "concat('a', NULL, 1) → 'a1'",
    aggregate: false,
    minArgs: 1,
    maxArgs: Infinity,
    params: [ANY],
    returns: 'string',
    variadic: (args) => {
      let out = '';
      for (const a of args) {
        const s = toStringValue(a);
        if (s !== null) out += s;
      }
      return out;
    },
  }),
  def({
    name: 'replace',
    signature: 'replace(s: string, from: string, to: string) → string',
    description: 'Replaces every occurrence of `from` with `to`.',
    example: "replace('a-b-c', '-', '+') → 'a+b+c'",
    aggregate: false,
    minArgs: 3,
    maxArgs: 3,
    params: [STR, STR, STR],
    returns: 'string',
    impl: (s, from, to) => {
      if (!str(s) || !str(from) || !str(to)) return MISMATCH;
      return from === '' ? s : s.replaceAll(from, to);
    },
  }),
  def({
    name: 'starts_with',
    signature: 'starts_with(s: string, prefix: string) → boolean',
    description: 'Whether the text begins with `prefix`.',
    example: "starts_with('kafka', 'ka') → TRUE",
    aggregate: false,
    minArgs: 2,
    maxArgs: 2,
    params: [STR, STR],
    returns: 'boolean',
    impl: (s, p) => (str(s) && str(p) ? s.startsWith(p) : MISMATCH),
  }),
  def({
    name: 'ends_with',
    signature: 'ends_with(s: string, suffix: string) → boolean',
    description: 'Whether the text ends with `suffix`.',
    example: "ends_with('kafka', 'ka') → TRUE",
    aggregate: false,
    minArgs: 2,
    maxArgs: 2,
    params: [STR, STR],
    returns: 'boolean',
    impl: (s, p) => (str(s) && str(p) ? s.endsWith(p) : MISMATCH),
  }),
  def({
    name: 'contains',
    signature: 'contains(s: string | list, x) → boolean',
    description: 'Whether the text contains the text `x`, or the list contains the value `x`.',
    example: "contains('kafka', 'fk') → TRUE; contains(split('a,b', ','), 'b') → TRUE",
    aggregate: false,
    minArgs: 2,
    maxArgs: 2,
    params: [['string', 'list'], ANY],
    returns: 'boolean',
    impl: (s, x) => {
      if (Array.isArray(s)) return s.includes(x);
      return str(s) && str(x) ? s.includes(x) : MISMATCH;
    },
  }),
  def({
    name: 'split',
    signature: 'split(s: string, sep: string) → list',
    description: 'Splits the text at every `sep`; an empty `sep` splits into characters.',
    example: "split('a,b,c', ',') → ['a', 'b', 'c']",
    aggregate: false,
    minArgs: 2,
    maxArgs: 2,
    params: [STR, STR],
    returns: 'list',
    impl: (s, sep) => (str(s) && str(sep) ? (sep === '' ? codePoints(s) : s.split(sep)) : MISMATCH),
  }),
  def({
    name: 'coalesce',
    signature: 'coalesce(a, b, ...) → any',
    description: 'The first argument that is not NULL (later arguments are not evaluated).',
    example: 'coalesce(NULL, 0) → 0',
    aggregate: false,
    minArgs: 1,
    maxArgs: Infinity,
    params: [ANY],
    returns: (args) => unifyTypes(args),
  }),
  def({
    name: 'if',
    signature: 'if(cond: boolean, a, b) → any',
    description:
      '`a` when `cond` is TRUE, otherwise (FALSE or NULL) `b`. Only the chosen branch is evaluated.',
    example: "if(amount > 100, 'big', 'small')",
    aggregate: false,
    minArgs: 3,
    maxArgs: 3,
    params: [['boolean'], ANY, ANY],
    returns: (args) => unifyTypes(args.slice(1)),
  }),
  def({
    name: 'abs',
    signature: 'abs(x: number) → number',
    description: 'Absolute value.',
    example: 'abs(-3) → 3',
    aggregate: false,
    minArgs: 1,
    maxArgs: 1,
    params: [NUM],
    returns: 'number',
    impl: (x) => (num(x) ? Math.abs(x) : MISMATCH),
  }),
  def({
    name: 'round',
    signature: 'round(x: number[, digits: number]) → number',
    description:
      'Rounds half away from zero to `digits` decimals (default 0; negative rounds to tens, hundreds...).',
    example: 'round(2.345, 2) → 2.35; round(-2.5) → -3',
    aggregate: false,
    minArgs: 1,
    maxArgs: 2,
    params: [NUM, NUM],
    returns: 'number',
    nullSafe: true,
    impl: (x, digits) => {
      if (x === null || digits === null) return null;
      if (!num(x) || (digits !== undefined && !num(digits))) return MISMATCH;
      return finite(roundHalfAwayFromZero(x, digits ?? 0));
    },
  }),
  def({
    name: 'floor',
    signature: 'floor(x: number) → number',
    description: 'Largest integer not greater than `x`.',
    example: 'floor(-1.5) → -2',
    aggregate: false,
    minArgs: 1,
    maxArgs: 1,
    params: [NUM],
    returns: 'number',
    impl: (x) => (num(x) ? Math.floor(x) : MISMATCH),
  }),
  def({
    name: 'ceil',
    signature: 'ceil(x: number) → number',
    description: 'Smallest integer not less than `x`.',
    example: 'ceil(1.2) → 2',
    aggregate: false,
    minArgs: 1,
    maxArgs: 1,
    params: [NUM],
    returns: 'number',
    impl: (x) => (num(x) ? Math.ceil(x) : MISMATCH),
  }),
  def({
    name: 'least',
    signature: 'least(a, b, ...) → number | string',
    description:
      'The smallest argument, ignoring NULLs (NULL only if all are NULL). Use it for "min of two values".',
    example: 'least(3, 1, NULL) → 1',
    aggregate: false,
    minArgs: 2,
    maxArgs: Infinity,
    params: [ORDERED],
    returns: (args) => unifyTypes(args),
    variadic: (args) => extreme(args, -1),
  }),
  def({
    name: 'greatest',
    signature: 'greatest(a, b, ...) → number | string',
    description:
      'The largest argument, ignoring NULLs (NULL only if all are NULL). Use it for "max of two values".',
    example: 'greatest(3, 1, NULL) → 3',
    aggregate: false,
    minArgs: 2,
    maxArgs: Infinity,
    params: [ORDERED],
    returns: (args) => unifyTypes(args),
    variadic: (args) => extreme(args, 1),
  }),
  def({
    name: 'to_number',
    signature: 'to_number(x) → number',
    description: "Converts text ('12.5'), booleans (1/0) and numbers; NULL when the text is not a number.",
    example: "to_number(' 12.5 ') → 12.5; to_number('abc') → NULL",
    aggregate: false,
    minArgs: 1,
    maxArgs: 1,
    params: [ANY],
    returns: 'number',
    impl: (x) => {
      if (num(x)) return x;
      if (typeof x === 'boolean') return x ? 1 : 0;
      if (str(x)) {
        const t = x.trim();
        if (t === '') return null;
        const n = Number(t);
        return Number.isFinite(n) ? n : null;
      }
      return null;
    },
  }),
  def({
    name: 'to_string',
    signature: 'to_string(x) → string',
    description: 'Converts any value to text; lists and objects become JSON.',
    example: "to_string(1.5) → '1.5'",
    aggregate: false,
    minArgs: 1,
    maxArgs: 1,
    params: [ANY],
    returns: 'string',
    impl: (x) => toStringValue(x),
  }),
  def({
    name: 'to_boolean',
    signature: 'to_boolean(x) → boolean',
    description:
      "Converts 'true'/'false'/'yes'/'no'/'1'/'0' (any case) and numbers (0 is FALSE); otherwise NULL.",
    example: "to_boolean('Yes') → TRUE",
    aggregate: false,
    minArgs: 1,
    maxArgs: 1,
    params: [ANY],
    returns: 'boolean',
    impl: (x) => {
      if (typeof x === 'boolean') return x;
      if (num(x)) return x !== 0;
      if (str(x)) {
        const t = x.trim().toLowerCase();
        if (t === 'true' || t === 'yes' || t === '1' || t === 't' || t === 'y') return true;
        if (t === 'false' || t === 'no' || t === '0' || t === 'f' || t === 'n') return false;
      }
      return null;
    },
  }),
  def({
    name: 'parse_timestamp',
    signature: 'parse_timestamp(s: string) → timestamp',
    description:
      'Parses ISO-8601 text into epoch milliseconds. Without an offset the time is UTC. NULL if invalid.',
    example: "parse_timestamp('2024-01-02T03:04:05Z') → 1704164645000",
    aggregate: false,
    minArgs: 1,
    maxArgs: 1,
    params: [STR],
    returns: 'timestamp',
    impl: (s) => (str(s) ? parseIsoTimestamp(s) : MISMATCH),
  }),
  def({
    name: 'format_timestamp',
    signature: 'format_timestamp(ms: timestamp[, pattern: string]) → string',
    description:
      'Formats epoch milliseconds in UTC. Without a pattern: ISO-8601. Pattern letters: YYYY MM DD HH mm ss SSS.',
    example: "format_timestamp(0, 'YYYY-MM-DD HH:mm') → '1970-01-01 00:00'",
    aggregate: false,
    minArgs: 1,
    maxArgs: 2,
    params: [['timestamp'], STR],
    returns: 'string',
    nullSafe: true,
    impl: (ms, pattern) => {
      if (ms === null || pattern === null) return null;
      if (!num(ms) || (pattern !== undefined && !str(pattern))) return MISMATCH;
      return formatTimestamp(ms, pattern ?? null);
    },
  }),
  def({
    name: 'date_trunc',
    signature: 'date_trunc(unit: string, ms: timestamp) → timestamp',
    description: `Truncates epoch milliseconds (UTC) to the start of the unit: ${DATE_UNITS.join(', ')} (weeks start on Monday).`,
    example: "date_trunc('hour', 5400000) → 3600000",
    aggregate: false,
    minArgs: 2,
    maxArgs: 2,
    params: [STR, ['timestamp']],
    returns: 'timestamp',
    impl: (unit, ms) => {
      if (!str(unit) || !num(ms)) return MISMATCH;
      return (DATE_UNITS as readonly string[]).includes(unit.toLowerCase()) ? dateTrunc(unit, ms) : MISMATCH;
    },
    checkArgs: (args) => {
      const unit = literalStringArg(args, 0);
      if (unit !== undefined && !(DATE_UNITS as readonly string[]).includes(unit.toLowerCase())) {
        return { index: 0, message: `unknown time unit '${unit}' — use one of ${DATE_UNITS.join(', ')}` };
      }
      return undefined;
    },
  }),
  def({
    name: 'size',
    signature: 'size(x: list | object) → number',
    description: 'Number of elements of a list, or of fields of an object.',
    example: "size(split('a,b', ',')) → 2",
    aggregate: false,
    minArgs: 1,
    maxArgs: 1,
    params: [['list', 'object']],
    returns: 'number',
    impl: (x) => {
      if (Array.isArray(x)) return x.length;
      if (typeof x === 'object' && x !== null) return Object.keys(x).length;
      return MISMATCH;
    },
  }),
];

function extreme(args: unknown[], sign: 1 | -1): unknown {
  let best: number | string | null = null;
  for (const a of args) {
    if (a === null || a === undefined) continue;
    if (typeof a !== 'number' && typeof a !== 'string') return MISMATCH;
    if (best === null) best = a;
    else if (typeof best !== typeof a) return MISMATCH;
    else if (sign > 0 ? a > best : a < best) best = a;
  }
  return best;
}

const aggregates: FunctionDef[] = [
  def({
    name: 'count',
    signature: 'count(*) | count(x) → number',
    description: '`count(*)`: number of records; `count(x)`: number of records where `x` is not NULL.',
    example: 'count(*), count(email)',
    aggregate: true,
    minArgs: 1,
    maxArgs: 1,
    params: [ANY],
    returns: 'number',
  }),
  def({
    name: 'sum',
    signature: 'sum(x: number) → number',
    description: 'Sum of the non-NULL values; NULL when there are none.',
    example: 'sum(amount)',
    aggregate: true,
    minArgs: 1,
    maxArgs: 1,
    params: [NUM],
    returns: 'number',
  }),
  def({
    name: 'avg',
    signature: 'avg(x: number) → number',
    description: 'Average of the non-NULL values; NULL when there are none.',
    example: 'avg(amount)',
    aggregate: true,
    minArgs: 1,
    maxArgs: 1,
    params: [NUM],
    returns: 'number',
  }),
  def({
    name: 'min',
    signature: 'min(x) → same type as x',
    description: 'Smallest non-NULL value (numbers or text). For the smaller of two values use least(a, b).',
    example: 'min(price)',
    aggregate: true,
    minArgs: 1,
    maxArgs: 1,
    params: [ORDERED],
    returns: (args) => unifyTypes(args),
  }),
  def({
    name: 'max',
    signature: 'max(x) → same type as x',
    description: 'Largest non-NULL value (numbers or text). For the larger of two values use greatest(a, b).',
    example: 'max(price)',
    aggregate: true,
    minArgs: 1,
    maxArgs: 1,
    params: [ORDERED],
    returns: (args) => unifyTypes(args),
  }),
  def({
    name: 'first',
    signature: 'first(x) → same type as x',
    description: 'The first non-NULL value seen.',
    example: 'first(status)',
    aggregate: true,
    minArgs: 1,
    maxArgs: 1,
    params: [ANY],
    returns: (args) => unifyTypes(args),
  }),
  def({
    name: 'last',
    signature: 'last(x) → same type as x',
    description: 'The last non-NULL value seen.',
    example: 'last(status)',
    aggregate: true,
    minArgs: 1,
    maxArgs: 1,
    params: [ANY],
    returns: (args) => unifyTypes(args),
  }),
  def({
    name: 'count_distinct',
    signature: 'count_distinct(x) → number',
    description: 'Number of distinct non-NULL values (1 and "1" are different).',
    example: 'count_distinct(user_id)',
    aggregate: true,
    minArgs: 1,
    maxArgs: 1,
    params: [ANY],
    returns: 'number',
  }),
  def({
    name: 'collect',
    signature: 'collect(x) → list',
    description: 'List of the non-NULL values in arrival order.',
    example: 'collect(sku)',
    aggregate: true,
    minArgs: 1,
    maxArgs: 1,
    params: [ANY],
    returns: 'list',
  }),
];

const DEFS = new Map<string, FunctionDef>([...scalar, ...aggregates].map((d) => [d.name, d]));

export function lookupFunction(name: string): FunctionDef | undefined {
  return DEFS.get(name.toLowerCase());
}

export const FUNCTION_NAMES: readonly string[] = [...DEFS.keys()];

/** Functions we deliberately do not offer, with the message that says what to use instead. */
export const FORBIDDEN_FUNCTIONS: Readonly<Record<string, string>> = {
  now: "now() is not allowed: an expression must give the same result when a record is replayed — use _timestamp (the record's time in ms) instead",
  current_timestamp:
    "current_timestamp is not allowed: an expression must give the same result when a record is replayed — use _timestamp (the record's time in ms) instead",
  current_date:
    "current_date is not allowed: an expression must give the same result when a record is replayed — use date_trunc('day', _timestamp) instead",
  random: 'random() is not allowed: expressions must be deterministic so that replays give the same result',
  rand: 'rand() is not allowed: expressions must be deterministic so that replays give the same result',
  uuid: 'uuid() is not allowed: expressions must be deterministic so that replays give the same result',
};

/** The table read by the docs and by the editor's completion. */
export const FUNCTIONS: readonly FunctionInfo[] = [...DEFS.values()].map((d) => ({
  name: d.name,
  signature: d.signature,
  description: d.description,
  example: d.example,
  aggregate: d.aggregate,
  minArgs: d.minArgs,
  maxArgs: d.maxArgs,
}));

export function arityText(d: FunctionInfo): string {
  if (d.maxArgs === Infinity) return `at least ${d.minArgs} argument${d.minArgs === 1 ? '' : 's'}`;
  if (d.minArgs === d.maxArgs) return `${d.minArgs} argument${d.minArgs === 1 ? '' : 's'}`;
  return `${d.minArgs} to ${d.maxArgs} arguments`;
}
