/**
 * Malformed input must only ever raise ProtocolDecodeError: random bytes,
 * truncations and single-byte corruptions of valid messages, for every
 * generated decoder and version.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolDecodeError, Reader } from '../../../src/protocol/reader';
import { Writer } from '../../../src/protocol/writer';
import { FrameError, FrameSplitter, parseRequestHeader } from '../../../src/protocol/frame';
import { codecFor, messages, randomStruct, rng, versionsOf } from './random-message';

function decodeOnlyThrowsProtocolErrors(decode: () => unknown): void {
  try {
    decode();
  } catch (e) {
    if (!(e instanceof ProtocolDecodeError)) throw e;
  }
}

describe('decoders reject malformed input with ProtocolDecodeError only', () => {
  for (const m of messages) {
    const codec = codecFor(m);
    it(`${m.name} (all versions)`, () => {
      const rnd = rng(m.name.length);
      for (const v of versionsOf(m)) {
        // Pure noise, including lengths that claim far more than is there.
        for (let i = 0; i < 40; i++) {
          const n = Math.floor(rnd() * 64);
          const b = Buffer.alloc(n);
          for (let j = 0; j < n; j++) b[j] = Math.floor(rnd() * 256);
          decodeOnlyThrowsProtocolErrors(() => codec.decode(new Reader(b), v));
        }
        // Every truncation of a valid message fails cleanly.
        const w = new Writer();
        codec.encode(w, v, randomStruct(m.fields, v, rnd));
        const good = w.toBuffer();
        for (let cut = 0; cut < good.length; cut++) {
          const r = new Reader(good.subarray(0, cut));
          try {
            codec.decode(r, v);
            // A prefix can only decode if trailing optional content was empty; never past the end.
            expect(r.pos).toBeLessThanOrEqual(cut);
          } catch (e) {
            expect(e).toBeInstanceOf(ProtocolDecodeError);
          }
        }
        // Corrupt single bytes (lengths become huge, negative, or wrong).
        for (let i = 0; i < Math.min(good.length, 30); i++) {
          const bad = Buffer.from(good);
          bad[Math.floor(rnd() * bad.length)] = [0xff, 0x80, 0x7f, 0x00][i % 4]!;
          decodeOnlyThrowsProtocolErrors(() => codec.decode(new Reader(bad), v));
        }
      }
    });
  }
});

describe('reader limits', () => {
  it('refuses a 2 GiB array count without allocating', () => {
    const b = Buffer.from([0x7f, 0xff, 0xff, 0xff]);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => new Reader(b).arrayLength('topics')).toThrow(ProtocolDecodeError);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
  });

  it('reports offset and context', () => {
    const err = (() => {
      try {
        new Reader(Buffer.from([0, 5, 0x61])).string('clientId');
      } catch (e) {
        return e as ProtocolDecodeError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ProtocolDecodeError);
    expect(err!.offset).toBe(0);
    expect(err!.what).toBe('clientId');
  });

  it('rejects negative lengths other than -1, and -1 where not nullable', () => {
    expect(() => new Reader(Buffer.from([0xff, 0xfe])).nullableString()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from([0xff, 0xff])).string()).toThrow(ProtocolDecodeError);
    expect(new Reader(Buffer.from([0xff, 0xff])).nullableString()).toBeNull();
    expect(new Reader(Buffer.from([0x00])).compactNullableString()).toBeNull();
    expect(() => new Reader(Buffer.from([0x00])).compactString()).toThrow(ProtocolDecodeError);
  });

  it('rejects over-long varints', () => {
    expect(() => new Reader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).uvarint()).toThrow(
      ProtocolDecodeError,
    );
    expect(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f])).uvarint()).toThrow(
      ProtocolDecodeError,
    );
    expect(new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])).uvarint()).toBe(0xffffffff);
  });

  it('varint and varlong round-trip at the extremes', () => {
    const w = new Writer();
    const ints = [0, -1, 1, 2147483647, -2147483648, 300, -300];
    const longs = [0n, -1n, 9223372036854775807n, -9223372036854775808n, 1234567890123n];
    for (const i of ints) w.varint(i);
    for (const l of longs) w.varlong(l);
    const r = new Reader(w.toBuffer());
    expect(ints.map(() => r.varint())).toEqual(ints);
    expect(longs.map(() => r.varlong())).toEqual(longs);
    expect(r.remaining).toBe(0);
  });

  it('the request header parser fails cleanly on garbage', () => {
    const rnd = rng(7);
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.alloc(Math.floor(rnd() * 24));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256);
      decodeOnlyThrowsProtocolErrors(() => parseRequestHeader(b));
    }
  });
});

describe('FrameSplitter', () => {
  const frame = (payload: Buffer): Buffer => {
    const h = Buffer.alloc(4);
    h.writeInt32BE(payload.length);
    return Buffer.concat([h, payload]);
  };

  it('splits coalesced and fragmented frames', () => {
    const s = new FrameSplitter();
    const a = Buffer.from('first');
    const b = Buffer.from('second!');
    const stream = Buffer.concat([frame(a), frame(b), frame(Buffer.alloc(0))]);
    const got = [
      ...s.push(stream.subarray(0, 3)),
      ...s.push(stream.subarray(3, 12)),
      ...s.push(stream.subarray(12)),
    ];
    expect(got.map((x) => x.toString())).toEqual(['first', 'second!', '']);
    expect(s.pendingBytes).toBe(0);
  });

  it('rejects negative and oversized frames with FrameError before buffering them', () => {
    expect(() => new FrameSplitter().push(Buffer.from([0xff, 0xff, 0xff, 0xfe]))).toThrow(FrameError);
    const s = new FrameSplitter(1024);
    const h = Buffer.alloc(4);
    h.writeInt32BE(1025);
    expect(() => s.push(h)).toThrow(/exceeds the limit of 1024/);
  });
});
