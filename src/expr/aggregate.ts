// Aggregators in the three-method style of Kafka Streams' Aggregator /
// quix-streams' BaseAggregator. The accumulator is plain JSON (arrays, objects,
// numbers, strings) so the engine can write it to a changelog topic with
// JSON.stringify and restore it with JSON.parse — no Sets, Maps or classes.
import type { CallExpr, Expr } from './ast';
import { ExprCompileError, ExprEvalError } from './errors';
import {
  compileExpression,
  compileOuter,
  type CompileOptions,
  type Evaluator,
  type RecordMeta,
} from './compile';
import { compareValues, distinctKey, typeName } from './runtime';
import { aggregateCalls, isAggregate } from './walk';

/** JSON-serialisable accumulator: one state per aggregate call, in source order. */
export type AggregateState = unknown[];

export interface Aggregator {
  /** A fresh, empty accumulator. */
  init(): AggregateState;
  /** Folds one record in. Mutates `acc` and returns it (no per-record allocation). */
  add(acc: AggregateState, record: unknown, meta?: RecordMeta): AggregateState;
  /** Combines two partial accumulators (e.g. session-window merges). Mutates and returns `a`. */
  merge(a: AggregateState, b: AggregateState): AggregateState;
  /** The aggregate's value for an accumulator; does not modify it. */
  result(acc: AggregateState): unknown;
}

interface SumState {
  s: number;
  n: number;
}
interface DistinctState {
  n: number;
  seen: Record<string, 1>;
}

interface Part {
  init(): unknown;
  add(state: unknown, record: unknown, meta: RecordMeta | undefined): unknown;
  merge(a: unknown, b: unknown): unknown;
  result(state: unknown): unknown;
}

function part(call: CallExpr, options: CompileOptions): Part {
  const report = (message: string): void => {
    options.onError?.(new ExprEvalError(message, 'type_mismatch', call.start, call.end));
  };
  if (call.name === 'count' && call.star) {
    return {
      init: () => 0,
      add: (s) => (s as number) + 1,
      merge: (a, b) => (a as number) + (b as number),
      result: (s) => s,
    };
  }
  const arg = call.args[0];
  if (!arg || call.args.length !== 1) {
    throw new ExprCompileError(`${call.name}() takes exactly one argument`, call.start, call.end);
  }
  const value: Evaluator = compileExpression(arg, options);
  switch (call.name) {
    case 'count':
      return {
        init: () => 0,
        add: (s, r, m) => (value(r, m) === null ? s : (s as number) + 1),
        merge: (a, b) => (a as number) + (b as number),
        result: (s) => s,
      };
    case 'sum':
    case 'avg': {
      const avg = call.name === 'avg';
      return {
        init: (): SumState => ({ s: 0, n: 0 }),
        add: (st, r, m) => {
          const v = value(r, m);
          if (typeof v === 'number') {
            const state = st as SumState;
            state.s += v;
            state.n++;
          } else if (v !== null) {
            report(`${call.name}() needs numbers, got ${typeName(v)}`);
          }
          return st;
        },
        merge: (a, b) => {
          const x = a as SumState;
          const y = b as SumState;
          x.s += y.s;
          x.n += y.n;
          return x;
        },
        result: (st) => {
          const { s, n } = st as SumState;
          if (n === 0) return null;
          return avg ? s / n : s;
        },
      };
    }
    case 'min':
    case 'max': {
      const sign = call.name === 'min' ? -1 : 1;
      const pick = (best: unknown, v: unknown): unknown => {
        if (v === null) return best;
        if (best === null) {
          if (typeof v === 'number' || typeof v === 'string') return v;
          report(`${call.name}() works on numbers or text, got ${typeName(v)}`);
          return best;
        }
        const c = compareValues(v, best);
        if (c === undefined) {
          report(`${call.name}() cannot compare ${typeName(v)} with ${typeName(best)}`);
          return best;
        }
        return c * sign > 0 ? v : best;
      };
      return {
        init: () => null,
        add: (s, r, m) => pick(s, value(r, m)),
        merge: (a, b) => pick(a, b),
        result: (s) => s,
      };
    }
    case 'first':
      return {
        init: () => null,
        add: (s, r, m) => (s !== null ? s : value(r, m)),
        merge: (a, b) => (a !== null ? a : b),
        result: (s) => s,
      };
    case 'last':
      return {
        init: () => null,
        add: (s, r, m) => {
          const v = value(r, m);
          return v === null ? s : v;
        },
        merge: (a, b) => (b !== null ? b : a),
        result: (s) => s,
      };
    case 'count_distinct':
      return {
        init: (): DistinctState => ({ n: 0, seen: {} }),
        add: (st, r, m) => {
          const v = value(r, m);
          if (v === null) return st;
          const state = st as DistinctState;
          // Keys always carry a type prefix ("s:", "n:"...), so they can never be "__proto__".
          const k = distinctKey(v);
          if (!Object.hasOwn(state.seen, k)) {
            state.seen[k] = 1;
            state.n++;
          }
          return st;
        },
        merge: (a, b) => {
          const x = a as DistinctState;
          for (const k of Object.keys((b as DistinctState).seen)) {
            if (!Object.hasOwn(x.seen, k)) {
              x.seen[k] = 1;
              x.n++;
            }
          }
          return x;
        },
        result: (st) => (st as DistinctState).n,
      };
    case 'collect':
      return {
        init: (): unknown[] => [],
        add: (st, r, m) => {
          const v = value(r, m);
          if (v !== null) (st as unknown[]).push(v);
          return st;
        },
        merge: (a, b) => {
          (a as unknown[]).push(...(b as unknown[]));
          return a;
        },
        result: (st) => [...(st as unknown[])],
      };
    default:
      throw new ExprCompileError(`'${call.name}' is not an aggregate function`, call.start, call.end);
  }
}

/**
 * Compiles an expression that contains aggregate calls, e.g. `sum(amount)`,
 * `round(avg(price), 2)` or `sum(a) / count(*)`. Every field must be inside an
 * aggregate call. Throws `ExprCompileError` for expressions without aggregates,
 * nested aggregates, or fields outside aggregates (`checkExpression` reports all
 * of these first, with positions).
 */
export function compileAggregate(ast: Expr, options: CompileOptions = {}): Aggregator {
  const calls = aggregateCalls(ast);
  if (calls.length === 0) {
    throw new ExprCompileError(
      'the expression has no aggregate function (such as count or sum)',
      ast.start,
      ast.end,
    );
  }
  for (const c of calls) {
    for (const a of c.args) {
      if (isAggregate(a))
        throw new ExprCompileError(`aggregate functions cannot be nested in '${c.name}'`, a.start, a.end);
    }
  }
  const parts = calls.map((c) => part(c, options));
  const n = parts.length;
  const single = ast.kind === 'call' && calls[0] === ast ? parts[0] : undefined;
  const outer = single
    ? undefined
    : compileOuter(ast, new Map<Expr, number>(calls.map((c, i) => [c, i])), options);
  return {
    init: () => parts.map((p) => p.init()),
    add: (acc, record, meta) => {
      for (let i = 0; i < n; i++) acc[i] = (parts[i] as Part).add(acc[i], record, meta);
      return acc;
    },
    merge: (a, b) => {
      for (let i = 0; i < n; i++) a[i] = (parts[i] as Part).merge(a[i], b[i]);
      return a;
    },
    result: (acc) => {
      if (single) return single.result(acc[0]);
      const values = parts.map((p, i) => p.result(acc[i]));
      return (outer as (r: unknown, m: undefined) => unknown)(values, undefined);
    },
  };
}
