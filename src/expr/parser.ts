// Parser: chevrotain recognises a flat "operand (operator operand)*" sequence per
// expression level, and a small precedence-climbing pass turns that sequence into
// a tree. Keeping the precedence levels out of the chevrotain grammar means only
// ~3 grammar rules per parenthesis level, which keeps deep-but-legal nesting far
// from the JS stack limit.
import {
  EOF,
  EmbeddedActionsParser,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from 'chevrotain';
import type { BinaryOp, CallExpr, CaseWhen, Expr, UnaryOp } from './ast';
import { children } from './ast';
import { errorAt, suggest, type ExprError } from './errors';
import { FORBIDDEN_FUNCTIONS, FUNCTION_NAMES, arityText, lookupFunction } from './functions';
import * as T from './lexer';

export const MAX_LENGTH = 10_000;
/** Parentheses, brackets, CASE blocks and prefix operators nested inside each other. */
export const MAX_NESTING = 200;
/** Depth of the resulting tree (long `a + b + c + ...` chains count too). */
export const MAX_TREE_DEPTH = 1_000;

export type ParseResult = { ok: true; ast: Expr } | { ok: false; errors: ExprError[] };

// ---------------------------------------------------------------------------
// Flat sequence items and precedence climbing

interface PrefixItem {
  t: 'prefix';
  op: UnaryOp;
  start: number;
}
interface AtomItem {
  t: 'atom';
  expr: Expr;
}
interface BinItem {
  t: 'bin';
  op: BinaryOp | 'LIKE';
  negated: boolean;
}
interface PostItem {
  t: 'post';
  build: (value: Expr) => Expr;
}
type Item = PrefixItem | AtomItem | BinItem | PostItem;

const COMPARISON = 4;
const PREC: Record<BinaryOp | 'LIKE', number> = {
  OR: 1,
  AND: 2,
  '=': COMPARISON,
  '<>': COMPARISON,
  '<': COMPARISON,
  '<=': COMPARISON,
  '>': COMPARISON,
  '>=': COMPARISON,
  LIKE: COMPARISON,
  '||': 5,
  '+': 6,
  '-': 6,
  '*': 7,
  '/': 7,
  '%': 7,
};
const NOT_OPERAND_BP = COMPARISON;
const NEG_OPERAND_BP = 8;

function climb(items: Item[]): Expr {
  let i = 0;
  const parse = (minBp: number): Expr => {
    const first = items[i++];
    let left: Expr;
    if (first?.t === 'prefix') {
      const operand = parse(first.op === 'NOT' ? NOT_OPERAND_BP : NEG_OPERAND_BP);
      left = { kind: 'unary', op: first.op, operand, start: first.start, end: operand.end };
    } else if (first?.t === 'atom') {
      left = first.expr;
    } else {
      throw new Error('internal: operand expected in operator sequence');
    }
    for (;;) {
      const op = items[i];
      if (op === undefined) break;
      if (op.t === 'post') {
        if (COMPARISON < minBp) break;
        i++;
        left = op.build(left);
        continue;
      }
      if (op.t !== 'bin') throw new Error('internal: operator expected in operator sequence');
      const bp = PREC[op.op];
      if (bp < minBp) break;
      i++;
      const right = parse(bp + 1);
      left =
        op.op === 'LIKE'
          ? {
              kind: 'like',
              negated: op.negated,
              value: left,
              pattern: right,
              start: left.start,
              end: right.end,
            }
          : { kind: 'binary', op: op.op, left, right, start: left.start, end: right.end };
    }
    return left;
  };
  return parse(0);
}

// ---------------------------------------------------------------------------
// Error messages a non-programmer can read

function describe(tok: IToken | undefined): string {
  if (!tok || tok.tokenType === EOF) return 'the end of the expression';
  return `'${tok.image}'`;
}

function isStartToken(tok: IToken | undefined): boolean {
  return !tok || tok.tokenType === EOF || Number.isNaN(tok.startOffset) || tok.image === '';
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous }) {
    const label = expected.LABEL ?? expected.name;
    const after = isStartToken(previous) ? '' : ` after '${previous.image}'`;
    const found = actual.tokenType === EOF ? ' but the expression ends' : `, found ${describe(actual)}`;
    return `expected ${label}${after}${found}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    if (firstRedundant.tokenType === T.RParen) return "unmatched ')' — there is no '(' to close";
    if (firstRedundant.tokenType === T.RBracket) return "unmatched ']' — there is no '[' to close";
    return `unexpected ${describe(firstRedundant)} — expected an operator (such as AND, =, +) or the end of the expression`;
  },
  buildNoViableAltMessage({ actual, previous, ruleName }) {
    const tok = actual[0];
    if (ruleName === 'primary' || ruleName === 'operand') {
      const after = isStartToken(previous) ? '' : ` after '${previous.image}'`;
      const found = !tok || tok.tokenType === EOF ? '' : `, found ${describe(tok)}`;
      return `expected a value${after}${found}`;
    }
    if (ruleName === 'inList') {
      return `expected a list of values after IN, found ${describe(tok)} — for example IN ('a', 'b')`;
    }
    return `unexpected ${describe(tok)}`;
  },
  buildEarlyExitMessage({ actual }) {
    return `unexpected ${describe(actual[0])}`;
  },
};

// ---------------------------------------------------------------------------
// Grammar

const BINARY_TOKENS: [TokenType, BinaryOp][] = [
  [T.Or, 'OR'],
  [T.And, 'AND'],
  [T.Eq, '='],
  [T.EqEq, '='],
  [T.NotEq, '<>'],
  [T.Less, '<'],
  [T.LessEq, '<='],
  [T.Greater, '>'],
  [T.GreaterEq, '>='],
  [T.Concat, '||'],
  [T.Plus, '+'],
  [T.Minus, '-'],
  [T.Star, '*'],
  [T.Slash, '/'],
  [T.Percent, '%'],
];
const ARITH_OPS = new Set<BinaryOp>(['||', '+', '-', '*', '/', '%']);
const BIN_OP_BY_TOKEN = new Map<TokenType, BinaryOp>(BINARY_TOKENS);

const tokEnd = (t: IToken): number => t.startOffset + t.image.length;

class ExprParser extends EmbeddedActionsParser {
  constructor() {
    super(T.ALL_TOKENS, { errorMessageProvider: messages, recoveryEnabled: false, maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  public expression = this.RULE('expression', (): Expr => {
    const items: Item[] = [];
    const first = this.SUBRULE(this.operand);
    this.ACTION(() => items.push(...first));
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const op = this.SUBRULE(this.binaryOperator);
            const rhs = this.SUBRULE2(this.operand);
            this.ACTION(() => items.push({ t: 'bin', op, negated: false }, ...rhs));
          },
        },
        {
          ALT: () => {
            const not = this.OPTION(() => this.CONSUME(T.Not));
            const negated = not !== undefined;
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(T.Like);
                  const rhs = this.SUBRULE3(this.operand);
                  this.ACTION(() => items.push({ t: 'bin', op: 'LIKE', negated }, ...rhs));
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.In);
                  const { list, end } = this.SUBRULE(this.inList);
                  this.ACTION(() =>
                    items.push({
                      t: 'post',
                      build: (value) => ({ kind: 'in', negated, value, list, start: value.start, end }),
                    }),
                  );
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.Between);
                  const low = this.SUBRULE(this.arith);
                  this.CONSUME(T.And);
                  const high = this.SUBRULE2(this.arith);
                  this.ACTION(() =>
                    items.push({
                      t: 'post',
                      build: (value) => ({
                        kind: 'between',
                        negated,
                        value,
                        low,
                        high,
                        start: value.start,
                        end: high.end,
                      }),
                    }),
                  );
                },
              },
            ]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            const not = this.OPTION2(() => this.CONSUME2(T.Not));
            const nul = this.CONSUME(T.Null);
            this.ACTION(() =>
              items.push({
                t: 'post',
                build: (value) => ({
                  kind: 'isNull',
                  negated: not !== undefined,
                  value,
                  start: value.start,
                  end: tokEnd(nul),
                }),
              }),
            );
          },
        },
      ]);
    });
    return this.ACTION(() => climb(items));
  });

  /** BETWEEN bounds: only operators that bind tighter than comparisons. */
  private arith = this.RULE('arith', (): Expr => {
    const items: Item[] = [];
    const first = this.SUBRULE(this.operand);
    this.ACTION(() => items.push(...first));
    this.MANY(() => {
      const tok = this.OR(
        [T.Concat, T.Plus, T.Minus, T.Star, T.Slash, T.Percent].map((tt) => ({
          ALT: () => this.CONSUME(tt),
        })),
      );
      const rhs = this.SUBRULE2(this.operand);
      this.ACTION(() => {
        const op = BIN_OP_BY_TOKEN.get(tok.tokenType);
        if (op && ARITH_OPS.has(op)) items.push({ t: 'bin', op, negated: false }, ...rhs);
      });
    });
    return this.ACTION(() => climb(items));
  });

  private binaryOperator = this.RULE('binaryOperator', (): BinaryOp => {
    const tok = this.OR(BINARY_TOKENS.map(([tt]) => ({ ALT: () => this.CONSUME(tt) })));
    return this.ACTION(() => BIN_OP_BY_TOKEN.get(tok.tokenType) ?? '=');
  });

  private operand = this.RULE('operand', (): Item[] => {
    const items: Item[] = [];
    this.MANY(() => {
      const tok = this.OR([{ ALT: () => this.CONSUME(T.Not) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.ACTION(() =>
        items.push({ t: 'prefix', op: tok.tokenType === T.Not ? 'NOT' : '-', start: tok.startOffset }),
      );
    });
    const atom = this.SUBRULE(this.postfix);
    this.ACTION(() => items.push({ t: 'atom', expr: atom }));
    return items;
  });

  private inList = this.RULE('inList', (): { list: Expr[]; end: number } => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          // `x IN (a, b)`; a single list-valued item means "is x an element of that list".
          ALT: () => {
            this.CONSUME(T.LParen);
            const list: Expr[] = [];
            this.AT_LEAST_ONE_SEP({
              SEP: T.Comma,
              DEF: () => {
                const e = this.SUBRULE(this.expression);
                this.ACTION(() => list.push(e));
              },
            });
            const close = this.CONSUME(T.RParen);
            return { list, end: this.ACTION(() => tokEnd(close)) };
          },
        },
        {
          ALT: () => {
            const e = this.SUBRULE(this.postfix);
            return this.ACTION(() => ({ list: [e], end: e.end }));
          },
        },
      ],
    });
  });

  private postfix = this.RULE('postfix', (): Expr => {
    let e = this.SUBRULE(this.primary);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Dot);
            const name = this.OR2([
              { ALT: () => this.CONSUME(T.Identifier) },
              { ALT: () => this.CONSUME(T.QuotedIdentifier) },
            ]);
            this.ACTION(() => {
              const n = name.tokenType === T.QuotedIdentifier ? T.unquoteIdentifier(name.image) : name.image;
              e = member(e, n, tokEnd(name));
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Arrow);
            const key = this.CONSUME(T.StringLiteral);
            this.ACTION(() => {
              e = member(e, T.unquoteString(key.image), tokEnd(key));
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            const index = this.SUBRULE(this.expression);
            const close = this.CONSUME(T.RBracket);
            this.ACTION(() => {
              e = { kind: 'index', object: e, index, start: e.start, end: tokEnd(close) };
            });
          },
        },
      ]);
    });
    return e;
  });

  private primary = this.RULE('primary', (): Expr => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.NumberLiteral);
          return this.ACTION(() => ({
            kind: 'literal',
            value: Number(t.image),
            start: t.startOffset,
            end: tokEnd(t),
          }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.StringLiteral);
          return this.ACTION(() => ({
            kind: 'literal',
            value: T.unquoteString(t.image),
            start: t.startOffset,
            end: tokEnd(t),
          }));
        },
      },
      {
        ALT: () => {
          const t = this.OR2([
            { ALT: () => this.CONSUME(T.True) },
            { ALT: () => this.CONSUME(T.False) },
            { ALT: () => this.CONSUME(T.Null) },
          ]);
          return this.ACTION(() => ({
            kind: 'literal',
            value: t.tokenType === T.Null ? null : t.tokenType === T.True,
            start: t.startOffset,
            end: tokEnd(t),
          }));
        },
      },
      { ALT: () => this.SUBRULE(this.nameOrCall) },
      {
        ALT: () => {
          const t = this.CONSUME(T.QuotedIdentifier);
          return this.ACTION(() => ({
            kind: 'field',
            path: [T.unquoteIdentifier(t.image)],
            start: t.startOffset,
            end: tokEnd(t),
          }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          const inner = this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
          return inner;
        },
      },
      { ALT: () => this.SUBRULE(this.caseExpr) },
    ]);
  });

  private nameOrCall = this.RULE('nameOrCall', (): Expr => {
    const name = this.CONSUME(T.Identifier);
    const call = this.OPTION(() => {
      this.CONSUME(T.LParen);
      const args: Expr[] = [];
      let star = false;
      this.OPTION2(() => {
        this.OR([
          {
            ALT: () => {
              this.CONSUME(T.Star);
              star = true;
            },
          },
          {
            ALT: () => {
              this.AT_LEAST_ONE_SEP({
                SEP: T.Comma,
                DEF: () => {
                  const a = this.SUBRULE(this.expression);
                  this.ACTION(() => args.push(a));
                },
              });
            },
          },
        ]);
      });
      const close = this.CONSUME(T.RParen);
      return { args, star, end: close };
    });
    return this.ACTION((): Expr => {
      if (call === undefined)
        return { kind: 'field', path: [name.image], start: name.startOffset, end: tokEnd(name) };
      const node: CallExpr = {
        kind: 'call',
        name: name.image.toLowerCase(),
        args: call.args,
        start: name.startOffset,
        end: tokEnd(call.end),
      };
      if (call.star) node.star = true;
      return node;
    });
  });

  private caseExpr = this.RULE('caseExpr', (): Expr => {
    const start = this.CONSUME(T.Case);
    const subject = this.OPTION(() => this.SUBRULE(this.expression));
    const whens: CaseWhen[] = [];
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.When);
      const when = this.SUBRULE2(this.expression);
      this.CONSUME(T.Then);
      const then = this.SUBRULE3(this.expression);
      this.ACTION(() => whens.push({ when, then }));
    });
    const otherwise = this.OPTION2(() => {
      this.CONSUME(T.Else);
      return this.SUBRULE4(this.expression);
    });
    const end = this.CONSUME(T.End);
    return this.ACTION((): Expr => {
      const node: Expr = { kind: 'case', whens, start: start.startOffset, end: tokEnd(end) };
      if (subject !== undefined) node.subject = subject;
      if (otherwise !== undefined) node.else = otherwise;
      return node;
    });
  });
}

function member(e: Expr, name: string, end: number): Expr {
  // Consecutive dots on a plain field stay a single path: precomputable and reported as one field.
  if (e.kind === 'field') return { kind: 'field', path: [...e.path, name], start: e.start, end };
  return { kind: 'member', object: e, name, start: e.start, end };
}

let parserInstance: ExprParser | undefined;
function getParser(): ExprParser {
  parserInstance ??= new ExprParser();
  return parserInstance;
}

// ---------------------------------------------------------------------------
// Checks before and after the grammar

function lexErrors(text: string, tokens: IToken[]): ExprError[] {
  const errors: ExprError[] = [];
  let skipBefore = -1;
  for (const t of tokens) {
    const start = t.startOffset;
    if (start < skipBefore) continue;
    const end = tokEnd(t);
    const col = errorAt(text, '', start, end).column;
    if (t.tokenType === T.UnterminatedString) {
      errors.push(
        errorAt(text, `unterminated string starting at column ${col} — add a closing '`, start, end),
      );
    } else if (t.tokenType === T.UnterminatedIdentifier) {
      const q = t.image[0] ?? '"';
      errors.push(
        errorAt(text, `unterminated quoted name starting at column ${col} — add a closing ${q}`, start, end),
      );
    } else if (t.tokenType === T.Unknown) {
      const rest = text.slice(start, start + 2);
      let message = `unexpected character '${t.image}' at column ${col}`;
      if (rest === '&&') {
        message = `'&&' is not supported at column ${col} — use AND`;
        skipBefore = start + 2;
      } else if (t.image === '|')
        message = `single '|' at column ${col} — use OR for logic or '||' to join text`;
      else if (t.image === '!') message = `'!' at column ${col} — use NOT, or '<>' for "not equal"`;
      else if (t.image === '&') message = `'&' at column ${col} — use AND`;
      errors.push(errorAt(text, message, start, end));
    }
  }
  return errors;
}

