import { describe, expect, it } from 'vitest';
import { TestDriver } from '../../../../src/engine/testing/driver';
import { feed, m, s, single, values } from '../helpers';

describe('filter', () => {
  it('keeps TRUE, drops FALSE and NULL', () => {
    const d = single('filter', { where: 'amount > 100' });
    feed(d, [
      ['a', 0, { amount: 150 }],
      ['b', 0, { amount: 50 }],
      ['c', 0, {}], // NULL → dropped
    ]);
    expect(d.output('out').map((r) => r.key)).toEqual(['a']);
  });

  it('a type mismatch dead-letters the record and the next one is processed', () => {
    const d = single('filter', { where: 'amount * 2 > 100' });
    feed(d, [
      ['a', 0, { amount: 'abc' }],
      ['b', 0, { amount: 80 }],
    ]);
    expect(d.output('out').map((r) => r.key)).toEqual(['b']);
    expect(d.deadLetters()).toHaveLength(1);
    expect(d.deadLetters()[0]).toMatchObject({ nodeId: 'n' });
    expect(d.counters('n')).toMatchObject({ in: 2, out: 1, errors: 1 });
  });
});

describe('map', () => {
  it('set (in order), rename, drop, keep', () => {
    const d = single('map', {
      set: { double: 'x * 2', quad: 'double * 2', 'nested.y': 'x + 1' },
      rename: { x: 'ex' },
      drop: ['ts'],
    });
    feed(d, [['a', 0, { x: 3 }]]);
    expect(values(d)).toEqual([{ double: 6, quad: 12, nested: { y: 4 }, ex: 3 }]);
    const k = single('map', { keep: ['a', 'b.c'] });
    feed(k, [['a', 0, { a: 1, b: { c: 2, d: 3 }, e: 4 }]]);
    expect(values(k)).toEqual([{ a: 1, b: { c: 2 } }]);
  });

  it('rename moves a field last, or onto an existing field in its place; the input is not changed', () => {
    const d = single('map', { rename: { a: 'z', b: 'c' } });
    const input = { a: 1, b: 2, c: 3, ts: 0 };
    d.pipe('in', { key: 'k', value: input });
    // a → z (new: last); b → c (existing: c keeps its place, b's value).
    expect(JSON.stringify(values(d)[0])).toBe('{"c":2,"ts":0,"z":1}');
    expect(input).toEqual({ a: 1, b: 2, c: 3, ts: 0 });
  });
});

describe('rekey, explode, branch, merge', () => {
  it('rekey sets the key from an expression', () => {
    const d = single('rekey', { key: "concat(country, '-', city)" });
    feed(d, [[null, 0, { country: 'DE', city: 'Berlin' }]]);
    expect(d.output('out')[0]?.key).toBe('DE-Berlin');
  });

  it('explode: one record per element, none for empty or missing lists', () => {
    const d = single('explode', { list: 'items', as: 'item', index: 'i' });
    feed(d, [
      ['a', 0, { items: ['x', 'y'] }],
      ['b', 0, { items: [] }],
      ['c', 0, {}],
      ['d', 0, { items: 'nope' }], // not a list → dead letter
    ]);
    expect(values(d)).toEqual([
      { ts: 0, items: ['x', 'y'], item: 'x', i: 0 },
      { ts: 0, items: ['x', 'y'], item: 'y', i: 1 },
    ]);
    expect(d.deadLetters().map((x) => x.record.key)).toEqual(['d']);
  });

  it('branch routes to the first matching route, else otherwise; merge interleaves', () => {
    const d = TestDriver.fromSpec({
      kflow: 1,
      name: 'branching',
      nodes: [
        { id: 'in', kind: 'source.topic', config: { topic: 'in', eventTime: 'ts' } },
        {
          id: 'b',
          kind: 'branch',
          config: {
            routes: [
              { name: 'big', where: 'amount > 100' },
              { name: 'mid', where: 'amount > 10' },
            ],
          },
        },
        { id: 'big', kind: 'sink.topic', config: { topic: 'big' } },
        { id: 'm', kind: 'merge', config: {} },
        { id: 'rest', kind: 'sink.topic', config: { topic: 'rest' } },
      ],
      edges: [
        { from: 'in', to: 'b' },
        { from: 'b.big', to: 'big' },
        { from: 'b.mid', to: 'm' },
        { from: 'b.otherwise', to: 'm' },
        { from: 'm', to: 'rest' },
      ],
    });
    feed(d, [
      [1, 0, { amount: 500 }],
      [2, 0, { amount: 50 }],
      [3, 0, { amount: 5 }],
      [4, 0, { amount: 101 }],
    ]);
    expect(d.output('big').map((r) => r.key)).toEqual([1, 4]);
    expect(d.output('rest').map((r) => r.key)).toEqual([2, 3]);
  });
});

describe('dedupe', () => {
  it('drops duplicates within `within` of event time, forgets ids after', () => {
    const d = single('dedupe', { id: 'event_id', within: '1m' });
    // within 1m: t=0 x ✓ | t=30s x ✗ | t=1m x ✗ (|Δ| = within) | t=1m1ms y ✓ (wm 1m+1: x forgotten)
    //            t=2m x ✓ | t=1m30 x ✗ (out of order, |Δ| = 30s from 2m)
    feed(d, [
      ['a', 0, { event_id: 'x' }],
      ['b', 30 * s, { event_id: 'x' }],
      ['c', 1 * m, { event_id: 'x' }],
      ['d', 1 * m + 1, { event_id: 'y' }],
      ['e', 2 * m, { event_id: 'x' }],
      ['f', 1 * m + 30 * s, { event_id: 'x' }],
    ]);
    expect(d.output('out').map((r) => r.key)).toEqual(['a', 'd', 'e']);
    expect(d.counters('n').stateEntries).toBe(2); // y@1m+1 and x@2m
  });

  it('state stays bounded: ids expire with the watermark', () => {
    const d = single('dedupe', { within: '10s' });
    let max = 0;
    for (let i = 0; i < 3000; i++) {
      d.pipe('in', { key: `id-${i}`, value: { ts: i * 100 } }); // 10 ids per second, all distinct
      max = Math.max(max, d.counters('n').stateEntries);
    }
    expect(d.output('out')).toHaveLength(3000);
    expect(max).toBeLessThanOrEqual(102); // ≈ 10 s × 10 ids/s
  });
});

describe('driver plumbing', () => {
  it('a spec with errors is refused with its problems', () => {
    expect(() =>
      TestDriver.fromSpec({
        kflow: 1,
        name: 'bad',
        nodes: [{ id: 'f', kind: 'filter', config: {} }],
        edges: [],
      }),
    ).toThrow(/invalid spec/);
  });

  it('headers and key from sink.topic config', () => {
    const d = TestDriver.fromSpec({
      kflow: 1,
      name: 'sinky',
      nodes: [
        { id: 'in', kind: 'source.topic', config: { topic: 'in' } },
        { id: 'out', kind: 'sink.topic', config: { topic: 'o', key: 'user', headers: { trace: 'tid' } } },
      ],
      edges: [{ from: 'in', to: 'out' }],
    });
    d.pipe('in', { key: 'k', value: { user: 'u1', tid: 7 }, timestamp: 123 });
    expect(d.output('out')[0]).toMatchObject({ key: 'u1', timestamp: 123, headers: { trace: '7' } });
    expect(d.output('out')[0]?.source).toEqual({ topic: 'in', partition: 0, offset: 0 });
  });
});
