import { describe, expect, it } from 'vitest';
import {
  hoppingWindows,
  mergeSessions,
  sessionClosed,
  tumblingWindow,
  windowClosed,
} from '../../../../src/engine/time/index';

const s = 1000;
const m = 60 * s;

describe('tumbling windows', () => {
  it.each([
    // t            start    end
    [0, 0, 5 * m],
    [5 * m - 1, 0, 5 * m],
    [5 * m, 5 * m, 10 * m], // exactly at the end is the next window
    [7 * m + 30 * s, 5 * m, 10 * m],
    [-1, -5 * m, 0], // before the epoch still aligns
  ])('t=%d falls in [%d, %d)', (t, start, end) => {
    expect(tumblingWindow(t, 5 * m)).toEqual({ start, end });
  });
});

describe('hopping windows', () => {
  it('size 10m advance 5m: every t is in two windows', () => {
    expect(hoppingWindows(7 * m, 10 * m, 5 * m)).toEqual([
      { start: 0, end: 10 * m },
      { start: 5 * m, end: 15 * m },
    ]);
    // t = 10m: [0,10m) has ended, [5m,15m) and [10m,20m) contain it.
    expect(hoppingWindows(10 * m, 10 * m, 5 * m)).toEqual([
      { start: 5 * m, end: 15 * m },
      { start: 10 * m, end: 20 * m },
    ]);
  });

  it('size/advance windows per event when size is a multiple of advance', () => {
    for (const t of [0, 1, 59 * s, 61 * s, 12_345_678]) {
      const ws = hoppingWindows(t, 5 * m, 1 * m);
      expect(ws).toHaveLength(5);
      for (const w of ws) expect(w.start <= t && t < w.end).toBe(true);
    }
  });

  it('advance not dividing size: 3 or 4 windows', () => {
    // size 10, advance 3: starts ..., 0, 3, 6, 9 ; t = 9 → starts 0,3,6,9 (all > -1)
    expect(hoppingWindows(9, 10, 3).map((w) => w.start)).toEqual([0, 3, 6, 9]);
    // t = 10 → starts 3,6,9 (0+10 = 10 is not > 10)
    expect(hoppingWindows(10, 10, 3).map((w) => w.start)).toEqual([3, 6, 9]);
  });

  it('advance == size is tumbling', () => {
    expect(hoppingWindows(7 * m, 5 * m, 5 * m)).toEqual([tumblingWindow(7 * m, 5 * m)]);
  });
});

describe('window close', () => {
  // window [0,5m), grace 30s: closes when the watermark reaches 5m30
  it.each([
    [5 * m + 30 * s - 1, false],
    [5 * m + 30 * s, true],
  ])('wm=%d → closed=%s', (wm, closed) => {
    expect(windowClosed(5 * m, 30 * s, wm)).toBe(closed);
  });
});

describe('sessions', () => {
  it('an event bridging two sessions merges them', () => {
    // gap 5m: [0,3m] and [12m,12m]; an event at 8m reaches both (8 ≤ 3+5, 8 ≥ 12−5)
    const r = mergeSessions(
      [
        { start: 0, end: 3 * m },
        { start: 12 * m, end: 12 * m },
      ],
      8 * m,
      5 * m,
    );
    expect(r.merged).toEqual({ start: 0, end: 12 * m });
    expect(r.absorbed).toHaveLength(2);
  });

  it('gap is inclusive: end + gap extends, end + gap + 1 starts a new session', () => {
    expect(mergeSessions([{ start: 0, end: 0 }], 5 * m, 5 * m).absorbed).toHaveLength(1);
    expect(mergeSessions([{ start: 0, end: 0 }], 5 * m + 1, 5 * m).absorbed).toHaveLength(0);
  });

  it('closes strictly after end + gap + grace', () => {
    expect(sessionClosed({ start: 0, end: 3 * m }, 5 * m, m, 9 * m)).toBe(false);
    expect(sessionClosed({ start: 0, end: 3 * m }, 5 * m, m, 9 * m + 1)).toBe(true);
  });
});
