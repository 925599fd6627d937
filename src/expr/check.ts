// Static type checker. It never stops at the first problem: the editor shows all
// of them. `any` (unknown schema) is compatible with everything, so expressions
// over untyped topics only get errors that are certain.
import type { CallExpr, Expr, ExprType } from './ast';
import { errorAt, suggest, type ExprError } from './errors';
import { lookupFunction, unifyTypes } from './functions';
import { callShapeProblems } from './parser';
import { isAggregate, isAggregateCall } from './walk';

export interface CheckContext {
  /** Known record fields by dotted path (`user.email`). When absent, every field is `any`. */
  fields?: Record<string, ExprType> | undefined;
  /** Whether aggregate functions (sum, count, ...) may appear. Default false. */
  allowAggregates?: boolean;
  /** The type the caller needs, e.g. 'boolean' for a filter predicate. */
  expect?: ExprType;
  /** The source text, only used to compute line/column; without it everything is on line 1. */
  text?: string;
}

export interface CheckResult {
  type: ExprType;
  errors: ExprError[];
}

export const PSEUDO_FIELD_TYPES: Readonly<Record<string, ExprType>> = {
  _key: 'any',
  _timestamp: 'timestamp',
  _topic: 'string',
  _partition: 'number',
  _offset: 'number',
  _headers: 'object',
};

export function describeType(t: ExprType): string {
  switch (t) {
    case 'number':
      return 'a number';
    case 'string':
      return 'text';
    case 'boolean':
      return 'a true/false value';
    case 'timestamp':
      return 'a timestamp';
    case 'list':
      return 'a list';
    case 'object':
      return 'an object';
    case 'null':
      return 'NULL';
    default:
      return 'any value';
  }
}

const numeric = (t: ExprType): boolean => t === 'number' || t === 'timestamp';
const loose = (t: ExprType): boolean => t === 'any' || t === 'null';

/** Whether a value of type `actual` may be used where one of `accepted` is required. */
export function isCompatible(actual: ExprType, accepted: readonly ExprType[]): boolean {
  if (loose(actual) || accepted.includes('any') || accepted.includes(actual)) return true;
  return numeric(actual) && accepted.some(numeric);
}

/** Lists and objects are never comparable: the evaluator only compares primitives. */
function comparable(a: ExprType, b: ExprType): boolean {
  if (loose(a) || loose(b)) return true;
  if (numeric(a) && numeric(b)) return true;
  return a === b && (a === 'string' || a === 'boolean');
}

