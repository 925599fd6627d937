// The join soak (bench/engine/soak-join.ts) for a minute after warm-up: a stream-stream join's
// state must stay bounded by its retention (within + grace of event time), and memory flat.
import { describe, expect, it } from 'vitest';
import { soakJoin, stateEntriesBound } from '../../../bench/engine/soak-join';

const RATE = 200; // records/s over both streams
const WARMUP_S = 15; // > within + grace (12 s): the state has reached its steady size
const MEASURE_S = 60;
const MB = 1024 * 1024;
/**
 * With a full GC before each sample: the live heap may grow this much from the first to the last
 * 30 s (a leak of the 12,000 records of the minute, ~1 KB each in memory, would exceed it), and
 * RSS this much (heap pages not yet returned, broker buffers).
 */
const HEAP_GROWTH_BOUND = 8 * MB;
const RSS_GROWTH_BOUND = 48 * MB;

describe('stream-stream join soak', () => {
  it('keeps state and RSS flat at a steady rate', { timeout: 150_000 }, async () => {
    const r = await soakJoin({
      durationMs: (WARMUP_S + MEASURE_S) * 1000 + 500,
      rate: RATE,
      keys: 300,
      sampleMs: 5000,
      forceGc: true,
    });
    const warm = r.samples.filter((s) => s.t >= WARMUP_S);
    const first = warm.filter((s) => s.t < WARMUP_S + MEASURE_S / 2);
    const last = warm.filter((s) => s.t >= WARMUP_S + MEASURE_S / 2);
    expect(first.length).toBeGreaterThanOrEqual(4);
    expect(last.length).toBeGreaterThanOrEqual(4);
    const max = (xs: number[]) => Math.max(...xs);

    // The join ran: records arrived on both sides and matched (300 users, about 2.7 records per
    // user and side inside ±10 s, so most records find a partner).
    const end = warm[warm.length - 1];
    expect(end?.joinIn).toBeGreaterThan(RATE * MEASURE_S * 0.8);
    expect(end?.joinOut).toBeGreaterThan(0);

    const firstMax = max(first.map((s) => s.stateEntries));
    const lastMax = max(last.map((s) => s.stateEntries));
    expect(firstMax).toBeGreaterThan(0);
    expect(lastMax).toBeLessThanOrEqual(1.5 * firstMax);
    expect(max(warm.map((s) => s.stateEntries))).toBeLessThanOrEqual(stateEntriesBound(RATE, r.retentionMs));
    expect(max(last.map((s) => s.stateBytes))).toBeLessThanOrEqual(1.5 * max(first.map((s) => s.stateBytes)));

    const grows = (k: 'heapUsedBytes' | 'rssBytes') =>
      max(last.map((s) => s[k])) - max(first.map((s) => s[k]));
    expect(grows('heapUsedBytes')).toBeLessThan(HEAP_GROWTH_BOUND);
    expect(grows('rssBytes')).toBeLessThan(RSS_GROWTH_BOUND);
  });
});
