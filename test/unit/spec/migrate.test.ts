import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../../src/spec/validate';

// The editor's first save format, shaped like React Flow's state.
const v0 = {
  kflow: 0,
  name: 'old-clicks',
  nodes: [
    {
      id: 'src',
      type: 'source.topic',
      position: { x: 10, y: 20 },
      data: { label: 'Clicks', config: { topic: 'clicks' } },
    },
    { id: 'big', type: 'filter', position: { x: 200, y: 20 }, data: { config: { where: 'value > 10' } } },
    { id: 'out', type: 'sink.console', position: { x: 400, y: 20 }, data: { config: {} } },
  ],
  edges: [
    { source: 'src', target: 'big' },
    { source: 'big', sourceHandle: 'out', target: 'out', targetHandle: 'in' },
  ],
};

describe('migration', () => {
  it('upgrades a format-0 spec to format 1 and says so', () => {
    const r = validateSpec(v0);
    expect(r.ok).toBe(true);
    expect(r.migratedFrom).toBe(0);
    expect(r.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        path: 'kflow',
        message: expect.stringMatching(/upgraded to format 1/),
      }),
    ]);
    expect(r.spec?.kflow).toBe(1);
    expect(r.spec?.nodes[0]).toMatchObject({
      id: 'src',
      kind: 'source.topic',
      name: 'Clicks',
      ui: { x: 10, y: 20 },
      config: { topic: 'clicks' },
    });
    expect(r.spec?.edges).toEqual([
      { from: 'src', to: 'big' },
      { from: 'big.out', to: 'out.in' },
    ]);
  });

  it('fills in defaults of the current format', () => {
    const r = validateSpec(v0);
    expect(r.spec?.nodes[0]?.config).toMatchObject({
      topic: 'clicks',
      format: 'json',
      startFrom: 'committed',
      idleTimeout: '30s',
    });
  });
});
