/**
 * @module engine/time/windows
 * Window assignment for tumbling and hopping windows, as pure functions.
 *
 * Windows are half-open, `[start, end)`, aligned to the epoch like Kafka
 * Streams' TimeWindows: an event exactly at `end` belongs to the next window.
 *
 *   size = 5m      [0,5m)           [5m,10m)          [10m,15m)
 *   t = 4m59.999 ──┘  t = 5m ───────┘
 */

/** A window of event time, `[start, end)` in epoch milliseconds. */
export interface TimeWindow {
  start: number;
  end: number;
}

/** `a mod b` that stays in `[0, b)` for negative `a` too, so times before 1970 align like the rest. */
function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** The one tumbling window `[N·size, N·size + size)` that contains `t`. */
export function tumblingWindow(t: number, size: number): TimeWindow {
  if (!(size > 0)) throw new RangeError(`window size must be positive, got ${size}`);
  const start = t - floorMod(t, size);
  return { start, end: start + size };
}

/**
 * Every hopping window `[N·advance, N·advance + size)` that contains `t`, oldest first.
 * With size a multiple of advance that is exactly size/advance windows.
 *
 *   size = 10m, advance = 5m, t = 7m:
 *   [0,10m)  ✓   (0 ≤ 7m < 10m)
 *   [5m,15m) ✓
 *   [10m,…)  ✗   starts after t
 */
export function hoppingWindows(t: number, size: number, advance: number): TimeWindow[] {
  if (!(size > 0)) throw new RangeError(`window size must be positive, got ${size}`);
  if (!(advance > 0) || advance > size)
    throw new RangeError(`advance must be in (0, size], got ${advance} for size ${size}`);
  const lastStart = t - floorMod(t, advance);
  const out: TimeWindow[] = [];
  // The oldest window still containing t starts after t - size.
  for (let start = lastStart; start > t - size; start -= advance) out.push({ start, end: start + size });
  return out.reverse();
}

/**
 * Whether a `[start, end)` window has closed: Kafka Streams' `windowEnd <= observedStreamTime - grace`,
 * with the watermark standing in for observed stream time.
 *
 *   window [0,5m), grace 30s:  wm = 5m29.999 → open | wm = 5m30 → closed
 */
export function windowClosed(end: number, grace: number, watermark: number): boolean {
  return end + grace <= watermark;
}
