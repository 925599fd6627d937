import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decodeRecords,
  encodeBatch,
  readBatchHeader,
  splitBatches,
} from '../../../../src/protocol/records/batch';
import { encodeControlBatch } from '../../../../src/protocol/records/control';
import { FileLog } from '../../../../src/broker/log/partition-log';
import { LogManager } from '../../../../src/broker/log/log-manager';
import {
  OffsetOutOfRangeError,
  OutOfOrderSequenceError,
  InvalidProducerEpochError,
  type LogConfig,
} from '../../../../src/broker/log/storage';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kflow-log-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const open = (config: Partial<LogConfig> = {}) => FileLog.open(dir, { topic: 't', partition: 0, config });
const batch = (n: number, opts: { key?: (i: number) => string | null; ts?: number; value?: number } = {}) =>
  encodeBatch(
    Array.from({ length: n }, (_, i) => ({
      key: opts.key ? opts.key(i) : `k${i}`,
      value: Buffer.alloc(opts.value ?? 100, i),
      timestamp: (opts.ts ?? 1000) + i,
    })),
  );

/** Whether `at` is where a batch of the segment file `bytes` starts (or its end). */
function isBatchBoundary(bytes: Buffer, at: number): boolean {
  let pos = 0;
  while (pos < at && pos + 12 <= bytes.length) pos += 12 + bytes.readInt32BE(pos + 8);
  return pos === at;
}

function offsetsOf(buf: Buffer): number[] {
  return splitBatches(buf).flatMap((b) => decodeRecords(b).map((r) => r.offset));
}

function readAll(log: FileLog, from = log.earliest()): number[] {
  const out: number[] = [];
  let next = from;
  while (next < log.latest()) {
    const r = log.read(next, 64 * 1024);
    const offs = offsetsOf(r.records).filter((o) => o >= next);
    if (offs.length === 0) break;
    out.push(...offs);
    next = offs[offs.length - 1]! + 1;
  }
  return out;
}

describe('FileLog append/read', () => {
  it('assigns offsets, reads whole batches from the containing batch, and reopens', () => {
    const log = open();
    expect(log.append(batch(3))).toMatchObject({ baseOffset: 0, lastOffset: 2, logAppendTime: -1 });
    expect(log.append(Buffer.concat([batch(2), batch(4)]))).toMatchObject({ baseOffset: 3, lastOffset: 8 });
    const r = log.read(4, 1 << 20);
    expect(readBatchHeader(r.records).baseOffset).toBe(3);
    expect(offsetsOf(r.records)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(r.highWatermark).toBe(9);
    expect(r.lastStableOffset).toBe(9);
    expect(log.read(9, 100).records.length).toBe(0);
    expect(() => log.read(10, 100)).toThrow(OffsetOutOfRangeError);
    // maxBytes smaller than a batch still returns the first whole batch, and only whole batches.
    expect(offsetsOf(log.read(0, 10).records)).toEqual([0, 1, 2]);
    log.close();
    const again = open();
    expect(again.latest()).toBe(9);
    expect(again.append(batch(1)).baseOffset).toBe(9);
    expect(readAll(again)).toEqual([...Array(10).keys()]);
    again.close();
  });

  it('stamps LogAppendTime topics', () => {
    const log = open({ messageTimestampType: 'LogAppendTime' });
    const res = log.append(batch(2), { now: 5555 });
    expect(res.logAppendTime).toBe(5555);
    expect(decodeRecords(log.read(0, 1 << 20).records).map((r) => r.timestamp)).toEqual([5555, 5555]);
    log.close();
  });

  it('rolls segments and finds offsets through the indexes across rolls', () => {
    const log = open({ segmentBytes: 20_000, indexIntervalBytes: 1024 });
    for (let i = 0; i < 200; i++) log.append(batch(3, { ts: 10_000 + i * 10 }));
    expect(log.segmentBaseOffsets().length).toBeGreaterThan(3);
    for (const target of [0, 1, 299, 300, 301, 450, 599]) {
      const r = log.read(target, 2000);
      const h = readBatchHeader(r.records);
      expect(h.baseOffset).toBeLessThanOrEqual(target);
      expect(h.baseOffset + h.lastOffsetDelta).toBeGreaterThanOrEqual(target);
    }
    expect(readAll(log)).toEqual([...Array(600).keys()]);
    // offsetForTimestamp: batch i holds timestamps 10000+10i .. +2 at offsets 3i..3i+2
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 10_000 });
    expect(log.offsetForTimestamp(10_501)).toEqual({ offset: 151, timestamp: 10_501 });
    expect(log.offsetForTimestamp(10_503)).toEqual({ offset: 153, timestamp: 10_510 });
    expect(log.offsetForTimestamp(99_999)).toBeNull();
    expect(log.maxTimestampOffset()).toEqual({ offset: 599, timestamp: 11_992 });
    log.close();
    // Sealed indexes are searched from disk after reopening.
    const again = open({ segmentBytes: 20_000, indexIntervalBytes: 1024 });
    expect(again.offsetForTimestamp(10_501)).toEqual({ offset: 151, timestamp: 10_501 });
    expect(readAll(again, 333)).toEqual([...Array(600).keys()].slice(333));
    again.close();
  });

  it('rebuilds missing indexes on open', () => {
    const log = open({ segmentBytes: 20_000, indexIntervalBytes: 1024 });
    for (let i = 0; i < 100; i++) log.append(batch(3, { ts: 10_000 + i * 10 }));
    log.close();
    for (const f of fs.readdirSync(dir)) if (/index$/.test(f)) fs.rmSync(path.join(dir, f));
    const again = open({ segmentBytes: 20_000, indexIntervalBytes: 1024 });
    expect(readAll(again)).toEqual([...Array(300).keys()]);
    expect(again.offsetForTimestamp(10_501)).toEqual({ offset: 151, timestamp: 10_501 });
    again.close();
  });
});

