// Compiles an AST into nested closures once; evaluation then only calls closures.
// Constant sub-expressions are folded at compile time, field paths are
// pre-split, and the common shapes (field op constant, IN with literals) get
// specialised closures so the per-record path allocates nothing.
import type { BinaryExpr, CallExpr, Expr, InExpr } from './ast';
import { children } from './ast';
import { ExprCompileError, ExprEvalError } from './errors';
import { MISMATCH, lookupFunction, toStringValue } from './functions';
import { compareValues, likeToRegExp, own, ownPath, typeName } from './runtime';

/** Record metadata the engine passes next to the value; read through the `_key`... pseudo-fields. */
export interface RecordMeta {
  key?: unknown;
  /** Epoch milliseconds. */
  timestamp?: number;
  topic?: string;
  partition?: number;
  offset?: number;
  headers?: Record<string, string>;
}

export type Evaluator = (record: unknown, meta?: RecordMeta) => unknown;

export interface CompileOptions {
  /**
   * Called for record-dependent type mismatches (e.g. `'abc' * 2`). The evaluator still
   * yields NULL for that sub-expression and carries on. To dead-letter the record,
   * record the error here; to abort evaluation instead, throw from the hook
   * (the error propagates out of the evaluator unchanged).
   */
  onError?: (error: ExprEvalError) => void;
}

export const PSEUDO_FIELDS = ['_key', '_timestamp', '_topic', '_partition', '_offset', '_headers'] as const;
const PSEUDO = new Set<string>(PSEUDO_FIELDS);

type Ev = (r: unknown, m: RecordMeta | undefined) => unknown;

interface Ctx {
  onError: ((e: ExprEvalError) => void) | undefined;
  folded: Map<Expr, unknown>;
  folding: boolean;
  foldFailed: boolean;
  /** Set by compileAggregate: aggregate calls read their finished value from the slot array. */
  aggregateSlots: Map<Expr, number> | undefined;
}

function report(ctx: Ctx, e: Expr, message: string): null {
  if (ctx.folding) {
    ctx.foldFailed = true;
    return null;
  }
  ctx.onError?.(new ExprEvalError(message, 'type_mismatch', e.start, e.end));
  return null;
}

/** Compiles a scalar (non-aggregate) expression. Throws `ExprCompileError` only for ASTs that cannot have passed `parseExpression`. */
export function compileExpression(ast: Expr, options: CompileOptions = {}): Evaluator {
  const ctx: Ctx = {
    onError: options.onError,
    folded: new Map(),
    folding: false,
    foldFailed: false,
    aggregateSlots: undefined,
  };
  const fn = compile(ast, ctx);
  return (record, meta) => fn(record, meta);
}

/** @internal used by compileAggregate for the expression around the aggregate calls. */
export function compileOuter(ast: Expr, slots: Map<Expr, number>, options: CompileOptions): Ev {
  const ctx: Ctx = {
    onError: options.onError,
    folded: new Map(),
    folding: false,
    foldFailed: false,
    aggregateSlots: slots,
  };
  return compile(ast, ctx);
}

function compile(e: Expr, ctx: Ctx): Ev {
  const fn = compileRaw(e, ctx);
  if (e.kind === 'literal') {
    ctx.folded.set(e, e.value);
    return fn;
  }
  if (isFoldable(e, ctx) && children(e).every((c) => ctx.folded.has(c))) {
    ctx.folding = true;
    ctx.foldFailed = false;
    const v = fn(undefined, undefined);
    ctx.folding = false;
    if (!ctx.foldFailed) {
      ctx.folded.set(e, v);
      return () => v;
    }
  }
  return fn;
}

function isFoldable(e: Expr, ctx: Ctx): boolean {
  if (e.kind === 'field') return false;
  if (e.kind === 'call') {
    if (ctx.aggregateSlots?.has(e)) return false;
    return lookupFunction(e.name)?.aggregate === false;
  }
  return true;
}

