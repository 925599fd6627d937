import { z } from 'zod';
import { defineNode, duration, IN } from '../define';
import { aggregationShape } from '../shape';
import { WINDOW_OUTPUTS, windowFields } from '../window-common';

export default defineNode({
  kind: 'window.session',
  version: 1,
  category: 'window',
  title: 'Session window',
  description:
    'Windows per key that stay open while events keep arriving less than `gap` apart; two sessions that an event ' +
    'bridges are merged.',
  config: z.object({ gap: duration('inactivity that ends a session'), ...windowFields }).strict(),
  inputs: IN,
  outputs: WINDOW_OUTPUTS,
  ui: { label: 'Session window', icon: 'activity', color: '#d97706', primaryFields: ['gap', 'groupBy'] },
  semantics(config, ctx) {
    ctx.duration(config.gap, 'gap', { min: 1 });
    ctx.duration(config.grace, 'grace', { allowZero: true });
    return aggregationShape(ctx, config, true);
  },
});
