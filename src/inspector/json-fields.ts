/**
 * @module inspector/json-fields
 * Reads a few top-level members of a JSON object straight from its UTF-8 bytes, for filters that
 * need only those: a search with `amount > 499` looks at one number per record, and JSON.parse of
 * the whole value (every string copied, every member an object property) is most of its cost.
 *
 * The reader validates the whole document as it walks it (JSON grammar, string escapes, no raw
 * control characters, nothing after the object), so when it answers, JSON.parse would have
 * succeeded and given the same members: duplicate names keep the last, as JSON.parse does, and
 * a name written with escapes is decoded before it is compared. When the bytes are not a JSON
 * object, or hold something it does not handle (nesting deeper than MAX_DEPTH, bytes that are not
 * valid UTF-8), it answers undefined and the caller parses the value as before.
 */

import { isUtf8 } from 'node:buffer';
import { wasmEscaper } from './escape-wasm';

const MAX_DEPTH = 256;
const [OBJECT, ARRAY] = [1, 2];
const stack = new Uint8Array(MAX_DEPTH);

// Module state of the walk, as in the wire decoder: no object per record.
let b: Buffer = Buffer.alloc(0);
let n = 0;
/** OR of every byte inside strings: >= 0x80 means the text must be checked as UTF-8. */
let high = 0;
/** Whether the last string read held an escape. */
let escaped = false;
const simd = wasmEscaper();
/** Whether the bytes were copied into the WebAssembly memory for `simd.stop`. */
let loaded = false;

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
function ws(i: number): number {
  while (i < n && isWs(b[i]!)) i++;
  return i;
}
const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** The end of the string starting (at its quote) at i, or -1 when it is not a valid JSON string. */
function string(i: number): number {
  if (b[i] !== 0x22) return -1;
  escaped = false;
  let j = i + 1;
  let run = 0;
  while (j < n) {
    const c = b[j]!;
    if (c > 0x5c || (c >= 0x20 && c !== 0x22 && c !== 0x5c)) {
      high |= c;
      j++;
      // A long string: the rest of its plain run 16 bytes a step (escape-wasm).
      if (++run === 16 && simd !== null) {
        if (!loaded) {
          simd.load(b);
          loaded = true;
        }
        j = simd.stop(j);
        if (simd.nonAscii()) high |= 0x80;
        run = 0;
      }
    } else if (c === 0x22) return j + 1;
    else if (c === 0x5c) {
      escaped = true;
      const e = b[j + 1];
      if (e === 0x75) {
        if (j + 5 >= n || !isHex(b[j + 2]!) || !isHex(b[j + 3]!) || !isHex(b[j + 4]!) || !isHex(b[j + 5]!))
          return -1;
        j += 6;
      } else if (
        e === 0x22 ||
        e === 0x5c ||
        e === 0x2f ||
        e === 0x62 ||
        e === 0x66 ||
        e === 0x6e ||
        e === 0x72 ||
        e === 0x74
      )
        j += 2;
      else return -1;
    } else return -1; // a raw control character
  }
  return -1;
}

/** The end of the number starting at i (JSON's grammar, not JavaScript's), or -1. */
function number(i: number): number {
  if (b[i] === 0x2d) i++;
  if (b[i] === 0x30) i++;
  else if (i < n && b[i]! >= 0x31 && b[i]! <= 0x39) while (i < n && isDigit(b[i]!)) i++;
  else return -1;
  if (b[i] === 0x2e) {
    i++;
    if (!(i < n && isDigit(b[i]!))) return -1;
    while (i < n && isDigit(b[i]!)) i++;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    if (!(i < n && isDigit(b[i]!))) return -1;
    while (i < n && isDigit(b[i]!)) i++;
  }
  return i;
}

function literal(i: number, text: readonly number[]): number {
  for (let k = 0; k < text.length; k++) if (b[i + k] !== text[k]) return -1;
  return i + text.length;
}
const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

/** The end of the JSON value starting at i (no leading whitespace), or -1 when it is not one. */
function value(i: number): number {
  let depth = 0;
  for (;;) {
    // A value is expected at i.
    const c = b[i];
    if (c === 0x7b || c === 0x5b) {
      if (depth === MAX_DEPTH) return -1;
      i = ws(i + 1);
      if (b[i] === (c === 0x7b ? 0x7d : 0x5d)) i++;
      else {
        stack[depth++] = c === 0x7b ? OBJECT : ARRAY;
        if (c === 0x7b) {
          i = member(i);
          if (i < 0) return -1;
        }
        continue;
      }
    } else if (c === 0x22) i = string(i);
    else if (c === 0x74) i = literal(i, TRUE);
    else if (c === 0x66) i = literal(i, FALSE);
    else if (c === 0x6e) i = literal(i, NULL);
    else i = number(i);
    if (i < 0) return -1;
    // After a value: the container goes on (',') or closes.
    for (;;) {
      if (depth === 0) return i;
      i = ws(i);
      const d = b[i];
      const inObject = stack[depth - 1] === OBJECT;
      if (d === 0x2c) {
        i = ws(i + 1);
        if (inObject) {
          i = member(i);
          if (i < 0) return -1;
        }
        break;
      }
      if (d !== (inObject ? 0x7d : 0x5d)) return -1;
      i++;
      depth--;
    }
  }
}

