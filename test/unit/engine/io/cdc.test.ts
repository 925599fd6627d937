import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CdcFileSource, parseDebeziumEvent } from '../../../../src/engine/io/cdc';
import { fakeSource, tempDir } from './helpers';

const source = (table = 'customers') => ({
  version: '2.7.0.Final',
  connector: 'mysql',
  name: 'shop',
  ts_ms: 1_764_000_000_000,
  snapshot: 'false',
  db: 'inventory',
  table,
  server_id: 223344,
  file: 'mysql-bin.000003',
  pos: 805,
  row: 0,
});
const row = (id: number, email: string) => ({ id, first_name: 'Anne', email });
const created = {
  before: null,
  after: row(1004, 'anne@example.com'),
  source: source(),
  op: 'c',
  ts_ms: 1_764_000_000_123,
  transaction: null,
};
const updated = {
  before: row(1004, 'anne@example.com'),
  after: row(1004, 'anne@kflow.dev'),
  source: source(),
  op: 'u',
  ts_ms: 1_764_000_000_456,
};
const deleted = {
  before: row(1004, 'anne@kflow.dev'),
  after: null,
  source: source(),
  op: 'd',
  ts_ms: 1_764_000_000_789,
};
const snapshot = {
  before: null,
  after: row(1001, 'sally@example.com'),
  source: { ...source(), snapshot: 'true' },
  op: 'r',
  ts_ms: 1_764_000_000_001,
};
const withSchema = (payload: unknown) => ({
  schema: {
    type: 'struct',
    fields: [{ type: 'struct', optional: true, field: 'before' }],
    optional: false,
    name: 'shop.inventory.customers.Envelope',
  },
  payload,
});

describe('parseDebeziumEvent', () => {
  it.each([
    ['bare', (e: unknown) => e],
    ['with schema/payload', withSchema],
    ['as JSON text', (e: unknown) => JSON.stringify(withSchema(e))],
  ])('reads c/u/d/r events %s', (_name, wrap) => {
    expect(parseDebeziumEvent(wrap(created), 'row')).toMatchObject({
      op: 'c',
      value: row(1004, 'anne@example.com'),
      timestamp: 1_764_000_000_123,
    });
    expect(parseDebeziumEvent(wrap(updated), 'row')).toMatchObject({
      op: 'u',
      value: row(1004, 'anne@kflow.dev'),
    });
    expect(parseDebeziumEvent(wrap(deleted), 'row')).toMatchObject({
      op: 'd',
      value: null,
      timestamp: 1_764_000_000_789,
    });
    expect(parseDebeziumEvent(wrap(snapshot), 'row')).toMatchObject({
      op: 'r',
      value: row(1001, 'sally@example.com'),
    });
    expect(parseDebeziumEvent(wrap(deleted), 'envelope')?.value).toEqual(deleted);
  });

  it('unwraps the key, names the table, skips Kafka tombstones, rejects what is not a change', () => {
    const c = parseDebeziumEvent(created, 'row', withSchema({ id: 1004 }));
    expect(c?.key).toEqual({ id: 1004 });
    expect(c?.table).toEqual({ db: 'inventory', table: 'customers' });
    expect(parseDebeziumEvent(null, 'row')).toBeNull();
    expect(parseDebeziumEvent(withSchema(null), 'row')).toBeNull();
    expect(() => parseDebeziumEvent({ ...created, op: 'x' }, 'row')).toThrow(/"op" is "x"/);
    expect(() => parseDebeziumEvent({ ...created, op: 't' }, 'row')).toThrow(/truncate/);
    expect(() => parseDebeziumEvent({ ...created, ts_ms: undefined, source: {} }, 'row')).toThrow(/ts_ms/);
    expect(() => parseDebeziumEvent({ ...created, after: null }, 'row')).toThrow(/no "after"/);
    expect(() => parseDebeziumEvent('{oops', 'row')).toThrow(/not JSON/);
    expect(parseDebeziumEvent({ ...created, ts_ms: undefined }, 'row')?.timestamp).toBe(1_764_000_000_000);
  });
});

describe('source.cdc.mysql from a file', () => {
  const config = (file: string, output: 'row' | 'envelope' = 'row') => ({
    database: {
      hostname: 'db',
      user: 'kflow',
      password: { secret: 'db' },
      serverId: 5,
      include: { databases: ['inventory'] },
    },
    topicPrefix: 'shop',
    table: 'inventory.customers',
    output,
    local: { file },
  });

  it('emits its table only, deletes as tombstones, bad lines to dead letters', async () => {
    const dir = tempDir();
    const lines = [
      JSON.stringify(snapshot),
      JSON.stringify({ key: { id: 1004 }, value: withSchema(created) }),
      JSON.stringify({ ...created, source: source('orders') }),
      '{"op":"c"',
      JSON.stringify({ key: { id: 1004 }, value: deleted }),
      JSON.stringify({ key: { id: 1004 }, value: null }),
    ];
    writeFileSync(join(dir, 'changes.jsonl'), lines.join('\n'));
    const f = fakeSource(dir);
    await new CdcFileSource(config('changes.jsonl'), 'cdc').run(f.ctx);
    expect(f.emitted.map((r) => [r.key, r.value, r.timestamp])).toEqual([
      [null, row(1001, 'sally@example.com'), 1_764_000_000_001],
      [{ id: 1004 }, row(1004, 'anne@example.com'), 1_764_000_000_123],
      [{ id: 1004 }, null, 1_764_000_000_789],
    ]);
    expect(f.dead.map((d) => d.line)).toEqual([4]);
    expect(f.logs.at(-1)?.fields).toMatchObject({ records: 3, otherTables: 1, rejected: 1 });
  });
});
