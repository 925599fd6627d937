import { z } from 'zod';
import { defineNode, IN } from '../define';

export default defineNode({
  kind: 'sink.file',
  version: 1,
  category: 'sink',
  title: 'File sink',
  description:
    'Appends records to a local JSONL or CSV file, with key, timestamp and window bounds when present.',
  config: z
    .object({
      path: z
        .string()
        .min(1)
        .meta({ description: 'file to write, relative to the spec file', 'x-kflow-widget': 'file' }),
      format: z.enum(['jsonl', 'csv']).default('jsonl'),
      columns: z
        .array(z.string().min(1))
        .optional()
        .meta({ description: 'CSV columns, in order; default: fields of the first record' }),
      includeMetadata: z
        .boolean()
        .default(false)
        .meta({ description: 'add _key, _timestamp, _topic, _partition, _offset' }),
    })
    .strict(),
  inputs: IN,
  outputs: [],
  ui: { label: 'File', icon: 'file-output', color: '#2563eb', primaryFields: ['path'] },
  semantics(config, ctx) {
    if (config.columns && config.format !== 'csv')
      ctx.report('columns', 'columns apply only to format "csv"', 'warning');
    return { fields: undefined, key: { kind: 'none' } };
  },
});
