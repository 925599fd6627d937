import { describe, expect, it } from 'vitest';
import {
  buildProduceRequest,
  buildReadRequest,
  DEFAULT_READ_FORM,
  parseHeaders,
} from '../../../../src/renderer/src/topics/read-request';
import { appendLag } from '../../../../src/renderer/src/topics/lag-history';
import type { GroupView } from '../../../../src/api/index';

describe('buildReadRequest', () => {
  it('builds each start position', () => {
    const f = DEFAULT_READ_FORM;
    expect(buildReadRequest(f, 't')).toEqual({
      ok: true,
      value: { topic: 't', from: { kind: 'last', count: 50 }, limit: 100 },
    });
    expect(buildReadRequest({ ...f, from: 'earliest' }, 't', 'prod')).toEqual({
      ok: true,
      value: { topic: 't', connection: 'prod', from: { kind: 'earliest' }, limit: 100 },
    });
    expect(buildReadRequest({ ...f, from: 'offset', offset: ' 9007199254740993 ' }, 't')).toMatchObject({
      ok: true,
      value: { from: { kind: 'offset', offset: '9007199254740993' } },
    });
    const local = new Date(2026, 0, 2, 3, 4, 5).getTime();
    expect(buildReadRequest({ ...f, from: 'time', time: '2026-01-02T03:04:05' }, 't')).toMatchObject({
      ok: true,
      value: { from: { kind: 'time', ms: local } },
    });
  });

  it('adds the partition and the filter, trimmed', () => {
    expect(
      buildReadRequest({ ...DEFAULT_READ_FORM, partition: '2', filter: ' value.n > 1 ' }, 't'),
    ).toMatchObject({
      ok: true,
      value: { partitions: [2], filter: 'value.n > 1' },
    });
  });

  it('says what is wrong with a bad input', () => {
    const f = DEFAULT_READ_FORM;
    expect(buildReadRequest({ ...f, from: 'offset', offset: '-1' }, 't')).toEqual({
      ok: false,
      error: 'Offset must be a whole number (0 or more).',
    });
    expect(buildReadRequest({ ...f, count: '0' }, 't')).toEqual({
      ok: false,
      error: 'Last N must be a whole number of at least 1.',
    });
    expect(buildReadRequest({ ...f, from: 'time', time: '' }, 't')).toEqual({
      ok: false,
      error: 'Pick the time to read from.',
    });
    expect(buildReadRequest({ ...f, limit: '20000' }, 't')).toEqual({
      ok: false,
      error: 'Limit must be a whole number from 1 to 10000.',
    });
  });
});

describe('produce requests', () => {
  const empty = { key: '', value: '', tombstone: false, headers: '', partition: '' };

  it('parses headers one per line and names the bad line', () => {
    expect(parseHeaders('a: 1\n\n b :x:y ')).toEqual({ ok: true, value: { a: '1', b: 'x:y' } });
    expect(parseHeaders('a: 1\nnocolon')).toEqual({ ok: false, error: 'Headers line 2: write name: value.' });
  });

  it('builds a record with a null key, headers and a partition', () => {
    expect(
      buildProduceRequest({ ...empty, value: '{"n":1}', headers: 'src: web', partition: '1' }, 't', 3),
    ).toEqual({
      ok: true,
      value: { topic: 't', key: null, value: '{"n":1}', headers: { src: 'web' }, partition: 1 },
    });
    expect(buildProduceRequest({ ...empty, key: 'k', value: 'ignored', tombstone: true }, 't', 3)).toEqual({
      ok: true,
      value: { topic: 't', key: 'k', value: null },
    });
  });

  it('refuses a partition the topic does not have', () => {
    expect(buildProduceRequest({ ...empty, partition: '3' }, 'orders', 3)).toEqual({
      ok: false,
      error: 'Partition 3 does not exist: orders has 3 (0 to 2).',
    });
  });
});

describe('appendLag', () => {
  const g = (groupId: string, lag: number): GroupView => ({
    groupId,
    state: 'Stable',
    members: 1,
    lag,
    partitions: [],
  });

  it('keeps a bounded lag series per group, a gap when a group is missing, and forgets a group gone for a window', () => {
    let h = appendLag({}, [g('a', 5), g('b', 1)], 3);
    h = appendLag(h, [g('a', 7)], 3);
    expect(h).toEqual({ a: [5, 7], b: [1, null] });
    h = appendLag(h, [g('a', 9)], 3);
    expect(h.b).toEqual([1, null, null]);
    h = appendLag(h, [g('a', 11)], 3);
    expect(h.a).toEqual([7, 9, 11]);
    expect(h.b).toBeUndefined();
  });
});
