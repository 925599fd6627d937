import { describe, expect, it } from 'vitest';
import { InMemoryKeyValueStore, InMemoryWindowStore, memoryStores } from '../../../../src/engine/state/index';

describe('InMemoryKeyValueStore', () => {
  it('get/put/delete/range and size', () => {
    const s = new InMemoryKeyValueStore<number>('kv');
    s.put('b', 2);
    s.put('a', 1);
    s.put(3, 3);
    s.put({ x: 1 }, 4);
    expect(s.get('a')).toBe(1);
    expect(s.get({ x: 1 })).toBe(4); // structurally equal keys are the same key
    expect(s.range().map(([k]) => k)).toEqual([3, 'a', 'b', { x: 1 }]);
    expect(s.range('a', 'b').map(([k]) => k)).toEqual(['a', 'b']);
    expect(s.size().entries).toBe(4);
    const bytes = s.size().bytes;
    expect(bytes).toBeGreaterThan(0);
    expect(s.delete('a')).toBe(true);
    expect(s.delete('a')).toBe(false);
    expect(s.size().entries).toBe(3);
    expect(s.size().bytes).toBeLessThan(bytes);
  });

  it('reports changes and restores from them', () => {
    const log: Array<[unknown, unknown]> = [];
    const s = new InMemoryKeyValueStore<{ n: number }>('kv', (k, v) => log.push([k, v]));
    s.put('a', { n: 1 });
    s.put('b', { n: 2 });
    s.put('a', { n: 3 });
    s.delete('b');
    expect(log).toEqual([
      ['a', { n: 1 }],
      ['b', { n: 2 }],
      ['a', { n: 3 }],
      ['b', null],
    ]);
    const copy = new InMemoryKeyValueStore<{ n: number }>('copy');
    copy.restore(JSON.parse(JSON.stringify(log)) as Array<[unknown, { n: number } | null]>);
    expect(copy.range()).toEqual(s.range());
    expect(copy.size()).toEqual(s.size());
  });
});

describe('InMemoryWindowStore', () => {
  it('fetches by key and start, expires by end in order', () => {
    const s = new InMemoryWindowStore<string>('w');
    s.put('k', 0, 10, 'a');
    s.put('k', 10, 20, 'b');
    s.put('j', 5, 15, 'c');
    expect(s.fetch('k', 0, 10).map((e) => e.value)).toEqual(['a', 'b']);
    expect(s.fetch('k', 1, 10).map((e) => e.value)).toEqual(['b']);
    expect(s.range(0, 100).map((e) => e.value)).toEqual(['a', 'c', 'b']);
    expect(s.expire(9)).toEqual([]);
    expect(s.expire(15).map((e) => e.value)).toEqual(['a', 'c']);
    expect(s.size().entries).toBe(1);
  });

  it('an entry rewritten with a later end expires at the later end only', () => {
    const s = new InMemoryWindowStore<number>('w');
    s.put('k', 0, 10, 1);
    s.put('k', 0, 30, 2); // a session that grew
    expect(s.expire(20)).toEqual([]);
    expect(s.expire(30)).toEqual([{ key: 'k', start: 0, end: 30, value: 2 }]);
    expect(s.expire(1000)).toEqual([]);
  });

  it('changelog round trip', () => {
    const log: Array<[string, unknown, unknown]> = [];
    const f = memoryStores((store, k, v) => log.push([store, k, v]));
    const s = f.window<number>('w');
    s.put('k', 0, 10, 1);
    s.put('k', 10, 20, 2);
    s.expire(10);
    expect(log).toEqual([
      ['w', { key: 'k', start: 0 }, { end: 10, value: 1 }],
      ['w', { key: 'k', start: 10 }, { end: 20, value: 2 }],
      ['w', { key: 'k', start: 0 }, null],
    ]);
    const copy = new InMemoryWindowStore<number>('copy');
    copy.restore(log.map(([, k, v]) => [k, v] as never));
    expect(copy.range(-Infinity, Infinity)).toEqual(s.range(-Infinity, Infinity));
  });
});
