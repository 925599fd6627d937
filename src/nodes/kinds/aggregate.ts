import { z } from 'zod';
import { aggregates, defineNode, groupBy, IN, OUT } from '../define';
import { aggregationShape } from '../shape';

export default defineNode({
  kind: 'aggregate',
  version: 1,
  category: 'window',
  title: 'Running aggregate',
  description:
    'Aggregates per key over all time (no window) and emits the new result on every update, like a table that ' +
    'changes. State grows with the number of keys.',
  config: z.object({ groupBy: groupBy.optional(), aggregates }).strict(),
  inputs: IN,
  outputs: OUT,
  ui: { label: 'Aggregate', icon: 'sigma', color: '#d97706', primaryFields: ['groupBy', 'aggregates'] },
  semantics(config, ctx) {
    return aggregationShape(ctx, config, false);
  },
});