describe('FileLog recovery', () => {
  it('drops a torn or corrupt tail at random cut points and continues at the right offset', () => {
    for (let trial = 0; trial < 25; trial++) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir);
      const log = open({ segmentBytes: 8_000 });
      const ends: number[] = []; // log end offset after each append, per segment file size
      for (let i = 0; i < 30; i++) ends.push(log.append(batch(1 + (i % 4))).lastOffset + 1);
      // Simulate kill -9: no close(), so no clean-shutdown marker.
      const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.log'))
        .sort();
      const victim = path.join(dir, files[Math.floor(Math.random() * files.length)]!);
      const size = fs.statSync(victim).size;
      const cut = Math.floor(Math.random() * size);
      // A closed segment cut exactly between two batches reads as a segment that ended there: no
      // byte is invalid, so recovery (Kafka's too) keeps the later segments and the cut batches
      // are a gap in the offsets. Every other cut leaves an invalid tail and is dropped with all
      // that follows.
      const bytes = fs.readFileSync(victim);
      const lostAtBoundary =
        trial % 2 === 0 && victim !== path.join(dir, files[files.length - 1]!) && isBatchBoundary(bytes, cut)
          ? offsetsOf(bytes.subarray(cut))
          : [];
      if (trial % 2 === 0) fs.truncateSync(victim, cut);
      else {
        // Flip bytes inside a batch's CRC-covered payload (the last 100 bytes are all record data).
        // baseOffset/partitionLeaderEpoch sit outside the CRC, as in Kafka, so damage there is not detectable.
        const fd = fs.openSync(victim, 'r+');
        fs.writeSync(fd, Buffer.from([0xde, 0xad]), 0, 2, Math.max(0, size - 2 - (cut % 98)));
        fs.closeSync(fd);
      }
      const again = open({ segmentBytes: 8_000 });
      const offsets = readAll(again);
      if (lostAtBoundary.length > 0) {
        const lost = new Set(lostAtBoundary);
        expect(offsets).toEqual([...Array(ends[ends.length - 1]).keys()].filter((o) => !lost.has(o)));
        again.close();
        continue;
      }
      // Only a prefix of whole batches survives, and appends continue right after it.
      expect(offsets).toEqual([...Array(again.latest()).keys()]);
      expect(ends.includes(again.latest()) || again.latest() === 0).toBe(true);
      const next = again.latest();
      expect(again.append(batch(2)).baseOffset).toBe(next);
      expect(readAll(again)).toEqual([...Array(next + 2).keys()]);
      again.close();
    }
  });
});

