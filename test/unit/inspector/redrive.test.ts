// Redrive planning without a broker: which dead letters a selection keeps, where each goes, what
// goes back (dead-letter headers stripped, key, value, timestamp kept) and how the report counts.
import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../../src/kafka/client';
import {
  dispositionOf,
  emptyReport,
  matchedOf,
  redriveGroup,
  redriveRecord,
  RedriveInputError,
  selectRecords,
  tally,
} from '../../../src/inspector/redrive';

function dead(
  offset: number,
  over: {
    topic?: string | null;
    node?: string;
    error?: string;
    partition?: string;
    extra?: Record<string, string>;
  } = {},
  value = '{"amount":5}',
): ConsumedRecord {
  const h: Record<string, Buffer> = {
    'kflow-pipeline': Buffer.from('orders-p'),
    'kflow-node': Buffer.from(over.node ?? 'parse'),
    'kflow-error': Buffer.from(over.error ?? 'bad json at 3'),
    'kflow-source-partition': Buffer.from(over.partition ?? '1'),
    'kflow-source-offset': Buffer.from('42'),
  };
  if (over.topic !== null) h['kflow-source-topic'] = Buffer.from(over.topic ?? 'orders');
  for (const [k, v] of Object.entries(over.extra ?? {})) h[k] = Buffer.from(v);
  return {
    topic: 'orders.dlq',
    partition: 0,
    offset: BigInt(offset),
    key: Buffer.from(`k${offset}`),
    value: Buffer.from(value),
    timestamp: 1_700_000_000_000n + BigInt(offset),
    headers: h,
  } as unknown as ConsumedRecord;
}

describe('selectRecords', () => {
  it('keeps everything without matchers', () => {
    expect(selectRecords()(dead(0))).toBe(true);
  });
  it('matches source topic and node exactly, error by contained text', () => {
    const m = selectRecords({ sourceTopic: 'orders', node: 'parse', error: 'json' });
    expect(m(dead(0))).toBe(true);
    expect(m(dead(0, { topic: 'orders-2' }))).toBe(false);
    expect(m(dead(0, { node: 'parse2' }))).toBe(false);
    expect(m(dead(0, { error: 'timeout' }))).toBe(false);
  });
  it('runs the filter over value and headers, the error included', () => {
    const m = selectRecords({ filter: "amount > 3 AND _headers['kflow-error'] LIKE 'bad%'" });
    expect(m(dead(0))).toBe(true);
    expect(m(dead(0, {}, '{"amount":2}'))).toBe(false);
    expect(m(dead(0, { error: 'timeout' }))).toBe(false);
  });
  it('names a filter that does not parse as bad input', () => {
    expect(() => selectRecords({ filter: 'amount >' })).toThrow(RedriveInputError);
  });
});

describe('dispositionOf', () => {
  const topics = new Set(['orders', 'orders.dlq', 'retry']);
  it('sends a match to the topic its header names', () => {
    expect(dispositionOf(dead(0), true, topics)).toEqual({ kind: 'move', target: 'orders' });
  });
  it('leaves a non-match alone', () => {
    expect(dispositionOf(dead(0), false, topics)).toEqual({ kind: 'unmatched' });
  });
  it('skips a record without source header or with a topic that does not exist', () => {
    expect(dispositionOf(dead(0, { topic: null }), true, topics)).toEqual({
      kind: 'skip',
      reason: 'no-source-topic',
      sourceTopic: null,
    });
    expect(dispositionOf(dead(0, { topic: 'gone' }), true, topics)).toEqual({
      kind: 'skip',
      reason: 'unknown-topic',
      sourceTopic: 'gone',
    });
  });
  it('sends everything to the override, even without a source header', () => {
    expect(dispositionOf(dead(0, { topic: null }), true, topics, 'retry')).toEqual({
      kind: 'move',
      target: 'retry',
    });
  });
});

describe('redriveRecord', () => {
  it('keeps key, value, timestamp and other headers; drops the six dead-letter headers', () => {
    const p = redriveRecord(dead(7, { extra: { trace: 't-1' } }), 'orders', 3);
    expect(p.topic).toBe('orders');
    expect(p.key?.toString()).toBe('k7');
    expect(p.value?.toString()).toBe('{"amount":5}');
    expect(p.timestamp).toBe(1_700_000_000_007);
    expect(Object.keys(p.headers ?? {})).toEqual(['trace']);
  });
  it('goes back to its original partition when that exists in its own topic, by key otherwise', () => {
    expect(redriveRecord(dead(0), 'orders', 3).partition).toBe(1);
    expect(redriveRecord(dead(0), 'orders', 1).partition).toBeUndefined();
    expect(redriveRecord(dead(0), 'retry', 3).partition).toBeUndefined();
    expect(redriveRecord(dead(0), 'orders', 3).headers).toBeUndefined();
  });
});

describe('tally', () => {
  it('counts per target in first-seen order, keeps samples with the error, lists skipped', () => {
    const r = emptyReport('orders.dlq', true);
    const topics = new Set(['orders', 'payments']);
    const recs = [
      dead(0),
      dead(1, { topic: 'payments', error: 'e1' }),
      dead(2),
      dead(3, { topic: 'gone' }),
      dead(4),
    ];
    for (const x of recs) tally(r, x, dispositionOf(x, x.offset !== 4n, topics), 1);
    expect(r.scanned).toBe(5);
    expect(r.byTopic.map((t) => [t.topic, t.count])).toEqual([
      ['orders', 2],
      ['payments', 1],
    ]);
    expect(r.byTopic[0]!.samples).toEqual([
      { partition: 0, offset: '0', key: 'k0', error: 'bad json at 3', node: 'parse' },
    ]);
    expect(r.skipped).toEqual({
      count: 1,
      first: [{ partition: 0, offset: '3', reason: 'unknown-topic', sourceTopic: 'gone' }],
    });
    expect(matchedOf(r)).toBe(4);
    expect(r.group).toBe(redriveGroup('orders.dlq'));
    expect(redriveGroup('orders.dlq')).toBe('kflow-redrive.orders.dlq');
  });
});
