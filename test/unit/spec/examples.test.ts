import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listNodeKinds } from '../../../src/nodes/index';
import { validateSpecText } from '../../../src/spec/validate';

const dir = join(import.meta.dirname, '../../../resources/examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('example pipelines', () => {
  it('include the seed pipelines', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'clickstream-ingest.json',
        'clicks-per-category.json',
        'join-orders-payments.json',
        's3-hourly-archive.json',
        'mysql-cdc.json',
        'every-node.json',
      ]),
    );
  });

  it.each(files)('%s validates with no problem at all', (f) => {
    const r = validateSpecText(readFileSync(join(dir, f)));
    expect(r.problems).toEqual([]);
  });

  it('every-node.json uses every registered kind', () => {
    const spec = JSON.parse(readFileSync(join(dir, 'every-node.json'), 'utf8')) as {
      nodes: { kind: string }[];
    };
    const used = new Set(spec.nodes.map((n) => n.kind));
    expect([...listNodeKinds().map((k) => k.kind)].filter((k) => !used.has(k))).toEqual([]);
  });

  it('the windowed aggregation example exposes window bounds and aggregates downstream', () => {
    const r = validateSpecText(readFileSync(join(dir, 'clicks-per-category.json')));
    expect(r.shapes?.get('per5min')).toEqual({
      fields: {
        category: 'string',
        total: 'number',
        events: 'number',
        window_start: 'timestamp',
        window_end: 'timestamp',
      },
      key: { kind: 'set', expr: 'category', type: 'string' },
    });
  });
});
