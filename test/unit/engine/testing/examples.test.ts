import { describe, expect, it } from 'vitest';
import { TestDriver } from '../../../../src/engine/testing/driver';
import clicks from '../../../../resources/examples/clicks-per-category.json';
import orders from '../../../../resources/examples/join-orders-payments.json';
import { m, s } from '../helpers';
import { seededRandom as rng } from '../../../../src/engine/io/prng';

const EXAMPLES: Record<string, unknown> = {
  'clicks-per-category.json': clicks,
  'join-orders-payments.json': orders,
};

/** A fresh copy of an example spec. */
function example(name: string): unknown {
  return structuredClone(EXAMPLES[name]);
}

/** 2024-01-01T00:00Z, a multiple of 5 minutes. */
const B = Date.UTC(2024, 0, 1);

describe('clicks-per-category.json (5m tumbling, grace 30s, emit final)', () => {
  it('totals per category and window, with out-of-order and late records', () => {
    const d = TestDriver.fromSpec(example('clicks-per-category.json'));
    const rows: Array<[number, string, number]> = [
      // time        category  value    // watermark after the record, and what happens
      [0 * m + 10 * s, 'books', 5], //   0:10
      [1 * m, 'games', 2], //            1:00
      [3 * m, 'books', 7], //            3:00
      [5 * m + 5 * s, 'books', 1], //    5:05  [0,5m) stays open for its 30 s of grace
      [4 * m + 50 * s, 'games', 4], //   5:05  out of order, on time (5:05 < 5:30)
      [5 * m + 40 * s, 'music', 3], //   5:40  [0,5m) closes → books 12 (2), games 6 (2)
      [4 * m + 59 * s, 'books', 100], // 5:40  late: [0,5m) closed → late output
      [9 * m + 59 * s, 'books', 2], //   9:59
      [10 * m, 'games', 1], //          10:00  exactly at the end: window [10m,15m)
    ];
    for (const [t, category, value] of rows) d.pipe('raw', { value: { category, value, ts: B + t } });
    const results = (): unknown[] =>
      d.output('out').map((r) => {
        const v = r.value as Record<string, number>;
        return [
          r.key,
          v['total'],
          v['events'],
          (v['window_start'] as number) - B,
          (v['window_end'] as number) - B,
        ];
      });
    expect(results()).toEqual([
      ['books', 12, 2, 0, 5 * m],
      ['games', 6, 2, 0, 5 * m],
    ]);
    expect(d.late('per5min').map((r) => (r.value as { value: number }).value)).toEqual([100]);
    // No more input: [5m,10m) and [10m,15m) close at the end.
    d.endOfInput();
    expect(results().slice(2)).toEqual([
      ['books', 3, 2, 5 * m, 10 * m],
      ['music', 3, 1, 5 * m, 10 * m],
      ['games', 1, 1, 10 * m, 15 * m],
    ]);
    expect(d.counters('per5min')).toMatchObject({ in: 9, out: 5, late: 1, errors: 0, stateEntries: 0 });
  });
});

