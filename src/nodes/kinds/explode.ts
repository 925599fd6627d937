import { z } from 'zod';
import { defineNode, expression, IN, OUT } from '../define';
import { input, withFields } from '../shape';

export default defineNode({
  kind: 'explode',
  version: 1,
  category: 'transform',
  title: 'Explode',
  description:
    'Turns one record into one record per element of a list: each output is the input record with the element ' +
    'in field `as`. An empty or missing list emits nothing.',
  config: z
    .object({
      list: expression('the list to explode, e.g. items'),
      as: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
        .meta({ description: 'field that receives each element' }),
      index: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
        .optional()
        .meta({ description: 'field that receives the position' }),
    })
    .strict(),
  inputs: IN,
  outputs: OUT,
  ui: { label: 'Explode', icon: 'split', color: '#16a34a', primaryFields: ['list', 'as'] },
  semantics(config, ctx) {
    const type = ctx.expr(config.list, 'list');
    if (type !== undefined && type !== 'list' && type !== 'any')
      ctx.report('list', `"${config.list}" is a ${type}, not a list`);
    const extra = config.index
      ? { [config.as]: 'any' as const, [config.index]: 'number' as const }
      : { [config.as]: 'any' as const };
    const inShape = input(ctx);
    return { fields: withFields(inShape.fields, extra), key: inShape.key };
  },
});