const OPENERS = new Set<TokenType>([T.LParen, T.LBracket, T.Case]);
const CLOSERS = new Set<TokenType>([T.RParen, T.RBracket, T.End]);
const PREFIXES = new Set<TokenType>([T.Not, T.Minus]);

/** Rejects pathological nesting before the recursive grammar sees it. */
function nestingError(text: string, tokens: IToken[]): ExprError | undefined {
  let depth = 0;
  let run = 0;
  for (const t of tokens) {
    if (PREFIXES.has(t.tokenType)) run++;
    else run = 0;
    if (OPENERS.has(t.tokenType)) depth++;
    else if (CLOSERS.has(t.tokenType)) depth = Math.max(0, depth - 1);
    if (depth + run > MAX_NESTING) {
      return errorAt(
        text,
        `the expression is nested too deeply (more than ${MAX_NESTING} levels of parentheses or operators) at column ${errorAt(text, '', t.startOffset, 0).column}`,
        t.startOffset,
        tokEnd(t),
      );
    }
  }
  return undefined;
}

function treeDepthExceeded(ast: Expr): Expr | undefined {
  const stack: [Expr, number][] = [[ast, 1]];
  while (stack.length > 0) {
    const [e, d] = stack.pop() as [Expr, number];
    if (d > MAX_TREE_DEPTH) return e;
    for (const c of children(e)) stack.push([c, d + 1]);
  }
  return undefined;
}

