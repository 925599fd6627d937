import { z } from 'zod';
import { defineNode, duration, IN } from '../define';
import { aggregationShape } from '../shape';
import { WINDOW_OUTPUTS, windowFields } from '../window-common';

export default defineNode({
  kind: 'window.hopping',
  version: 1,
  category: 'window',
  title: 'Hopping window',
  description:
    'Overlapping windows of length `size` starting every `advance`: an event belongs to every window ' +
    '[N·advance, N·advance + size) that contains it, so to size/advance windows.',
  config: z
    .object({
      size: duration('length of each window'),
      advance: duration('time between the starts of two windows; at most size'),
      ...windowFields,
    })
    .strict(),
  inputs: IN,
  outputs: WINDOW_OUTPUTS,
  ui: {
    label: 'Hopping window',
    icon: 'timer-reset',
    color: '#d97706',
    primaryFields: ['size', 'advance', 'groupBy'],
  },
  semantics(config, ctx) {
    const size = ctx.duration(config.size, 'size', { min: 1 });
    const advance = ctx.duration(config.advance, 'advance', { min: 1 });
    if (size !== undefined && advance !== undefined && advance > size) {
      ctx.report(
        'advance',
        'advance is longer than size, so some events would fall in no window; use a tumbling window or a smaller advance',
      );
    }
    ctx.duration(config.grace, 'grace', { allowZero: true });
    return aggregationShape(ctx, config, true);
  },
});
