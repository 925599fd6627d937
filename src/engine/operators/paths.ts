/**
 * @module engine/operators/paths
 * Dotted field paths (`user.address.city`) on JSON objects, copy-on-write so
 * records shared by several downstream branches are never mutated.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function getPath(obj: JsonObject, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (!isObject(cur) || !Object.hasOwn(cur, part)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export function hasPath(obj: JsonObject, path: string): boolean {
  const parts = path.split('.');
  const last = parts.pop() as string;
  const parent = parts.length === 0 ? obj : getPath(obj, parts.join('.'));
  return isObject(parent) && Object.hasOwn(parent, last);
}

/** A copy of `obj` with `path` set; intermediate objects are copied or created. */
export function setPath(obj: JsonObject, path: string, value: unknown): JsonObject {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  const out = { ...obj };
  if (rest.length === 0) {
    out[head] = value;
  } else {
    const child = obj[head];
    out[head] = setPath(isObject(child) ? child : {}, rest.join('.'), value);
  }
  return out;
}

/** A copy of `obj` without `path`. */
export function deletePath(obj: JsonObject, path: string): JsonObject {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  if (!Object.hasOwn(obj, head)) return obj;
  const out = { ...obj };
  if (rest.length === 0) {
    delete out[head];
  } else {
    const child = obj[head];
    if (isObject(child)) out[head] = deletePath(child, rest.join('.'));
  }
  return out;
}
