import { z } from 'zod';
import { defineNode, expression, OUT } from '../define';
import { checkJoinKeys, joinedFields } from '../join-common';

export default defineNode({
  kind: 'join.stream-table',
  version: 1,
  category: 'join',
  title: 'Stream-table join',
  description:
    'Enriches each stream record with the latest row of a table with the same key. The table is a compacted ' +
    'topic read from its beginning; the stream waits until the table has caught up before joining.',
  config: z
    .object({
      type: z.enum(['inner', 'left']).default('left'),
      streamKey: expression('key of the stream records; default: their record key').optional(),
      output: z.enum(['nested', 'merged']).default('merged'),
    })
    .strict(),
  inputs: [
    { name: 'stream', label: 'stream' },
    {
      name: 'table',
      label: 'table',
      description: 'a topic source of a compacted topic, keyed by the join key',
    },
  ],
  outputs: OUT,
  ui: { label: 'Join table', icon: 'table', color: '#db2777', primaryFields: ['type', 'streamKey'] },
  semantics(config, ctx) {
    const key = checkJoinKeys(
      ctx,
      { port: 'stream', keyField: 'streamKey', explicit: config.streamKey },
      { port: 'table', keyField: 'table', explicit: undefined },
    );
    const fields = joinedFields(
      ctx.inputs['stream']?.[0]?.fields,
      ctx.inputs['table']?.[0]?.fields,
      config.output,
      ['stream', 'table'],
    );
    return { fields, key };
  },
});
