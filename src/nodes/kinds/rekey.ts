import { z } from 'zod';
import { defineNode, expression, IN, OUT } from '../define';
import { asFieldType, input } from '../shape';

export default defineNode({
  kind: 'rekey',
  version: 1,
  category: 'transform',
  title: 'Rekey',
  description:
    'Sets the record key. A window, aggregate or join after a rekey reads through a repartition topic, so that ' +
    'all records of one key meet in one task.',
  config: z.object({ key: expression("the new key, e.g. user_id or concat(country, '-', city)") }).strict(),
  inputs: IN,
  outputs: OUT,
  ui: { label: 'Rekey', icon: 'key', color: '#16a34a', primaryFields: ['key'] },
  semantics(config, ctx) {
    const type = asFieldType(ctx.expr(config.key, 'key'));
    return { fields: input(ctx).fields, key: { kind: 'set', expr: config.key, type } };
  },
});
