/**
 * @module nodes/shape
 * Small helpers node kinds share to derive the shape of the stream they emit.
 */
import type { FieldType, FieldTypes } from '../spec/types';
import type { KeyEffect, SemanticContext, StreamShape } from './define';

export const UNKNOWN_SHAPE: StreamShape = { fields: undefined, key: { kind: 'none' } };

/** The shape arriving on a single-edge input port (unknown when it is not connected). */
export function input(ctx: SemanticContext, port = 'in'): StreamShape {
  return ctx.inputs[port]?.[0] ?? UNKNOWN_SHAPE;
}

/** Maps an expression checker's type name onto a field type. */
export function asFieldType(type: string | undefined): FieldType {
  switch (type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'timestamp':
    case 'object':
    case 'list':
      return type;
    default:
      return 'any';
  }
}

export function withFields(fields: FieldTypes | undefined, extra: FieldTypes): FieldTypes | undefined {
  return fields === undefined ? undefined : { ...fields, ...extra };
}

/** Canonical text of a grouping (one expression or several), used to compare keys. */
export function groupKeyText(groupBy: string | string[] | undefined): string | undefined {
  if (groupBy === undefined) return undefined;
  return Array.isArray(groupBy) ? groupBy.join(', ') : groupBy;
}

/** Checks a grouping and aggregates; returns the output shape of an aggregation. */
export function aggregationShape(
  ctx: SemanticContext,
  config: { groupBy?: string | string[] | undefined; aggregates: Record<string, string> },
  windowed: boolean,
): StreamShape {
  const inShape = input(ctx);
  const out: FieldTypes = {};
  let key: KeyEffect = inShape.key;
  if (config.groupBy !== undefined) {
    const list = Array.isArray(config.groupBy) ? config.groupBy : [config.groupBy];
    const types: FieldType[] = [];
    list.forEach((g, i) => {
      const field = Array.isArray(config.groupBy) ? `groupBy[${i}]` : 'groupBy';
      const type = ctx.expr(g, field);
      types.push(asFieldType(type));
      // A grouping by a plain field keeps that field's name in the output record.
      if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(g.trim()))
        out[g.trim().split('.').pop() as string] = asFieldType(type);
    });
    // A composite key is a list of its parts.
    key = {
      kind: 'set',
      expr: groupKeyText(config.groupBy) as string,
      type: types.length === 1 ? (types[0] as FieldType) : 'list',
    };
  } else if (inShape.key.kind === 'none') {
    ctx.report(
      'groupBy',
      'this node needs a key: set "groupBy", or put a rekey node before it, or read a topic whose records have keys',
    );
  }
  const names = Object.keys(config.aggregates);
  if (names.length === 0)
    ctx.report('aggregates', 'add at least one aggregate, e.g. { "events": "count(*)" }');
  for (const name of names) {
    out[name] = asFieldType(ctx.expr(config.aggregates[name], `aggregates.${name}`, { aggregate: true }));
  }
  if (windowed) {
    out['window_start'] = 'timestamp';
    out['window_end'] = 'timestamp';
  }
  return { fields: out, key };
}
