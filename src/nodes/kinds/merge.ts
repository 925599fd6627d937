import { z } from 'zod';
import type { FieldTypes } from '../../spec/types';
import { defineNode, OUT } from '../define';

export default defineNode({
  kind: 'merge',
  version: 1,
  category: 'transform',
  title: 'Merge',
  description: 'Interleaves several streams into one, in arrival order. Keys are kept.',
  config: z.object({}).strict(),
  inputs: [{ name: 'in', label: 'in', many: true }],
  outputs: OUT,
  ui: { label: 'Merge', icon: 'merge', color: '#16a34a', primaryFields: [] },
  semantics(_config, ctx) {
    const shapes = ctx.inputs['in'] ?? [];
    if (shapes.length === 1)
      ctx.report('', 'a merge with one input does nothing; connect a second stream', 'warning');
    let fields: FieldTypes | undefined = {};
    for (const s of shapes) {
      if (s.fields === undefined || fields === undefined) fields = undefined;
      else
        for (const [k, t] of Object.entries(s.fields)) fields[k] = fields[k] && fields[k] !== t ? 'any' : t;
    }
    const keys = new Set(shapes.map((s) => JSON.stringify(s.key)));
    return { fields, key: keys.size === 1 && shapes[0] ? shapes[0].key : { kind: 'none' } };
  },
});