/** Problems with a call that do not depend on types: unknown names, arity, `*`. */
export function callShapeProblems(call: CallExpr): { message: string; start: number; end: number }[] {
  const nameEnd = call.start + call.name.length;
  const forbidden = Object.hasOwn(FORBIDDEN_FUNCTIONS, call.name)
    ? FORBIDDEN_FUNCTIONS[call.name]
    : undefined;
  if (forbidden !== undefined) return [{ message: forbidden, start: call.start, end: call.end }];
  const def = lookupFunction(call.name);
  if (!def) {
    const guess = suggest(call.name, FUNCTION_NAMES);
    const hint = guess ? ` — did you mean '${guess}'?` : ' — see the list of functions in the documentation';
    return [{ message: `unknown function '${call.name}'${hint}`, start: call.start, end: nameEnd }];
  }
  if (call.star) {
    if (call.name !== 'count') {
      return [
        {
          message: `'*' is only allowed in count(*), not in ${call.name}()`,
          start: call.start,
          end: call.end,
        },
      ];
    }
    return [];
  }
  const n = call.args.length;
  if ((call.name === 'min' || call.name === 'max') && n === 2) {
    const alt = call.name === 'min' ? 'least' : 'greatest';
    return [
      {
        message: `${call.name}() is an aggregate and takes 1 argument — use ${alt}(a, b) for the ${call.name === 'min' ? 'smaller' : 'larger'} of two values`,
        start: call.start,
        end: call.end,
      },
    ];
  }
  if (n < def.minArgs || n > def.maxArgs) {
    return [
      {
        message: `${call.name}() takes ${arityText(def)}, but got ${n} — ${def.signature}`,
        start: call.start,
        end: call.end,
      },
    ];
  }
  return [];
}

