import { z } from 'zod';
import { defineNode, expression, IN, topicName } from '../define';

export default defineNode({
  kind: 'sink.topic',
  version: 1,
  category: 'sink',
  title: 'Topic sink',
  description: 'Writes records to a Kafka topic, with the current key (or `key`) and optional headers.',
  config: z
    .object({
      topic: topicName('the topic to write'),
      format: z.enum(['json', 'text']).default('json'),
      key: expression('the record key; default: the key of the stream').optional(),
      headers: z
        .record(z.string().min(1), z.string())
        .optional()
        .meta({ description: 'header name → expression' }),
      partitions: z
        .number()
        .int()
        .min(1)
        .max(10000)
        .optional()
        .meta({ description: 'partition count, when kflow creates the topic' }),
      replicationFactor: z.number().int().min(1).max(32767).optional(),
      topicConfig: z
        .record(z.string().regex(/^[a-z]+(\.[a-z]+)*$/), z.string())
        .optional()
        .meta({ description: 'topic configs by their Kafka names, e.g. { "retention.ms": "604800000" }' }),
    })
    .strict(),
  inputs: IN,
  outputs: [],
  ui: { label: 'Topic', icon: 'send', color: '#2563eb', primaryFields: ['topic'] },
  semantics(config, ctx) {
    if (config.key !== undefined) ctx.expr(config.key, 'key');
    for (const [name, text] of Object.entries(config.headers ?? {})) ctx.expr(text, `headers.${name}`);
    return { fields: undefined, key: { kind: 'none' } };
  },
});