/** Past `"name" :` and the whitespace after it, at i; -1 when that is not what is there. */
function member(i: number): number {
  i = string(i);
  if (i < 0) return -1;
  i = ws(i);
  if (b[i] !== 0x3a) return -1;
  return ws(i + 1);
}

// Buffer's decoder, as the filter's JSON.parse path uses: it keeps a leading U+FEFF (TextDecoder drops it).
const text = (from: number, to: number) => b.toString('utf8', from, to);

/** The JavaScript value JSON.parse gives for the valid JSON value at [from, to). */
function materialize(from: number, to: number, hasEscape: boolean): unknown {
  const c = b[from];
  if (c === 0x22) return hasEscape ? (JSON.parse(text(from, to)) as unknown) : text(from + 1, to - 1);
  if (c === 0x74) return true;
  if (c === 0x66) return false;
  if (c === 0x6e) return null;
  if (c === 0x7b || c === 0x5b) return JSON.parse(text(from, to)) as unknown;
  // A number: whole ones of up to 15 digits are exact in a double, digit by digit.
  const neg = c === 0x2d;
  let v = 0;
  let k = neg ? from + 1 : from;
  if (to - k <= 15) {
    for (; k < to; k++) {
      const d = b[k]!;
      if (d < 0x30 || d > 0x39) break;
      v = v * 10 + (d - 0x30);
    }
    if (k === to) return neg ? -v : v;
  }
  return Number(text(from, to));
}

export type FieldReader = (bytes: Buffer) => Record<string, unknown> | undefined;

/**
 * A reader of the top-level members `names` of a JSON object: an object holding those the
 * document has (with JSON.parse's values), or undefined when the bytes are not a JSON object it
 * can read (see the module).
 */
export function fieldReader(names: readonly string[]): FieldReader {
  const wanted = names.map((s) => new Uint8Array(Buffer.from(s, 'utf8')));
  const spans = new Int32Array(names.length * 2);
  const hasEscape = new Uint8Array(names.length);
  const which = (from: number, to: number, keyEscaped: boolean): number => {
    if (keyEscaped) {
      const key = JSON.parse(text(from - 1, to + 1)) as string;
      return names.indexOf(key);
    }
    const len = to - from;
    outer: for (let k = 0; k < wanted.length; k++) {
      const w = wanted[k]!;
      if (w.length !== len) continue;
      for (let j = 0; j < len; j++) if (b[from + j] !== w[j]) continue outer;
      return k;
    }
    return -1;
  };
  return (bytes) => {
    b = bytes;
    n = bytes.length;
    high = 0;
    loaded = false;
    spans.fill(-1);
    let i = ws(0);
    if (b[i] !== 0x7b) return undefined;
    i = ws(i + 1);
    if (b[i] === 0x7d) i++;
    else
      for (;;) {
        const keyStart = i + 1;
        const keyEnd = string(i) - 1;
        if (keyEnd < 0) return undefined;
        const k = which(keyStart, keyEnd, escaped);
        i = ws(keyEnd + 1);
        if (b[i] !== 0x3a) return undefined;
        const from = ws(i + 1);
        escaped = false;
        const to = value(from);
        if (to < 0) return undefined;
        if (k >= 0) {
          spans[2 * k] = from;
          spans[2 * k + 1] = to;
          // Only read for a string value, where `escaped` is that string's.
          hasEscape[k] = escaped ? 1 : 0;
        }
        i = ws(to);
        if (b[i] === 0x2c) {
          i = ws(i + 1);
          continue;
        }
        if (b[i] !== 0x7d) return undefined;
        i++;
        break;
      }
    if (ws(i) !== n) return undefined;
    // Bytes that are not UTF-8 become U+FFFD in JSON.parse's text: left to it.
    if (high >= 0x80 && !isUtf8(bytes)) return undefined;
    const out: Record<string, unknown> = {};
    for (let k = 0; k < names.length; k++) {
      const from = spans[2 * k]!;
      if (from < 0) continue;
      const v = materialize(from, spans[2 * k + 1]!, hasEscape[k] === 1);
      // JSON.parse makes "__proto__" an own member; an assignment would set the prototype.
      Object.defineProperty(out, names[k]!, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
}
