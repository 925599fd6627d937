import { z } from 'zod';
import { defineNode, expression, IN, OUT } from '../define';
import { input } from '../shape';

export default defineNode({
  kind: 'filter',
  version: 1,
  category: 'transform',
  title: 'Filter',
  description: 'Keeps the records for which the condition is true; false and NULL drop the record.',
  config: z
    .object({ where: expression('condition a record must meet, e.g. amount > 100', 'predicate') })
    .strict(),
  inputs: IN,
  outputs: OUT,
  ui: { label: 'Filter', icon: 'filter', color: '#16a34a', primaryFields: ['where'] },
  semantics(config, ctx) {
    ctx.expr(config.where, 'where', { expect: 'boolean' });
    return input(ctx);
  },
  examples: [
    { title: 'Big orders in DE or FR', config: { where: "amount > 100 AND country IN ('DE', 'FR')" } },
  ],
});
