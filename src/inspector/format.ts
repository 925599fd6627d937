/**
 * @module inspector/format
 * How the topic tools show and store record bytes: UTF-8 text when the bytes are valid UTF-8,
 * pretty JSON when that text parses, hex or base64 otherwise. Export files carry an explicit
 * encoding next to every byte field, so a non-UTF-8 payload survives a round trip unchanged.
 */
import { isUtf8 } from 'node:buffer';
import type { ConsumedRecord } from '../kafka/client';
import { isWatermarkMarker } from '../spec/watermark-marker';
import { wasmEscaper } from './escape-wasm';

export type ByteEncoding = 'utf8' | 'base64';

/** Bytes as a JSON-safe string with the encoding that restores them exactly. */
export interface EncodedBytes {
  data: string;
  encoding: ByteEncoding;
}

export function encodeBytes(buf: Buffer): EncodedBytes {
  // Buffer's UTF-8 decoder keeps a BOM and, for valid input, re-encodes to the same bytes.
  return isUtf8(buf)
    ? { data: buf.toString('utf8'), encoding: 'utf8' }
    : { data: buf.toString('base64'), encoding: 'base64' };
}

export function decodeBytes(data: string, encoding: ByteEncoding): Buffer {
  return Buffer.from(data, encoding);
}

/** How a record's key and value are shown to a person. */
export type DisplayFormat = 'auto' | 'json' | 'text' | 'hex' | 'base64';

export interface DisplayedRecord {
  topic: string;
  partition: number;
  offset: string;
  /** Epoch milliseconds. */
  timestamp: number;
  /** ISO-8601, UTC. */
  time: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string | string[]>;
  /** Only on a watermark marker of kflow's engine (no value, a kflow-watermark header). */
  marker?: true;
}

/** Shows bytes: pretty JSON (json/auto when they parse), text (valid UTF-8), else hex or base64. */
export function showBytes(buf: Buffer | null, format: DisplayFormat): string | null {
  if (buf === null) return null;
  if (format === 'hex') return buf.toString('hex');
  if (format === 'base64') return buf.toString('base64');
  if (!isUtf8(buf)) return format === 'text' ? buf.toString('utf8') : `0x${buf.toString('hex')}`;
  const text = buf.toString('utf8');
  if (format === 'json' || format === 'auto') {
    try {
      return JSON.stringify(JSON.parse(text), null, format === 'json' ? 2 : undefined);
    } catch {
      return text;
    }
  }
  return text;
}

export function displayRecord(r: ConsumedRecord, format: DisplayFormat = 'auto'): DisplayedRecord {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers)) {
    if (v === undefined) continue;
    // Header values are usually short identifiers: text when possible, hex otherwise.
    const hf: DisplayFormat = format === 'hex' || format === 'base64' ? format : 'text';
    const one = (b: Buffer) =>
      isUtf8(b) || hf !== 'text' ? (showBytes(b, hf) ?? '') : `0x${b.toString('hex')}`;
    headers[k] = Array.isArray(v) ? v.map(one) : one(v);
  }
  const ts = Number(r.timestamp);
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset.toString(),
    timestamp: ts,
    time: Number.isFinite(ts) && ts >= 0 ? new Date(ts).toISOString() : String(ts),
    key: showBytes(r.key, format === 'json' ? 'auto' : format),
    value: showBytes(r.value, format),
    headers,
    ...(isWatermarkMarker(r) ? { marker: true as const } : {}),
  };
}

/** A record as a person reads it on a terminal: a header line, then the value. */
export function renderRecord(d: DisplayedRecord): string {
  const hdrs = Object.entries(d.headers)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
    .join(' ');
  const head = `${d.topic}[${d.partition}]@${d.offset} ${d.time} ${d.marker ? '[marker] ' : ''}key=${d.key ?? '<null>'}${hdrs ? ` headers: ${hdrs}` : ''}`;
  return `${head}\n${d.marker ? '<watermark marker>' : (d.value ?? '<null>')}\n`;
}

// ---- the export line ----

/** One line of an export file (JSONL). Offsets and timestamps are numbers (exact below 2^53). */
export interface ExportLine {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  keyEncoding?: ByteEncoding;
  value: string | null;
  valueEncoding?: ByteEncoding;
  /** In order; a header name may repeat. */
  headers: { key: string; value: string; encoding: ByteEncoding }[];
}

