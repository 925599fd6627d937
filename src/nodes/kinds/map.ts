import { z } from 'zod';
import type { FieldTypes } from '../../spec/types';
import { defineNode, IN, OUT } from '../define';
import { asFieldType, input } from '../shape';

const fieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, {
  message: 'a field name is letters, digits and _ (dots for nested fields)',
});

export default defineNode({
  kind: 'map',
  version: 1,
  category: 'transform',
  title: 'Map',
  description:
    'Reshapes each record: `set` computes fields (in order, each seeing the ones before), `rename` renames, ' +
    '`drop` removes, `keep` keeps only the listed fields. Applied in that order.',
  config: z
    .object({
      set: z.record(fieldName, z.string()).optional().meta({
        description: 'fields to compute, e.g. { "email": "lower(user.email)" }',
        'x-kflow-widget': 'assignments',
      }),
      rename: z.record(fieldName, fieldName).optional().meta({ description: 'old name → new name' }),
      drop: z.array(fieldName).optional(),
      keep: z.array(fieldName).optional(),
    })
    .strict(),
  inputs: IN,
  outputs: OUT,
  ui: { label: 'Map', icon: 'shuffle', color: '#16a34a', primaryFields: ['set'] },
  semantics(config, ctx) {
    const inShape = input(ctx);
    let fields: FieldTypes | undefined = inShape.fields === undefined ? undefined : { ...inShape.fields };
    const nothing = !config.set && !config.rename && !config.drop && !config.keep;
    if (nothing) ctx.report('', 'this map changes nothing: add "set", "rename", "drop" or "keep"', 'warning');
    for (const [name, text] of Object.entries(config.set ?? {})) {
      const type = asFieldType(ctx.expr(text, `set.${name}`, { fields }));
      if (fields) fields[name] = type;
    }
    for (const [from, to] of Object.entries(config.rename ?? {})) {
      if (fields) {
        if (!(from in fields)) ctx.report(`rename.${from}`, `there is no field "${from}" to rename`);
        fields[to] = fields[from] ?? 'any';
        delete fields[from];
      }
    }
    for (const [i, name] of (config.drop ?? []).entries()) {
      if (fields && !(name in fields))
        ctx.report(`drop[${i}]`, `there is no field "${name}" to drop`, 'warning');
      if (fields) delete fields[name];
    }
    if (config.keep) {
      if (fields) {
        const kept: FieldTypes = {};
        for (const [i, name] of config.keep.entries()) {
          if (!(name in fields)) ctx.report(`keep[${i}]`, `there is no field "${name}" to keep`);
          else kept[name] = fields[name] as FieldTypes[string];
        }
        fields = kept;
      }
    }
    return { fields, key: inShape.key };
  },
});
