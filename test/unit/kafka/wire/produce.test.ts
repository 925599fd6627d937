import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../../../src/kafka/wire/produce';

describe('murmur2 (Kafka default partitioner)', () => {
  // Apache Kafka's UtilsTest.testMurmur2.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('murmur2(%s) = %i', (key, hash) => {
    expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it('a partition is the positive hash modulo the partition count', () => {
    // -973932308 & 0x7fffffff = 1173551340; mod 3 = 0, mod 7 = 1173551340 - 7 * 167650191 = 3
    expect(partitionForKey(Buffer.from('21'), 3)).toBe(0);
    expect(partitionForKey(Buffer.from('21'), 7)).toBe(3);
  });
});
