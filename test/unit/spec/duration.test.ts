import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/spec/duration';

describe('durations', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1.5s', 1500],
    ['1000', 1000],
    [90_000, 90_000],
    [0, 0],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toEqual({ ok: true, ms }));

  it.each([['5 minutes'], ['m5'], [''], ['-1s'], [-5], [Number.NaN], [null], [{}], ['5mm'], ['1h 30m']])(
    'rejects %j',
    (bad) => {
      const r = parseDuration(bad);
      expect(r.ok).toBe(false);
    },
  );

  it('formats the shortest exact unit', () => {
    expect([90_000, 3_600_000, 1500, 86_400_000 * 2].map(formatDuration)).toEqual([
      '90s',
      '1h',
      '1500ms',
      '2d',
    ]);
  });
});
