import { describe, expect, it } from 'vitest';
import { Datagen, DatagenSource, generateEvents } from '../../../../src/engine/io/datagen';
import type { DatagenInput } from '../../../../src/engine/io/config';
import { fakeSource } from './helpers';

const START = Date.UTC(2026, 0, 1);

const clicks: DatagenInput = {
  rate: 10,
  seed: 42,
  template: {
    id: { gen: 'sequence' },
    uid: { gen: 'uuid' },
    user: { gen: 'pattern', pattern: 'user-{int:1:500}' },
    cat: { gen: 'choice', values: ['a', 'b', 'c'] },
    n: { gen: 'int', min: 1, max: 6 },
    price: { gen: 'float', min: 0, max: 100 },
    ts: { gen: 'timestamp', jitter: '5s' },
  },
  key: 'user',
};

const values = (c: DatagenInput, n = 1000) =>
  generateEvents(c, n, START).map((r) => r.value as Record<string, unknown>);

describe('datagen', () => {
  it('repeats exactly with a seed and differs with another', () => {
    const a = generateEvents(clicks, 200, START);
    expect(generateEvents(clicks, 200, START)).toEqual(a);
    expect(generateEvents({ ...clicks, seed: 43 }, 200, START)).not.toEqual(a);
    const unseeded = { ...clicks, seed: undefined };
    expect(generateEvents(unseeded, 50, START)).not.toEqual(generateEvents(unseeded, 50, START));
  });

  it('sequence counts from start; pattern fills {seq} and {int:MIN:MAX}', () => {
    const v = values(
      {
        template: { s: { gen: 'sequence', start: 5 }, p: { gen: 'pattern', pattern: 'u{int:1:3}-{seq}' } },
        seed: 1,
      },
      300,
    );
    expect(v.slice(0, 3).map((x) => x['s'])).toEqual([5, 6, 7]);
    for (const [i, x] of v.entries()) expect(x['p']).toMatch(new RegExp(`^u[1-3]-${i + 1}$`));
    expect(new Set(v.map((x) => (x['p'] as string).split('-')[0]))).toEqual(new Set(['u1', 'u2', 'u3']));
  });

  it('uuid is v4, seeded uuids repeat', () => {
    const v = values(clicks, 100);
    for (const x of v)
      expect(x['uid']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(v.map((x) => x['uid'])).size).toBe(100);
    expect(values(clicks, 100)[7]?.['uid']).toBe(v[7]?.['uid']);
    expect(values({ ...clicks, seed: undefined }, 3)[0]?.['uid']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('choice picks only given values, by weight', () => {
    const v = values(
      { seed: 3, template: { c: { gen: 'choice', values: ['x', 'y', 'z'], weights: [8, 2, 0] } } },
      10_000,
    );
    const counts = { x: 0, y: 0, z: 0 } as Record<string, number>;
    for (const x of v) counts[x['c'] as string]!++;
    expect(counts['z']).toBe(0);
    expect(counts['x']! / 10_000).toBeCloseTo(0.8, 1);
    expect(new Set(values(clicks).map((x) => x['cat']))).toEqual(new Set(['a', 'b', 'c']));
  });

  it('int stays within [min, max] and reaches both ends; float keeps its digits', () => {
    const v = values(
      {
        seed: 9,
        template: { i: { gen: 'int', min: -2, max: 2 }, f: { gen: 'float', min: 1, max: 2, digits: 3 } },
      },
      2000,
    );
    expect(new Set(v.map((x) => x['i']))).toEqual(new Set([-2, -1, 0, 1, 2]));
    for (const x of v) {
      const f = x['f'] as number;
      expect(f).toBeGreaterThanOrEqual(1);
      expect(f).toBeLessThanOrEqual(2);
      expect(Math.round(f * 1000)).toBeCloseTo(f * 1000, 6);
    }
    expect(
      values({ seed: 1, template: { f: { gen: 'float', min: 0, max: 1, digits: 0 } } }, 50).every(
        (x) => x['f'] === 0 || x['f'] === 1,
      ),
    ).toBe(true);
  });

  it('timestamps follow the schedule; jitter makes them late by at most the jitter, out of order', () => {
    const plain = generateEvents({ rate: 4, template: { t: { gen: 'timestamp' } } }, 5, START);
    expect(plain.map((r) => r.value)).toEqual([0, 250, 500, 750, 1000].map((d) => ({ t: START + d })));
    expect(plain.map((r) => r.timestamp)).toEqual(plain.map((r) => (r.value as { t: number }).t));

    const jittered = generateEvents(
      { rate: 10, seed: 5, template: { t: { gen: 'timestamp', jitter: '5s' } } },
      2000,
      START,
    );
    let outOfOrder = 0;
    jittered.forEach((r, i) => {
      const at = START + i * 100;
      expect(r.timestamp).toBeLessThanOrEqual(at);
      expect(r.timestamp).toBeGreaterThanOrEqual(at - 5000);
      if (i > 0 && r.timestamp < jittered[i - 1]!.timestamp) outOfOrder++;
    });
    expect(outOfOrder).toBeGreaterThan(100);

    const iso = generateEvents(
      { rate: 1, template: { t: { gen: 'timestamp', format: 'iso8601' } } },
      2,
      START,
    );
    expect(iso.map((r) => r.value)).toEqual([
      { t: '2026-01-01T00:00:00.000Z' },
      { t: '2026-01-01T00:00:01.000Z' },
    ]);
    expect(iso[1]?.timestamp).toBe(START + 1000);
  });

  it('const copies its value; key comes from the key expression; no time field means the schedule', () => {
    const r = generateEvents(
      {
        rate: 2,
        template: { c: { gen: 'const', value: { a: [1] } }, n: { gen: 'sequence' } },
        key: 'n * 10',
      },
      2,
      START,
    );
    expect(r.map((x) => [x.key, x.value, x.timestamp])).toEqual([
      [10, { c: { a: [1] }, n: 1 }, START],
      [20, { c: { a: [1] }, n: 2 }, START + 500],
    ]);
    expect((r[0]!.value as { c: unknown }).c).not.toBe((r[1]!.value as { c: unknown }).c);
  });

  it('rejects a bad template with the field named', () => {
    expect(() => new Datagen({ template: { p: { gen: 'pattern', pattern: 'a{nope}' } } }, 'gen1')).toThrow(
      /node "gen1".*template\.p.*\{nope\}/,
    );
    expect(
      () => new Datagen({ template: { c: { gen: 'choice', values: [1, 2], weights: [0, 0] } } }),
    ).toThrow(/weights/);
    expect(() => new Datagen({ template: { c: { gen: 'choice', values: [1, 2], weights: [1] } } })).toThrow(
      /one weight per value/,
    );
    expect(() => new Datagen({ rate: -1, template: { n: { gen: 'sequence' } } }, 'g')).toThrow(
      /node "g".*config\.rate/,
    );
  });
});

describe('DatagenSource', () => {
  it('paces at rate against ctx.now, stops at count, and matches generateEvents', async () => {
    const f = fakeSource(undefined, START);
    await new DatagenSource({ ...clicks, rate: 100, count: 250 }, { sleep: f.sleep }).run(f.ctx);
    expect(f.emitted).toHaveLength(250);
    f.emitTimes.forEach((t, i) => expect(t).toBeGreaterThanOrEqual(START + i * 10));
    expect(f.clock.t).toBeGreaterThanOrEqual(START + 2490);
    expect(f.clock.t).toBeLessThan(START + 2510);
    const expected = generateEvents({ ...clicks, rate: 100 }, 250, START);
    expect(f.emitted.map((r) => r.value)).toEqual(expected.map((r) => r.value));
  });

  it('emits 100k events per second of clock in small batches', async () => {
    const f = fakeSource(undefined, START);
    await new DatagenSource(
      { rate: 100_000, count: 100_000, seed: 1, template: { n: { gen: 'sequence' } } },
      { sleep: f.sleep },
    ).run(f.ctx);
    expect(f.emitted).toHaveLength(100_000);
    expect(Math.max(...f.batches)).toBeLessThanOrEqual(1000);
    expect(f.clock.t - START).toBeLessThanOrEqual(1000);
    expect(f.emitted[99_999]?.value).toEqual({ n: 100_000 });
  });

  it('stamps records without a time field with now, and stops on abort', async () => {
    const f = fakeSource(undefined, START);
    let n = 0;
    const sleep = (ms: number) => {
      if (++n === 20) f.abort.abort();
      return f.sleep(ms);
    };
    await new DatagenSource({ rate: 10, template: { n: { gen: 'sequence' } } }, { sleep }).run(f.ctx);
    expect(f.emitted.length).toBeGreaterThan(5);
    expect(f.emitted.length).toBeLessThan(30);
    f.emitted.forEach((r, i) => expect(r.timestamp).toBe(f.emitTimes[i]));
  });
});
