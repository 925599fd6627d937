import { z } from 'zod';
import { defineNode, duration, fieldTypes, OUT, topicName } from '../define';

export default defineNode({
  kind: 'source.topic',
  version: 1,
  category: 'source',
  title: 'Topic source',
  description:
    'Reads records from a Kafka topic. Event time comes from a field of the value or from the record timestamp; ' +
    'watermarks advance per partition, and an idle partition stops holding them back after `idleTimeout`.',
  config: z
    .object({
      topic: topicName('the topic to read'),
      format: z
        .enum(['json', 'text', 'bytes'])
        .default('json')
        .meta({ description: 'how record values are decoded' }),
      keyFormat: z
        .enum(['text', 'json', 'bytes'])
        .default('text')
        .meta({ description: 'how record keys are decoded' }),
      eventTime: z.string().optional().meta({
        description: 'field (or expression) holding the event time; default: the record timestamp',
        'x-kflow-widget': 'expression',
      }),
      startFrom: z.enum(['committed', 'earliest', 'latest']).default('committed').meta({
        description: "where a new run starts: the group's committed offsets (earliest when none), or an end",
      }),
      maxOutOfOrder: duration(
        'how far behind the newest event time a record may arrive and still be on time',
      ).optional(),
      idleTimeout: duration(
        'a partition with no records for this long no longer holds the watermark back',
      ).default('30s'),
      fields: fieldTypes.optional(),
      partitions: z
        .number()
        .int()
        .min(1)
        .max(10000)
        .optional()
        .meta({ description: 'partition count, when kflow creates the topic' }),
    })
    .strict(),
  inputs: [],
  outputs: OUT,
  ui: { label: 'Topic', icon: 'inbox', color: '#2563eb', primaryFields: ['topic', 'eventTime'] },
  semantics(config, ctx) {
    if (config.eventTime !== undefined) ctx.expr(config.eventTime, 'eventTime', { fields: config.fields });
    if (config.maxOutOfOrder !== undefined)
      ctx.duration(config.maxOutOfOrder, 'maxOutOfOrder', { allowZero: true });
    ctx.duration(config.idleTimeout, 'idleTimeout');
    return { fields: config.fields, key: { kind: 'record-key', origin: `topic ${config.topic}` } };
  },
  examples: [{ title: 'JSON events with a ts field', config: { topic: 'raw-events', eventTime: 'ts' } }],
});
