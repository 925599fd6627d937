/**
 * @module engine/operators/expr
 * Expressions as operators use them. The `onError` hook throws the
 * `ExprEvalError`, which aborts evaluation of that record; `guarded` (factory)
 * turns it into a dead letter. Operators evaluate every expression of a record
 * before touching state, so a failing record leaves no half-applied change.
 */
import {
  compileAggregate,
  compileExpression,
  parseExpression,
  PSEUDO_FIELDS,
  referencedFields,
  type AggregateState,
  type Aggregator,
  type Evaluator,
  type RecordMeta,
} from '../../expr/index';
import type { ExprEvalError } from '../../expr/index';
import { fieldOf, plainFolder, type PlainFolder } from './plain-fold';
import type { EngineRecord } from './types';

const PSEUDO = new Set<string>(PSEUDO_FIELDS);

const raise = (e: ExprEvalError): never => {
  throw e;
};

function parse(text: string, what: string) {
  const parsed = parseExpression(text);
  // Specs reach the engine validated; a parse error here is a kflow bug, not bad data.
  if (!parsed.ok) throw new Error(`${what}: cannot parse "${text}": ${parsed.errors[0]?.message ?? ''}`);
  return parsed.ast;
}

export function metaOf(r: EngineRecord): RecordMeta {
  const meta: RecordMeta = { key: r.key, timestamp: r.timestamp, headers: r.headers };
  if (r.source) {
    meta.topic = r.source.topic;
    meta.partition = r.source.partition;
    meta.offset = r.source.offset;
  }
  return meta;
}

export type RecordFn = (r: EngineRecord) => unknown;

/** Only pseudo-fields (`_key`, `_timestamp`...) read the record's metadata. */
function readsMeta(ast: Parameters<typeof referencedFields>[0]): boolean {
  return referencedFields(ast).some((f) => f.startsWith('_'));
}

/** Compiles a scalar expression over a record's value and pseudo-fields. */
export function scalar(text: string, what = 'expression'): RecordFn {
  const ast = parse(text, what);
  // A top-level field (a group key, an event time) is read directly, as the evaluator reads it.
  const head = ast.kind === 'field' && ast.path.length === 1 ? ast.path[0] : undefined;
  if (head !== undefined && !PSEUDO.has(head)) return (r) => fieldOf(r.value, head);
  const fn: Evaluator = compileExpression(ast, { onError: raise });
  // No metadata object per evaluation when nothing reads it.
  if (!readsMeta(ast)) return (r) => fn(r.value);
  return (r) => fn(r.value, metaOf(r));
}

/** A set of named aggregates (`{ total: "sum(value)" }`) evaluated together. */
export class Aggregates {
  private readonly names: string[];
  private readonly aggs: Aggregator[];
  private readonly meta: boolean;
  private readonly plain: PlainFolder | undefined;

  constructor(defs: Record<string, string>) {
    this.names = Object.keys(defs);
    const asts = this.names.map((n) => parse(defs[n] as string, n));
    this.aggs = asts.map((ast) => compileAggregate(ast, { onError: raise }));
    this.meta = asts.some(readsMeta);
    this.plain = plainFolder(asts);
  }

  init(): AggregateState[] {
    return this.aggs.map((a) => a.init());
  }

  /**
   * One record folded into fresh accumulators. Throws on a bad record before any
   * window state is touched; the result is merged into each window the record is in.
   */
  fold(r: EngineRecord): AggregateState[] {
    const meta = this.meta ? metaOf(r) : undefined;
    return this.aggs.map((a) => a.add(a.init(), r.value, meta));
  }

  /**
   * Folds one record into `acc` in place, whole or not at all: it throws on a bad record before
   * `acc` changes. Plain aggregates (plain-fold.ts) allocate nothing per record.
   */
  add(acc: AggregateState[], r: EngineRecord): void {
    if (this.plain?.add(acc, r.value) === true) return;
    this.merge(acc, this.fold(r));
  }

  /** Merges `b` into `a` (mutating `a`); `b` is left as it was, so it can go into several windows. */
  merge(a: AggregateState[], b: AggregateState[]): AggregateState[] {
    this.aggs.forEach((agg, i) => {
      a[i] = agg.merge(a[i] as AggregateState, b[i] as AggregateState);
    });
    return a;
  }

  results(acc: AggregateState[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.names.forEach((n, i) => {
      out[n] = (this.aggs[i] as Aggregator).result(acc[i] as AggregateState);
    });
    return out;
  }
}

/**
 * The key of an aggregation: `groupBy` (one expression, or a list whose key is the
 * list of values) or the record key. A plain field in groupBy (`category`,
 * `user.country`) is also copied into the result record under its last name, as
 * the validator's output shape promises.
 */
export class Grouping {
  private readonly parts: Array<{ fn: RecordFn; field?: string }>;
  private readonly composite: boolean;

  constructor(groupBy: string | string[] | undefined) {
    const list = groupBy === undefined ? [] : Array.isArray(groupBy) ? groupBy : [groupBy];
    this.composite = Array.isArray(groupBy);
    this.parts = list.map((g) => {
      const t = g.trim();
      const field = /^[A-Za-z_][A-Za-z0-9_.]*$/.test(t) ? t.split('.').pop() : undefined;
      return field === undefined ? { fn: scalar(g, 'groupBy') } : { fn: scalar(g, 'groupBy'), field };
    });
  }

  /** The group key alone (no fields object): what the hot path needs for a group that exists. */
  keyOf(r: EngineRecord): unknown {
    const parts = this.parts;
    if (parts.length === 0) return r.key;
    if (!this.composite) return (parts[0] as { fn: RecordFn }).fn(r);
    return parts.map((p) => p.fn(r));
  }

  /** The group key and the fields it contributes to the result. */
  of(r: EngineRecord): { key: unknown; fields: Record<string, unknown> } {
    if (this.parts.length === 0) return { key: r.key, fields: {} };
    const fields: Record<string, unknown> = {};
    const values = this.parts.map((p) => {
      const v = p.fn(r);
      if (p.field !== undefined) fields[p.field] = v;
      return v;
    });
    return { key: this.composite ? values : values[0], fields };
  }
}
