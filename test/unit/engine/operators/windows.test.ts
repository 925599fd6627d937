import { describe, expect, it } from 'vitest';
import { feed, m, s, single, values } from '../helpers';

const sumCount = { total: 'sum(v)', events: 'count(*)' };

describe('tumbling window', () => {
  it('emit final: one result per window when it closes, with bounds', () => {
    const d = single('window.tumbling', { size: '5m', grace: '30s', aggregates: sumCount });
    // t=0 a(5) | t=4m59 a(3) | t=2m b(1) | t=5m a(1) → [5m,10m) | t=5m29.999 → wm below 5m30
    feed(d, [
      ['a', 0, { v: 5 }],
      ['a', 4 * m + 59 * s, { v: 3 }],
      ['b', 2 * m, { v: 1 }],
      ['a', 5 * m, { v: 1 }], // exactly at the end: next window
      ['a', 5 * m + 30 * s - 1, { v: 1 }],
    ]);
    expect(values(d)).toEqual([]); // wm = 5m29.999: [0,5m) still open (grace)
    // wm reaches 5m30 → [0,5m) closes: a=8 (2 events), b=1
    feed(d, [['a', 5 * m + 30 * s, { v: 1 }]]);
    expect(values(d)).toEqual([
      { total: 8, events: 2, window_start: 0, window_end: 5 * m },
      { total: 1, events: 1, window_start: 0, window_end: 5 * m },
    ]);
    expect(d.output('out').map((r) => [r.key, r.timestamp])).toEqual([
      ['a', 5 * m - 1],
      ['b', 5 * m - 1],
    ]);
    d.endOfInput();
    expect(values(d).slice(2)).toEqual([{ total: 3, events: 3, window_start: 5 * m, window_end: 10 * m }]);
  });

  it('grace: out-of-order records are added until end + grace, later ones go to late', () => {
    const d = single('window.tumbling', { size: '5m', grace: '30s', aggregates: sumCount });
    // t=0 a(1) | t=5m20 a(1) (wm 5m20) | t=4m a(10) on time (5m20 < 5m30) | t=5m40 a(1) (wm 5m40: [0,5m) closes)
    // | t=4m30 a(100) → late
    feed(d, [
      ['a', 0, { v: 1 }],
      ['a', 5 * m + 20 * s, { v: 1 }],
      ['a', 4 * m, { v: 10 }],
      ['a', 5 * m + 40 * s, { v: 1 }],
      ['a', 4 * m + 30 * s, { v: 100 }],
    ]);
    expect(values(d)).toEqual([{ total: 11, events: 2, window_start: 0, window_end: 5 * m }]);
    expect(d.late('n').map((r) => (r.value as { v: number }).v)).toEqual([100]);
    expect(d.counters('n')).toMatchObject({ in: 5, out: 1, late: 1, errors: 0 });
  });

  it('late port can be wired to a sink', () => {
    const d = single(
      'window.tumbling',
      { size: '1m', aggregates: { n: 'count(*)' } },
      {},
      [{ from: 'n.late', to: 'lateSink' }],
      [{ id: 'lateSink', kind: 'sink.topic', config: { topic: 'late' } }],
    );
    feed(d, [
      ['a', 2 * m, {}],
      ['a', 30 * s, {}], // [0,1m) closed at wm 2m (grace 0)
    ]);
    expect(d.output('lateSink').map((r) => r.timestamp)).toEqual([30 * s]);
  });

  it('emit update: a result on every change, none at close', () => {
    const d = single('window.tumbling', { size: '5m', aggregates: sumCount, emit: 'update' });
    feed(d, [
      ['a', 0, { v: 5 }],
      ['a', 1 * m, { v: 3 }],
      ['a', 6 * m, { v: 1 }],
    ]);
    expect(values(d)).toEqual([
      { total: 5, events: 1, window_start: 0, window_end: 5 * m },
      { total: 8, events: 2, window_start: 0, window_end: 5 * m },
      { total: 1, events: 1, window_start: 5 * m, window_end: 10 * m },
    ]);
    expect(d.counters('n').stateEntries).toBe(1); // [0,5m) dropped when wm passed 5m
  });

  it('groupBy fields appear in the result and form the key', () => {
    const d = single('window.tumbling', { size: '1m', groupBy: 'cat', aggregates: { n: 'count(*)' } });
    feed(d, [
      [null, 0, { cat: 'x' }],
      [null, 1, { cat: 'y' }],
      [null, 2, { cat: 'x' }],
    ]);
    d.endOfInput();
    expect(d.output('out').map((r) => [r.key, r.value])).toEqual([
      ['x', { cat: 'x', n: 2, window_start: 0, window_end: m }],
      ['y', { cat: 'y', n: 1, window_start: 0, window_end: m }],
    ]);
  });

  it('state stays bounded as time advances', () => {
    const d = single('window.tumbling', { size: '1m', grace: '10s', aggregates: { n: 'count(*)' } });
    let max = 0;
    for (let i = 0; i < 5000; i++) {
      d.pipe('in', { key: `k${i % 10}`, value: { ts: i * s } });
      max = Math.max(max, d.counters('n').stateEntries);
    }
    // At most two windows (the current one and the previous in its grace) per key.
    expect(max).toBeLessThanOrEqual(20);
    expect(d.output('out').length).toBeGreaterThan(0);
  });
});

