import { z } from 'zod';
import type { FieldType, FieldTypes } from '../../spec/types';
import { defineNode, duration, expression, OUT, topicName } from '../define';
import { asFieldType } from '../shape';

/** One field generator of a datagen template. */
const generator = z.discriminatedUnion('gen', [
  z.object({ gen: z.literal('sequence'), start: z.number().int().default(1) }).strict(),
  z.object({ gen: z.literal('uuid') }).strict(),
  z
    .object({
      gen: z.literal('choice'),
      values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
      weights: z.array(z.number().nonnegative()).optional(),
    })
    .strict(),
  z.object({ gen: z.literal('int'), min: z.number().int(), max: z.number().int() }).strict(),
  z
    .object({
      gen: z.literal('float'),
      min: z.number(),
      max: z.number(),
      digits: z.number().int().min(0).max(10).default(2),
    })
    .strict(),
  z
    .object({
      gen: z.literal('timestamp'),
      format: z.enum(['epoch-ms', 'iso8601']).default('epoch-ms'),
      jitter: duration('events are this much out of order at most').optional(),
    })
    .strict(),
  z.object({ gen: z.literal('const'), value: z.unknown() }).strict(),
  z
    .object({
      gen: z.literal('pattern'),
      pattern: z.string().meta({ description: 'text with {seq} and {int:MIN:MAX} placeholders' }),
    })
    .strict(),
]);

const GEN_TYPE: Record<string, FieldType> = {
  sequence: 'number',
  uuid: 'string',
  int: 'number',
  float: 'number',
  pattern: 'string',
  const: 'any',
};

export default defineNode({
  kind: 'source.datagen',
  version: 1,
  category: 'source',
  title: 'Generated data',
  description:
    'Generates synthetic events from a template at a steady rate, for demos and tests. With `topic` set, the ' +
    'events are first produced to that topic and read back, exactly as a real producer would feed the pipeline.',
  config: z
    .object({
      template: z.record(z.string(), generator).meta({ description: 'one generator per field' }),
      rate: z.number().positive().max(1_000_000).default(100).meta({ description: 'events per second' }),
      count: z
        .number()
        .int()
        .positive()
        .optional()
        .meta({ description: 'stop after this many events; default: run until stopped' }),
      key: expression('the record key of each event; default: no key').optional(),
      topic: topicName('produce the events to this topic and read them back').optional(),
      seed: z.number().int().optional().meta({ description: 'random seed, for repeatable data' }),
    })
    .strict(),
  inputs: [],
  outputs: OUT,
  ui: { label: 'Datagen', icon: 'sparkles', color: '#7c3aed', primaryFields: ['rate', 'template'] },
  semantics(config, ctx) {
    const fields: FieldTypes = {};
    for (const [name, g] of Object.entries(config.template)) {
      if (g.gen === 'choice') {
        const kinds = new Set(g.values.map((v) => typeof v));
        fields[name] =
          kinds.size === 1 ? ((kinds.has('boolean') ? 'boolean' : [...kinds][0]) as FieldType) : 'any';
        if (g.weights && g.weights.length !== g.values.length) {
          ctx.report(
            `template.${name}.weights`,
            `give one weight per value (${g.values.length}), not ${g.weights.length}`,
          );
        }
      } else if (g.gen === 'timestamp') {
        fields[name] = g.format === 'iso8601' ? 'string' : 'timestamp';
        if (g.jitter !== undefined) ctx.duration(g.jitter, `template.${name}.jitter`, { allowZero: true });
      } else {
        fields[name] = GEN_TYPE[g.gen] ?? 'any';
        if ((g.gen === 'int' || g.gen === 'float') && g.min > g.max) {
          ctx.report(`template.${name}.max`, `max (${g.max}) is below min (${g.min})`);
        }
      }
    }
    if (Object.keys(fields).length === 0)
      ctx.report('template', 'the template has no fields; add at least one generator');
    if (config.key !== undefined) {
      const type = asFieldType(ctx.expr(config.key, 'key', { fields }));
      return { fields, key: { kind: 'set', expr: config.key, type } };
    }
    return { fields, key: { kind: 'none' } };
  },
  examples: [
    {
      title: 'Clickstream',
      config: {
        rate: 200,
        template: {
          user_id: { gen: 'pattern', pattern: 'user-{int:1:500}' },
          category: { gen: 'choice', values: ['books', 'games', 'music'] },
          value: { gen: 'int', min: 1, max: 100 },
          ts: { gen: 'timestamp', jitter: '5s' },
        },
      },
    },
  ],
});
