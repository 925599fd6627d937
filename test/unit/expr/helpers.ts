// Test helpers: an S-expression printer written independently of src/expr/sql.ts,
// so precedence tests do not trust the code under test to describe the tree.
import { compileExpression, parseExpression, type Expr, type RecordMeta } from '../../../src/expr/index';
import type { ExprEvalError } from '../../../src/expr/index';

export function sexpr(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'field':
      return e.path.join('.');
    case 'member':
      return `(. ${sexpr(e.object)} ${e.name})`;
    case 'index':
      return `([] ${sexpr(e.object)} ${sexpr(e.index)})`;
    case 'unary':
      return `(${e.op} ${sexpr(e.operand)})`;
    case 'binary':
      return `(${e.op} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case 'like':
      return `(${e.negated ? 'NOT LIKE' : 'LIKE'} ${sexpr(e.value)} ${sexpr(e.pattern)})`;
    case 'in':
      return `(${e.negated ? 'NOT IN' : 'IN'} ${sexpr(e.value)} ${e.list.map(sexpr).join(' ')})`;
    case 'between':
      return `(${e.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${sexpr(e.value)} ${sexpr(e.low)} ${sexpr(e.high)})`;
    case 'isNull':
      return `(${e.negated ? 'IS NOT NULL' : 'IS NULL'} ${sexpr(e.value)})`;
    case 'call':
      return `(${e.name}${e.star ? ' *' : ''}${e.args.map((a) => ' ' + sexpr(a)).join('')})`;
    case 'case':
      return `(CASE${e.subject ? ' ' + sexpr(e.subject) : ''}${e.whens
        .map((w) => ` (${sexpr(w.when)} ${sexpr(w.then)})`)
        .join('')}${e.else ? ' (ELSE ' + sexpr(e.else) + ')' : ''})`;
  }
}

export function parseOk(text: string): Expr {
  const r = parseExpression(text);
  if (!r.ok) throw new Error(`parse failed for ${text}: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.ast;
}

/** Evaluates `text` against `record`; returns the value and any reported evaluation errors. */
export function run(
  text: string,
  record: unknown = {},
  meta?: RecordMeta,
): { value: unknown; errors: ExprEvalError[] } {
  const errors: ExprEvalError[] = [];
  const fn = compileExpression(parseOk(text), { onError: (e) => errors.push(e) });
  return { value: fn(record, meta), errors };
}

export function evaluate(text: string, record: unknown = {}, meta?: RecordMeta): unknown {
  return run(text, record, meta).value;
}
