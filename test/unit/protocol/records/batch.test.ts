import { describe, expect, it } from 'vitest';
import {
  CorruptRecordError,
  UnsupportedMessageFormatError,
  decodeRecords,
  encodeBatch,
  readBatchHeader,
  scanBatches,
  setBaseOffset,
  setLogAppendTime,
  splitBatches,
  verifyBatchCrc,
  isControl,
  isTransactional,
  timestampTypeOf,
  compressionOf,
} from '../../../../src/protocol/records/batch';
import { crc32c } from '../../../../src/protocol/records/crc32c';
import { encodeControlBatch, readControlMarker } from '../../../../src/protocol/records/control';

const records = [
  { key: 'k1', value: 'v1', timestamp: 1_700_000_000_000, headers: [{ key: 'h', value: 'x' }] },
  { key: null, value: Buffer.alloc(3000, 7), timestamp: 1_700_000_000_005 },
  { key: 'k3', value: null, timestamp: 1_699_999_999_990 },
];

describe('crc32c', () => {
  it('matches the Castagnoli check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
});

describe('record batch v2', () => {
  for (const codec of [0, 1, 2, 3, 4]) {
    it(`round-trips records with codec ${codec}`, () => {
      const buf = encodeBatch(records, {
        baseOffset: 100,
        compression: codec,
        producerId: 42,
        producerEpoch: 3,
        baseSequence: 7,
      });
      const h = readBatchHeader(buf);
      expect(h.magic).toBe(2);
      expect(h.batchLength + 12).toBe(buf.length);
      expect(compressionOf(h.attributes)).toBe(codec);
      expect(h.lastOffsetDelta).toBe(2);
      expect(h.recordCount).toBe(3);
      expect(h.producerId).toBe(42);
      expect(h.producerEpoch).toBe(3);
      expect(h.baseSequence).toBe(7);
      expect(h.maxTimestamp).toBe(1_700_000_000_005);
      expect(verifyBatchCrc(buf)).toBe(true);
      const out = decodeRecords(buf);
      expect(out.map((r) => r.offset)).toEqual([100, 101, 102]);
      expect(out.map((r) => r.timestamp)).toEqual(records.map((r) => r.timestamp));
      expect(out[0]!.key!.toString()).toBe('k1');
      expect(out[0]!.headers[0]!.key).toBe('h');
      expect(out[0]!.headers[0]!.value!.toString()).toBe('x');
      expect(out[1]!.key).toBeNull();
      expect(out[1]!.value!.equals(Buffer.alloc(3000, 7))).toBe(true);
      expect(out[2]!.value).toBeNull();
    });
  }

  it('keeps explicit offsets (gaps) and an overridden lastOffsetDelta', () => {
    const buf = encodeBatch(
      [
        { key: 'a', value: '1', offset: 10 },
        { key: 'b', value: '2', offset: 14 },
      ],
      { baseOffset: 10, lastOffsetDelta: 9, baseTimestamp: 5 },
    );
    expect(readBatchHeader(buf).lastOffsetDelta).toBe(9);
    expect(decodeRecords(buf).map((r) => r.offset)).toEqual([10, 14]);
  });

  it('encodes large and negative varints', () => {
    const buf = encodeBatch(
      [
        { value: 'x', timestamp: 0 },
        { value: 'y', timestamp: 2 ** 40 },
      ],
      { baseTimestamp: 2 ** 39 },
    );
    expect(decodeRecords(buf).map((r) => r.timestamp)).toEqual([0, 2 ** 40]);
  });

  it('splits concatenated batches and rewrites the base offset outside the CRC', () => {
    const a = encodeBatch(records, { baseOffset: 0 });
    const b = encodeBatch(records.slice(0, 1), { baseOffset: 0, compression: 4 });
    const all = Buffer.concat([a, b]);
    const batches = splitBatches(all);
    expect(batches.map((x) => x.position)).toEqual([0, a.length]);
    setBaseOffset(batches[1]!.bytes, 1234, 9);
    expect(verifyBatchCrc(batches[1]!.bytes)).toBe(true);
    const h = readBatchHeader(all, a.length);
    expect(h.baseOffset).toBe(1234);
    expect(h.partitionLeaderEpoch).toBe(9);
    expect(decodeRecords(batches[1]!)[0]!.offset).toBe(1234);
  });

  it('sets LogAppendTime and keeps the CRC valid', () => {
    const buf = encodeBatch(records);
    setLogAppendTime(buf, 1_800_000_000_000);
    expect(verifyBatchCrc(buf)).toBe(true);
    expect(timestampTypeOf(readBatchHeader(buf).attributes)).toBe('LogAppendTime');
    expect(decodeRecords(buf).every((r) => r.timestamp === 1_800_000_000_000)).toBe(true);
  });

  it('rejects a flipped byte with a CRC error carrying the position', () => {
    const a = encodeBatch(records);
    const b = encodeBatch(records);
    b[b.length - 5] = b[b.length - 5]! ^ 0xff;
    const all = Buffer.concat([a, b]);
    expect(() => splitBatches(all)).toThrow(CorruptRecordError);
    try {
      splitBatches(all);
    } catch (err) {
      expect((err as CorruptRecordError).position).toBe(a.length);
      expect((err as CorruptRecordError).reason).toBe('bad-crc');
    }
    expect(scanBatches(all).validBytes).toBe(a.length);
    expect(splitBatches(all, { verifyCrc: false })).toHaveLength(2);
  });

  it('reports torn and short input', () => {
    const a = encodeBatch(records);
    expect((scanBatches(a.subarray(0, a.length - 1)).error as CorruptRecordError).reason).toBe('torn');
    expect((scanBatches(a.subarray(0, 10)).error as CorruptRecordError).reason).toBe('short');
    const bad = Buffer.from(a);
    bad.writeInt32BE(3, 8);
    expect((scanBatches(bad).error as CorruptRecordError).reason).toBe('bad-length');
    expect(splitBatches(Buffer.alloc(0))).toEqual([]);
  });

  it('rejects v0/v1 message sets and unknown magic', () => {
    const v1 = Buffer.alloc(40);
    v1.writeInt32BE(28, 8);
    v1.writeInt8(1, 16);
    expect(() => splitBatches(v1)).toThrow(UnsupportedMessageFormatError);
    v1.writeInt8(0, 16);
    expect(() => splitBatches(v1)).toThrow(/v0 .* not supported/);
    v1.writeInt8(7, 16);
    expect((scanBatches(v1).error as CorruptRecordError).reason).toBe('bad-magic');
  });
});

describe('control batches', () => {
  it('encodes and reads ABORT/COMMIT markers', () => {
    for (const type of ['ABORT', 'COMMIT'] as const) {
      const buf = encodeControlBatch({
        type,
        producerId: 9,
        producerEpoch: 2,
        coordinatorEpoch: 5,
        timestamp: 1,
      });
      const h = readBatchHeader(buf);
      expect(isControl(h.attributes)).toBe(true);
      expect(isTransactional(h.attributes)).toBe(true);
      expect(h.producerId).toBe(9);
      expect(h.baseSequence).toBe(-1);
      expect(readControlMarker(buf)).toMatchObject({ type, coordinatorEpoch: 5 });
    }
    expect(readControlMarker(encodeBatch(records))).toBeNull();
  });
});