function compileRaw(e: Expr, ctx: Ctx): Ev {
  switch (e.kind) {
    case 'literal': {
      const v = e.value;
      return () => v;
    }
    case 'field':
      return compileField(e.path, e, ctx);
    case 'member': {
      const obj = compile(e.object, ctx);
      const name = e.name;
      return (r, m) => own(obj(r, m), name);
    }
    case 'index': {
      const obj = compile(e.object, ctx);
      const idx = compile(e.index, ctx);
      return (r, m) => {
        const o = obj(r, m);
        const i = idx(r, m);
        if (Array.isArray(o)) {
          if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= o.length) return null;
          const v: unknown = o[i];
          return v === undefined ? null : v;
        }
        return typeof i === 'string' ? own(o, i) : null;
      };
    }
    case 'unary': {
      const operand = compile(e.operand, ctx);
      if (e.op === 'NOT') {
        return (r, m) => {
          const v = operand(r, m);
          if (typeof v === 'boolean') return !v;
          return v === null ? null : report(ctx, e, `NOT needs a true/false value, got ${typeName(v)}`);
        };
      }
      return (r, m) => {
        const v = operand(r, m);
        if (typeof v === 'number') return -v;
        return v === null ? null : report(ctx, e, `'-' needs a number, got ${typeName(v)}`);
      };
    }
    case 'binary':
      return compileBinary(e, ctx);
    case 'like': {
      const value = compile(e.value, ctx);
      const pattern = compile(e.pattern, ctx);
      const negated = e.negated;
      const fixed = ctx.folded.get(e.pattern);
      const fixedRe = typeof fixed === 'string' ? likeToRegExp(fixed) : undefined;
      let lastPattern: string | undefined;
      let lastRe: RegExp | undefined;
      return (r, m) => {
        const v = value(r, m);
        const p = fixedRe ? fixed : pattern(r, m);
        if (v === null || p === null) return null;
        if (typeof v !== 'string' || typeof p !== 'string') {
          return report(ctx, e, `LIKE needs text on both sides, got ${typeName(v)} and ${typeName(p)}`);
        }
        let re = fixedRe;
        if (!re) {
          if (p !== lastPattern) {
            lastPattern = p;
            lastRe = likeToRegExp(p);
          }
          re = lastRe as RegExp;
        }
        return re.test(v) !== negated;
      };
    }
    case 'in':
      return compileIn(e, ctx);
    case 'between': {
      const value = compile(e.value, ctx);
      const low = compile(e.low, ctx);
      const high = compile(e.high, ctx);
      const negated = e.negated;
      return (r, m) => {
        const v = value(r, m);
        if (v === null) return null;
        const lo = low(r, m);
        const hi = high(r, m);
        let ge: boolean | null = null;
        let le: boolean | null = null;
        if (lo !== null) {
          const c = compareValues(v, lo);
          if (c === undefined)
            return report(ctx, e, `cannot compare ${typeName(v)} with ${typeName(lo)} in BETWEEN`);
          ge = c >= 0;
        }
        if (hi !== null) {
          const c = compareValues(v, hi);
          if (c === undefined)
            return report(ctx, e, `cannot compare ${typeName(v)} with ${typeName(hi)} in BETWEEN`);
          le = c <= 0;
        }
        const both = and3(ge, le);
        return both === null ? null : both !== negated;
      };
    }
    case 'isNull': {
      const value = compile(e.value, ctx);
      const negated = e.negated;
      return (r, m) => (value(r, m) === null) !== negated;
    }
    case 'case':
      return compileCase(e, ctx);
    case 'call':
      return compileCall(e, ctx);
  }
}

function and3(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false;
  if (a === null || b === null) return null;
  return true;
}

function compileField(path: string[], e: Expr, ctx: Ctx): Ev {
  const [head, ...rest] = path;
  if (head === undefined) throw new ExprCompileError('empty field path', e.start, e.end);
  if (ctx.aggregateSlots) {
    throw new ExprCompileError(
      `field '${path.join('.')}' is used outside an aggregate function — wrap it, e.g. first(${path.join('.')})`,
      e.start,
      e.end,
    );
  }
  if (PSEUDO.has(head)) {
    const read = pseudoReader(head);
    if (rest.length === 0) return (_r, m) => read(m);
    return (_r, m) => ownPath(read(m), rest);
  }
  if (path.length === 1) return (r) => own(r, head);
  if (path.length === 2) {
    const second = path[1] as string;
    return (r) => own(own(r, head), second);
  }
  const frozen = [...path];
  return (r) => ownPath(r, frozen);
}

function pseudoReader(name: string): (m: RecordMeta | undefined) => unknown {
  switch (name) {
    case '_key':
      return (m) => m?.key ?? null;
    case '_timestamp':
      return (m) => m?.timestamp ?? null;
    case '_topic':
      return (m) => m?.topic ?? null;
    case '_partition':
      return (m) => m?.partition ?? null;
    case '_offset':
      return (m) => m?.offset ?? null;
    default:
      return (m) => m?.headers ?? null;
  }
}

const COMPARE_TEST: Record<string, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '<>': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