export function toExportLine(r: ConsumedRecord): ExportLine {
  const key = r.key === null ? null : encodeBytes(r.key);
  const value = r.value === null ? null : encodeBytes(r.value);
  const headers: ExportLine['headers'] = [];
  for (const [k, v] of Object.entries(r.headers)) {
    if (v === undefined) continue;
    for (const b of Array.isArray(v) ? v : [v]) {
      const e = encodeBytes(b);
      headers.push({ key: k, value: e.data, encoding: e.encoding });
    }
  }
  return {
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    timestamp: Number(r.timestamp),
    key: key?.data ?? null,
    ...(key ? { keyEncoding: key.encoding } : {}),
    value: value?.data ?? null,
    ...(value ? { valueEncoding: value.encoding } : {}),
    headers,
  };
}

const jsonNumber = (n: number) => (Number.isFinite(n) ? String(n) : 'null');

function bytesMember(name: string, b: Buffer | null): string {
  if (b === null) return `"${name}":null`;
  return isUtf8(b)
    ? `"${name}":${JSON.stringify(b.toString('utf8'))},"${name}Encoding":"utf8"`
    : `"${name}":"${b.toString('base64')}","${name}Encoding":"base64"`;
}

/**
 * `JSON.stringify(toExportLine(r))`, character for character, written out directly: an export is
 * bound by the per-record cost, and this skips building the line object and the generic
 * serializer's walk over it. `topicJson` is `JSON.stringify(r.topic)`, computed once per export.
 */
export function exportLineText(r: ConsumedRecord, topicJson = JSON.stringify(r.topic)): string {
  let headers = '';
  for (const k in r.headers) {
    if (!Object.hasOwn(r.headers, k)) continue;
    const v = r.headers[k];
    if (v === undefined) continue;
    for (const b of Array.isArray(v) ? v : [v]) {
      const utf8 = isUtf8(b);
      headers += `${headers ? ',' : ''}{"key":${JSON.stringify(k)},"value":${utf8 ? JSON.stringify(b.toString('utf8')) : `"${b.toString('base64')}"`},"encoding":"${utf8 ? 'utf8' : 'base64'}"}`;
    }
  }
  return `{"topic":${topicJson},"partition":${r.partition},"offset":${jsonNumber(Number(r.offset))},"timestamp":${jsonNumber(Number(r.timestamp))},${bytesMember('key', r.key)},${bytesMember('value', r.value)},"headers":[${headers}]}`;
}

/** A parsed export line: the bytes back, or an error naming what is wrong. */
export interface ImportedRecord {
  partition?: number;
  timestamp?: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: [string, Buffer][];
}

const isEnc = (x: unknown): x is ByteEncoding => x === 'utf8' || x === 'base64';

function bytesField(o: Record<string, unknown>, name: string): Buffer | null {
  const v = o[name];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw new Error(`"${name}" must be a string or null`);
  const enc = o[`${name}Encoding`] ?? 'utf8';
  if (!isEnc(enc)) throw new Error(`"${name}Encoding" must be "utf8" or "base64"`);
  return decodeBytes(v, enc);
}

/**
 * Parses an export line (also what `topics produce --file` reads). Only `value` is needed; a
 * value that is not a string is written as its JSON text, so `{"value": {"n": 1}}` works.
 */
export function parseImportLine(text: string): ImportedRecord {
  const o = JSON.parse(text) as unknown;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('not a JSON object');
  const rec = o as Record<string, unknown>;
  const value =
    rec['value'] !== null && rec['value'] !== undefined && typeof rec['value'] !== 'string'
      ? Buffer.from(JSON.stringify(rec['value']))
      : bytesField(rec, 'value');
  const key =
    rec['key'] !== null && rec['key'] !== undefined && typeof rec['key'] !== 'string'
      ? Buffer.from(JSON.stringify(rec['key']))
      : bytesField(rec, 'key');
  const headers: [string, Buffer][] = [];
  const h = rec['headers'];
  if (Array.isArray(h)) {
    for (const x of h as unknown[]) {
      const e = x as { key?: unknown; value?: unknown; encoding?: unknown };
      if (typeof e.key !== 'string' || typeof e.value !== 'string')
        throw new Error('each header needs a string "key" and "value"');
      const enc = e.encoding ?? 'utf8';
      if (!isEnc(enc)) throw new Error('a header "encoding" must be "utf8" or "base64"');
      headers.push([e.key, decodeBytes(e.value, enc)]);
    }
  } else if (h !== undefined && h !== null) {
    if (typeof h !== 'object') throw new Error('"headers" must be a list or an object');
    for (const [k, v] of Object.entries(h)) {
      if (typeof v !== 'string') throw new Error(`header "${k}" must be a string`);
      headers.push([k, Buffer.from(v)]);
    }
  }
  const out: ImportedRecord = { key, value, headers };
  if (rec['partition'] !== undefined) {
    if (!Number.isInteger(rec['partition']) || (rec['partition'] as number) < 0)
      throw new Error('"partition" must be a whole number');
    out.partition = rec['partition'] as number;
  }
  if (rec['timestamp'] !== undefined) {
    if (!Number.isInteger(rec['timestamp'])) throw new Error('"timestamp" must be epoch milliseconds');
    out.timestamp = rec['timestamp'] as number;
  }
  return out;
}

