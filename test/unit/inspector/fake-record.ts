// What the inspector's unit tests build their input from: a consumed record with every field
// plain unless given, and reproducible pseudo-random numbers.
import type { ConsumedRecord } from '../../../src/kafka/client';

/** A record of topic "t", partition 0, offset and timestamp 0, no key, value or headers, but `over`. */
export const fakeRecord = (over: Partial<ConsumedRecord> = {}): ConsumedRecord => ({
  topic: 't',
  partition: 0,
  offset: 0n,
  timestamp: 0n,
  key: null,
  value: null,
  headers: {},
  ...over,
});

/** Deterministic pseudo-random numbers in [0, 1) (xorshift), so failures reproduce from the seed. */
export function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}
