import { describe, expect, it } from 'vitest';
import { checkSpeed, PaceError, replaySchedule } from '../../../src/inspector/pace';

describe('replaySchedule', () => {
  it('spaces records by their timestamp differences', () => {
    const due = replaySchedule();
    expect([1_000, 1_300, 1_600].map(due)).toEqual([0, 300, 600]);
  });

  it('divides the gaps by the speed factor', () => {
    const due = replaySchedule(10);
    expect([5_000, 5_300, 7_000].map(due)).toEqual([0, 30, 200]);
    const slow = replaySchedule(0.5);
    expect([0, 100].map(slow)).toEqual([0, 200]);
  });

  it('never runs back: an older or missing timestamp is due with the record before it', () => {
    const due = replaySchedule();
    expect([100, 600, 400, undefined, 900].map(due)).toEqual([0, 500, 500, 500, 800]);
  });

  it('a leading record without a timestamp is due at once and does not set the start', () => {
    const due = replaySchedule();
    expect([undefined, 2_000, 2_250].map(due)).toEqual([0, 0, 250]);
  });

  it('refuses a speed that is not above zero', () => {
    expect(() => replaySchedule(0)).toThrow(PaceError);
    expect(() => checkSpeed(-2)).toThrow(/speed must be a number above 0.*-2/);
    expect(() => checkSpeed(Number.NaN)).toThrow(PaceError);
    expect(checkSpeed(2.5)).toBe(2.5);
  });
});
