import { createRequire } from 'node:module';
import snappy from 'snappy';
import { CompressionTypes } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { kafkajsCompression, registerCodecs } from '../../../src/kafka/codecs';

// kafkajs' own lookup (what its record batch decoder calls with the batch attributes).
const require = createRequire(import.meta.url);
const compression = require('kafkajs/src/protocol/message/compression') as {
  lookupCodecByAttributes(attributes: number): {
    compress(encoder: { buffer: Buffer }): Promise<Buffer>;
    decompress(buffer: Buffer): Promise<Buffer>;
  } | null;
};

const payload = Buffer.from('kflow '.repeat(20_000) + 'end');

describe('kafkajs codecs', () => {
  beforeAll(() => registerCodecs());

  // Magic numbers from the formats' specifications: xerial snappy-java stream header,
  // LZ4 frame (0x184D2204 little-endian), zstd frame (0xFD2FB528 little-endian).
  const cases = [
    { name: 'snappy', attr: 2, magic: Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]) },
    { name: 'lz4', attr: 3, magic: Buffer.from([0x04, 0x22, 0x4d, 0x18]) },
    { name: 'zstd', attr: 4, magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]) },
  ];

  for (const c of cases) {
    it(`${c.name}: round trip through kafkajs' codec lookup, in the format other clients write`, async () => {
      // Attribute bits 0-2 are the codec; other bits (timestamp type, transactional) must not matter.
      const codec = compression.lookupCodecByAttributes(c.attr | 0x18);
      expect(codec).not.toBeNull();
      const packed = await codec!.compress({ buffer: payload });
      expect(packed.subarray(0, c.magic.length)).toEqual(c.magic);
      expect(packed.length).toBeLessThan(payload.length / 10);
      expect((await codec!.decompress(packed)).equals(payload)).toBe(true);
    });
  }

  it('snappy also reads a raw block, as librdkafka and kafkajs-snappy write', async () => {
    const raw = snappy.compressSync(payload);
    expect((await compression.lookupCodecByAttributes(2)!.decompress(raw)).equals(payload)).toBe(true);
  });

  it('a corrupt payload rejects instead of throwing synchronously', async () => {
    await expect(compression.lookupCodecByAttributes(3)!.decompress(Buffer.from('not lz4'))).rejects.toThrow(
      /lz4/,
    );
  });

  it('maps compression names to kafkajs types', () => {
    expect(kafkajsCompression(undefined)).toBe(CompressionTypes.None);
    expect(kafkajsCompression('gzip')).toBe(1);
    expect(kafkajsCompression('snappy')).toBe(2);
    expect(kafkajsCompression('lz4')).toBe(3);
    expect(kafkajsCompression('zstd')).toBe(4);
  });
});
