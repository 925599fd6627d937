import { describe, expect, it } from 'vitest';
import { humanSeconds, LAG_WATCH_HEAD, lagWatchRow } from '../../../src/cli/commands/groups';
import type { LagSample, LagTrend } from '../../../src/inspector/lag-history';

const at = Date.UTC(2026, 10, 26, 17, 0, 5);
const sample = (total: bigint, ms = at): LagSample => ({ at: ms, partitions: { 'o[0]': total }, total });
const trend = (over: Partial<LagTrend>): LagTrend => ({
  ratePerSec: null,
  secondsToZero: null,
  state: 'unknown',
  samples: 1,
  ...over,
});

describe('groups lag --watch rows', () => {
  it('time, total, change, rate and the catch-up estimate, in the heading columns', () => {
    const row = lagWatchRow(
      sample(1500n),
      sample(1800n, at - 5000),
      trend({ ratePerSec: -60, secondsToZero: 25, state: 'catching-up', samples: 2 }),
    );
    expect(row.split(/\s+/)).toEqual(['17:00:05', '1,500', '-300', '-60.0', 'in', '25', 's']);
    expect(row.length).toBe(LAG_WATCH_HEAD.length + 'in 25 s'.length - 'CATCH-UP'.length);
  });

  it('says what a non-shrinking lag means', () => {
    expect(lagWatchRow(sample(7n), undefined, trend({})).split(/\s+/)).toEqual([
      '17:00:05',
      '7',
      '-',
      '-',
      '-',
    ]);
    expect(
      lagWatchRow(sample(2200n), sample(2000n), trend({ ratePerSec: 40, state: 'falling-behind' })).split(
        /\s+/,
      ),
    ).toEqual(['17:00:05', '2,200', '+200', '+40.0', 'falling', 'behind']);
    expect(lagWatchRow(sample(9n), sample(9n), trend({ ratePerSec: 0, state: 'steady' }))).toMatch(
      /\+0\s+0\.0\s+not moving$/,
    );
    expect(
      lagWatchRow(sample(0n), sample(3n), trend({ ratePerSec: -1, secondsToZero: 0, state: 'caught-up' })),
    ).toMatch(/-3\s+-1\.0\s+caught up$/);
  });

  it('writes durations in the unit a person reads', () => {
    expect(humanSeconds(45)).toBe('45 s');
    expect(humanSeconds(89.4)).toBe('89 s');
    expect(humanSeconds(90)).toBe('2 min');
    expect(humanSeconds(720)).toBe('12 min');
    expect(humanSeconds(5400)).toBe('1.5 h');
    expect(humanSeconds(129_600)).toBe('1.5 d');
  });
});
