import { z } from 'zod';
import { defineNode, duration, IN } from '../define';
import { aggregationShape } from '../shape';
import { WINDOW_OUTPUTS, windowFields } from '../window-common';

export default defineNode({
  kind: 'window.tumbling',
  version: 1,
  category: 'window',
  title: 'Tumbling window',
  description:
    'Fixed, non-overlapping windows of event time: an event at time t falls in [N·size, N·size + size). A window ' +
    'closes when stream time passes its end plus `grace`; later records go to the late output.',
  config: z.object({ size: duration('length of each window'), ...windowFields }).strict(),
  inputs: IN,
  outputs: WINDOW_OUTPUTS,
  ui: {
    label: 'Tumbling window',
    icon: 'timer',
    color: '#d97706',
    primaryFields: ['size', 'grace', 'groupBy'],
  },
  semantics(config, ctx) {
    ctx.duration(config.size, 'size', { min: 1 });
    ctx.duration(config.grace, 'grace', { allowZero: true });
    return aggregationShape(ctx, config, true);
  },
  examples: [
    {
      title: 'Totals per category every 5 minutes',
      config: {
        size: '5m',
        grace: '30s',
        groupBy: 'category',
        aggregates: { total: 'sum(value)', events: 'count(*)' },
      },
    },
  ],
});