// ---- export lines as bytes ----

// An export is bound by its per-record cost, so exportChunk writes each line straight into one
// output Buffer: constant pieces as pre-encoded bytes, safe integers as digits, keys, values and
// headers escaped byte by byte from their record Buffers. Module state rather than an object, so
// the per-byte loop works on locals and every call stays monomorphic (as fetch.ts decodes).
const EMPTY = Buffer.alloc(0);
let out: Buffer = EMPTY;
let at = 0;

function room(n: number): void {
  if (at + n <= out.length) return;
  const next = Buffer.allocUnsafeSlow(Math.max(out.length * 2, at + n));
  out.copy(next, 0, 0, at);
  out = next;
}

/** ASCII bytes known in advance (member names, punctuation). */
function put(bytes: Uint8Array): void {
  room(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[at++] = bytes[i]!;
}

function putText(s: string): void {
  room(s.length * 3);
  at += out.write(s, at, 'utf8');
}

/** `String(n)` (what JSON.stringify writes) for a whole number; digits by hand when exact. */
function putInt(n: number): void {
  if (!Number.isSafeInteger(n)) return putText(Number.isFinite(n) ? String(n) : 'null');
  room(17);
  if (n < 0) {
    out[at++] = 0x2d;
    n = -n;
  }
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  at += digits;
  for (let i = 1; i <= digits; i++) {
    out[at - i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
}

// Bytes JSON.stringify escapes in a string: '"', '\\' and the C0 controls (short forms where JSON
// has them: ESCAPE_CHAR, else \u00XX). Valid UTF-8 otherwise passes through unchanged, as
// JSON.stringify of its text encodes.
const ESCAPE_CHAR = new Uint8Array(256);
for (const [c, e] of [
  [0x08, 0x62],
  [0x09, 0x74],
  [0x0a, 0x6e],
  [0x0c, 0x66],
  [0x0d, 0x72],
  [0x22, 0x22],
  [0x5c, 0x5c],
])
  ESCAPE_CHAR[c!] = e!;
const HEX_DIGITS = new Uint8Array(Buffer.from('0123456789abcdef'));
const simd = wasmEscaper();
/** Shorter byte fields (keys, headers) cost less in the byte loop than copying in and out of WebAssembly. */
const SIMD_FROM = 48;

function escapedLength(b: Uint8Array): number {
  let n = b.length;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c < 0x20) n += ESCAPE_CHAR[c] !== 0 ? 1 : 5;
    else if (c === 0x22 || c === 0x5c) n++;
  }
  return n;
}

/**
 * `JSON.stringify(b.toString('utf8'))` written from the bytes, when `b` is valid UTF-8; false
 * (nothing written) otherwise. Validity is asked of the native check only when a byte is not
 * ASCII, which keys and headers seldom have.
 */
function putJsonString(b: Uint8Array): boolean {
  const n = b.length;
  // The worst case (6 bytes per byte) is only counted out near the end of the Buffer.
  if (at + n * 6 + 2 > out.length) room(escapedLength(b) + 2);
  const o = out;
  let p = at;
  o[p++] = 0x22;
  let high: boolean;
  if (simd !== null && n >= SIMD_FROM) {
    p = simd.escape(b, o, p);
    high = simd.nonAscii();
  } else {
    let bits = 0;
    for (let i = 0; i < n; i++) {
      const c = b[i]!;
      bits |= c;
      if (c > 0x22 && c !== 0x5c) {
        o[p++] = c;
        continue;
      }
      if (c === 0x20 || c === 0x21) {
        o[p++] = c;
        continue;
      }
      o[p++] = 0x5c;
      const e = ESCAPE_CHAR[c]!;
      if (e !== 0) o[p++] = e;
      else {
        o[p] = 0x75; // u00XX
        o[p + 1] = 0x30;
        o[p + 2] = 0x30;
        o[p + 3] = HEX_DIGITS[c >> 4]!;
        o[p + 4] = HEX_DIGITS[c & 15]!;
        p += 5;
      }
    }
    high = bits >= 0x80;
  }
  o[p++] = 0x22;
  if (high && !isUtf8(b)) return false;
  at = p;
  return true;
}

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const COMMA = ascii(',');
const OFFSET = ascii(',"offset":');
const TIMESTAMP = ascii(',"timestamp":');
const KEY_NULL = ascii(',"key":null');
const KEY = ascii(',"key":');
const KEY_UTF8 = ascii(',"keyEncoding":"utf8"');
const KEY_BASE64 = ascii('","keyEncoding":"base64"');
const VALUE_NULL = ascii(',"value":null');
const VALUE = ascii(',"value":');
const VALUE_UTF8 = ascii(',"valueEncoding":"utf8"');
const VALUE_BASE64 = ascii('","valueEncoding":"base64"');
const HEADERS = ascii(',"headers":[');
const ENCODING_UTF8 = ascii(',"encoding":"utf8"}');
const ENCODING_BASE64 = ascii('","encoding":"base64"}');
const QUOTE_MARK = ascii('"');
const LINE_END = ascii(']}\n');

// `{"key":<name>,"value":` by header name: records of a topic mostly repeat a few names.
const headerStarts = new Map<string, Uint8Array>();
function headerStart(name: string): Uint8Array {
  let bytes = headerStarts.get(name);
  if (bytes === undefined) {
    bytes = new Uint8Array(Buffer.from(`{"key":${JSON.stringify(name)},"value":`, 'utf8'));
    if (headerStarts.size >= 1000) headerStarts.clear();
    headerStarts.set(name, bytes);
  }
  return bytes;
}

/** `"…","nameEncoding":"base64"` after the opening quote of a byte field that is not UTF-8. */
function putBase64(b: Buffer, tail: Uint8Array): void {
  put(QUOTE_MARK);
  const s = b.toString('base64');
  room(s.length);
  at += out.write(s, at, 'latin1');
  put(tail);
}

/** `"name":…,"nameEncoding":…` as exportLineText writes it. */
function putMember(
  b: Buffer | null,
  none: Uint8Array,
  name: Uint8Array,
  utf8: Uint8Array,
  base64: Uint8Array,
): void {
  if (b === null) return put(none);
  put(name);
  if (putJsonString(b)) put(utf8);
  else putBase64(b, base64);
}

/**
 * The export lines of `records` (each `exportLineText(r) + "\n"`), byte for byte, written as bytes:
 * keys, values and headers are escaped straight from their Buffers instead of being decoded to
 * strings and serialized, which is most of an export's per-record work. The lines are written at
 * the start of `scratch` when it has room (a larger Buffer is allocated otherwise): fresh memory
 * costs a page fault per 4 KB on first touch, as much as escaping the bytes, so an export reuses
 * the Buffers whose lines have been written (see exportTopic).
 */
export function exportChunk(records: readonly ConsumedRecord[], topicJson: string, scratch?: Buffer): Buffer {
  let estimate = 64;
  for (const r of records) estimate += 160 + (r.key?.length ?? 0) + (r.value?.length ?? 0) * 1.1;
  out =
    scratch !== undefined && scratch.length >= estimate
      ? scratch
      : Buffer.allocUnsafeSlow(Math.ceil(estimate * 1.25));
  at = 0;
  const prefix = new Uint8Array(Buffer.from(`{"topic":${topicJson},"partition":`, 'utf8'));
  for (const r of records) {
    put(prefix);
    putInt(r.partition);
    put(OFFSET);
    putInt(Number(r.offset));
    put(TIMESTAMP);
    putInt(Number(r.timestamp));
    putMember(r.key, KEY_NULL, KEY, KEY_UTF8, KEY_BASE64);
    putMember(r.value, VALUE_NULL, VALUE, VALUE_UTF8, VALUE_BASE64);
    put(HEADERS);
    let first = true;
    for (const k in r.headers) {
      if (!Object.hasOwn(r.headers, k)) continue;
      const v = r.headers[k];
      if (v === undefined) continue;
      for (const b of Array.isArray(v) ? v : [v]) {
        if (!first) put(COMMA);
        first = false;
        put(headerStart(k));
        if (putJsonString(b)) put(ENCODING_UTF8);
        else putBase64(b, ENCODING_BASE64);
      }
    }
    put(LINE_END);
  }
  const done = out.subarray(0, at);
  out = EMPTY;
  return done;
}
