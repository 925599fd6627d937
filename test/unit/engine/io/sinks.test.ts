import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleSink } from '../../../../src/engine/io/console-sink';
import { parseCsvRecord } from '../../../../src/engine/io/csv';
import { FileSink } from '../../../../src/engine/io/file-sink';
import { externalSinkFor, externalSourceFor } from '../../../../src/engine/io/index';
import { fakeSink, rec } from './helpers';

const T = Date.parse('2026-11-26T13:45:00Z');
const src = { topic: 'orders', partition: 2, offset: 17 };

describe('sink.file', () => {
  it('appends JSONL with metadata; nothing reaches the file before flush', async () => {
    const f = fakeSink();
    const sink = new FileSink({ path: 'out/o.jsonl', includeMetadata: true }, f.ctx);
    await sink.write([rec({ id: 1, note: 'a"b' }, T, src, 'k1'), rec(42, T + 1, undefined)]);
    const path = join(f.dir, 'out', 'o.jsonl');
    expect(() => readFileSync(path)).toThrow();
    await sink.flush();
    await sink.close();
    const again = new FileSink({ path: 'out/o.jsonl' }, f.ctx);
    await again.write([rec({ id: 2 }, T)]);
    await again.close();
    const lines = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      { id: 1, note: 'a"b', _key: 'k1', _timestamp: T, _topic: 'orders', _partition: 2, _offset: 17 },
      { _value: 42, _key: null, _timestamp: T + 1 },
      { id: 2 },
    ]);
  });

  it('writes CSV with one header and quoting that reads back', async () => {
    const f = fakeSink();
    const values = [
      { id: 1, name: 'Smith, John', note: 'said "hi"', tags: ['a'] },
      { id: 2, name: ' padded ', note: 'two\nlines', tags: null },
    ];
    const first = new FileSink({ path: 'o.csv', format: 'csv' }, f.ctx);
    await first.write(values.map((v) => rec(v, T)));
    await first.close();
    const second = new FileSink(
      { path: 'o.csv', format: 'csv', columns: ['id', 'name', 'note', 'tags'] },
      f.ctx,
    );
    await second.write([rec({ id: 3, name: 'x', extra: 1 }, T)]);
    await second.close();
    const text = readFileSync(join(f.dir, 'o.csv'), 'utf8');
    expect(text.startsWith('id,name,note,tags\n1,"Smith, John","said ""hi""","[""a""]"\n')).toBe(true);
    expect(text.match(/^id,/gm)).toHaveLength(1);
    const records = text
      .replace('two\nlines', 'two\\nlines')
      .trimEnd()
      .split('\n')
      .map((l) => parseCsvRecord(l));
    expect(records).toEqual([
      ['id', 'name', 'note', 'tags'],
      ['1', 'Smith, John', 'said "hi"', '["a"]'],
      ['2', ' padded ', 'two\\nlines', ''],
      ['3', 'x', '', ''],
    ]);
  });

  it('puts metadata columns last in CSV', async () => {
    const f = fakeSink();
    const sink = new FileSink({ path: 'm.csv', format: 'csv', includeMetadata: true }, f.ctx);
    await sink.write([rec({ a: 1 }, T, src, 'k')]);
    await sink.close();
    expect(readFileSync(join(f.dir, 'm.csv'), 'utf8')).toBe(
      `a,_key,_timestamp,_topic,_partition,_offset\n1,k,${T},orders,2,17\n`,
    );
  });
});

describe('sink.console', () => {
  it('prints pretty lines: time, key, compact JSON value', async () => {
    const lines: string[] = [];
    const sink = new ConsoleSink({}, fakeSink().ctx, (l) => lines.push(l));
    await sink.write([
      rec({ a: 1, b: [true, null] }, T, undefined, 'user-1'),
      rec('x', T, undefined, { id: 2 }),
      rec(null, T),
    ]);
    expect(lines).toEqual([
      '2026-11-26T13:45:00.000Z  user-1  {"a":1,"b":[true,null]}',
      '2026-11-26T13:45:00.000Z  {"id":2}  "x"',
      '2026-11-26T13:45:00.000Z  -  null',
    ]);
  });

  it('prints JSON lines and stops at the limit, saying so once', async () => {
    const lines: string[] = [];
    const f = fakeSink();
    const sink = new ConsoleSink({ format: 'json', limit: 2 }, f.ctx, (l) => lines.push(l));
    await sink.write([rec({ a: 1 }, T, src, 'k'), rec({ a: 2 }, T)]);
    await sink.write([rec({ a: 3 }, T), rec({ a: 4 }, T)]);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { timestamp: T, key: 'k', value: { a: 1 }, topic: 'orders', partition: 2, offset: 17 },
      { timestamp: T, key: null, value: { a: 2 } },
    ]);
    expect(f.logs.filter((l) => l.msg.includes('limit'))).toHaveLength(1);
  });
});

describe('externalSourceFor / externalSinkFor', () => {
  const node = (kind: string, config: Record<string, unknown>) => ({ id: 'n1', kind, config });
  const cdc = {
    database: {
      hostname: 'db',
      user: 'u',
      password: { secret: 's' },
      serverId: 1,
      include: { databases: ['shop'] },
    },
    topicPrefix: 'shop',
    table: 'shop.orders',
  };

  it('gives sources outside Kafka and undefined for the runtime’s own', () => {
    const template = { n: { gen: 'sequence' } };
    expect(externalSourceFor(node('source.datagen', { template }))).toBeDefined();
    expect(externalSourceFor(node('source.datagen', { template, topic: 'gen' }))).toBeUndefined();
    expect(externalSourceFor(node('source.file', { path: 'a.jsonl' }))).toBeDefined();
    expect(externalSourceFor(node('source.cdc.mysql', { ...cdc, local: { file: 'c.jsonl' } }))).toBeDefined();
    expect(externalSourceFor(node('source.cdc.mysql', { ...cdc, local: { topic: 'x' } }))).toBeUndefined();
    expect(externalSourceFor(node('source.cdc.mysql', cdc))).toBeUndefined();
    expect(externalSourceFor(node('source.topic', { topic: 'x' }))).toBeUndefined();
  });

  it('gives sinks outside Kafka and names the node in config errors', () => {
    const ctx = fakeSink().ctx;
    expect(externalSinkFor(node('sink.console', {}), ctx)).toBeInstanceOf(ConsoleSink);
    expect(externalSinkFor(node('sink.file', { path: 'x.jsonl' }), ctx)).toBeInstanceOf(FileSink);
    expect(externalSinkFor(node('sink.s3', { bucket: 'b-1', region: 'us-east-1' }), ctx)).toBeDefined();
    expect(externalSinkFor(node('sink.topic', { topic: 'x' }), ctx)).toBeUndefined();
    expect(() => externalSinkFor(node('sink.file', {}), ctx)).toThrow(/node "sink".*sink\.file config\.path/);
  });
});
