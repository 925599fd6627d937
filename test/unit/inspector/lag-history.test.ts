import { describe, expect, it } from 'vitest';
import type { GroupLag } from '../../../src/inspector/groups';
import {
  LagHistory,
  sampleOf,
  slopePerSec,
  trendOf,
  type LagSample,
} from '../../../src/inspector/lag-history';

const s = (atSec: number, total: number): LagSample => ({
  at: 1_700_000_000_000 + atSec * 1000,
  partitions: { 'orders[0]': BigInt(total) },
  total: BigInt(total),
});

describe('trendOf', () => {
  it('a steady catch-up: 200 records per 10 s is -20/s, 600 left is 30 s', () => {
    const t = trendOf([s(0, 1000), s(10, 800), s(20, 600)]);
    expect(t.ratePerSec).toBeCloseTo(-20, 9);
    expect(t.secondsToZero).toBeCloseTo(30, 9);
    expect(t.state).toBe('catching-up');
    expect(t.samples).toBe(3);
  });

  it('fits a line through uneven samples (least squares)', () => {
    // mean t 1.5 s, mean lag 80; Σdt·dv = -30 + 0 + 5 - 45 = -70, Σdt² = 5 → -14/s; 50 / 14 s left.
    const t = trendOf([s(0, 100), s(1, 80), s(2, 90), s(3, 50)]);
    expect(t.ratePerSec).toBeCloseTo(-14, 9);
    expect(t.secondsToZero).toBeCloseTo(50 / 14, 9);
  });

  it('falling behind, steady and caught up have no time to zero, or zero', () => {
    expect(trendOf([s(0, 10), s(5, 60)])).toEqual({
      ratePerSec: 10,
      secondsToZero: null,
      state: 'falling-behind',
      samples: 2,
    });
    expect(trendOf([s(0, 40), s(10, 40)])).toMatchObject({
      ratePerSec: 0,
      secondsToZero: null,
      state: 'steady',
    });
    expect(trendOf([s(0, 50), s(10, 0)])).toMatchObject({
      ratePerSec: -5,
      secondsToZero: 0,
      state: 'caught-up',
    });
  });

  it('needs two samples at different times for a rate', () => {
    expect(trendOf([])).toMatchObject({ ratePerSec: null, secondsToZero: null, state: 'unknown' });
    expect(trendOf([s(0, 7)])).toMatchObject({ ratePerSec: null, state: 'unknown' });
    expect(trendOf([s(0, 0)])).toMatchObject({ ratePerSec: null, secondsToZero: 0, state: 'caught-up' });
    expect(
      slopePerSec([
        { at: 5, value: 1 },
        { at: 5, value: 9 },
      ]),
    ).toBeNull();
  });
});

describe('LagHistory', () => {
  it('keeps the newest `capacity` samples per group, oldest first', () => {
    const h = new LagHistory({ capacity: 3 });
    for (let i = 1; i <= 5; i++) h.add('g', s(i, 100 - i));
    h.add('other', s(1, 5));
    expect(h.samples('g').map((x) => x.total)).toEqual([97n, 96n, 95n]);
    expect(h.samples('other').map((x) => x.total)).toEqual([5n]);
    expect(h.samples('none')).toEqual([]);
    expect(h.groups()).toEqual(['g', 'other']);
    h.forget('other');
    expect(h.groups()).toEqual(['g']);
  });

  it('computes the trend over the window only', () => {
    const h = new LagHistory({ capacity: 10, windowMs: 10_000 });
    for (const x of [s(0, 1000), s(30, 1000), s(40, 900), s(50, 800)]) h.add('g', x);
    // 40 s and 50 s are within 10 s of the newest: -100 per 10 s, 800 left.
    const t = h.trend('g');
    expect(t.samples).toBe(2);
    expect(t.ratePerSec).toBeCloseTo(-10, 9);
    expect(t.secondsToZero).toBeCloseTo(80, 9);
  });

  it('refuses samples out of time order and bad options', () => {
    const h = new LagHistory();
    h.add('g', s(10, 1));
    expect(() => h.add('g', s(5, 1))).toThrow(/older than the last one/);
    expect(() => new LagHistory({ capacity: 0 })).toThrow(/capacity/);
    expect(() => new LagHistory({ windowMs: 0 })).toThrow(/window/);
  });

  it('samples what groupLag returns', () => {
    const lag: GroupLag = {
      groupId: 'g',
      state: 'Stable',
      total: 12n,
      partitions: [
        { topic: 'a', partition: 0, committed: 5n, low: 0n, high: 15n, lag: 10n, owner: 'c1' },
        { topic: 'a', partition: 1, committed: null, low: 3n, high: 5n, lag: 2n, owner: null },
      ],
    };
    expect(sampleOf(lag, 42)).toEqual({ at: 42, partitions: { 'a[0]': 10n, 'a[1]': 2n }, total: 12n });
  });
});