describe('FileLog retention and deletion', () => {
  it('deletes old segments by retention.bytes and retention.ms and advances the log start', () => {
    const log = open({ segmentBytes: 5_000, retentionBytes: 12_000, retentionMs: -1 });
    for (let i = 0; i < 100; i++) log.append(batch(2, { ts: 1000 + i }));
    const before = log.sizeInBytes();
    expect(log.runMaintenance(5000)).toBeGreaterThan(0);
    expect(log.sizeInBytes()).toBeLessThan(before);
    expect(log.sizeInBytes()).toBeGreaterThanOrEqual(12_000 - 5_000);
    expect(log.earliest()).toBe(log.segmentBaseOffsets()[0]);
    expect(() => log.read(0, 100)).toThrow(OffsetOutOfRangeError);
    expect(readAll(log)[0]).toBe(log.earliest());
    log.updateConfig({ retentionBytes: -1, retentionMs: 10 });
    log.runMaintenance(1_000_000);
    expect(log.earliest()).toBe(200);
    expect(log.latest()).toBe(200);
    expect(log.append(batch(1)).baseOffset).toBe(200);
    log.close();
  });

  it('deleteRecordsBefore moves the log start and survives reopen', () => {
    const log = open({ segmentBytes: 5_000 });
    for (let i = 0; i < 30; i++) log.append(batch(2));
    expect(log.deleteRecordsBefore(25)).toBe(25);
    expect(readAll(log)[0]).toBe(25);
    expect(() => log.deleteRecordsBefore(1000)).toThrow(OffsetOutOfRangeError);
    log.close();
    const again = open({ segmentBytes: 5_000 });
    expect(again.earliest()).toBe(25);
    again.close();
  });

  it('truncateTo removes the batch containing the offset and everything after', () => {
    const log = open({ segmentBytes: 5_000 });
    for (let i = 0; i < 30; i++) log.append(batch(2));
    log.truncateTo(41);
    expect(log.latest()).toBe(40);
    expect(readAll(log)).toEqual([...Array(40).keys()]);
    log.truncateTo(5);
    expect(log.latest()).toBe(4);
    expect(log.append(batch(1)).baseOffset).toBe(4);
    log.close();
  });
});

describe('FileLog compaction', () => {
  it('keeps the latest record per key in closed segments, keeps offsets, honours tombstone retention', () => {
    const cfg: Partial<LogConfig> = {
      segmentBytes: 3_000,
      cleanupPolicy: ['compact'],
      deleteRetentionMs: 1000,
    };
    const log = open(cfg);
    // 60 batches; keys cycle through k0..k4; k0 deleted (tombstone) at the end of the closed range.
    for (let i = 0; i < 60; i++) {
      for (const codec of [i % 5]) {
        const rec = { key: `k${i % 5}`, value: Buffer.alloc(200, i), timestamp: 10_000 + i };
        log.append(encodeBatch([rec], { compression: codec }));
      }
    }
    log.append(encodeBatch([{ key: 'k0', value: null, timestamp: 20_000 }]));
    log.append(encodeBatch([{ key: 'x', value: 'pad'.repeat(1000), timestamp: 20_001 }])); // rolls the tombstone into a closed segment
    for (let i = 0; i < 5; i++)
      log.append(encodeBatch([{ key: 'x', value: 'pad'.repeat(1000), timestamp: 20_002 }]));
    const before = log.sizeInBytes();
    log.runMaintenance(20_500);
    expect(log.sizeInBytes()).toBeLessThan(before);
    const recs = () =>
      splitBatches(Buffer.concat(collect(log)))
        .flatMap((b) => decodeRecords(b))
        .filter((r) => r.key?.toString() !== 'x');
    const kept = recs();
    // k1..k4 latest (offsets 56..59), tombstone for k0 at 60 kept (younger than delete.retention.ms).
    expect(kept.map((r) => [r.key!.toString(), r.offset])).toEqual([
      ['k1', 56],
      ['k2', 57],
      ['k3', 58],
      ['k4', 59],
      ['k0', 60],
    ]);
    expect(kept.at(-1)!.value).toBeNull();
    log.runMaintenance(30_000);
    expect(recs().map((r) => r.key!.toString())).toEqual(['k1', 'k2', 'k3', 'k4']);
    expect(log.latest()).toBe(67);
    log.close();
    const again = open(cfg);
    expect(again.append(batch(1)).baseOffset).toBe(67);
    again.close();
  });
});

function collect(log: FileLog): Buffer[] {
  const out: Buffer[] = [];
  let next = log.earliest();
  while (next < log.latest()) {
    const r = log.read(next, 1 << 20);
    if (!r.records.length) break;
    out.push(r.records);
    const bs = splitBatches(r.records);
    const last = bs.at(-1)!;
    next = last.baseOffset + last.lastOffsetDelta + 1;
  }
  return out;
}

