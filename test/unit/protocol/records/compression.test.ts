import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compress,
  decompress,
  CompressionError,
  UnsupportedCompressionError,
} from '../../../../src/protocol/records/compression';

const PY = '/usr/bin/python3';
const hasPy = (() => {
  try {
    execFileSync(PY, ['-c', 'import zstandard, lz4.frame, snappy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const sample = Buffer.from(Array.from({ length: 20000 }, (_, i) => `record-${i % 97};`).join(''));

/** Bytes made by Debian's python3 codecs: an implementation independent of the npm packages. */
function python(script: string, input: Buffer): Buffer {
  return execFileSync(PY, ['-c', `import sys\n${script}`], { input, maxBuffer: 64 << 20 });
}

describe('compression codecs', () => {
  for (const codec of [0, 1, 2, 3, 4]) {
    it(`round-trips codec ${codec} including empty input`, () => {
      expect(decompress(codec, compress(codec, sample)).equals(sample)).toBe(true);
      expect(decompress(codec, compress(codec, Buffer.alloc(0))).length).toBe(0);
    });
  }

  it('writes snappy with the xerial framing Java clients expect, in 32 KB blocks', () => {
    const out = compress(2, Buffer.concat([sample, sample, sample]));
    expect(out.subarray(0, 8).toString('latin1')).toBe('\x82SNAPPY\x00');
    expect(out.readInt32BE(8)).toBe(1);
  });

  it('rejects unknown codecs and garbage', () => {
    expect(() => compress(5, sample)).toThrow(UnsupportedCompressionError);
    for (const codec of [1, 2, 3, 4])
      expect(() => decompress(codec, Buffer.from('not compressed at all'))).toThrow(CompressionError);
  });

  it.runIf(hasPy)(
    'decodes bytes made by python gzip, snappy (raw and xerial), lz4 frame and streaming zstd',
    () => {
      const gz = python(
        'import gzip; sys.stdout.buffer.write(gzip.compress(sys.stdin.buffer.read()))',
        sample,
      );
      expect(decompress(1, gz).equals(sample)).toBe(true);
      const raw = python(
        'import snappy; sys.stdout.buffer.write(snappy.compress(sys.stdin.buffer.read()))',
        sample,
      );
      expect(decompress(2, raw).equals(sample)).toBe(true);
      const xerial = python(
        [
          'import snappy, struct',
          'd = sys.stdin.buffer.read(); out = bytearray(b"\\x82SNAPPY\\x00" + struct.pack(">ii", 1, 1))',
          'for i in range(0, len(d), 8192):',
          '    c = snappy.compress(d[i:i+8192]); out += struct.pack(">i", len(c)) + c',
          'sys.stdout.buffer.write(bytes(out))',
        ].join('\n'),
        sample,
      );
      expect(decompress(2, xerial).equals(sample)).toBe(true);
      const lz = python(
        'import lz4.frame; sys.stdout.buffer.write(lz4.frame.compress(sys.stdin.buffer.read()))',
        sample,
      );
      expect(decompress(3, lz).equals(sample)).toBe(true);
      // A streaming frame has no content size, as zstd-jni's ZstdOutputStream writes them; 3 MB > the first guess.
      const big = Buffer.concat(Array.from({ length: 20 }, () => sample));
      const zs = python(
        'import zstandard; c = zstandard.ZstdCompressor().compressobj(); d = sys.stdin.buffer.read(); sys.stdout.buffer.write(c.compress(d) + c.flush())',
        big,
      );
      expect(decompress(4, zs).equals(big)).toBe(true);
    },
  );

  it.runIf(hasPy)('makes bytes python decodes', () => {
    const dir = fs.mkdtempSync('/tmp/kflow-codec-');
    try {
      const check = (codec: number, script: string) =>
        expect(python(script, compress(codec, sample)).equals(sample)).toBe(true);
      check(1, 'import gzip; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))');
      check(3, 'import lz4.frame; sys.stdout.buffer.write(lz4.frame.decompress(sys.stdin.buffer.read()))');
      check(
        4,
        'import zstandard; sys.stdout.buffer.write(zstandard.ZstdDecompressor().decompressobj().decompress(sys.stdin.buffer.read()))',
      );
      check(
        2,
        [
          'import snappy, struct',
          'd = sys.stdin.buffer.read(); assert d[:8] == b"\\x82SNAPPY\\x00"; p = 16; out = b""',
          'while p < len(d):',
          '    n = struct.unpack(">i", d[p:p+4])[0]; out += snappy.decompress(d[p+4:p+4+n]); p += 4 + n',
          'sys.stdout.buffer.write(out)',
        ].join('\n'),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
