// How the backend shows a consumed record to the app: a watermark marker of kflow's engine is
// flagged, a null record without the marker header is not.
import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../../src/kafka/client';
import { recordView } from '../../../src/server/topics';

const rec = (over: Partial<ConsumedRecord>): ConsumedRecord => ({
  topic: 'p-per-second-repartition',
  partition: 2,
  offset: 5n,
  timestamp: 1_704_110_400_000n,
  key: null,
  value: null,
  headers: {},
  ...over,
});

describe('recordView', () => {
  it('flags a watermark marker and only it', () => {
    const marker = recordView(
      rec({ headers: { 'kflow-watermark': Buffer.from('1704110400000'), 'kflow-task': Buffer.from('0_1') } }),
    );
    expect(marker).toEqual({
      partition: 2,
      offset: '5',
      timestamp: 1_704_110_400_000,
      key: null,
      value: null,
      format: 'text',
      headers: { 'kflow-watermark': '1704110400000', 'kflow-task': '0_1' },
      marker: true,
    });
    expect('marker' in recordView(rec({}))).toBe(false);
    expect(
      'marker' in
        recordView(rec({ value: Buffer.from('{}'), headers: { 'kflow-watermark': Buffer.from('1') } })),
    ).toBe(false);
  });
});