describe('transactions and idempotence', () => {
  const txBatch = (pid: number, seq: number, n = 2) =>
    encodeBatch(
      Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v', timestamp: 1 })),
      { producerId: pid, producerEpoch: 0, baseSequence: seq, isTransactional: true },
    );
  const marker = (pid: number, type: 'ABORT' | 'COMMIT') =>
    encodeControlBatch({ type, producerId: pid, producerEpoch: 0, coordinatorEpoch: 1, timestamp: 2 });

  it('tracks LSO, indexes aborted transactions and filters read_committed reads', () => {
    const log = open();
    log.append(batch(2)); // 0-1
    log.append(txBatch(7, 0)); // 2-3 (pid 7 open at 2)
    log.append(txBatch(8, 0)); // 4-5 (pid 8 open at 4)
    expect(log.lastStableOffset()).toBe(2);
    const rc = log.read(0, 1 << 20, { isolation: 'read_committed' });
    expect(offsetsOf(rc.records)).toEqual([0, 1]);
    expect(rc.lastStableOffset).toBe(2);
    log.append(marker(7, 'ABORT'), { fromClient: false }); // 6
    expect(log.lastStableOffset()).toBe(4);
    log.append(txBatch(8, 2)); // 7-8
    log.append(marker(8, 'COMMIT'), { fromClient: false }); // 9
    expect(log.lastStableOffset()).toBe(10);
    expect(log.abortedTransactions(0, 10)).toEqual([{ producerId: 7, firstOffset: 2 }]);
    expect(log.abortedTransactions(7, 10)).toEqual([]);
    expect(log.abortedIndex()[0]).toMatchObject({
      producerId: 7,
      firstOffset: 2,
      lastOffset: 6,
      lastStableOffset: 4,
    });
    const all = log.read(0, 1 << 20, { isolation: 'read_committed' });
    expect(all.abortedTransactions).toEqual([{ producerId: 7, firstOffset: 2 }]);
    log.append(txBatch(9, 0)); // 10-11 open
    log.close();
    // Clean reopen (snapshot) and unclean reopen (replay) agree.
    for (const unclean of [false, true]) {
      if (unclean) fs.rmSync(path.join(dir, '.clean-shutdown'), { force: true });
      const again = open();
      expect(again.lastStableOffset()).toBe(10);
      expect(again.abortedTransactions(0, 12)).toEqual([{ producerId: 7, firstOffset: 2 }]);
      again.append(marker(9, 'ABORT'), { fromClient: false });
      expect(again.lastStableOffset()).toBe(13);
      again.truncateTo(12);
      expect(again.lastStableOffset()).toBe(10);
      again.close();
      if (!unclean) fs.rmSync(path.join(dir, '.clean-shutdown'));
    }
  });

  it('answers duplicates with the original offsets and rejects gaps and stale epochs', () => {
    const log = open();
    const idem = (seq: number, epoch = 0) =>
      encodeBatch([{ value: 'a' }, { value: 'b' }], {
        producerId: 3,
        producerEpoch: epoch,
        baseSequence: seq,
      });
    expect(log.append(idem(0))).toMatchObject({ baseOffset: 0, duplicate: false });
    expect(log.append(idem(2))).toMatchObject({ baseOffset: 2 });
    expect(log.append(idem(0))).toMatchObject({ baseOffset: 0, lastOffset: 1, duplicate: true });
    expect(() => log.append(idem(7))).toThrow(OutOfOrderSequenceError);
    expect(log.latest()).toBe(4);
    expect(log.append(idem(0, 1))).toMatchObject({ baseOffset: 4 });
    expect(() => log.append(idem(2, 0))).toThrow(InvalidProducerEpochError);
    log.close();
    const again = open();
    expect(again.append(idem(0, 1))).toMatchObject({ baseOffset: 4, duplicate: true });
    again.close();
  });
});

describe('LogManager', () => {
  it('creates, lists and deletes partition directories', () => {
    const m = new LogManager(dir);
    m.open('orders', 0).append(batch(1));
    m.open('orders', 1);
    expect(m.listOnDisk().sort((a, b) => a.partition - b.partition)).toEqual([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
    ]);
    m.delete('orders', 1);
    expect(fs.existsSync(path.join(dir, 'orders-1'))).toBe(false);
    m.closeAll();
    const m2 = new LogManager(dir);
    expect(m2.open('orders', 0).latest()).toBe(1);
    m2.closeAll();
  });
});
