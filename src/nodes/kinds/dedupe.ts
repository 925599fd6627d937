import { z } from 'zod';
import { defineNode, duration, expression, IN, OUT } from '../define';
import { input } from '../shape';

export default defineNode({
  kind: 'dedupe',
  version: 1,
  category: 'transform',
  title: 'Deduplicate',
  description:
    'Drops a record when one with the same id was seen within `within` of event time before it. State holds ids ' +
    'for `within` only, so it stays bounded.',
  config: z
    .object({
      id: expression('what makes two records duplicates, e.g. event_id; default: the record key').optional(),
      within: duration('how long an id is remembered, in event time'),
    })
    .strict(),
  inputs: IN,
  outputs: OUT,
  ui: { label: 'Dedupe', icon: 'copy-x', color: '#16a34a', primaryFields: ['id', 'within'] },
  semantics(config, ctx) {
    const inShape = input(ctx);
    if (config.id !== undefined) ctx.expr(config.id, 'id');
    else if (inShape.key.kind === 'none')
      ctx.report('id', 'the records have no key: set "id" to say what makes two records duplicates');
    ctx.duration(config.within, 'within');
    return inShape;
  },
});