function compileBinary(e: BinaryExpr, ctx: Ctx): Ev {
  const left = compile(e.left, ctx);
  const right = compile(e.right, ctx);
  switch (e.op) {
    case 'AND':
      return (r, m) => {
        const a = left(r, m);
        if (a === false) return false;
        const b = right(r, m);
        if (b === false) return false;
        if (a === true && b === true) return true;
        if ((a !== null && a !== true) || (b !== null && b !== true)) {
          return report(ctx, e, `AND needs true/false values, got ${typeName(a)} and ${typeName(b)}`);
        }
        return null;
      };
    case 'OR':
      return (r, m) => {
        const a = left(r, m);
        if (a === true) return true;
        const b = right(r, m);
        if (b === true) return true;
        if (a === false && b === false) return false;
        if ((a !== null && a !== false) || (b !== null && b !== false)) {
          return report(ctx, e, `OR needs true/false values, got ${typeName(a)} and ${typeName(b)}`);
        }
        return null;
      };
    case '=':
    case '<>':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compileComparison(e, left, right, ctx);
    case '||':
      return (r, m) => {
        const a = left(r, m);
        const b = right(r, m);
        if (a === null || b === null) return null;
        if (typeof a === 'object' || typeof b === 'object') {
          return report(
            ctx,
            e,
            `'||' joins text, numbers and booleans, got ${typeName(a)} and ${typeName(b)}`,
          );
        }
        return (toStringValue(a) as string) + (toStringValue(b) as string);
      };
    default:
      return compileArithmetic(e, left, right, ctx);
  }
}

function compileComparison(e: BinaryExpr, left: Ev, right: Ev, ctx: Ctx): Ev {
  const test = COMPARE_TEST[e.op] as (c: number) => boolean;
  const slow = (a: unknown, b: unknown): unknown => {
    if (a === null || b === null) return null;
    const c = compareValues(a, b);
    if (c === undefined)
      return report(ctx, e, `cannot compare ${typeName(a)} with ${typeName(b)} using '${e.op}'`);
    return test(c);
  };
  const k = ctx.folded.get(e.right);
  if (typeof k === 'number') {
    // The overwhelmingly common "field op number" shape: no compareValues call per record.
    switch (e.op) {
      case '>':
        return (r, m) => {
          const a = left(r, m);
          return typeof a === 'number' ? a > k : slow(a, k);
        };
      case '>=':
        return (r, m) => {
          const a = left(r, m);
          return typeof a === 'number' ? a >= k : slow(a, k);
        };
      case '<':
        return (r, m) => {
          const a = left(r, m);
          return typeof a === 'number' ? a < k : slow(a, k);
        };
      case '<=':
        return (r, m) => {
          const a = left(r, m);
          return typeof a === 'number' ? a <= k : slow(a, k);
        };
      case '=':
        return (r, m) => {
          const a = left(r, m);
          return typeof a === 'number' ? a === k : slow(a, k);
        };
      default:
        return (r, m) => {
          const a = left(r, m);
          return typeof a === 'number' ? a !== k : slow(a, k);
        };
    }
  }
  return (r, m) => slow(left(r, m), right(r, m));
}

function compileArithmetic(e: BinaryExpr, left: Ev, right: Ev, ctx: Ctx): Ev {
  const op = e.op;
  const compute = (a: number, b: number): number | null => {
    let v: number;
    switch (op) {
      case '+':
        v = a + b;
        break;
      case '-':
        v = a - b;
        break;
      case '*':
        v = a * b;
        break;
      case '/':
        if (b === 0) return null;
        v = a / b;
        break;
      default:
        if (b === 0) return null;
        v = a % b;
    }
    // JSON cannot carry Infinity/NaN, so overflow reads as NULL like division by zero.
    return Number.isFinite(v) ? v : null;
  };
  return (r, m) => {
    const a = left(r, m);
    const b = right(r, m);
    if (typeof a === 'number' && typeof b === 'number') return compute(a, b);
    if (a === null || b === null) return null;
    const hint =
      op === '+' && (typeof a === 'string' || typeof b === 'string') ? " (use '||' to join text)" : '';
    return report(ctx, e, `'${op}' needs numbers, got ${typeName(a)} and ${typeName(b)}${hint}`);
  };
}

