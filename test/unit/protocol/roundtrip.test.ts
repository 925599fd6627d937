import { describe, expect, it } from 'vitest';
import { Reader } from '../../../src/protocol/reader';
import { Writer } from '../../../src/protocol/writer';
import { codecFor, messages, randomStruct, rng, versionsOf } from './random-message';

const ITERATIONS = 30;

describe('generated codecs round-trip random messages', () => {
  for (const m of messages) {
    const codec = codecFor(m);
    describe(m.name, () => {
      for (const v of versionsOf(m)) {
        it(`v${v}`, () => {
          const rnd = rng(m.name.length * 1000 + v);
          for (let i = 0; i < ITERATIONS; i++) {
            const msg = randomStruct(m.fields, v, rnd);
            const w = new Writer(16);
            codec.encode(w, v, msg);
            const bytes = w.toBuffer();
            const r = new Reader(bytes);
            const back = codec.decode(r, v);
            expect(r.remaining).toBe(0);
            expect(back).toEqual(msg);
            // Re-encoding what we decoded must give identical bytes.
            const w2 = new Writer();
            codec.encode(w2, v, back);
            expect(w2.toBuffer().equals(bytes)).toBe(true);
          }
        });
      }
    });
  }
});
