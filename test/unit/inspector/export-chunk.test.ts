import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../../src/kafka/client';
import { exportChunk, toExportLine } from '../../../src/inspector/format';

/** Deterministic pseudo-random bytes (xorshift), biased towards what JSON must escape. */
function rng(seed: number) {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

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
    const r: ConsumedRecord = {
      topic: 't',
      partition: 0,
      offset: 0n,
      timestamp: 0n,
      key: null,
      value: all,
      headers: {},
    };
    const line = exportChunk([r], '"t"').toString('utf8');
    expect(line).toContain(`"value":${JSON.stringify(all.toString('utf8'))},"valueEncoding":"utf8"`);
    expect(line).toContain('\\u0000\\u0001');
    expect(line).toContain('\\b\\t\\n\\u000b\\f\\r');
  });
});
