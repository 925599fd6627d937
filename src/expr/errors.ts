// Typed errors. Static problems (syntax, types) are returned as data (`ExprError`)
// because the editor shows many at once; runtime problems use `ExprEvalError`.

/** A problem found in the expression text, with a position for the editor. */
export interface ExprError {
  message: string;
  /** 0-based offset of the first character. */
  start: number;
  /** 0-based offset just after the last character. */
  end: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export type ExprEvalErrorCode = 'type_mismatch';

/**
 * A record-dependent problem at evaluation time (e.g. `'abc' * 2` on untyped data).
 * The evaluator never throws it: it passes it to the `onError` hook and yields NULL.
 */
export class ExprEvalError extends Error {
  override readonly name = 'ExprEvalError';
  constructor(
    message: string,
    readonly code: ExprEvalErrorCode,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

/** Thrown by `compileExpression`/`compileAggregate` when given an AST that could never have passed validation. */
export class ExprCompileError extends Error {
  override readonly name = 'ExprCompileError';
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

/** Turns an offset range into an `ExprError` with 1-based line/column. */
export function errorAt(text: string, message: string, start: number, end: number): ExprError {
  let line = 1;
  let lineStart = 0;
  const limit = Math.min(start, text.length);
  for (let i = 0; i < limit; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { message, start, end: Math.max(end, start), line, column: start - lineStart + 1 };
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  const tolerance = Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && bestDistance <= tolerance ? best : undefined;
}