describe('join-orders-payments.json (left join within 10m, grace 1m)', () => {
  it('joins, emits unmatched orders after their window closes, sends late payments to late', () => {
    const d = TestDriver.fromSpec(example('join-orders-payments.json'));
    const order = (id: string, user: string, t: number): void =>
      d.pipe('orders', { value: { order_id: id, user_id: user, amount: 10, ts: B + t } });
    const payment = (id: string, user: string, t: number): void =>
      d.pipe('payments', { value: { payment_id: id, user_id: user, method: 'card', ts: B + t } });
    // watermark = min(orders stream time, payments stream time); an order at t closes at t + 11m < wm
    order('o1', 'u1', 0); //              wm −∞ (payments silent)
    payment('p1', 'u1', 2 * m); //        o1:p1 | wm 0
    order('o2', 'u2', 1 * m); //          wm 1m
    payment('p2', 'u3', 3 * m); //        right only: a left join never emits it alone
    order('o3', 'u1', 5 * m); //          o3:p1 (Δ 3m) | wm 3m
    payment('p3', 'u1', 14 * m); //       o3:p3 (Δ 9m); o1 is 14m away ✗ | wm 5m
    order('o4', 'u4', 13 * m); //         wm 13m → o2 closes (1m + 11m < 13m) → o2:-
    payment('p4', 'u4', 11 * m); //       late: 11m + 1m grace < 13m → late, o4 stays unmatched
    order('o5', 'u5', 12 * m + 30 * s); // out of order but on time (12m30 + 1m ≥ 13m)
    payment('p5', 'u5', 20 * m); //       o5:p5 (Δ 7m30)
    order('o6', 'u6', 30 * m); //         wm 20m: nothing unmatched closes (o4 closes at 24m)
    const pairs = (): string[] =>
      d.output('joined').map((r) => {
        const v = r.value as { left: { order_id: string } | null; right: { payment_id: string } | null };
        return `${v.left?.order_id ?? '-'}:${v.right?.payment_id ?? '-'}`;
      });
    expect(pairs()).toEqual(['o1:p1', 'o3:p1', 'o3:p3', 'o2:-', 'o5:p5']);
    expect(d.late('match').map((r) => (r.value as { payment_id: string }).payment_id)).toEqual(['p4']);
    d.endOfInput();
    expect(pairs().slice(5)).toEqual(['o4:-', 'o6:-']);
    // The sink keys by left.user_id
    expect(d.output('joined').map((r) => r.key)).toEqual(['u1', 'u1', 'u1', 'u2', 'u5', 'u4', 'u6']);
    expect(d.counters('match').stateEntries).toBe(0);
  });

  it('a payments partition that never speaks holds the watermark until idleTimeout (30s wall clock)', () => {
    const d = TestDriver.fromSpec(example('join-orders-payments.json'));
    d.pipe('orders', { value: { order_id: 'o1', user_id: 'u1', amount: 1, ts: B } });
    d.pipe('orders', { value: { order_id: 'o2', user_id: 'u2', amount: 1, ts: B + 20 * m } });
    expect(d.output('joined')).toEqual([]); // payments silent: wm −∞, o1 not yet final
    d.advanceWallClock(30 * s);
    expect(d.watermark()).toBe(B + 20 * m);
    expect(d.output('joined').map((r) => (r.value as { left: { order_id: string } }).left.order_id)).toEqual([
      'o1',
    ]);
  });
});

describe('brute force: 100,000 events through a 5-minute tumbling window', () => {
  it('per-window totals equal a reference; late records appear on the late output', () => {
    const N = 100_000;
    const SIZE = 5 * m;
    const GRACE = 30 * s;
    const random = rng(42);
    const categories = ['books', 'games', 'music', 'video', 'food'];
    const events: Array<{ id: number; category: string; value: number; ts: number }> = [];
    let now = B;
    for (let id = 0; id < N; id++) {
      now += Math.floor(random() * 200); // ~10 events per second
      const r = random();
      let ts = now;
      if (r < 0.001)
        ts = now - 60 * s - Math.floor(random() * 5 * m); // 0.1%: far behind, usually late
      else if (r < 0.051) ts = now - Math.floor(random() * 20 * s); // 5%: out of order, within grace
      const category = categories[Math.floor(random() * categories.length)] as string;
      events.push({ id, category, value: 1 + Math.floor(random() * 100), ts });
    }

    // Reference: the watermark a record meets is the max event time before it (maxOutOfOrder 0);
    // it is late when its window end + grace ≤ that.
    const expected = new Map<string, { total: number; events: number }>();
    const expectedLate: number[] = [];
    let wm = -Infinity;
    for (const e of events) {
      const start = Math.floor(e.ts / SIZE) * SIZE;
      if (start + SIZE + GRACE <= wm) expectedLate.push(e.id);
      else {
        const k = `${e.category}@${start}`;
        const agg = expected.get(k) ?? { total: 0, events: 0 };
        agg.total += e.value;
        agg.events++;
        expected.set(k, agg);
      }
      wm = Math.max(wm, e.ts);
    }

    const d = TestDriver.fromSpec(example('clicks-per-category.json'));
    for (const e of events) d.pipe('raw', { value: e });
    d.endOfInput();

    const got = new Map<string, { total: number; events: number }>();
    for (const r of d.output('out')) {
      const v = r.value as { total: number; events: number; window_start: number; window_end: number };
      expect(v.window_end - v.window_start).toBe(SIZE);
      const k = `${String(r.key)}@${v.window_start}`;
      expect(got.has(k)).toBe(false); // emit final: one result per window and key
      got.set(k, { total: v.total, events: v.events });
    }
    expect(got).toEqual(expected);
    const late = d.late('per5min').map((r) => (r.value as { id: number }).id);
    expect(late).toEqual(expectedLate);
    expect(late.length).toBeGreaterThan(20); // most of the ~100 far-behind events
    expect(d.counters('per5min')).toMatchObject({
      in: N,
      late: expectedLate.length,
      errors: 0,
      stateEntries: 0,
    });
    let sum = 0;
    for (const v of got.values()) sum += v.events;
    expect(sum + late.length).toBe(N); // nothing silently dropped
  });
});
