import { describe, expect, it } from 'vitest';
import { wasmEscaper } from '../../../src/inspector/escape-wasm';

const simd = wasmEscaper();

describe.runIf(simd !== null)('escape-wasm', () => {
  const e = simd!;

  it('escapes every byte value at every position of a 16-byte block as JSON.stringify does', () => {
    const out = Buffer.alloc(4096);
    for (let c = 0; c < 256; c++)
      for (let pos = 0; pos < 40; pos++) {
        const src = Buffer.alloc(40, 0x61);
        src[pos] = c;
        const end = e.escape(src, out, 5);
        // Bytes >= 0x80 pass through: read both sides as Latin-1 so each byte is one character.
        expect(out.subarray(5, end).toString('latin1')).toBe(
          JSON.stringify(src.toString('latin1')).slice(1, -1),
        );
        expect(e.nonAscii()).toBe(c >= 0x80);
      }
  });

  it('finds where a plain run stops: the first quote, backslash or control byte, else the end', () => {
    const src = Buffer.from(`${'a'.repeat(37)}é${'b'.repeat(20)}\\x${'c'.repeat(30)}"${'d'.repeat(5)}\u0001`);
    e.load(src);
    const slash = src.indexOf(0x5c);
    const quote = src.indexOf(0x22);
    expect(e.stop(0)).toBe(slash);
    expect(e.nonAscii()).toBe(true);
    expect(e.stop(slash + 1)).toBe(quote);
    expect(e.stop(quote + 1)).toBe(src.length - 1);
    expect(e.stop(src.length)).toBe(src.length);
    e.load(Buffer.from('x'.repeat(100)));
    expect(e.stop(3)).toBe(100);
    expect(e.nonAscii()).toBe(false);
  });

  it('grows its memory for a value larger than it has', () => {
    const big = Buffer.alloc(300_000, 0x22);
    const out = Buffer.alloc(big.length * 2 + 10);
    expect(e.escape(big, out, 0)).toBe(600_000);
    expect(out.subarray(0, 4).toString('latin1')).toBe('\\"\\"');
  });
});
