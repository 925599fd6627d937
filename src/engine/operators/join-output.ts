/**
 * @module engine/operators/join-output
 * The value of a join result: nested `{ left, right }` or one merged record whose
 * right-hand fields are prefixed (`right_`) when their name is taken, as the
 * validator's output shape says.
 */
import { isObject, type JsonObject } from './paths';

export type JoinOutput = 'nested' | 'merged';

export function joinValue(
  mode: JoinOutput,
  left: unknown,
  right: unknown,
  names: readonly [string, string],
): unknown {
  if (mode === 'nested') return { [names[0]]: left ?? null, [names[1]]: right ?? null };
  const out: JsonObject = {};
  // A side that is not an object (text, a number) has no fields to merge; keep it under its name.
  if (isObject(left)) Object.assign(out, left);
  else if (left !== null && left !== undefined) out[names[0]] = left;
  if (isObject(right)) {
    for (const [k, v] of Object.entries(right)) out[Object.hasOwn(out, k) ? `${names[1]}_${k}` : k] = v;
  } else if (right !== null && right !== undefined) {
    out[Object.hasOwn(out, names[1]) ? `${names[1]}_${names[1]}` : names[1]] = right;
  }
  return out;
}
