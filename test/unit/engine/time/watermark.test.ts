import { describe, expect, it } from 'vitest';
import { parseIsoTimestamp, toEventTime, WatermarkTracker } from '../../../../src/engine/time/index';

const s = 1000;
const m = 60 * s;

describe('event time', () => {
  it.each([
    [1_700_000_000_000, 'ms', 1_700_000_000_000],
    [300_000, 'ms', 300_000], // small numbers stay milliseconds by default
    [1_700_000_000, 's', 1_700_000_000_000],
    [1_700_000_000, 'auto', 1_700_000_000_000], // < 1e11 → seconds
    [1_700_000_000_000, 'auto', 1_700_000_000_000],
    [1.5, 's', 1500],
    ['1700000000000', 'ms', 1_700_000_000_000],
    ['2024-01-02T03:04:05Z', 'ms', 1_704_164_645_000],
    ['2024-01-02T03:04:05.250Z', 'ms', 1_704_164_645_250],
    ['2024-01-02T05:04:05+02:00', 'ms', 1_704_164_645_000],
    ['2024-01-02T03:04:05', 'ms', 1_704_164_645_000], // no offset: UTC
    ['2024-01-02', 'ms', 1_704_153_600_000],
  ] as const)('%s (%s) → %d', (input, unit, ms) => {
    expect(toEventTime(input, unit)).toEqual({ ok: true, ms });
  });

  it.each([[null], [undefined], ['yesterday'], ['2024-02-31T00:00:00Z'], [Number.NaN], [{}], [true]])(
    '%s is a bad event time',
    (v) => {
      expect(toEventTime(v).ok).toBe(false);
    },
  );

  it('parses offsets without a colon', () => {
    expect(parseIsoTimestamp('1970-01-01T01:00:00+0100')).toBe(0);
  });
});

describe('watermarks', () => {
  const opts = { maxOutOfOrder: 0, idleTimeout: 30 * s };

  it('is the minimum over partitions, minus maxOutOfOrder, and never goes back', () => {
    const w = new WatermarkTracker();
    w.addPartition('p0', { ...opts, maxOutOfOrder: 10 * s }, 0);
    w.addPartition('p1', { ...opts, maxOutOfOrder: 10 * s }, 0);
    expect(w.watermark(0)).toBe(-Infinity); // p1 has not spoken yet
    w.observe('p0', 10 * m, 0);
    w.observe('p1', 4 * m, 0);
    expect(w.watermark(0)).toBe(4 * m - 10 * s);
    w.observe('p1', 1 * m, 0); // out of order: stream time stays 4m
    expect(w.watermark(0)).toBe(4 * m - 10 * s);
    w.observe('p1', 12 * m, 0);
    expect(w.watermark(0)).toBe(10 * m - 10 * s);
  });

  it('an idle partition stops holding the watermark back', () => {
    // p0: t=10m @ wall 0, t=12m @ wall 20s | p1: t=4m @ wall 0, then silent
    const w = new WatermarkTracker();
    w.addPartition('p0', opts, 0);
    w.addPartition('p1', opts, 0);
    w.observe('p0', 10 * m, 0);
    w.observe('p1', 4 * m, 0);
    w.observe('p0', 12 * m, 20 * s);
    expect(w.watermark(29_999)).toBe(4 * m); // p1 silent for 29.999s
    expect(w.watermark(30 * s)).toBe(12 * m); // p1 idle; p0 (active since 20s) rules
    // p1 wakes up with an old record: it counts again, but the watermark does not go back
    w.observe('p1', 5 * m, 31 * s);
    expect(w.watermark(31 * s)).toBe(12 * m);
  });

  it('a declared partition that never receives data holds until it idles out', () => {
    const w = new WatermarkTracker();
    w.addPartition('a', opts, 0);
    w.addPartition('b', opts, 0);
    w.observe('a', 5 * m, 1000);
    expect(w.watermark(29_999)).toBe(-Infinity);
    expect(w.watermark(30_000)).toBe(5 * m);
  });

  it('when every partition is idle the watermark moves to the largest local one', () => {
    const w = new WatermarkTracker();
    w.addPartition('a', opts, 0);
    w.addPartition('b', opts, 0);
    w.observe('a', 5 * m, 0);
    w.observe('b', 3 * m, 0);
    expect(w.watermark(0)).toBe(3 * m);
    expect(w.watermark(30 * s)).toBe(5 * m);
  });
});
