import { describe, expect, it } from 'vitest';
import { encodeBatch } from '../../../../src/protocol/records/batch';
import { CompressionCodec } from '../../../../src/protocol/records/compression';
import { encodeControlBatch } from '../../../../src/protocol/records/control';
import { decodeFetchedRecords } from '../../../../src/kafka/wire/fetch';

const T0 = 1_700_000_000_000;
// Offsets 0-2: plain records; 3-4: a gzip batch.
const plain = encodeBatch(
  [
    { key: 'a', value: 'one', timestamp: T0 },
    {
      key: null,
      value: null,
      timestamp: T0 + 5,
      headers: [
        { key: 'h', value: 'x' },
        { key: 'h', value: 'y' },
      ],
    },
    { key: 'c', value: Buffer.from([0xff, 0x00]), timestamp: T0 + 9 },
  ],
  { baseOffset: 0 },
);
const zipped = encodeBatch(
  [
    { value: 'four', timestamp: T0 + 20 },
    { value: 'five', timestamp: T0 + 21 },
  ],
  { baseOffset: 3, compression: CompressionCodec.gzip },
);

describe('decodeFetchedRecords', () => {
  it('decodes keys, values, repeated headers and timestamps of plain and compressed batches', () => {
    const d = decodeFetchedRecords('t', 2, Buffer.concat([plain, zipped]), { from: 0n, to: null });
    expect(d.next).toBe(5n);
    expect(
      d.records.map((r) => [
        r.offset,
        r.timestamp,
        r.key?.toString() ?? null,
        r.value?.toString('hex') ?? null,
      ]),
    ).toEqual([
      [0n, BigInt(T0), 'a', Buffer.from('one').toString('hex')],
      [1n, BigInt(T0 + 5), null, null],
      [2n, BigInt(T0 + 9), 'c', 'ff00'],
      [3n, BigInt(T0 + 20), null, Buffer.from('four').toString('hex')],
      [4n, BigInt(T0 + 21), null, Buffer.from('five').toString('hex')],
    ]);
    expect(d.records[1]!.headers['h']).toEqual([Buffer.from('x'), Buffer.from('y')]);
    expect(d.records[0]!.headers).toEqual({});
    expect(d.records.every((r) => r.topic === 't' && r.partition === 2)).toBe(true);
  });

  it('cuts to [from, to) and still reports the next offset past the whole batches', () => {
    const d = decodeFetchedRecords('t', 0, Buffer.concat([plain, zipped]), { from: 1n, to: 4n });
    expect(d.records.map((r) => r.offset)).toEqual([1n, 2n, 3n]);
    expect(d.next).toBe(5n);
  });

  it('keeps the whole batches before a partial one at the end, and flags a fetch with no whole batch', () => {
    const torn = Buffer.concat([plain, zipped.subarray(0, zipped.length - 3)]);
    const d = decodeFetchedRecords('t', 0, torn, { from: 0n, to: null });
    expect(d.records).toHaveLength(3);
    expect(d.next).toBe(3n);
    expect(d.truncated).toBe(false);
    const none = decodeFetchedRecords('t', 0, zipped.subarray(0, 40), { from: 3n, to: null });
    expect(none).toMatchObject({ records: [], next: 3n, truncated: true });
  });

  it('a corrupted batch is an error, not silently skipped', () => {
    const bad = Buffer.from(plain);
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    expect(() => decodeFetchedRecords('t', 0, bad, { from: 0n, to: null })).toThrow(/crc/);
  });

  it('read_committed: skips an aborted transaction and control batches; read_uncommitted keeps its records', () => {
    const pid = 7;
    const txn = (values: string[], baseOffset: number) =>
      encodeBatch(
        values.map((value) => ({ value, timestamp: T0 })),
        { baseOffset, producerId: pid, producerEpoch: 0, baseSequence: baseOffset, isTransactional: true },
      );
    const marker = (type: 'COMMIT' | 'ABORT', offset: number) =>
      encodeControlBatch({
        type,
        producerId: pid,
        producerEpoch: 0,
        baseOffset: offset,
        timestamp: T0,
        coordinatorEpoch: 0,
      });
    // 0-1 committed, 2 COMMIT, 3-4 aborted, 5 ABORT, 6 committed, 7 COMMIT
    const log = Buffer.concat([
      txn(['a', 'b'], 0),
      marker('COMMIT', 2),
      txn(['x', 'y'], 3),
      marker('ABORT', 5),
      txn(['c'], 6),
      marker('COMMIT', 7),
    ]);
    const committed = decodeFetchedRecords('t', 0, log, {
      from: 0n,
      to: null,
      readCommitted: true,
      abortedTransactions: [{ producerId: BigInt(pid), firstOffset: 3n }],
    });
    expect(committed.records.map((r) => r.value?.toString())).toEqual(['a', 'b', 'c']);
    expect(committed.next).toBe(8n);
    const all = decodeFetchedRecords('t', 0, log, { from: 0n, to: null });
    expect(all.records.map((r) => r.value?.toString())).toEqual(['a', 'b', 'x', 'y', 'c']);
  });
});
