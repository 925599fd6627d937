/**
 * @module inspector/lag-history
 * Lag history of consumer groups while kflow watches them: a bounded ring of samples per group,
 * and from it how fast each group is catching up (or falling behind) and when it reaches zero
 * at that pace. Pure: the caller samples (groupLag) and supplies the clock.
 */
import type { GroupLag } from './groups';

/** One look at a group's lag. */
export interface LagSample {
  /** Epoch milliseconds. */
  at: number;
  /** Lag per partition, keyed `topic[partition]`. */
  partitions: Record<string, bigint>;
  total: bigint;
}

export type LagState = 'caught-up' | 'catching-up' | 'falling-behind' | 'steady' | 'unknown';

export interface LagTrend {
  /**
   * Change of the total lag in records per second over the window, by least squares over its
   * samples: negative while the group catches up, positive while it falls behind. null with fewer
   * than two samples or all at one instant.
   */
  ratePerSec: number | null;
  /** Seconds until the total lag is zero at that rate: 0 when it is, null when it is not shrinking. */
  secondsToZero: number | null;
  state: LagState;
  /** Samples the trend is computed from. */
  samples: number;
}

/** Partition key of a LagSample. */
export const partitionKey = (topic: string, partition: number) => `${topic}[${partition}]`;

/** A sample of what groupLag returned at `at`. */
export function sampleOf(lag: GroupLag, at: number): LagSample {
  const partitions: Record<string, bigint> = {};
  for (const p of lag.partitions) partitions[partitionKey(p.topic, p.partition)] = p.lag;
  return { at, partitions, total: lag.total };
}

/**
 * Least-squares slope of value over time (per second). A fit over every sample of the window, not
 * first-to-last, so one sample taken just before or after a consumer's commit does not swing it.
 */
export function slopePerSec(points: { at: number; value: number }[]): number | null {
  const n = points.length;
  if (n < 2) return null;
  let mt = 0;
  let mv = 0;
  for (const p of points) {
    mt += p.at;
    mv += p.value;
  }
  mt /= n;
  mv /= n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    const dt = (p.at - mt) / 1000;
    num += dt * (p.value - mv);
    den += dt * dt;
  }
  return den === 0 ? null : num / den;
}

/** Trend of the total lag over `samples` (oldest first). */
export function trendOf(samples: readonly LagSample[]): LagTrend {
  const last = samples[samples.length - 1];
  const rate = slopePerSec(samples.map((s) => ({ at: s.at, value: Number(s.total) })));
  const base = { ratePerSec: rate, samples: samples.length };
  if (last === undefined) return { ...base, secondsToZero: null, state: 'unknown' };
  if (last.total === 0n) return { ...base, secondsToZero: 0, state: 'caught-up' };
  if (rate === null) return { ...base, secondsToZero: null, state: 'unknown' };
  if (rate < 0) return { ...base, secondsToZero: Number(last.total) / -rate, state: 'catching-up' };
  return { ...base, secondsToZero: null, state: rate > 0 ? 'falling-behind' : 'steady' };
}

export interface LagHistoryOptions {
  /** Samples kept per group; the oldest is dropped first. 360 by default (an hour at 10 s). */
  capacity?: number;
  /** Only samples this recent (relative to the newest) count for the trend; all by default. */
  windowMs?: number;
}

/** Lag samples of any number of groups, each in its own ring of `capacity`. */
export class LagHistory {
  private readonly rings = new Map<string, { buf: LagSample[]; start: number }>();
  readonly capacity: number;
  readonly windowMs: number | undefined;

  constructor(opts: LagHistoryOptions = {}) {
    const capacity = opts.capacity ?? 360;
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`lag history capacity must be a whole number >= 1, got ${capacity}`);
    if (opts.windowMs !== undefined && !(opts.windowMs > 0))
      throw new RangeError(`lag history window must be > 0 ms, got ${opts.windowMs}`);
    this.capacity = capacity;
    this.windowMs = opts.windowMs;
  }

  /** Adds a sample; samples must come in time order per group. */
  add(groupId: string, sample: LagSample): void {
    let ring = this.rings.get(groupId);
    if (!ring) this.rings.set(groupId, (ring = { buf: [], start: 0 }));
    const newest = ring.buf.length > 0 ? this.samples(groupId).at(-1) : undefined;
    if (newest && sample.at < newest.at)
      throw new RangeError(
        `lag sample of group "${groupId}" at ${sample.at} is older than the last one (${newest.at})`,
      );
    if (ring.buf.length < this.capacity) ring.buf.push(sample);
    else {
      ring.buf[ring.start] = sample;
      ring.start = (ring.start + 1) % this.capacity;
    }
  }

  /** The group's samples, oldest first. */
  samples(groupId: string): LagSample[] {
    const ring = this.rings.get(groupId);
    if (!ring) return [];
    return [...ring.buf.slice(ring.start), ...ring.buf.slice(0, ring.start)];
  }

  /** Trend over the window (or every kept sample). */
  trend(groupId: string): LagTrend {
    let s = this.samples(groupId);
    const newest = s.at(-1);
    if (newest && this.windowMs !== undefined) s = s.filter((x) => newest.at - x.at <= this.windowMs!);
    return trendOf(s);
  }

  groups(): string[] {
    return [...this.rings.keys()].sort();
  }

  forget(groupId: string): void {
    this.rings.delete(groupId);
  }
}
