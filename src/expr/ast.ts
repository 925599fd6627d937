// The AST is plain serialisable data (no classes, no functions) so that the spec
// validator can store it, send it over IPC to the renderer and compare it.

/** 0-based offsets into the source text; `end` is exclusive. */
export interface Span {
  start: number;
  end: number;
}

export type LiteralValue = number | string | boolean | null;

export type BinaryOp =
  'OR' | 'AND' | '=' | '<>' | '<' | '<=' | '>' | '>=' | '||' | '+' | '-' | '*' | '/' | '%';

export type UnaryOp = 'NOT' | '-';

export interface LiteralExpr extends Span {
  kind: 'literal';
  value: LiteralValue;
}

/** A (possibly dotted) path into the record, e.g. `user.email` → ['user', 'email']. */
export interface FieldExpr extends Span {
  kind: 'field';
  path: string[];
}

/** `.name` on something that is not a plain field path, e.g. `split(s, ',')[0].x`. */
export interface MemberExpr extends Span {
  kind: 'member';
  object: Expr;
  name: string;
}

export interface IndexExpr extends Span {
  kind: 'index';
  object: Expr;
  index: Expr;
}

export interface UnaryExpr extends Span {
  kind: 'unary';
  op: UnaryOp;
  operand: Expr;
}

export interface BinaryExpr extends Span {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface LikeExpr extends Span {
  kind: 'like';
  negated: boolean;
  value: Expr;
  pattern: Expr;
}

export interface InExpr extends Span {
  kind: 'in';
  negated: boolean;
  value: Expr;
  list: Expr[];
}

export interface BetweenExpr extends Span {
  kind: 'between';
  negated: boolean;
  value: Expr;
  low: Expr;
  high: Expr;
}

export interface IsNullExpr extends Span {
  kind: 'isNull';
  negated: boolean;
  value: Expr;
}

export interface CallExpr extends Span {
  kind: 'call';
  /** Lower-cased function name. */
  name: string;
  args: Expr[];
  /** `count(*)`. */
  star?: boolean;
}

export interface CaseWhen {
  when: Expr;
  then: Expr;
}

export interface CaseExpr extends Span {
  kind: 'case';
  /** Present for the "simple" form `CASE x WHEN 1 THEN ...`. */
  subject?: Expr;
  whens: CaseWhen[];
  else?: Expr;
}

export type Expr =
  | LiteralExpr
  | FieldExpr
  | MemberExpr
  | IndexExpr
  | UnaryExpr
  | BinaryExpr
  | LikeExpr
  | InExpr
  | BetweenExpr
  | IsNullExpr
  | CallExpr
  | CaseExpr;

/** Static types. `timestamp` is a number of epoch milliseconds and is compatible with `number`. */
export type ExprType = 'number' | 'string' | 'boolean' | 'timestamp' | 'list' | 'object' | 'null' | 'any';

export const EXPR_TYPES: readonly ExprType[] = [
  'number',
  'string',
  'boolean',
  'timestamp',
  'list',
  'object',
  'null',
  'any',
];

/** Direct children in source order; used by every generic walk. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'literal':
    case 'field':
      return [];
    case 'member':
      return [e.object];
    case 'index':
      return [e.object, e.index];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'like':
      return [e.value, e.pattern];
    case 'in':
      return [e.value, ...e.list];
    case 'between':
      return [e.value, e.low, e.high];
    case 'isNull':
      return [e.value];
    case 'call':
      return e.args;
    case 'case': {
      const out: Expr[] = [];
      if (e.subject) out.push(e.subject);
      for (const w of e.whens) out.push(w.when, w.then);
      if (e.else) out.push(e.else);
      return out;
    }
  }
}
