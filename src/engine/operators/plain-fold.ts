/**
 * @module engine/operators/plain-fold
 * The common aggregates of a window or combiner (`count(*)`, `count(f)`, `sum(f)`, `avg(f)` over
 * a plain top-level field) folded straight into an accumulator, without the expression
 * evaluator and without a fresh accumulator per record. The state it writes is the state
 * compileAggregate's parts keep (count: a number; sum and avg: `{ s, n }`), so the evaluator's
 * merge, result and changelog read it unchanged.
 *
 * A record whose values the evaluator would reject (a sum over text...) is not folded here:
 * `add` returns false and the caller takes the evaluator's path, which raises the evaluator's
 * own error. Every value is checked before any accumulator changes, so a record is folded
 * whole or not at all.
 */
import type { AggregateState, CallExpr, Expr } from '../../expr/index';
import { PSEUDO_FIELDS } from '../../expr/index';

type Kind = 'count*' | 'count' | 'sum';

interface PlainPart {
  kind: Kind;
  /** The field read; '' for count(*). */
  field: string;
}

interface SumState {
  s: number;
  n: number;
}

const PSEUDO = new Set<string>(PSEUDO_FIELDS);

/** The plain part an aggregate expression is, or undefined when it is anything else. */
function plainPart(ast: Expr): PlainPart | undefined {
  if (ast.kind !== 'call') return undefined;
  const call: CallExpr = ast;
  if (call.name === 'count' && call.star === true && call.args.length === 0)
    return { kind: 'count*', field: '' };
  const arg = call.args[0];
  if (call.args.length !== 1 || arg === undefined || arg.kind !== 'field') return undefined;
  const head = arg.path[0];
  if (arg.path.length !== 1 || head === undefined || PSEUDO.has(head)) return undefined;
  if (call.name === 'count') return { kind: 'count', field: head };
  if (call.name === 'sum' || call.name === 'avg') return { kind: 'sum', field: head };
  return undefined;
}

/** A field of a record value as the evaluator reads it: an own property, undefined as null. */
export function fieldOf(o: unknown, key: string): unknown {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  if (!Object.hasOwn(o, key)) return null;
  const v = (o as Record<string, unknown>)[key];
  return v === undefined ? null : v;
}

export interface PlainFolder {
  /**
   * Folds a record value into `acc` (one state per aggregate, each `[part state]`) and returns
   * true; returns false, changing nothing, when a value needs the evaluator (to raise its error).
   */
  add(acc: AggregateState[], value: unknown): boolean;
}

/** A folder for these aggregate expressions, or undefined when one of them is not plain. */
export function plainFolder(asts: readonly Expr[]): PlainFolder | undefined {
  const parts: PlainPart[] = [];
  for (const ast of asts) {
    const p = plainPart(ast);
    if (p === undefined) return undefined;
    parts.push(p);
  }
  const n = parts.length;
  const kinds = parts.map((p) => p.kind);
  const fields = parts.map((p) => p.field);
  // Checked values of the record being folded, reused (no array per record).
  const values: unknown[] = new Array<unknown>(n).fill(null);
  return {
    add(acc, value) {
      for (let i = 0; i < n; i++) {
        if (kinds[i] === 'count*') continue;
        const v = fieldOf(value, fields[i] as string);
        if (kinds[i] === 'sum' && v !== null && typeof v !== 'number') return false;
        values[i] = v;
      }
      for (let i = 0; i < n; i++) {
        const state = acc[i] as unknown[];
        const kind = kinds[i];
        if (kind === 'count*') state[0] = (state[0] as number) + 1;
        else if (kind === 'count') {
          if (values[i] !== null) state[0] = (state[0] as number) + 1;
        } else if (values[i] !== null) {
          const s = state[0] as SumState;
          s.s += values[i] as number;
          s.n++;
        }
      }
      return true;
    },
  };
}
