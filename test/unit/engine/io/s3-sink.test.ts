import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { S3SinkInput } from '../../../../src/engine/io/config';
import { tokenizeJoda, zoneOf, nextTimeAdjustedByDay } from '../../../../src/engine/io/joda';
import { encodeTimePartition, S3Sink, s3ObjectKey } from '../../../../src/engine/io/s3-sink';
import type { ObjectStore } from '../../../../src/engine/io/s3-store';
import { fakeSink, rec } from './helpers';

const T = Date.parse('2026-11-26T13:45:00Z');
const MIN = 60_000;
const DEFAULT_FORMAT = "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH";

class MemoryStore implements ObjectStore {
  readonly location = 'memory';
  readonly puts: Array<{ key: string; body: string }> = [];
  readonly objects = new Map<string, string>();
  put(key: string, body: string): Promise<void> {
    this.puts.push({ key, body });
    this.objects.set(key, body);
    return Promise.resolve();
  }
  lines(key: string): unknown[] {
    return (this.objects.get(key) ?? '')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown);
  }
}

const base: S3SinkInput = { bucket: 'my-bucket', region: 'eu-west-1' };
const ue = (offset: number, partition = 0) => ({ topic: 'user-events', partition, offset });
const dir = (hour: number, day = 26) =>
  `topics/user-events/year=2026/month=11/day=${day}/hour=${String(hour).padStart(2, '0')}`;

function sink(config: Partial<S3SinkInput> = {}, start = T) {
  const f = fakeSink(undefined, start);
  const store = new MemoryStore();
  return { ...f, store, sink: new S3Sink({ ...base, ...config }, f.ctx, { store }) };
}

