import { z } from 'zod';
import { defineNode, IN } from '../define';

export default defineNode({
  kind: 'sink.console',
  version: 1,
  category: 'sink',
  title: 'Console',
  description: 'Prints records on the terminal of `kflow run` and in the run view of the app.',
  config: z
    .object({
      format: z.enum(['json', 'pretty']).default('pretty'),
      limit: z.number().int().positive().optional().meta({ description: 'print at most this many records' }),
    })
    .strict(),
  inputs: IN,
  outputs: [],
  ui: { label: 'Console', icon: 'terminal', color: '#2563eb', primaryFields: ['format'] },
  semantics() {
    return { fields: undefined, key: { kind: 'none' } };
  },
});
