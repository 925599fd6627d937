/**
 * @module nodes/join-common
 * The key rule of joins: both sides must be keyed, and keyed alike.
 */
import type { FieldType, FieldTypes } from '../spec/types';
import type { KeyEffect, SemanticContext } from './define';
import { asFieldType, UNKNOWN_SHAPE } from './shape';

interface Side {
  port: string;
  keyField: string;
  explicit: string | undefined;
}

/** Checks the two sides' keys and returns the join key. */
export function checkJoinKeys(ctx: SemanticContext, a: Side, b: Side): KeyEffect {
  const types: FieldType[] = [];
  const effects: KeyEffect[] = [];
  for (const side of [a, b]) {
    const shape = ctx.inputs[side.port]?.[0] ?? UNKNOWN_SHAPE;
    if (side.explicit !== undefined) {
      const type = asFieldType(ctx.expr(side.explicit, side.keyField, { fields: shape.fields }));
      types.push(type);
      effects.push({ kind: 'set', expr: side.explicit, type });
    } else if (shape.key.kind === 'none') {
      ctx.report(
        side.keyField,
        `the ${side.port} input has no key: set "${side.keyField}" or rekey that input`,
      );
      types.push('any');
      effects.push(shape.key);
    } else {
      types.push(shape.key.kind === 'set' ? (shape.key.type ?? 'any') : 'any');
      effects.push(shape.key);
    }
  }
  const [ta, tb] = types;
  if (ta && tb && ta !== 'any' && tb !== 'any' && ta !== tb) {
    ctx.report(b.keyField, `the two sides are keyed differently: ${a.port} by a ${ta}, ${b.port} by a ${tb}`);
  }
  const [ea, eb] = effects;
  if (ea?.kind === 'record-key' && eb?.kind === 'record-key' && ea.origin !== eb.origin) {
    ctx.report(
      b.keyField,
      `both sides join on their record keys (${ea.origin}, ${eb.origin}); make sure both are keyed by the same value, or set the keys explicitly`,
      'warning',
    );
  }
  return ea ?? { kind: 'none' };
}

/** Output fields of a join: nested `{ left, right }` or the two records merged. */
export function joinedFields(
  left: FieldTypes | undefined,
  right: FieldTypes | undefined,
  output: 'nested' | 'merged',
  names: [string, string],
): FieldTypes | undefined {
  if (output === 'nested') return { [names[0]]: 'object', [names[1]]: 'object' };
  if (left === undefined || right === undefined) return undefined;
  const out: FieldTypes = { ...left };
  for (const [k, t] of Object.entries(right)) out[k in out ? `${names[1]}_${k}` : k] = t;
  return out;
}