export function checkExpression(ast: Expr, ctx: CheckContext = {}): CheckResult {
  const text = ctx.text ?? '';
  const errors: ExprError[] = [];
  const err = (message: string, at: { start: number; end: number }): void => {
    errors.push(errorAt(text, message, at.start, at.end));
  };
  const fields = ctx.fields;
  const fieldNames = fields ? Object.keys(fields) : [];
  const aggregateExpr = ctx.allowAggregates === true && isAggregate(ast);

  const fieldType = (e: Extract<Expr, { kind: 'field' }>, insideAggregate: boolean): ExprType => {
    const path = e.path;
    const head = path[0] ?? '';
    if (aggregateExpr && !insideAggregate) {
      err(
        `'${path.join('.')}' must be inside an aggregate function here (for example first(${path.join('.')}))`,
        e,
      );
    }
    if (Object.hasOwn(PSEUDO_FIELD_TYPES, head)) {
      const t = PSEUDO_FIELD_TYPES[head] as ExprType;
      if (path.length === 1) return t;
      if (head === '_headers') return path.length === 2 ? 'string' : 'null';
      if (t === 'any') return 'any';
      err(`${head} is ${describeType(t)} and has no field '${path[1] ?? ''}'`, e);
      return 'any';
    }
    if (!fields) return 'any';
    const full = path.join('.');
    if (Object.hasOwn(fields, full)) return fields[full] as ExprType;
    for (let n = path.length - 1; n >= 1; n--) {
      const prefix = path.slice(0, n).join('.');
      if (!Object.hasOwn(fields, prefix)) continue;
      const t = fields[prefix] as ExprType;
      if (t === 'object' || t === 'any') return 'any';
      err(`'${prefix}' is ${describeType(t)} and has no field '${path[n] ?? ''}'`, e);
      return 'any';
    }
    const guess = suggest(full, fieldNames);
    err(`unknown field '${full}'${guess ? ` — did you mean '${guess}'?` : ''}`, e);
    return 'any';
  };

  const expectBoolean = (e: Expr, t: ExprType, what: string): void => {
    if (!isCompatible(t, ['boolean']))
      err(`${what} needs a true/false value, but this is ${describeType(t)}`, e);
  };

  const visit = (e: Expr, agg: string | undefined): ExprType => {
    switch (e.kind) {
      case 'literal':
        if (e.value === null) return 'null';
        return typeof e.value === 'number' ? 'number' : typeof e.value === 'string' ? 'string' : 'boolean';
      case 'field':
        return fieldType(e, agg !== undefined);
      case 'member': {
        const t = visit(e.object, agg);
        if (!isCompatible(t, ['object']))
          err(`only objects have fields, but this is ${describeType(t)}`, e.object);
        return 'any';
      }
      case 'index': {
        const t = visit(e.object, agg);
        const it = visit(e.index, agg);
        if (!isCompatible(t, ['list', 'object'])) {
          err(`only lists and objects can be indexed with [ ], but this is ${describeType(t)}`, e.object);
        } else if (t === 'list' && !isCompatible(it, ['number'])) {
          err(`a list index must be a number, but this is ${describeType(it)}`, e.index);
        } else if (t === 'object' && !isCompatible(it, ['string'])) {
          err(`an object key must be text, but this is ${describeType(it)}`, e.index);
        }
        return 'any';
      }
      case 'unary': {
        const t = visit(e.operand, agg);
        if (e.op === 'NOT') {
          expectBoolean(e.operand, t, 'NOT');
          return 'boolean';
        }
        if (!isCompatible(t, ['number']))
          err(`'-' needs a number, but this is ${describeType(t)}`, e.operand);
        return 'number';
      }
      case 'binary': {
        const l = visit(e.left, agg);
        const r = visit(e.right, agg);
        switch (e.op) {
          case 'AND':
          case 'OR':
            expectBoolean(e.left, l, e.op);
            expectBoolean(e.right, r, e.op);
            return 'boolean';
          case '||':
            for (const [side, t] of [
              [e.left, l],
              [e.right, r],
            ] as const) {
              if (t === 'list' || t === 'object')
                err(`'||' joins text and numbers, but this is ${describeType(t)}`, side);
            }
            return 'string';
          case '+':
          case '-':
          case '*':
          case '/':
          case '%': {
            for (const [side, t, other] of [
              [e.left, l, r],
              [e.right, r, l],
            ] as const) {
              if (!isCompatible(t, ['number'])) {
                const hint =
                  e.op === '+' && (t === 'string' || other === 'string') ? " — use '||' to join text" : '';
                err(`'${e.op}' needs numbers, but this is ${describeType(t)}${hint}`, side);
              }
            }
            if (e.op === '-' && l === 'timestamp' && r === 'timestamp') return 'number';
            if ((e.op === '+' || e.op === '-') && (l === 'timestamp' || r === 'timestamp'))
              return 'timestamp';
            return 'number';
          }
          default:
            if (!comparable(l, r)) {
              err(`cannot compare ${describeType(l)} with ${describeType(r)} using '${e.op}'`, e);
            }
            return 'boolean';
        }
      }
      case 'like': {
        const v = visit(e.value, agg);
        const p = visit(e.pattern, agg);
        if (!isCompatible(v, ['string'])) err(`LIKE works on text, but this is ${describeType(v)}`, e.value);
        if (!isCompatible(p, ['string']))
          err(`a LIKE pattern must be text, but this is ${describeType(p)}`, e.pattern);
        return 'boolean';
      }
      case 'in': {
        const v = visit(e.value, agg);
        const types = e.list.map((x) => visit(x, agg));
        if (types.length === 1 && types[0] === 'list') return 'boolean';
        e.list.forEach((x, i) => {
          const t = types[i] as ExprType;
          if (!comparable(v, t)) err(`IN compares ${describeType(v)} with ${describeType(t)}`, x);
        });
        return 'boolean';
      }
      case 'between': {
        const v = visit(e.value, agg);
        for (const bound of [e.low, e.high]) {
          const t = visit(bound, agg);
          if (!comparable(v, t)) err(`BETWEEN compares ${describeType(v)} with ${describeType(t)}`, bound);
        }
        return 'boolean';
      }
      case 'isNull':
        visit(e.value, agg);
        return 'boolean';
      case 'case': {
        const s = e.subject ? visit(e.subject, agg) : undefined;
        const results: ExprType[] = [];
        for (const w of e.whens) {
          const wt = visit(w.when, agg);
          if (s === undefined) expectBoolean(w.when, wt, 'WHEN');
          else if (!comparable(s, wt))
            err(`CASE compares ${describeType(s)} with ${describeType(wt)}`, w.when);
          results.push(visit(w.then, agg));
        }
        results.push(e.else ? visit(e.else, agg) : 'null');
        return unifyTypes(results);
      }
      case 'call':
        return visitCall(e, agg);
    }
  };

  const visitCall = (e: CallExpr, agg: string | undefined): ExprType => {
    const shape = callShapeProblems(e);
    for (const p of shape) err(p.message, p);
    const def = lookupFunction(e.name);
    let inner = agg;
    if (def && isAggregateCall(e)) {
      if (ctx.allowAggregates !== true) {
        err(
          `aggregate function '${e.name}' is not allowed here — aggregates belong in an aggregation step`,
          e,
        );
      } else if (agg !== undefined) {
        err(`aggregate functions cannot be nested: '${e.name}' is inside '${agg}'`, e);
      }
      inner = e.name;
    }
    const argTypes = e.args.map((a) => visit(a, inner));
    if (!def || shape.length > 0) return 'any';
    e.args.forEach((a, i) => {
      const accepted = def.params[Math.min(i, def.params.length - 1)] ?? ['any'];
      const t = argTypes[i] as ExprType;
      if (!isCompatible(t, accepted)) {
        const want = accepted.map(describeType).join(' or ');
        err(`${e.name}() expects ${want} as argument ${i + 1}, but this is ${describeType(t)}`, a);
      }
    });
    const extra = def.checkArgs?.(e.args);
    if (extra) {
      const a = e.args[extra.index];
      if (a) err(extra.message, a);
    }
    return typeof def.returns === 'function' ? def.returns(argTypes) : def.returns;
  };

  const type = visit(ast, undefined);
  if (ctx.expect && ctx.expect !== 'any' && !isCompatible(type, [ctx.expect])) {
    const message =
      ctx.expect === 'boolean'
        ? `this must be a condition (true/false), but it gives ${describeType(type)}`
        : `expected ${describeType(ctx.expect)}, but this expression gives ${describeType(type)}`;
    err(message, ast);
  }
  errors.sort((a, b) => a.start - b.start || a.end - b.end);
  return { type, errors };
}