describe('S3 layout (Confluent S3 sink connector)', () => {
  it('encodes the time partition with the Joda pattern and names files <topic>+<partition>+<10-digit offset>.json', () => {
    expect(encodeTimePartition(T, DEFAULT_FORMAT, 3_600_000, 'UTC')).toBe(
      'year=2026/month=11/day=26/hour=13',
    );
    expect(s3ObjectKey('topics', 'user-events', 'year=2026/month=11/day=26/hour=13', 0, 0)).toBe(
      'topics/user-events/year=2026/month=11/day=26/hour=13/user-events+0+0000000000.json',
    );
    expect(s3ObjectKey('topics', 'orders', 'partition=7', 7, 12_345)).toBe(
      'topics/orders/partition=7/orders+7+0000012345.json',
    );
    expect(s3ObjectKey('', 'orders', 'partition=7', 7, 12_345_678_901)).toBe(
      'orders/partition=7/orders+7+12345678901.json',
    );
  });

  it('buckets in the partitioner time zone', () => {
    expect(encodeTimePartition(T, DEFAULT_FORMAT, 3_600_000, '+02:00')).toBe(
      'year=2026/month=11/day=26/hour=15',
    );
    expect(encodeTimePartition(T, DEFAULT_FORMAT, 3_600_000, 'America/New_York')).toBe(
      'year=2026/month=11/day=26/hour=08',
    );
    expect(encodeTimePartition(Date.parse('2026-07-01T13:45:00Z'), 'HH', 3_600_000, 'America/New_York')).toBe(
      '09',
    );
    expect(encodeTimePartition(T, 'HHmm', 3_600_000, 'Asia/Kolkata')).toBe('1900');
    // 03:00Z on the 27th is 22:00 on the 26th at -05:00: the day bucket is the local day.
    expect(encodeTimePartition(Date.parse('2026-11-27T03:00:00Z'), 'YYYY-MM-dd', 86_400_000, '-05:00')).toBe(
      '2026-11-26',
    );
    expect(encodeTimePartition(T, "'dt'=yyyyMMdd'T'HHmmss.SSS", MIN, 'UTC')).toBe('dt=20261126T134500.000');
    expect(encodeTimePartition(T, "'it''s' MMM D/", 3_600_000, 'UTC')).toBe("it's Nov 330");
  });

  it('rejects unquoted literals and unknown zones by name', () => {
    expect(() => tokenizeJoda('year=YYYY')).toThrow(/"e" .*quote literal text/);
    expect(() => tokenizeJoda("'year=YYYY")).toThrow(/unterminated quote/);
    expect(() => zoneOf('Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => new S3Sink({ ...base, partitioner: { timezone: 'Nowhere/X' } }, fakeSink().ctx)).toThrow(
      /node "sink".*partitioner\.timezone/,
    );
  });

  it('computes the next scheduled rotation from local midnight, as DateTimeUtils', () => {
    expect(nextTimeAdjustedByDay(T, 30 * MIN, zoneOf('UTC'))).toBe(Date.parse('2026-11-26T14:00:00Z'));
    expect(nextTimeAdjustedByDay(T, 7 * 3_600_000, zoneOf('UTC'))).toBe(Date.parse('2026-11-26T14:00:00Z'));
    expect(nextTimeAdjustedByDay(Date.parse('2026-11-26T22:00:00Z'), 7 * 3_600_000, zoneOf('UTC'))).toBe(
      Date.parse('2026-11-27T00:00:00Z'),
    );
  });
});

describe('sink.s3 rotation', () => {
  it('commits all files of a topic-partition every flushSize records', async () => {
    const { sink: s, store } = sink({ flushSize: 3 });
    await s.write([0, 1, 2, 3, 4, 5, 6].map((o) => rec({ o }, T + o * 1000, ue(o))));
    expect([...store.objects.keys()]).toEqual([
      `${dir(13)}/user-events+0+0000000000.json`,
      `${dir(13)}/user-events+0+0000000003.json`,
    ]);
    expect(store.lines(`${dir(13)}/user-events+0+0000000003.json`)).toEqual([{ o: 3 }, { o: 4 }, { o: 5 }]);
    await s.close();
    expect(store.lines(`${dir(13)}/user-events+0+0000000006.json`)).toEqual([{ o: 6 }]);
  });

  it('keeps one open file per encoded partition; with rotateInterval a new partition rotates', async () => {
    const times = [T, T + 20 * MIN, T + 5 * MIN]; // 13:45, 14:05, 13:50
    const plain = sink();
    await plain.sink.write(times.map((t, o) => rec({ o }, t, ue(o))));
    await plain.sink.close();
    expect(plain.store.lines(`${dir(13)}/user-events+0+0000000000.json`)).toEqual([{ o: 0 }, { o: 2 }]);
    expect(plain.store.lines(`${dir(14)}/user-events+0+0000000001.json`)).toEqual([{ o: 1 }]);

    const rotating = sink({ rotateInterval: '1h' });
    await rotating.sink.write(times.map((t, o) => rec({ o }, t, ue(o))));
    await rotating.sink.close();
    expect([...rotating.store.objects.keys()]).toEqual([
      `${dir(13)}/user-events+0+0000000000.json`,
      `${dir(14)}/user-events+0+0000000001.json`,
      `${dir(13)}/user-events+0+0000000002.json`,
    ]);
  });

  it('rotates when the record-time span reaches rotateInterval, per topic-partition', async () => {
    const { sink: s, store } = sink({
      rotateInterval: '10m',
      partitioner: { pathFormat: 'YYYY-MM-dd', partitionDuration: '1d' },
    });
    await s.write([
      rec({ o: 0 }, T, ue(0)),
      rec({ o: 0 }, T + 30 * MIN, ue(0, 1)),
      rec({ o: 1 }, T + 5 * MIN, ue(1)),
      rec({ o: 2 }, T + 10 * MIN, ue(2)),
      rec({ o: 3 }, T + 12 * MIN, ue(3)),
    ]);
    await s.close();
    const d = 'topics/user-events/2026-11-26';
    expect(store.lines(`${d}/user-events+0+0000000000.json`)).toEqual([{ o: 0 }, { o: 1 }]);
    expect(store.lines(`${d}/user-events+0+0000000002.json`)).toEqual([{ o: 2 }, { o: 3 }]);
    expect(store.lines(`${d}/user-events+1+0000000000.json`)).toEqual([{ o: 0 }]);
  });

  it('rotates on the wall-clock schedule, also when no record comes; flush stores open files without closing them', async () => {
    const { sink: s, store, clock } = sink({ rotateScheduleInterval: '30m' });
    await s.write([rec({ o: 0 }, T, ue(0)), rec({ o: 1 }, T, ue(1))]);
    clock.t = T + 14 * MIN; // 13:59
    await s.flush();
    expect(store.puts.map((p) => p.key)).toEqual([`${dir(13)}/user-events+0+0000000000.json`]);
    await s.write([rec({ o: 2 }, T, ue(2))]);
    clock.t = T + 15 * MIN; // 14:00: the schedule closes the file
    await s.flush();
    await s.write([rec({ o: 3 }, T, ue(3))]);
    await s.close();
    expect(store.lines(`${dir(13)}/user-events+0+0000000000.json`)).toEqual([{ o: 0 }, { o: 1 }, { o: 2 }]);
    expect(store.lines(`${dir(13)}/user-events+0+0000000003.json`)).toEqual([{ o: 3 }]);
    expect(store.puts).toHaveLength(3);
  });

  it('partitions by field, by Kafka partition, by a timestamp field or the wall clock', async () => {
    const field = sink({ partitioner: { type: 'field', fields: ['country', 'tier'] } });
    await field.sink.write([rec({ country: 'DE', tier: 1 }, T, ue(4, 2))]);
    await field.sink.close();
    expect([...field.store.objects.keys()]).toEqual([
      'topics/user-events/country=DE/tier=1/user-events+2+0000000004.json',
    ]);
    await expect(field.sink.write([rec({ tier: 1 }, T, ue(5))])).rejects.toThrow(
      /user-events\/0@5.*no field "country"/,
    );

    const dflt = sink({ partitioner: { type: 'default' } });
    await dflt.sink.write([rec(1, T, ue(9, 3))]);
    await dflt.sink.close();
    expect([...dflt.store.objects.keys()]).toEqual([
      'topics/user-events/partition=3/user-events+3+0000000009.json',
    ]);

    const byField = sink({ partitioner: { timestamp: 'field', timestampField: 'at' } });
    await byField.sink.write([
      rec({ at: '2026-01-02T03:04:05Z' }, T, ue(0)),
      rec({ at: Date.parse('2026-01-02T05:00:00Z') }, T, ue(1)),
    ]);
    await byField.sink.close();
    expect([...byField.store.objects.keys()]).toEqual([
      'topics/user-events/year=2026/month=01/day=02/hour=03/user-events+0+0000000000.json',
      'topics/user-events/year=2026/month=01/day=02/hour=05/user-events+0+0000000001.json',
    ]);

    const wall = sink({ partitioner: { timestamp: 'wallclock' } }, Date.parse('2027-03-04T05:06:07Z'));
    await wall.sink.write([rec({}, T, ue(0))]);
    await wall.sink.close();
    expect([...wall.store.objects.keys()][0]).toContain('year=2027/month=03/day=04/hour=05');
  });

  it('writes window output (no source) under the pipeline name, partition 0, continuing offsets across runs in a directory', async () => {
    const f = fakeSink();
    const config = { ...base, flushSize: 2, local: { dir: 'out' } };
    const first = new S3Sink(config, f.ctx);
    await first.write([rec({ n: 1 }, T), rec({ n: 2 }, T), rec({ n: 3 }, T)]);
    await first.close();
    const second = new S3Sink(config, f.ctx);
    await second.write([rec({ n: 4 }, T)]);
    await second.close();
    const root = join(f.dir, 'out', 'topics', 'pipe', 'year=2026', 'month=11', 'day=26', 'hour=13');
    expect(readdirSync(root).sort()).toEqual([
      'pipe+0+0000000000.json',
      'pipe+0+0000000002.json',
      'pipe+0+0000000003.json',
    ]);
    expect(readFileSync(join(root, 'pipe+0+0000000000.json'), 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  it('defaults to ./s3/<bucket> under the spec directory', async () => {
    const f = fakeSink();
    const s = new S3Sink({ ...base, prefix: 'raw' }, f.ctx);
    await s.write([rec({ a: 1 }, T, ue(0))]);
    await s.flush();
    const path = join(
      f.dir,
      's3',
      'my-bucket',
      'raw',
      'user-events',
      'year=2026',
      'month=11',
      'day=26',
      'hour=13',
      'user-events+0+0000000000.json',
    );
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n');
    await s.close();
  });
});