function callErrors(text: string, ast: Expr): ExprError[] {
  const out: ExprError[] = [];
  const stack: Expr[] = [ast];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    if (e.kind === 'call') {
      for (const p of callShapeProblems(e)) out.push(errorAt(text, p.message, p.start, p.end));
    }
    stack.push(...children(e));
  }
  return out.sort((a, b) => a.start - b.start);
}

function exceptionError(
  text: string,
  ex: { message: string; token: IToken; previousToken?: IToken },
): ExprError {
  const tok = ex.token;
  let start: number;
  let end: number;
  if (tok.tokenType === EOF || Number.isNaN(tok.startOffset)) {
    const prev = ex.previousToken;
    start = prev && !Number.isNaN(prev.startOffset) ? tokEnd(prev) : text.length;
    end = start;
  } else {
    start = tok.startOffset;
    end = tokEnd(tok);
  }
  const at = ` at column ${errorAt(text, '', start, end).column}`;
  const dash = ex.message.indexOf(' — ');
  const message = dash < 0 ? ex.message + at : ex.message.slice(0, dash) + at + ex.message.slice(dash);
  return errorAt(text, message, start, end);
}

/** Parses expression text. Never throws: problems come back as `errors`. */
export function parseExpression(text: string): ParseResult {
  if (typeof text !== 'string')
    return { ok: false, errors: [errorAt('', 'the expression must be text', 0, 0)] };
  if (text.length > MAX_LENGTH) {
    return {
      ok: false,
      errors: [
        errorAt(
          text,
          `the expression is too long (${text.length} characters; the limit is ${MAX_LENGTH})`,
          MAX_LENGTH,
          text.length,
        ),
      ],
    };
  }
  const tokens = T.lex(text);
  if (tokens.length === 0)
    return { ok: false, errors: [errorAt(text, 'the expression is empty', 0, text.length)] };
  const lexical = lexErrors(text, tokens);
  if (lexical.length > 0) return { ok: false, errors: lexical };
  const nesting = nestingError(text, tokens);
  if (nesting) return { ok: false, errors: [nesting] };

  const parser = getParser();
  let ast: Expr;
  try {
    parser.input = tokens;
    ast = parser.expression();
  } catch (e) {
    // Last line of defence: the nesting pre-check should make this unreachable.
    if (e instanceof RangeError) {
      return { ok: false, errors: [errorAt(text, 'the expression is nested too deeply', 0, text.length)] };
    }
    throw e;
  }
  if (parser.errors.length > 0) {
    const ex = parser.errors[0] as unknown as { message: string; token: IToken; previousToken?: IToken };
    parser.input = [];
    return { ok: false, errors: [exceptionError(text, ex)] };
  }
  const deep = treeDepthExceeded(ast);
  if (deep) {
    return {
      ok: false,
      errors: [
        errorAt(
          text,
          `the expression is too complex (more than ${MAX_TREE_DEPTH} nested operations)`,
          deep.start,
          deep.end,
        ),
      ],
    };
  }
  const calls = callErrors(text, ast);
  if (calls.length > 0) return { ok: false, errors: calls };
  return { ok: true, ast };
}