describe('hopping window', () => {
  it('each event counts in size/advance windows', () => {
    const d = single('window.hopping', { size: '10m', advance: '5m', aggregates: { n: 'count(*)' } });
    // events at 1m, 6m, 11m:
    // [-5m,5m): 1m        → 1
    // [0,10m):  1m, 6m    → 2
    // [5m,15m): 6m, 11m   → 2
    // [10m,20m): 11m      → 1
    feed(d, [
      ['a', 1 * m],
      ['a', 6 * m],
      ['a', 11 * m],
    ]);
    d.endOfInput();
    expect(values(d).map((v) => v as Record<string, number>)).toEqual([
      { n: 1, window_start: -5 * m, window_end: 5 * m },
      { n: 2, window_start: 0, window_end: 10 * m },
      { n: 2, window_start: 5 * m, window_end: 15 * m },
      { n: 1, window_start: 10 * m, window_end: 20 * m },
    ]);
  });

  it('a record that missed some of its windows is added to the open ones and reported late', () => {
    const d = single('window.hopping', { size: '10m', advance: '5m', aggregates: { n: 'count(*)' } });
    // wm 12m closes [0,10m); an event at 8m belongs to [0,10m) (closed) and [5m,15m) (open)
    feed(d, [
      ['a', 12 * m],
      ['a', 8 * m],
    ]);
    expect(d.late('n')).toHaveLength(1);
    expect(d.late('n')[0]?.headers['kflow-missed-windows']).toBe('1/2');
    d.endOfInput();
    expect(values(d)).toContainEqual({ n: 2, window_start: 5 * m, window_end: 15 * m });
  });
});

describe('session window', () => {
  it('merges sessions an event bridges', () => {
    const d = single('window.session', { gap: '5m', aggregates: { total: 'sum(v)', n: 'count(*)' } });
    // t=0 a(1) | t=3m a(2) → [0,3m] ; t=12m a(4) → [12m,12m] ; t=8m a(8) reaches both (8 ≤ 3+5, 8 ≥ 12−5)
    // d  (maxOutOfOrder 0):   wm = 12m closes [0,3m] (3m+5m < 12m) before 8m arrives → no bridge
    // d2 (maxOutOfOrder 10m): wm = 2m, both open → 8m bridges them into [0,12m]
    const d2 = single(
      'window.session',
      { gap: '5m', aggregates: { total: 'sum(v)', n: 'count(*)' } },
      { maxOutOfOrder: '10m' },
    );
    for (const x of [d, d2])
      feed(x, [
        ['a', 0, { v: 1 }],
        ['a', 3 * m, { v: 2 }],
        ['a', 12 * m, { v: 4 }],
        ['a', 8 * m, { v: 8 }],
      ]);
    // d: wm = 12m when 8m arrives; [0,3m] closed at wm > 8m and was emitted; the 8m event joins [12m,12m].
    expect(values(d)).toEqual([{ total: 3, n: 2, window_start: 0, window_end: 3 * m }]);
    d.endOfInput();
    expect(values(d)[1]).toEqual({ total: 12, n: 2, window_start: 8 * m, window_end: 12 * m });
    // d2: wm = 2m, nothing closed; 8m bridges [0,3m] and [12m,12m] → [0,12m] = 15
    d2.endOfInput();
    expect(values(d2)).toEqual([{ total: 15, n: 4, window_start: 0, window_end: 12 * m }]);
    expect(d2.counters('n').stateEntries).toBe(0);
  });

  it('a record whose session has closed is late', () => {
    const d = single('window.session', { gap: '1m', grace: '0s', aggregates: { n: 'count(*)' } });
    // wm 10m: a new session at 8m59.999 would close at 9m59.999 < 10m → late; at 9m it is on time
    feed(d, [
      ['a', 10 * m],
      ['b', 9 * m - 1],
      ['b', 9 * m],
    ]);
    expect(d.late('n').map((r) => r.timestamp)).toEqual([9 * m - 1]);
  });
});

describe('running aggregate', () => {
  it('emits the new value on every update', () => {
    const d = single('aggregate', { aggregates: { total: 'sum(v)' } });
    feed(d, [
      ['a', 0, { v: 1 }],
      ['b', 0, { v: 10 }],
      ['a', 0, { v: 2 }],
    ]);
    expect(d.output('out').map((r) => [r.key, r.value])).toEqual([
      ['a', { total: 1 }],
      ['b', { total: 10 }],
      ['a', { total: 3 }],
    ]);
    expect(d.counters('n').stateEntries).toBe(2);
  });
});

describe('dead letters in aggregations', () => {
  it('a record with a value of the wrong type is dead-lettered and processing continues', () => {
    const d = single('window.tumbling', { size: '1m', aggregates: { total: 'sum(v)', n: 'count(*)' } });
    feed(d, [
      ['a', 0, { v: 1 }],
      ['a', 1, { v: 'abc' }],
      ['a', 2, { v: 2 }],
    ]);
    d.endOfInput();
    // the bad record touched no accumulator: n counts only the good ones
    expect(values(d)).toEqual([{ total: 3, n: 2, window_start: 0, window_end: m }]);
    expect(d.deadLetters().map((x) => x.nodeId)).toEqual(['n']);
    expect(d.counters('n').errors).toBe(1);
  });

  it('a bad event time is dead-lettered at the source', () => {
    const d = single('window.tumbling', { size: '1m', aggregates: { n: 'count(*)' } });
    d.pipe('in', { key: 'a', value: { ts: 'not a time' } });
    d.pipe('in', { key: 'a', value: {} });
    d.pipe('in', { key: 'a', value: { ts: '1970-01-01T00:00:10Z' } });
    d.endOfInput();
    expect(values(d)).toEqual([{ n: 1, window_start: 0, window_end: m }]);
    expect(d.deadLetters().map((x) => [x.nodeId, x.error])).toEqual([
      ['in', 'event time "not a time" is neither a number nor ISO-8601 text'],
      ['in', 'the event time is missing'],
    ]);
  });
});
