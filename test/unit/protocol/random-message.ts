/**
 * Builds random messages for any generated API and version from the schema
 * descriptors the generator emits, so the property tests cover exactly what the
 * codecs were generated from.
 */
import {
  messages,
  type FieldDescriptor,
  type MessageDescriptor,
} from '../../../src/protocol/generated/schema';
import * as headers from '../../../src/protocol/generated/headers';
import { getApi } from '../../../src/protocol/generated/index';
import { ZERO_UUID, type Reader } from '../../../src/protocol/reader';
import type { Writer } from '../../../src/protocol/writer';

export type Rng = () => number;

/** Small deterministic PRNG (mulberry32) so failures reproduce from the seed. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const within = (r: readonly [number, number] | undefined, v: number): boolean =>
  r !== undefined && v >= r[0] && v <= r[1];

function int(rnd: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rnd() * (hi - lo + 1));
}

const ALPHABET = ['a', 'Z', '0', '-', '.', '_', 'é', 'ß', '€', '中', '😀', ' '];

function randomString(rnd: Rng): string {
  const n = int(rnd, 0, 12);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[int(rnd, 0, ALPHABET.length - 1)];
  return s;
}

function randomBytes(rnd: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(rnd, 0, 255);
  return b;
}

/** Parses a default expression from the descriptor (the generator's literal syntax). */
export function parseDefault(expr: string): unknown {
  if (expr === 'null') return null;
  if (expr === 'true') return true;
  if (expr === 'false') return false;
  if (expr === 'ZERO_UUID') return ZERO_UUID;
  if (expr === 'EMPTY') return Buffer.alloc(0);
  if (expr.endsWith('n')) return BigInt(expr.slice(0, -1));
  if (expr.startsWith('"')) return JSON.parse(expr) as string;
  return Number(expr);
}

export function defaultValue(f: FieldDescriptor): unknown {
  if (f.type.startsWith('[]')) return [];
  if (f.type === 'struct') return defaultStruct(f.fields ?? []);
  return parseDefault(f.default!);
}

function defaultStruct(fields: readonly FieldDescriptor[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) o[f.name] = defaultValue(f);
  return o;
}

function randomPrim(type: string, rnd: Rng): unknown {
  switch (type) {
    case 'bool':
      return rnd() < 0.5;
    case 'int8':
      return int(rnd, -128, 127);
    case 'int16':
      return int(rnd, -32768, 32767);
    case 'uint16':
      return int(rnd, 0, 65535);
    case 'int32':
      return int(rnd, -2147483648, 2147483647);
    case 'uint32':
      return int(rnd, 0, 4294967295);
    case 'int64':
      return BigInt.asIntN(64, (BigInt(int(rnd, 0, 0xffffffff)) << 32n) | BigInt(int(rnd, 0, 0xffffffff)));
    case 'float64':
      return (rnd() - 0.5) * 1e12;
    case 'string':
      return randomString(rnd);
    case 'uuid':
      return randomBytes(rnd, 16).toString('base64url');
    case 'bytes':
    case 'records':
      return randomBytes(rnd, int(rnd, 0, 20));
    default:
      throw new Error(`unknown type ${type}`);
  }
}

function randomField(f: FieldDescriptor, v: number, rnd: Rng, depth: number): unknown {
  if (within(f.nullable, v) && rnd() < 0.2) return null;
  if (f.type.startsWith('[]')) {
    const n = depth > 3 ? 0 : int(rnd, 0, 3);
    const elem = f.type.slice(2);
    const a: unknown[] = [];
    for (let i = 0; i < n; i++) {
      a.push(elem === 'struct' ? randomStruct(f.fields ?? [], v, rnd, depth + 1) : randomPrim(elem, rnd));
    }
    return a;
  }
  if (f.type === 'struct') return randomStruct(f.fields ?? [], v, rnd, depth + 1);
  return randomPrim(f.type, rnd);
}

/** A random struct holding only what version `v` can carry; everything else is the default. */
export function randomStruct(
  fields: readonly FieldDescriptor[],
  v: number,
  rnd: Rng,
  depth = 0,
): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) {
    const present = within(f.versions, v);
    o[f.name] = present ? randomField(f, v, rnd, depth) : defaultValue(f);
  }
  return o;
}

export interface Codec {
  decode(r: Reader, version: number): unknown;
  encode(w: Writer, version: number, m: unknown): void;
}

/** The generated encode/decode pair for a message descriptor. */
export function codecFor(m: MessageDescriptor): Codec {
  if (m.kind === 'header') {
    return m.name === 'RequestHeader'
      ? { decode: headers.decodeRequestHeader, encode: headers.encodeRequestHeader as Codec['encode'] }
      : { decode: headers.decodeResponseHeader, encode: headers.encodeResponseHeader as Codec['encode'] };
  }
  const api = getApi(m.apiKey!);
  if (!api) throw new Error(`no generated api for ${m.name}`);
  return m.kind === 'request'
    ? { decode: api.decodeRequest, encode: api.encodeRequest }
    : { decode: api.decodeResponse, encode: api.encodeResponse };
}

export function versionsOf(m: MessageDescriptor): number[] {
  const out: number[] = [];
  for (let v = m.valid[0]; v <= m.valid[1]; v++) out.push(v);
  return out;
}

export { messages };
