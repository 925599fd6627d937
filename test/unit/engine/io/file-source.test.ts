import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSource } from '../../../../src/engine/io/file-source';
import { fakeSource, tempDir } from './helpers';

function file(name: string, text: string): string {
  const dir = tempDir();
  writeFileSync(join(dir, name), text);
  return dir;
}

describe('source.file', () => {
  it('replays JSONL fast with event time and key; a malformed line goes to the dead letters with its line', async () => {
    const dir = file(
      'in.jsonl',
      ['{"id":1,"ts":1000}', '', '{"id":2,"ts":', '{"id":3,"ts":"1970-01-01T00:00:03Z"}', '{"id":4}'].join(
        '\n',
      ),
    );
    const f = fakeSource(dir);
    await new FileSource({ path: 'in.jsonl', eventTime: 'ts', key: 'id' }, {}, 'src').run(f.ctx);
    expect(f.emitted.map((r) => [r.key, r.timestamp])).toEqual([
      [1, 1000],
      [3, 3000],
    ]);
    expect(f.dead.map((d) => [d.line, d.raw])).toEqual([
      [3, '{"id":2,"ts":'],
      [5, '{"id":4}'],
    ]);
    expect(String(f.dead[0]?.error)).toMatch(/node "src", .*in\.jsonl:3/);
    expect(String(f.dead[1]?.error)).toMatch(/event time is null/);
  });

  it('without eventTime, records are stamped with now; without a dead-letter path the log gets the raw line', async () => {
    const dir = file('in.jsonl', '{"a":1}\nnot json\n');
    const f = fakeSource(dir);
    delete (f.ctx as { deadLetter?: unknown }).deadLetter;
    await new FileSource({ path: 'in.jsonl' }).run(f.ctx);
    expect(f.emitted.map((r) => r.timestamp)).toEqual([f.clock.t]);
    const warn = f.logs.find((l) => l.level === 'warn');
    expect(warn?.fields).toMatchObject({ line: 2, raw: 'not json' });
  });

  it('original timing keeps the gaps between event times, divided by speed; late records do not wait', async () => {
    const lines = [0, 1000, 3000, 500, 7000].map((t, i) => JSON.stringify({ i, t }));
    const dir = file('in.jsonl', lines.join('\n'));
    const f = fakeSource(dir, 50_000);
    await new FileSource(
      { path: 'in.jsonl', timing: 'original', speed: 2, eventTime: 't' },
      { sleep: f.sleep },
    ).run(f.ctx);
    expect(f.emitted.map((r) => (r.value as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
    expect(f.emitTimes.map((t) => t - 50_000)).toEqual([0, 500, 1500, 1500, 3500]);
  });

  it('fast timing emits in batches without sleeping', async () => {
    const dir = file('in.jsonl', Array.from({ length: 1234 }, (_, i) => `{"i":${i}}`).join('\n'));
    const f = fakeSource(dir);
    const start = f.clock.t;
    await new FileSource({ path: 'in.jsonl' }, { sleep: f.sleep, batchSize: 500 }).run(f.ctx);
    expect(f.batches).toEqual([500, 500, 234]);
    expect(f.clock.t).toBe(start);
  });

  it('reads CSV with header, delimiter, quoting and typed columns; bad rows become dead letters', async () => {
    const text = [
      'id;name;price;ok',
      '1;"Smith; John";9.5;true',
      '2;"multi',
      'line ""q""";10;false',
      '3;x;abc;true',
      '4;y;1',
      '5;;;',
    ].join('\r\n');
    const dir = file('in.csv', text);
    const f = fakeSource(dir);
    await new FileSource({
      path: 'in.csv',
      format: 'csv',
      csv: { delimiter: ';' },
      fields: { id: 'number', price: 'number', ok: 'boolean' },
      key: 'id',
    }).run(f.ctx);
    expect(f.emitted.map((r) => r.value)).toEqual([
      { id: 1, name: 'Smith; John', price: 9.5, ok: true },
      { id: 2, name: 'multi\nline "q"', price: 10, ok: false },
      { id: 5, name: '', price: null, ok: null },
    ]);
    expect(f.dead.map((d) => d.line)).toEqual([5, 6]);
    expect(String(f.dead[0]?.error)).toMatch(/column "price": "abc" is not a number/);
    expect(String(f.dead[1]?.error)).toMatch(/expected 4 columns/);
  });

  it('reads headerless CSV with fields naming the columns, and refuses without them', async () => {
    const dir = file('in.csv', '1,a\n2,b\n');
    const f = fakeSource(dir);
    await new FileSource({
      path: 'in.csv',
      format: 'csv',
      csv: { header: false },
      fields: { n: 'number', s: 'string' },
    }).run(f.ctx);
    expect(f.emitted.map((r) => r.value)).toEqual([
      { n: 1, s: 'a' },
      { n: 2, s: 'b' },
    ]);
    await expect(
      new FileSource({ path: 'in.csv', format: 'csv', csv: { header: false } }).run(fakeSource(dir).ctx),
    ).rejects.toThrow(/needs "fields"/);
  });

  it('names the file when it cannot be read', async () => {
    const f = fakeSource();
    await expect(new FileSource({ path: 'missing.jsonl' }).run(f.ctx)).rejects.toThrow(
      /node "src", .*missing\.jsonl: cannot read/,
    );
  });
});
