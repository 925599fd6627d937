/**
 * @module inspector/pace
 * Replay timing: when each imported record is due, from the timestamps it was exported with.
 * Pure, so the schedule is tested without Kafka; `importTopic` waits for it.
 */

export type Pace = 'fast' | 'original';

export class PaceError extends Error {
  override name = 'PaceError';
}

/** Checks a `--speed` / speed factor: a finite number above zero (10 = ten times faster). */
export function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed <= 0)
    throw new PaceError(
      `speed must be a number above 0 (1 = original timing, 10 = ten times faster), not ${speed}`,
    );
  return speed;
}

/**
 * A replay clock: the first record is due at once; each later one `(ts - firstTs) / speed` ms
 * after the start. A record without a timestamp, or one older than the latest seen (records
 * from several partitions interleave), is due with the one before it — time never runs back.
 */
export function replaySchedule(speed = 1): (timestamp: number | undefined) => number {
  checkSpeed(speed);
  let first: number | undefined;
  let due = 0;
  return (timestamp) => {
    if (timestamp === undefined || !Number.isFinite(timestamp)) return due;
    first ??= timestamp;
    due = Math.max(due, (timestamp - first) / speed);
    return due;
  };
}
