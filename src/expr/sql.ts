// Canonical SQL text: upper-case keywords, lower-case function names, single
// spaces, and only the parentheses the precedence rules require (plus one kind
// the reader needs: a comparison nested directly in another comparison). Two
// expressions are "the same" when their canonical texts are equal.
import type { Expr } from './ast';
import { KEYWORDS } from './lexer';

const COMPARISON = 4;
const POSTFIX = 9;
const ATOM = 10;

const BINARY_PREC: Record<string, number> = {
  OR: 1,
  AND: 2,
  '=': COMPARISON,
  '<>': COMPARISON,
  '<': COMPARISON,
  '<=': COMPARISON,
  '>': COMPARISON,
  '>=': COMPARISON,
  '||': 5,
  '+': 6,
  '-': 6,
  '*': 7,
  '/': 7,
  '%': 7,
};

function prec(e: Expr): number {
  switch (e.kind) {
    case 'binary':
      return BINARY_PREC[e.op] ?? ATOM;
    case 'unary':
      return e.op === 'NOT' ? 3 : 8;
    case 'like':
    case 'in':
    case 'between':
    case 'isNull':
      return COMPARISON;
    case 'member':
    case 'index':
      return POSTFIX;
    case 'literal':
      return typeof e.value === 'number' && (e.value < 0 || Object.is(e.value, -0)) ? 8 : ATOM;
    default:
      return ATOM;
  }
}

export function quoteString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

export function quoteIdentifier(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toUpperCase())) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

function literal(v: number | string | boolean | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return quoteString(v);
  return Number.isFinite(v) ? String(v) : 'NULL';
}

const wrap = (s: string, yes: boolean): string => (yes ? `(${s})` : s);

/** Left operand of a comparison-level construct: parenthesise other comparisons for readability. */
const leftOfComparison = (e: Expr): string => wrap(toSql(e), prec(e) <= COMPARISON);

/** Renders canonical SQL text. `toSql(parse(toSql(ast)))` equals `toSql(ast)`. */
export function toSql(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return literal(e.value);
    case 'field':
      return e.path.map(quoteIdentifier).join('.');
    case 'member':
      return `${wrap(toSql(e.object), prec(e.object) < POSTFIX)}.${quoteIdentifier(e.name)}`;
    case 'index':
      return `${wrap(toSql(e.object), prec(e.object) < POSTFIX)}[${toSql(e.index)}]`;
    case 'unary': {
      if (e.op === 'NOT') return `NOT ${wrap(toSql(e.operand), prec(e.operand) < COMPARISON)}`;
      // `--` would read as two minus signs only by luck; parenthesise nested negation.
      return `-${wrap(toSql(e.operand), prec(e.operand) <= 8)}`;
    }
    case 'binary': {
      const p = BINARY_PREC[e.op] ?? ATOM;
      const l = p === COMPARISON ? leftOfComparison(e.left) : wrap(toSql(e.left), prec(e.left) < p);
      const r = wrap(toSql(e.right), prec(e.right) <= p);
      return `${l} ${e.op} ${r}`;
    }
    case 'like':
      return `${leftOfComparison(e.value)} ${e.negated ? 'NOT LIKE' : 'LIKE'} ${wrap(toSql(e.pattern), prec(e.pattern) <= COMPARISON)}`;
    case 'in':
      return `${leftOfComparison(e.value)} ${e.negated ? 'NOT IN' : 'IN'} (${e.list.map(toSql).join(', ')})`;
    case 'between': {
      const bound = (b: Expr): string => wrap(toSql(b), prec(b) <= COMPARISON);
      return `${leftOfComparison(e.value)} ${e.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${bound(e.low)} AND ${bound(e.high)}`;
    }
    case 'isNull':
      return `${leftOfComparison(e.value)} ${e.negated ? 'IS NOT NULL' : 'IS NULL'}`;
    case 'call':
      return `${e.name}(${e.star ? '*' : e.args.map(toSql).join(', ')})`;
    case 'case': {
      const parts = ['CASE'];
      if (e.subject) parts.push(toSql(e.subject));
      for (const w of e.whens) parts.push('WHEN', toSql(w.when), 'THEN', toSql(w.then));
      if (e.else) parts.push('ELSE', toSql(e.else));
      parts.push('END');
      return parts.join(' ');
    }
  }
}

/** Whether two expressions are equal up to spacing, keyword case and redundant parentheses. */
export function sameExpression(a: Expr, b: Expr): boolean {
  return toSql(a) === toSql(b);
}
