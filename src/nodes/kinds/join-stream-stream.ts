import { z } from 'zod';
import { defineNode, duration, expression, OUT } from '../define';
import { checkJoinKeys, joinedFields } from '../join-common';

export default defineNode({
  kind: 'join.stream-stream',
  version: 1,
  category: 'join',
  title: 'Stream-stream join',
  description:
    'Joins records of two streams with equal keys whose event times are at most `within` apart. State keeps each ' +
    'side for `within + grace`, so it stays bounded. left and outer joins emit unmatched records once their ' +
    'window has closed.',
  config: z
    .object({
      type: z.enum(['inner', 'left', 'outer']).default('inner'),
      within: duration('largest difference of event times of two joined records'),
      grace: duration('how long after the window late records are still joined').default('0s'),
      leftKey: expression('key of the left records; default: their record key').optional(),
      rightKey: expression('key of the right records; default: their record key').optional(),
      output: z.enum(['nested', 'merged']).default('nested').meta({
        description: 'nested: { left, right }; merged: one record, right fields prefixed right_ on a clash',
      }),
    })
    .strict(),
  inputs: [
    { name: 'left', label: 'left' },
    { name: 'right', label: 'right' },
  ],
  outputs: [
    ...OUT,
    {
      name: 'late',
      label: 'late',
      optional: true,
      description:
        'records that arrived after their join window closed; unconnected, they go to the topic <pipeline>.<node>.late',
    },
  ],
  ui: { label: 'Join streams', icon: 'link', color: '#db2777', primaryFields: ['type', 'within'] },
  semantics(config, ctx) {
    ctx.duration(config.within, 'within', { allowZero: true });
    ctx.duration(config.grace, 'grace', { allowZero: true });
    const key = checkJoinKeys(
      ctx,
      { port: 'left', keyField: 'leftKey', explicit: config.leftKey },
      { port: 'right', keyField: 'rightKey', explicit: config.rightKey },
    );
    const fields = joinedFields(
      ctx.inputs['left']?.[0]?.fields,
      ctx.inputs['right']?.[0]?.fields,
      config.output,
      ['left', 'right'],
    );
    return { fields, key };
  },
});
