import { describe, expect, it } from 'vitest';
import { assignUnits, dealUnits } from '../../../src/kafka/kafkajs-assigner';

const parts = (n: number) => () => [...Array(n).keys()];

describe('co-partitioning assigner', () => {
  it('keeps partition P of the topics of one group together', () => {
    // A join reads left/P and right/P in one task; `other` is a topic of its own.
    const units = assignUnits(['right', 'other', 'left'], parts(2), [['left', 'right']]);
    expect([...units]).toEqual([
      [
        'g:0/0',
        [
          { topic: 'left', partition: 0 },
          { topic: 'right', partition: 0 },
        ],
      ],
      [
        'g:0/1',
        [
          { topic: 'left', partition: 1 },
          { topic: 'right', partition: 1 },
        ],
      ],
      ['t:other/0', [{ topic: 'other', partition: 0 }]],
      ['t:other/1', [{ topic: 'other', partition: 1 }]],
    ]);
  });

  it('deals units round robin over the members sorted by id', () => {
    const units = assignUnits(['left', 'right', 'other'], parts(2), [['left', 'right']]);
    // Units in order g:0/0, g:0/1, t:other/0, t:other/1 → m-a, m-b, m-a, m-b.
    const dealt = dealUnits(['m-b', 'm-a'], units);
    expect(Object.fromEntries(dealt)).toEqual({
      'm-a': { left: [0], right: [0], other: [0] },
      'm-b': { left: [1], right: [1], other: [1] },
    });
  });

  it('gives a member nothing when there are more members than units', () => {
    const dealt = dealUnits(['x', 'y', 'z'], assignUnits(['t'], parts(2), []));
    expect(Object.fromEntries(dealt)).toEqual({ x: { t: [0] }, y: { t: [1] }, z: {} });
  });
});
