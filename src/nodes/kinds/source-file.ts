import { z } from 'zod';
import { defineNode, expression, fieldTypes, OUT } from '../define';
import { asFieldType } from '../shape';

export default defineNode({
  kind: 'source.file',
  version: 1,
  category: 'source',
  title: 'File replay',
  description:
    'Replays records from a JSONL or CSV file, either as fast as possible or with the original spacing of their ' +
    'event times (optionally sped up).',
  config: z
    .object({
      path: z
        .string()
        .min(1)
        .meta({ description: 'file to read, relative to the spec file', 'x-kflow-widget': 'file' }),
      format: z.enum(['jsonl', 'csv']).default('jsonl'),
      timing: z
        .enum(['fast', 'original'])
        .default('fast')
        .meta({ description: 'fast: as fast as possible; original: keep the gaps between event times' }),
      speed: z
        .number()
        .positive()
        .default(1)
        .meta({ description: 'with original timing, play this many times faster' }),
      eventTime: expression(
        'field (or expression) holding the event time; default: the time of reading',
      ).optional(),
      key: expression('the record key; default: no key').optional(),
      csv: z
        .object({ header: z.boolean().default(true), delimiter: z.string().length(1).default(',') })
        .strict()
        .optional(),
      fields: fieldTypes.optional(),
    })
    .strict(),
  inputs: [],
  outputs: OUT,
  ui: { label: 'File', icon: 'file', color: '#0891b2', primaryFields: ['path', 'timing'] },
  semantics(config, ctx) {
    if (config.timing === 'original' && config.eventTime === undefined) {
      ctx.report('eventTime', 'replay with original timing needs "eventTime" to know the spacing of records');
    }
    if (config.csv !== undefined && config.format !== 'csv')
      ctx.report('csv', 'csv options apply only to format "csv"', 'warning');
    if (config.eventTime !== undefined) ctx.expr(config.eventTime, 'eventTime', { fields: config.fields });
    if (config.key !== undefined) {
      const type = asFieldType(ctx.expr(config.key, 'key', { fields: config.fields }));
      return { fields: config.fields, key: { kind: 'set', expr: config.key, type } };
    }
    return { fields: config.fields, key: { kind: 'none' } };
  },
});
