import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../../src/expr/index';
import { compileFilter, requiredNeedles } from '../../../src/inspector/filter';
import { exportLineText, toExportLine } from '../../../src/inspector/format';
import { fakeRecord as rec } from './fake-record';

const json = (text: string) => rec({ value: Buffer.from(text) });

function needles(text: string): string[][] {
  const p = parseExpression(text);
  if (!p.ok) throw new Error(text);
  return requiredNeedles(p.ast).map((any) => any.map((b) => b.toString('utf8')));
}

describe('requiredNeedles', () => {
  it('takes string equalities and IN lists over value fields from the top-level AND terms', () => {
    expect(needles("status = 'failed' AND amount > 499")).toEqual([['failed"']]);
    expect(needles("'eu' = region AND status = 'ok'")).toEqual([['eu"'], ['ok"']]);
    expect(needles("status IN ('failed', 'lost') AND a.b = 'x'")).toEqual([['failed"', 'lost"'], ['x"']]);
  });

  it('takes nothing it cannot rely on', () => {
    expect(needles("status = 'failed' OR amount > 1")).toEqual([]);
    expect(needles("NOT status = 'failed'")).toEqual([]);
    expect(needles("status NOT IN ('a', 'b')")).toEqual([]);
    expect(needles("status IN ('a', 1)")).toEqual([]);
    expect(needles('amount = 5')).toEqual([]);
    expect(needles("_key = 'k' AND _topic = 't'")).toEqual([]);
    expect(needles("lower(status) = 'failed'")).toEqual([]);
    // Their JSON form needs an escape, so it is not the text in quotes.
    expect(needles("s = 'a\"b'")).toEqual([]);
    expect(needles("s = 'a\\b'")).toEqual([]);
  });
});

describe('compileFilter with the byte pre-check', () => {
  const f = compileFilter("status = 'failed' AND amount > 499");
  it('passes exactly the records the expression accepts', () => {
    expect(f(json('{"status":"failed","amount":500}'))).toBe(true);
    expect(f(json('{"status":"failed","amount":499}'))).toBe(false);
    expect(f(json('{"status":"failedx","amount":900}'))).toBe(false);
    expect(f(json('{"status":"xfailed","amount":900}'))).toBe(false);
    expect(f(json('{"note":"failed","status":"ok","amount":900}'))).toBe(false);
    expect(f(json('{"failed":"status","amount":900}'))).toBe(false);
    expect(f(json('"failed"'))).toBe(false);
    expect(f(json('failed'))).toBe(false);
    expect(f(rec({ value: null }))).toBe(false);
  });

  it('parses a record that writes the string with escapes', () => {
    expect(f(json('{"status":"f\\u0061iled","amount":900}'))).toBe(true);
    expect(f(json('{"status":"failed","note":"a\\"b","amount":900}'))).toBe(true);
  });

  it('accepts any of an IN list', () => {
    const g = compileFilter("kind IN ('a', 'é€')");
    expect(g(json('{"kind":"é€"}'))).toBe(true);
    expect(g(json('{"kind":"a"}'))).toBe(true);
    expect(g(json('{"kind":"b"}'))).toBe(false);
  });

  it('reads key and headers only when the expression names them', () => {
    const r = rec({ key: Buffer.from('k1'), value: Buffer.from('{}'), headers: { h: Buffer.from('v') } });
    expect(compileFilter("_key = 'k1'")(r)).toBe(true);
    expect(compileFilter("_headers['h'] = 'v'")(r)).toBe(true);
    expect(compileFilter("_key = 'k2'")(r)).toBe(false);
  });
});

describe('compileFilter and watermark markers', () => {
  // What the engine writes to a repartition topic (engine/runtime/watermark-markers.ts).
  const marker = rec({
    value: null,
    headers: { 'kflow-watermark': Buffer.from('1704110400000'), 'kflow-task': Buffer.from('0_1') },
  });
  const tombstone = rec({ value: null });

  it('a filter over the value never matches a marker, even one a null value passes', () => {
    const f = compileFilter('status IS NULL');
    expect(f(tombstone)).toBe(true);
    expect(f(marker)).toBe(false);
    expect(compileFilter("NOT (status = 'ok')")(marker)).toBe(false);
  });

  it('a filter over only headers or the position still sees markers', () => {
    expect(compileFilter("_headers['kflow-task'] = '0_1'")(marker)).toBe(true);
    expect(compileFilter('_partition = 0')(marker)).toBe(true);
  });
});

describe('exportLineText', () => {
  it('writes the line field by field', () => {
    const r = rec({
      topic: 'orders',
      partition: 2,
      offset: 42n,
      timestamp: 1780000000000n,
      key: Buffer.from('k-42'),
      value: Buffer.from([0xff, 0xfe, 0x00, 0x80]),
      headers: { trace: Buffer.from('abc') },
    });
    expect(exportLineText(r)).toBe(
      '{"topic":"orders","partition":2,"offset":42,"timestamp":1780000000000,' +
        '"key":"k-42","keyEncoding":"utf8","value":"//4AgA==","valueEncoding":"base64",' +
        '"headers":[{"key":"trace","value":"abc","encoding":"utf8"}]}',
    );
    expect(exportLineText(rec({}))).toBe(
      '{"topic":"t","partition":0,"offset":0,"timestamp":0,"key":null,"value":null,"headers":[]}',
    );
  });

  it('is JSON.stringify of toExportLine for escapes, binary bytes and repeated headers', () => {
    const texts = ['', 'a"b', 'back\\slash', 'tab\tnl\ncr\r\u0001\u001f', 'é€😀', '\uFEFFbom', '{"n":1}'];
    const bufs = [
      ...texts.map((t) => Buffer.from(t)),
      Buffer.from([0xc3, 0x28]),
      Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate: not UTF-8
    ];
    for (const b of bufs) {
      const r = rec({
        topic: 'we"ird',
        key: b,
        value: b,
        headers: { 'h"1': [b, Buffer.from('x')], h2: b, gone: undefined },
      });
      expect(exportLineText(r)).toBe(JSON.stringify(toExportLine(r)));
    }
  });
});
