import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../../src/kafka/client';
import { exportChunk, toExportLine } from '../../../src/inspector/format';
import { fakeRecord, rng } from './fake-record';

const SPECIAL = [
  '"',
  '\\',
  '\n',
  '\t',
  '\r',
  '\b',
  '\f',
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  '€',
  '😀',
  '\u2028',
  '\ufeff',
];

function bytesFor(next: () => number): Buffer | null {
  const kind = Math.floor(next() * 5);
  if (kind === 0) return null;
  if (kind === 1)
    return Buffer.from(Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256)));
  const parts: string[] = [];
  const n = Math.floor(next() * 30);
  for (let i = 0; i < n; i++)
    parts.push(
      next() < 0.4
        ? SPECIAL[Math.floor(next() * SPECIAL.length)]!
        : String.fromCharCode(32 + Math.floor(next() * 95)),
    );
  return Buffer.from(parts.join(''), 'utf8');
}

describe('exportChunk', () => {
  it('writes exactly JSON.stringify(toExportLine(r)) + newline per record, for any bytes', () => {
    const next = rng(12345);
    const records: ConsumedRecord[] = Array.from({ length: 2000 }, (_, i) => {
      const headers: ConsumedRecord['headers'] = {};
      const hn = Math.floor(next() * 3);
      for (let h = 0; h < hn; h++) {
        const name = h === 1 && next() < 0.5 ? 'dup' : `h${h}${next() < 0.2 ? '"é' : ''}`;
        const v = bytesFor(next) ?? Buffer.alloc(0);
        const prev = headers[name];
        headers[name] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
      return {
        topic: 'tö"pic',
        partition: i % 5,
        offset: BigInt(i * 7),
        timestamp: BigInt(1_600_000_000_000 + i),
        key: bytesFor(next),
        value: bytesFor(next),
        headers,
      };
    });
    const expected = records.map((r) => `${JSON.stringify(toExportLine(r))}\n`).join('');
    expect(exportChunk(records, JSON.stringify('tö"pic')).toString('utf8')).toBe(expected);
  });

  it('escapes each C0 control, the quote and the backslash as JSON.stringify does', () => {
    const all = Buffer.from(Array.from({ length: 128 }, (_, c) => c));
    const r = fakeRecord({ value: all });
    const line = exportChunk([r], '"t"').toString('utf8');
    expect(line).toContain(`"value":${JSON.stringify(all.toString('utf8'))},"valueEncoding":"utf8"`);
    expect(line).toContain('\\u0000\\u0001');
    expect(line).toContain('\\b\\t\\n\\u000b\\f\\r');
  });

  it('writes long byte fields (the vector path) exactly as JSON.stringify, with escapes at every position', () => {
    const next = rng(777);
    const records: ConsumedRecord[] = Array.from({ length: 400 }, (_, i) => {
      // 48 bytes and more go through the WebAssembly loop: escapes inside, at and across its 16-byte blocks.
      const n = 48 + Math.floor(next() * 300);
      const parts: string[] = [];
      while (parts.join('').length < n)
        parts.push(
          next() < 0.15
            ? SPECIAL[Math.floor(next() * SPECIAL.length)]!
            : String.fromCharCode(32 + Math.floor(next() * 95)),
        );
      const text = parts.join('');
      const value =
        i % 10 === 9
          ? Buffer.concat([Buffer.from(text), Buffer.from([0xff, 0xfe])]) // not UTF-8: base64
          : Buffer.from(text, 'utf8');
      return fakeRecord({
        partition: 1,
        offset: BigInt(i),
        timestamp: BigInt(i),
        key: Buffer.from(text.slice(0, 60)),
        value,
        headers: { long: Buffer.from(text) },
      });
    });
    const expected = records.map((r) => `${JSON.stringify(toExportLine(r))}\n`).join('');
    expect(exportChunk(records, '"t"').toString('utf8')).toBe(expected);
  });

  it('writes offsets and timestamps as JSON.stringify writes numbers, past 2^53 and below zero', () => {
    const r = (offset: bigint, timestamp: bigint) => fakeRecord({ partition: 12, offset, timestamp });
    const records = [
      r(0n, -1n),
      r(9_007_199_254_740_991n, 1_700_000_000_000n),
      // Above 2^53 a double is inexact: String() prints its shortest form, "9223372036854776000".
      r(9_223_372_036_854_775_807n, -9_007_199_254_740_993n),
      r(10n, 100n),
    ];
    expect(exportChunk(records, '"t"').toString('utf8')).toBe(
      records.map((x) => `${JSON.stringify(toExportLine(x))}\n`).join(''),
    );
    expect(exportChunk([records[2]!], '"t"').toString('utf8')).toContain(
      '"offset":9223372036854776000,"timestamp":-9007199254740992,',
    );
  });

  it('writes into the scratch Buffer when it has room, and grows past it when not', () => {
    const rec = fakeRecord({
      offset: 5n,
      timestamp: 6n,
      key: Buffer.from('k'),
      value: Buffer.from('"'.repeat(3000)), // 6,000 bytes escaped: more than the estimate
    });
    const expected = `${JSON.stringify(toExportLine(rec))}\n`;
    const roomy = Buffer.alloc(100_000);
    const a = exportChunk([rec], '"t"', roomy);
    expect(a.buffer).toBe(roomy.buffer);
    expect(a.toString('utf8')).toBe(expected);
    const small = Buffer.alloc(10);
    const b = exportChunk([rec, rec], '"t"', small);
    expect(b.buffer).not.toBe(small.buffer);
    expect(b.toString('utf8')).toBe(expected + expected);
  });
});
