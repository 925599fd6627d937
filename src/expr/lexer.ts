// Token definitions (chevrotain) plus a tolerant `tokenize` for syntax highlighting.
// The lexer never fails: characters it does not know become `Unknown` tokens and
// unterminated quotes become `Unterminated*` tokens, which the parser reports nicely.
import { Lexer, createToken, type IToken, type TokenType } from 'chevrotain';

export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  label: 'a name',
});

function keyword(word: string): TokenType {
  return createToken({
    name: word,
    pattern: new RegExp(word, 'i'),
    longer_alt: Identifier,
    label: `'${word}'`,
  });
}

export const And = keyword('AND');
export const Or = keyword('OR');
export const Not = keyword('NOT');
export const In = keyword('IN');
export const Is = keyword('IS');
export const Null = keyword('NULL');
export const Like = keyword('LIKE');
export const Between = keyword('BETWEEN');
export const Case = keyword('CASE');
export const When = keyword('WHEN');
export const Then = keyword('THEN');
export const Else = keyword('ELSE');
export const End = keyword('END');
export const True = keyword('TRUE');
export const False = keyword('FALSE');

export const KEYWORD_TOKENS = [
  And,
  Or,
  Not,
  In,
  Is,
  Null,
  Like,
  Between,
  Case,
  When,
  Then,
  Else,
  End,
  True,
  False,
];
export const KEYWORDS: ReadonlySet<string> = new Set(KEYWORD_TOKENS.map((t) => t.name));

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'(?:[^']|'')*'/,
  label: 'a text value',
});
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /'(?:[^']|'')*/ });
export const QuotedIdentifier = createToken({
  name: 'QuotedIdentifier',
  pattern: /"(?:[^"]|"")*"|`(?:[^`]|``)*`/,
  label: 'a name',
});
export const UnterminatedIdentifier = createToken({
  name: 'UnterminatedIdentifier',
  pattern: /"(?:[^"]|"")*|`(?:[^`]|``)*/,
});
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/,
  label: 'a number',
});

export const Concat = createToken({ name: 'Concat', pattern: /\|\|/, label: "'||'" });
export const Arrow = createToken({ name: 'Arrow', pattern: /->/, label: "'->'" });
export const LessEq = createToken({ name: 'LessEq', pattern: /<=/, label: "'<='" });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: />=/, label: "'>='" });
export const NotEq = createToken({ name: 'NotEq', pattern: /<>|!=/, label: "'<>'" });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/, label: "'='" });
export const Eq = createToken({ name: 'Eq', pattern: /=/, label: "'='" });
export const Less = createToken({ name: 'Less', pattern: /</, label: "'<'" });
export const Greater = createToken({ name: 'Greater', pattern: />/, label: "'>'" });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'" });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: "'/'" });
export const Percent = createToken({ name: 'Percent', pattern: /%/, label: "'%'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /]/, label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: "'.'" });
export const Unknown = createToken({ name: 'Unknown', pattern: /[^]/ });

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  StringLiteral,
  UnterminatedString,
  QuotedIdentifier,
  UnterminatedIdentifier,
  NumberLiteral,
  ...KEYWORD_TOKENS,
  Identifier,
  Concat,
  Arrow,
  LessEq,
  GreaterEq,
  NotEq,
  EqEq,
  Eq,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  Unknown,
];

// Built on first use: analysing the token set takes tens of milliseconds, which the app would
// otherwise spend at start-up, before its first paint, even when no expression is on screen.
let lexer: Lexer | undefined;

export function lex(text: string): IToken[] {
  // positionTracking 'onlyOffset' is enough: line/column are derived from offsets on error only.
  lexer ??= new Lexer(ALL_TOKENS, { positionTracking: 'onlyOffset', ensureOptimizations: false });
  return lexer.tokenize(text).tokens;
}

/** Decodes `'it''s'` → `it's`. */
export function unquoteString(image: string): string {
  return image.slice(1, -1).replaceAll("''", "'");
}

/** Decodes `"a ""b"""` / `` `a``b` `` into the plain name. */
export function unquoteIdentifier(image: string): string {
  const q = image[0] ?? '"';
  return image.slice(1, -1).replaceAll(q + q, q);
}

export type ExprTokenKind =
  'keyword' | 'identifier' | 'function' | 'number' | 'string' | 'operator' | 'punctuation' | 'error';

export interface ExprToken {
  kind: ExprTokenKind;
  /** 0-based, end exclusive. */
  start: number;
  end: number;
  text: string;
}

const PUNCTUATION = new Set<TokenType>([LParen, RParen, LBracket, RBracket, Comma, Dot]);

/** Tokens for syntax highlighting. Never throws; whitespace is omitted. */
export function tokenize(text: string): ExprToken[] {
  const tokens = lex(text);
  const out: ExprToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    const type = t.tokenType;
    let kind: ExprTokenKind;
    if (KEYWORD_TOKENS.includes(type)) kind = 'keyword';
    else if (type === Identifier) kind = tokens[i + 1]?.tokenType === LParen ? 'function' : 'identifier';
    else if (type === QuotedIdentifier) kind = 'identifier';
    else if (type === NumberLiteral) kind = 'number';
    else if (type === StringLiteral) kind = 'string';
    else if (type === Unknown || type === UnterminatedString || type === UnterminatedIdentifier)
      kind = 'error';
    else if (PUNCTUATION.has(type)) kind = 'punctuation';
    else kind = 'operator';
    out.push({ kind, start: t.startOffset, end: t.startOffset + t.image.length, text: t.image });
  }
  return out;
}