function compileIn(e: InExpr, ctx: Ctx): Ev {
  const value = compile(e.value, ctx);
  const items = e.list.map((x) => compile(x, ctx));
  const negated = e.negated;
  const T = !negated;
  const F = negated;
  const allConstant = e.list.every((x) => ctx.folded.has(x));
  const constants = e.list.map((x) => ctx.folded.get(x));
  if (allConstant && !constants.some((c) => Array.isArray(c) || (typeof c === 'object' && c !== null))) {
    const set = new Set(constants.filter((c) => c !== null));
    const hasNull = constants.includes(null);
    return (r, m) => {
      const v = value(r, m);
      if (v === null) return null;
      if (set.has(v)) return T;
      return hasNull ? null : F;
    };
  }
  const single = items.length === 1 ? items[0] : undefined;
  return (r, m) => {
    const v = value(r, m);
    if (v === null) return null;
    if (single) {
      const only = single(r, m);
      if (Array.isArray(only)) return only.includes(v) ? T : F;
      if (only === null) return null;
      return only === v ? T : F;
    }
    let sawNull = false;
    for (let i = 0; i < items.length; i++) {
      const x = (items[i] as Ev)(r, m);
      if (x === v) return T;
      if (x === null) sawNull = true;
    }
    return sawNull ? null : F;
  };
}

function compileCase(e: Extract<Expr, { kind: 'case' }>, ctx: Ctx): Ev {
  const subject = e.subject ? compile(e.subject, ctx) : undefined;
  const whens = e.whens.map((w) => compile(w.when, ctx));
  const thens = e.whens.map((w) => compile(w.then, ctx));
  const otherwise = e.else ? compile(e.else, ctx) : () => null;
  const n = whens.length;
  if (subject) {
    return (r, m) => {
      const s = subject(r, m);
      if (s !== null) {
        for (let i = 0; i < n; i++) {
          if ((whens[i] as Ev)(r, m) === s) return (thens[i] as Ev)(r, m);
        }
      }
      return otherwise(r, m);
    };
  }
  return (r, m) => {
    for (let i = 0; i < n; i++) {
      if ((whens[i] as Ev)(r, m) === true) return (thens[i] as Ev)(r, m);
    }
    return otherwise(r, m);
  };
}

function compileCall(e: CallExpr, ctx: Ctx): Ev {
  const slot = ctx.aggregateSlots?.get(e);
  if (slot !== undefined) return (r) => (r as unknown[])[slot] ?? null;
  const def = lookupFunction(e.name);
  if (!def) throw new ExprCompileError(`unknown function '${e.name}'`, e.start, e.end);
  if (def.aggregate) {
    throw new ExprCompileError(
      `aggregate function '${e.name}' can only be compiled with compileAggregate`,
      e.start,
      e.end,
    );
  }
  if (e.args.length < def.minArgs || e.args.length > def.maxArgs) {
    throw new ExprCompileError(`${e.name}() called with ${e.args.length} arguments`, e.start, e.end);
  }
  const args = e.args.map((a) => compile(a, ctx));
  const name = e.name;
  const mismatch = (vals: unknown[]): null =>
    report(ctx, e, `${name}() cannot use ${vals.map(typeName).join(', ')} — expected ${def.signature}`);

  if (name === 'coalesce') {
    return (r, m) => {
      for (let i = 0; i < args.length; i++) {
        const v = (args[i] as Ev)(r, m);
        if (v !== null) return v;
      }
      return null;
    };
  }
  if (name === 'if') {
    const [c, a, b] = args as [Ev, Ev, Ev];
    return (r, m) => (c(r, m) === true ? a(r, m) : b(r, m));
  }
  if (def.variadic) {
    const impl = def.variadic;
    // One buffer per call site: evaluation is synchronous and a call site never re-enters itself.
    const buf = new Array<unknown>(args.length);
    return (r, m) => {
      for (let i = 0; i < args.length; i++) buf[i] = (args[i] as Ev)(r, m);
      const v = impl(buf);
      return v === MISMATCH ? mismatch(buf) : v;
    };
  }
  const impl = def.impl;
  if (!impl) throw new ExprCompileError(`function '${name}' has no implementation`, e.start, e.end);
  const nullSafe = def.nullSafe === true;
  const [a0, a1, a2] = args;
  if (args.length === 1 && a0) {
    return (r, m) => {
      const x = a0(r, m);
      if (x === null && !nullSafe) return null;
      const v = impl(x, undefined, undefined);
      return v === MISMATCH ? mismatch([x]) : v;
    };
  }
  if (args.length === 2 && a0 && a1) {
    return (r, m) => {
      const x = a0(r, m);
      const y = a1(r, m);
      if ((x === null || y === null) && !nullSafe) return null;
      const v = impl(x, y, undefined);
      return v === MISMATCH ? mismatch([x, y]) : v;
    };
  }
  return (r, m) => {
    const x = a0 ? a0(r, m) : undefined;
    const y = a1 ? a1(r, m) : undefined;
    const z = a2 ? a2(r, m) : undefined;
    if ((x === null || y === null || z === null) && !nullSafe) return null;
    const v = impl(x, y, z);
    return v === MISMATCH ? mismatch([x, y, z]) : v;
  };
}
