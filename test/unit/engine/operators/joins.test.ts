import { describe, expect, it } from 'vitest';
import { TestDriver } from '../../../../src/engine/testing/driver';
import { m, s } from '../helpers';

function joinDriver(config: Record<string, unknown>, source: Record<string, unknown> = {}): TestDriver {
  return TestDriver.fromSpec({
    kflow: 1,
    name: 'joins',
    nodes: [
      { id: 'L', kind: 'source.topic', config: { topic: 'l', eventTime: 'ts', ...source } },
      { id: 'R', kind: 'source.topic', config: { topic: 'r', eventTime: 'ts', ...source } },
      { id: 'j', kind: 'join.stream-stream', config },
      { id: 'out', kind: 'sink.topic', config: { topic: 'out' } },
    ],
    edges: [
      { from: 'L', to: 'j.left' },
      { from: 'R', to: 'j.right' },
      { from: 'j', to: 'out' },
    ],
  });
}

const L = (d: TestDriver, key: string, ts: number, id: string): void =>
  d.pipe('L', { key, value: { ts, id } });
const R = (d: TestDriver, key: string, ts: number, id: string): void =>
  d.pipe('R', { key, value: { ts, id } });

/** Output as "left-right" id pairs, `-` for a missing side. */
function pairs(d: TestDriver): string[] {
  return d.output('out').map((r) => {
    const v = r.value as { left: { id: string } | null; right: { id: string } | null };
    return `${v.left?.id ?? '-'}:${v.right?.id ?? '-'}`;
  });
}

describe('stream-stream join window edges', () => {
  it('|Δt| == within joins, within + 1 does not', () => {
    const d = joinDriver({ within: '10m', grace: '1h' }, { maxOutOfOrder: '1h' });
    // L1@20m ; R1@30m (Δ=10m ✓) ; R2@30m+1 (Δ=10m+1 ✗) ; R3@10m (Δ=−10m ✓) ; R4@10m−1 ✗
    L(d, 'k', 20 * m, 'L1');
    R(d, 'k', 30 * m, 'R1');
    R(d, 'k', 30 * m + 1, 'R2');
    R(d, 'k', 10 * m, 'R3');
    R(d, 'k', 10 * m - 1, 'R4');
    R(d, 'other', 20 * m, 'R5'); // other key never joins
    expect(pairs(d)).toEqual(['L1:R1', 'L1:R3']);
    // result timestamps: the later of the two
    expect(d.output('out').map((r) => r.timestamp)).toEqual([30 * m, 20 * m]);
  });

  it('inner join emits nothing for unmatched records, ever', () => {
    const d = joinDriver({ within: '1m' });
    L(d, 'a', 0, 'L1');
    R(d, 'b', 0, 'R1');
    d.endOfInput();
    expect(pairs(d)).toEqual([]);
  });
});

describe('left join: unmatched emission timing', () => {
  it('emits {left, null} once, only after t + within + grace < watermark', () => {
    const d = joinDriver({ type: 'left', within: '10m', grace: '1m' });
    // L1@0 unmatched. Its last possible partner is R@10m, on time while wm ≤ 11m.
    L(d, 'u', 0, 'L1');
    R(d, 'x', 0, 'Rx'); // both sources have spoken: wm = 0
    L(d, 'x', 11 * m, 'L2'); // L stream time 11m
    R(d, 'x', 11 * m, 'R2'); // wm = 11m → L2:R2 joins; L1 window still open
    expect(pairs(d)).toEqual(['L2:R2']);
    L(d, 'x', 11 * m + 1, 'L3');
    R(d, 'x', 11 * m + 1, 'R3'); // wm = 11m + 1ms → L1 closes → emitted now, not before
    expect(pairs(d)).toEqual(['L2:R2', 'L3:R2', 'L2:R3', 'L3:R3', 'L1:-']);
    d.endOfInput();
    // L2 and L3 matched: no left-nulls for them; Rx is a right record: never emitted alone in a left join
    expect(pairs(d)).toEqual(['L2:R2', 'L3:R2', 'L2:R3', 'L3:R3', 'L1:-']);
  });

  it('a matched left record is never emitted with null; a late right record goes to late', () => {
    const d = joinDriver({ type: 'left', within: '1m', grace: '0s' });
    L(d, 'k', 0, 'L1');
    R(d, 'k', 30 * s, 'R1'); // joins
    L(d, 'z', 5 * m, 'L2');
    R(d, 'z', 5 * m, 'R2'); // wm 5m: L1 expired (matched → silent)
    R(d, 'k', 30 * s, 'R3'); // 30s + 0 < 5m → late
    expect(pairs(d)).toEqual(['L1:R1', 'L2:R2']);
    expect(d.late('j').map((r) => (r.value as { id: string }).id)).toEqual(['R3']);
    expect(d.counters('j').late).toBe(1);
  });
});

