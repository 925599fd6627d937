import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../../src/kafka/client';
import {
  dispositionOf,
  emptyReport,
  matchedOf,
  redriveRecord,
  RedriveInputError,
  selectRecords,
  tally,
} from '../../../src/inspector/redrive';

const dead = (
  offset: number,
  headers: Record<string, string | string[]>,
  value = '{"n":1}',
  key: string | null = 'k',
): ConsumedRecord => ({
  topic: 'orders.dlq',
  partition: 0,
  offset: BigInt(offset),
  timestamp: 1_700_000_000_123n,
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(value),
  headers: Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.map((x) => Buffer.from(x)) : Buffer.from(v),
    ]),
  ),
});

const fromOrders = (offset: number, error = 'bad amount', extra: Record<string, string> = {}) =>
  dead(offset, {
    'kflow-pipeline': 'p',
    'kflow-node': 'parse',
    'kflow-error': error,
    'kflow-source-topic': 'orders',
    'kflow-source-partition': '2',
    'kflow-source-offset': '41',
    ...extra,
  });

describe('selectRecords', () => {
  it('matches source topic, node and error text, and a filter over headers and value', () => {
    const a = fromOrders(0, 'bad amount: -1');
    const b = fromOrders(1, 'timeout');
    expect(selectRecords({})(a)).toBe(true);
    expect(selectRecords({ error: 'amount' })(a)).toBe(true);
    expect(selectRecords({ error: 'amount' })(b)).toBe(false);
    expect(selectRecords({ sourceTopic: 'orders' })(a)).toBe(true);
    expect(selectRecords({ sourceTopic: 'payments' })(a)).toBe(false);
    expect(selectRecords({ node: 'parse' })(a)).toBe(true);
    expect(selectRecords({ node: 'enrich' })(a)).toBe(false);
    expect(selectRecords({ filter: "_headers['kflow-error'] = 'timeout'" })(b)).toBe(true);
    expect(selectRecords({ filter: "_headers['kflow-error'] = 'timeout'" })(a)).toBe(false);
    expect(selectRecords({ filter: 'n = 1', error: 'timeout' })(b)).toBe(true);
    expect(selectRecords({ filter: 'n = 2' })(b)).toBe(false);
  });

  it('a filter that does not parse is a RedriveInputError', () => {
    expect(() => selectRecords({ filter: 'n = = 1' })).toThrow(RedriveInputError);
  });
});

describe('dispositionOf', () => {
  const topics = new Set(['orders', 'orders.dlq', 'orders-fixed']);
  it('moves to the source topic, or to the override', () => {
    expect(dispositionOf(fromOrders(0), true, topics)).toEqual({ kind: 'move', target: 'orders' });
    expect(dispositionOf(fromOrders(0), true, topics, 'orders-fixed')).toEqual({
      kind: 'move',
      target: 'orders-fixed',
    });
    expect(dispositionOf(fromOrders(0), false, topics)).toEqual({ kind: 'unmatched' });
  });
  it('skips a record with no source header or naming a topic that does not exist', () => {
    expect(dispositionOf(dead(3, { 'kflow-error': 'x' }), true, topics)).toEqual({
      kind: 'skip',
      reason: 'no-source-topic',
      sourceTopic: null,
    });
    expect(dispositionOf(dead(4, { 'kflow-source-topic': 'gone' }), true, topics)).toEqual({
      kind: 'skip',
      reason: 'unknown-topic',
      sourceTopic: 'gone',
    });
  });
});

describe('redriveRecord', () => {
  it('keeps key, value, timestamp and other headers; strips the dead-letter headers', () => {
    const r = fromOrders(0, 'bad', { trace: 't-1' });
    const p = redriveRecord(r, 'orders', 3);
    expect(p.topic).toBe('orders');
    expect(p.key).toEqual(Buffer.from('k'));
    expect(p.value).toEqual(Buffer.from('{"n":1}'));
    expect(p.timestamp).toBe(1_700_000_000_123);
    expect(p.headers).toEqual({ trace: Buffer.from('t-1') });
    // Back to partition 2 of its own topic, which has 3 partitions.
    expect(p.partition).toBe(2);
  });
  it('goes by key when the partition is missing or the target is another topic', () => {
    expect(redriveRecord(fromOrders(0), 'orders', 2).partition).toBeUndefined();
    expect(redriveRecord(fromOrders(0), 'orders-fixed', 3).partition).toBeUndefined();
    expect(redriveRecord(fromOrders(0), 'orders', 3).headers).toBeUndefined();
  });
  it('passes a repeated header through as a list', () => {
    const r = dead(0, { 'kflow-source-topic': 'orders', tag: ['a', 'b'] });
    expect(redriveRecord(r, 'orders', 1).headers).toEqual({ tag: [Buffer.from('a'), Buffer.from('b')] });
  });
});

describe('tally', () => {
  it('counts per target topic in first-seen order, samples the first ones with their error, lists skipped', () => {
    const rep = emptyReport('orders.dlq', true);
    const topics = new Set(['orders', 'payments']);
    const pay = (o: number) => dead(o, { 'kflow-source-topic': 'payments', 'kflow-error': `e${o}` });
    const recs = [fromOrders(0, 'e0'), pay(1), fromOrders(2, 'e2'), fromOrders(3, 'e3'), dead(4, {}), pay(5)];
    for (const r of recs) tally(rep, r, dispositionOf(r, true, topics), 2);
    const n = fromOrders(6);
    tally(rep, n, dispositionOf(n, false, topics), 2);
    expect(rep.scanned).toBe(7);
    expect(rep.byTopic.map((t) => [t.topic, t.count])).toEqual([
      ['orders', 3],
      ['payments', 2],
    ]);
    expect(rep.byTopic[0]!.samples.map((s) => [s.offset, s.error, s.key, s.node])).toEqual([
      ['0', 'e0', 'k', 'parse'],
      ['2', 'e2', 'k', 'parse'],
    ]);
    expect(rep.skipped).toEqual({
      count: 1,
      first: [{ partition: 0, offset: '4', reason: 'no-source-topic', sourceTopic: null }],
    });
    expect(matchedOf(rep)).toBe(6);
  });
});
