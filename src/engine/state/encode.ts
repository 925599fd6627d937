/**
 * @module engine/state/encode
 * Keys of in-memory maps and size estimates. JSON text identifies a key (so the
 * object `{a:1}` and a second `{a:1}` are the same key, as after a changelog round
 * trip) and its length is the byte estimate.
 */

export function encodeKey(key: unknown): string {
  return key === undefined ? 'null' : JSON.stringify(key);
}

/** Approximate JSON size in bytes (UTF-16 length; exact for ASCII). */
export function approxBytes(value: unknown): number {
  if (value === undefined) return 0;
  const text = JSON.stringify(value);
  return text === undefined ? 0 : text.length;
}

/** Total order for keys: numbers, then text, then everything else by its JSON. */
export function compareKeys(a: unknown, b: unknown): number {
  const rank = (v: unknown): number => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : 2);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return (a as number) - (b as number);
  const sa = ra === 1 ? (a as string) : encodeKey(a);
  const sb = ra === 1 ? (b as string) : encodeKey(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