describe('outer join', () => {
  it('emits unmatched records of both sides after their windows close', () => {
    const d = joinDriver({ type: 'outer', within: '1m' });
    L(d, 'a', 0, 'L1');
    R(d, 'b', 10 * s, 'R1');
    L(d, 'c', 2 * m, 'L2');
    R(d, 'c', 2 * m, 'R2');
    // wm 2m: L1 (0+1m < 2m) and R1 (10s+1m < 2m) close, in time order
    expect(pairs(d)).toEqual(['L2:R2', 'L1:-', '-:R1']);
  });

  it('merged output prefixes clashing right fields', () => {
    const d = joinDriver({ within: '1m', output: 'merged' });
    L(d, 'k', 0, 'L1');
    R(d, 'k', 0, 'R1');
    expect(d.output('out')[0]?.value).toEqual({ ts: 0, id: 'L1', right_ts: 0, right_id: 'R1' });
  });
});

describe('join state is bounded', () => {
  it('keeps each side for within + grace only', () => {
    const d = joinDriver({ type: 'left', within: '10s', grace: '5s' });
    let max = 0;
    for (let i = 0; i < 4000; i++) {
      // 1 record per side every 100 ms, keys rotating over 50 users; right side only every other time
      L(d, `u${i % 50}`, i * 100, `L${i}`);
      R(d, `u${(i + 7) % 50}`, i * 100, `R${i}`);
      max = Math.max(max, d.counters('j').stateEntries);
    }
    // (within + grace) = 15 s × 10 records/s × 2 sides ≈ 300 entries (+ one per side at the edge)
    expect(max).toBeLessThanOrEqual(304);
    d.endOfInput();
    expect(d.counters('j').stateEntries).toBe(0);
  });
});

describe('stream-table join', () => {
  function tableDriver(config: Record<string, unknown>): TestDriver {
    return TestDriver.fromSpec({
      kflow: 1,
      name: 'enrich',
      nodes: [
        { id: 'clicks', kind: 'source.topic', config: { topic: 'clicks' } },
        { id: 'users', kind: 'source.topic', config: { topic: 'users' } },
        { id: 'j', kind: 'join.stream-table', config },
        { id: 'out', kind: 'sink.topic', config: { topic: 'out' } },
      ],
      edges: [
        { from: 'clicks', to: 'j.stream' },
        { from: 'users', to: 'j.table' },
        { from: 'j', to: 'out' },
      ],
    });
  }

  it('looks up the latest row; tombstones delete; left keeps unmatched, inner drops them', () => {
    for (const type of ['left', 'inner'] as const) {
      const d = tableDriver({ type });
      d.pipe('users', { key: 'u1', value: { name: 'Ann' }, timestamp: 0 });
      d.pipe('clicks', { key: 'u1', value: { page: 'a' }, timestamp: 1 });
      d.pipe('users', { key: 'u1', value: { name: 'Anna' }, timestamp: 2 });
      d.pipe('clicks', { key: 'u1', value: { page: 'b' }, timestamp: 3 });
      d.pipe('users', { key: 'u1', value: null, timestamp: 4 }); // tombstone
      d.pipe('clicks', { key: 'u1', value: { page: 'c' }, timestamp: 5 });
      d.pipe('clicks', { key: 'u2', value: { page: 'd' }, timestamp: 6 });
      const got = d.output('out').map((r) => r.value);
      if (type === 'left')
        expect(got).toEqual([
          { page: 'a', name: 'Ann' },
          { page: 'b', name: 'Anna' },
          { page: 'c' },
          { page: 'd' },
        ]);
      else
        expect(got).toEqual([
          { page: 'a', name: 'Ann' },
          { page: 'b', name: 'Anna' },
        ]);
      expect(d.counters('j').stateEntries).toBe(0);
    }
  });

  it('nested output and streamKey', () => {
    const d = tableDriver({ type: 'left', output: 'nested', streamKey: 'user' });
    d.pipe('users', { key: 'u1', value: { name: 'Ann' } });
    d.pipe('clicks', { key: null, value: { user: 'u1' } });
    expect(d.output('out')[0]).toMatchObject({
      key: 'u1',
      value: { stream: { user: 'u1' }, table: { name: 'Ann' } },
    });
  });
});
