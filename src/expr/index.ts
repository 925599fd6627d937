// Public API of kflow's expression language. Pure: no Node imports, so the
// renderer can use it for validation, completion and highlighting.
import type { Expr, ExprType } from './ast';
import { checkExpression, type CheckContext } from './check';
import type { ExprError } from './errors';
import { parseExpression } from './parser';

export type {
  BetweenExpr,
  BinaryExpr,
  BinaryOp,
  CallExpr,
  CaseExpr,
  CaseWhen,
  Expr,
  ExprType,
  FieldExpr,
  IndexExpr,
  InExpr,
  IsNullExpr,
  LikeExpr,
  LiteralExpr,
  LiteralValue,
  MemberExpr,
  Span,
  UnaryExpr,
  UnaryOp,
} from './ast';
export { EXPR_TYPES, children } from './ast';
export { ExprCompileError, ExprEvalError, type ExprError, type ExprEvalErrorCode } from './errors';
export { parseExpression, MAX_LENGTH, MAX_NESTING, MAX_TREE_DEPTH, type ParseResult } from './parser';
export {
  checkExpression,
  isCompatible,
  PSEUDO_FIELD_TYPES,
  type CheckContext,
  type CheckResult,
} from './check';
export {
  compileExpression,
  PSEUDO_FIELDS,
  type CompileOptions,
  type Evaluator,
  type RecordMeta,
} from './compile';
export { compileAggregate, type AggregateState, type Aggregator } from './aggregate';
export { toSql, sameExpression, quoteIdentifier, quoteString } from './sql';
export { referencedFields, isAggregate, aggregateCalls } from './walk';
export { FUNCTIONS, FORBIDDEN_FUNCTIONS, type FunctionInfo } from './functions';
export { tokenize, type ExprToken, type ExprTokenKind } from './lexer';

export interface AnalyzeResult {
  ast?: Expr;
  type?: ExprType;
  errors: ExprError[];
}

/** Parse + type check in one call, for the spec validator and the editor. */
export function analyzeExpression(text: string, ctx: Omit<CheckContext, 'text'> = {}): AnalyzeResult {
  const parsed = parseExpression(text);
  if (!parsed.ok) return { errors: parsed.errors };
  const checked = checkExpression(parsed.ast, { ...ctx, text });
  return { ast: parsed.ast, type: checked.type, errors: checked.errors };
}
