/**
 * @module inspector/filter
 * Record filters for tail, search and export: a kflow expression over the record value parsed as
 * JSON, with `_key`, `_timestamp`, `_partition`, `_offset`, `_topic` and `_headers`.
 *
 * A scan is bound by the per-record cost, so a filter does only the work its expression needs:
 * the value is parsed only when the expression reads a value field, the key and headers are
 * decoded only when it reads them, and a required string comparison is first looked for in the
 * raw bytes (see requiredNeedles), which skips parsing most records a selective filter rejects.
 * The value is not JSON.parse'd whole either: only the top-level members the expression names are
 * read from its bytes (json-fields), with JSON.parse left for what that reader does not handle.
 */
import {
  children,
  compileExpression,
  parseExpression,
  PSEUDO_FIELDS,
  type Expr,
  type RecordMeta,
} from '../expr/index';
import type { ConsumedRecord } from '../kafka/client';
import { isWatermarkMarker } from '../spec/watermark-marker';
import { fieldReader } from './json-fields';

/** A filter expression that does not parse. */
export class FilterError extends Error {
  override name = 'FilterError';
}

const PSEUDO = new Set<string>(PSEUDO_FIELDS);
const BACKSLASH = 0x5c;
const QUOTE = 0x22;

function conjuncts(e: Expr): Expr[] {
  return e.kind === 'binary' && e.op === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

const isValueField = (e: Expr) => e.kind === 'field' && !PSEUDO.has(e.path[0] ?? '');

/** A string whose JSON form is its text in quotes: no quote, backslash, control or replacement character, no lone surrogate. */
function plainString(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0xfffd) return false;
  }
  // A lone surrogate does not survive UTF-8 (it becomes U+FFFD), so it fails the round trip.
  return Buffer.from(v, 'utf8').toString('utf8') === v;
}

/**
 * For each top-level AND term of the form `field = 'text'` or `field IN ('a', 'b')` over a value
 * field: the UTF-8 bytes of `text"` (one of them for IN), to be found after a `"`. The term can only be true when the
 * value is a JSON document holding that string, and a JSON document without a backslash writes
 * every string verbatim, so a record whose bytes hold no backslash and none of a term's needles
 * cannot pass. (Equality is strict in kflow expressions: 'text' never equals a number.)
 */
export function requiredNeedles(ast: Expr): Buffer[][] {
  const out: Buffer[][] = [];
  for (const c of conjuncts(ast)) {
    let literals: unknown[] | undefined;
    if (c.kind === 'binary' && c.op === '=') {
      if (isValueField(c.left) && c.right.kind === 'literal') literals = [c.right.value];
      else if (isValueField(c.right) && c.left.kind === 'literal') literals = [c.left.value];
    } else if (
      c.kind === 'in' &&
      !c.negated &&
      isValueField(c.value) &&
      c.list.every((x) => x.kind === 'literal')
    ) {
      literals = c.list.map((x) => (x.kind === 'literal' ? x.value : undefined));
    }
    if (literals && literals.length > 0 && literals.every(plainString))
      // Without the opening quote, which is the most frequent byte of JSON and would make the
      // search stop at every string; holdsString checks it.
      out.push(literals.map((s) => Buffer.from(`${s}"`, 'utf8')));
  }
  return out;
}

/** Whether `bytes` hold `"` followed by `tail` (a needle of requiredNeedles). */
function holdsString(bytes: Buffer, tail: Buffer): boolean {
  for (let from = 1; ;) {
    const at = bytes.indexOf(tail, from);
    if (at < 0) return false;
    if (bytes[at - 1] === QUOTE) return true;
    from = at + 1;
  }
}

/** Compiles a filter over a record: the value parsed as JSON (text or null otherwise), pseudo-fields from the record. */
export function compileFilter(text: string): (r: ConsumedRecord) => boolean {
  const parsed = parseExpression(text);
  if (!parsed.ok) throw new FilterError(`filter: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const ast = parsed.ast;
  const ev = compileExpression(ast);
  const roots = new Set<string>();
  const visit = (e: Expr): void => {
    if (e.kind === 'field') roots.add(e.path[0] ?? '');
    for (const c of children(e)) visit(c);
  };
  visit(ast);
  const needsValue = [...roots].some((r) => !PSEUDO.has(r));
  const needsKey = roots.has('_key');
  const needsHeaders = roots.has('_headers');
  const needles = needsValue ? requiredNeedles(ast) : [];
  // The expression reads the value only through these top-level members (see json-fields).
  const readFields = needsValue ? fieldReader([...roots].filter((r) => !PSEUDO.has(r))) : undefined;

  return (r) => {
    // A watermark marker has no value to judge: a filter over the value never matches it (one
    // over only the key, headers or position still may).
    if (needsValue && isWatermarkMarker(r)) return false;
    let value: unknown = null;
    if (needsValue && r.value !== null) {
      const bytes = r.value;
      if (needles.length > 0 && bytes.indexOf(BACKSLASH) < 0) {
        for (const any of needles) if (!any.some((n) => holdsString(bytes, n))) return false;
      }
      value = readFields!(bytes);
      if (value === undefined) {
        const s = bytes.toString('utf8');
        try {
          value = JSON.parse(s);
        } catch {
          value = s;
        }
      }
    }
    const meta: RecordMeta = {
      key: needsKey && r.key !== null ? r.key.toString('utf8') : null,
      timestamp: Number(r.timestamp),
      topic: r.topic,
      partition: r.partition,
      offset: Number(r.offset),
    };
    if (needsHeaders) {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers))
        if (v !== undefined) headers[k] = (Array.isArray(v) ? v[v.length - 1]! : v).toString('utf8');
      meta.headers = headers;
    }
    return ev(value, meta) === true;
  };
}
