import { describe, expect, it } from 'vitest';
import {
  displayRecord,
  parseImportLine,
  renderRecord,
  showBytes,
  toExportLine,
} from '../../../src/inspector/format';
import { compileFilter, FilterError } from '../../../src/inspector/read';
import { parseStart, parseStop } from '../../../src/cli/commands/topics';
import { parseResetTarget } from '../../../src/cli/commands/groups';
import { fakeRecord as rec } from './fake-record';

/** A small deterministic generator, so failures reproduce. */
function* bytes(count: number): Generator<Buffer> {
  let s = 12345;
  for (let n = 0; n < count; n++) {
    const len = n % 40;
    const b = Buffer.alloc(len);
    for (let i = 0; i < len; i++) {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      // Half the buffers ASCII only, half any byte: both encodings get exercised.
      b[i] = n % 2 === 0 ? 32 + (s % 95) : s & 0xff;
    }
    yield b;
  }
}

describe('export lines', () => {
  it('round-trip any bytes exactly, with utf8 for valid UTF-8 and base64 otherwise', () => {
    let base64 = 0;
    for (const b of bytes(2000)) {
      const line = toExportLine(
        rec({ key: b, value: b, headers: { h: [b, Buffer.from('x')] }, timestamp: 7n, partition: 3 }),
      );
      if (line.valueEncoding === 'base64') base64++;
      const back = parseImportLine(JSON.stringify(line));
      expect(back.key).toEqual(b);
      expect(back.value).toEqual(b);
      expect(back.headers).toEqual([
        ['h', b],
        ['h', Buffer.from('x')],
      ]);
      expect(back.partition).toBe(3);
      expect(back.timestamp).toBe(7);
    }
    expect(base64).toBeGreaterThan(500);
  });

  it('keeps a UTF-8 BOM and multi-byte text as text', () => {
    const b = Buffer.from('\uFEFFé€😀');
    const line = toExportLine(rec({ value: b }));
    expect(line.valueEncoding).toBe('utf8');
    expect(parseImportLine(JSON.stringify(line)).value).toEqual(b);
  });

  it('nulls stay null; a non-string value becomes its JSON text; bad lines say why', () => {
    expect(parseImportLine('{"value":null}')).toEqual({ key: null, value: null, headers: [] });
    expect(parseImportLine('{"value":{"n":1},"headers":{"a":"b"}}')).toEqual({
      key: null,
      value: Buffer.from('{"n":1}'),
      headers: [['a', Buffer.from('b')]],
    });
    expect(() => parseImportLine('[1]')).toThrow(/not a JSON object/);
    expect(() => parseImportLine('{"value":"x","valueEncoding":"hex"}')).toThrow(/valueEncoding/);
    expect(() => parseImportLine('{"value":"x","partition":-1}')).toThrow(/partition/);
  });
});

describe('display', () => {
  it('shows JSON, text and binary', () => {
    expect(showBytes(Buffer.from('{"a": 1}'), 'auto')).toBe('{"a":1}');
    expect(showBytes(Buffer.from('{"a": 1}'), 'json')).toBe('{\n  "a": 1\n}');
    expect(showBytes(Buffer.from('plain'), 'auto')).toBe('plain');
    expect(showBytes(Buffer.from([0xff, 0x01]), 'auto')).toBe('0xff01');
    expect(showBytes(Buffer.from([0xff, 0x01]), 'base64')).toBe('/wE=');
    const d = displayRecord(
      rec({ timestamp: 86_400_000n, key: Buffer.from('k'), headers: { b: Buffer.from([0x80]) } }),
    );
    expect(d).toMatchObject({
      time: '1970-01-02T00:00:00.000Z',
      key: 'k',
      value: null,
      headers: { b: '0x80' },
    });
  });
});

describe('watermark markers', () => {
  const marker = rec({
    topic: 'p-per-second-repartition',
    partition: 1,
    offset: 7n,
    timestamp: 1_704_110_400_000n,
    value: null,
    headers: { 'kflow-watermark': Buffer.from('1704110400000'), 'kflow-task': Buffer.from('0_1') },
  });

  it('shows a marker as one, and a null record without the header as a null record', () => {
    const d = displayRecord(marker);
    expect(d.marker).toBe(true);
    expect(JSON.parse(JSON.stringify(d))).toMatchObject({ marker: true, value: null });
    expect(renderRecord(d)).toBe(
      'p-per-second-repartition[1]@7 2024-01-01T12:00:00.000Z [marker] key=<null> ' +
        'headers: kflow-watermark=1704110400000 kflow-task=0_1\n<watermark marker>\n',
    );
    const tombstone = displayRecord(rec({ value: null, headers: { 'kflow-task': Buffer.from('0_1') } }));
    expect('marker' in tombstone).toBe(false);
    expect(renderRecord(tombstone)).toBe(
      't[0]@0 1970-01-01T00:00:00.000Z key=<null> headers: kflow-task=0_1\n<null>\n',
    );
    // A record with a value is data, whatever its headers say.
    expect('marker' in displayRecord({ ...marker, value: Buffer.from('{}') })).toBe(false);
  });

  it('exports a marker as a null record with its headers, and imports it back the same', () => {
    const line = JSON.stringify(toExportLine(marker));
    expect(JSON.parse(line)).toMatchObject({
      value: null,
      headers: [
        { key: 'kflow-watermark', value: '1704110400000', encoding: 'utf8' },
        { key: 'kflow-task', value: '0_1', encoding: 'utf8' },
      ],
    });
    expect(parseImportLine(line)).toMatchObject({
      key: null,
      value: null,
      headers: [
        ['kflow-watermark', Buffer.from('1704110400000')],
        ['kflow-task', Buffer.from('0_1')],
      ],
    });
  });
});

describe('filters', () => {
  it('see the JSON value and the pseudo-fields', () => {
    const f = compileFilter("status = 'failed' AND _headers['error'] LIKE 'time%' AND _partition = 2");
    const r = rec({
      partition: 2,
      value: Buffer.from('{"status":"failed"}'),
      headers: { error: Buffer.from('timeout') },
    });
    expect(f(r)).toBe(true);
    expect(f({ ...r, partition: 1 })).toBe(false);
    expect(compileFilter("_key = 'k'")(rec({ key: Buffer.from('k'), value: Buffer.from([0xff]) }))).toBe(
      true,
    );
    expect(() => compileFilter('status = ')).toThrow(FilterError);
  });
});

describe('CLI positions', () => {
  it('parse starts, stops and reset targets', () => {
    expect(parseStart('earliest')).toEqual({ kind: 'earliest' });
    expect(parseStart('42')).toEqual({ kind: 'offset', offset: 42n });
    expect(parseStart('-10')).toEqual({ kind: 'last', count: 10n });
    expect(parseStart('2026-01-01T00:00:00Z')).toEqual({ kind: 'time', ms: Date.UTC(2026, 0, 1) });
    expect(parseStart('1700000000000')).toEqual({ kind: 'time', ms: 1_700_000_000_000 });
    expect(() => parseStart('soon')).toThrow();
    expect(parseStop('end')).toEqual({ kind: 'end' });
    expect(parseStop('9')).toEqual({ kind: 'offset', offset: 9n });
    expect(parseResetTarget('shift:-5')).toEqual({ kind: 'shift', by: -5n });
    expect(parseResetTarget('offset:3')).toEqual({ kind: 'offset', offset: 3n });
    expect(parseResetTarget('time:2026-01-01T00:00:00Z')).toEqual({ kind: 'time', ms: Date.UTC(2026, 0, 1) });
    expect(() => parseResetTarget('offset:-1')).toThrow();
  });
});
