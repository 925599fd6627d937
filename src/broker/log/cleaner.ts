// Log compaction (cleanup.policy=compact): keep the latest record per key.
//
//   closed segments (cleanable)                         active segment (never cleaned)
//   [k1=a k2=b k1=c] [k3=x k2=null k1=d]               [k1=e ...]
//    ->  [      k2=b?  ] [k3=x k2=null k1=d]            (k2=b goes: k2's latest is the tombstone;
//                                                        the tombstone goes once delete.retention.ms passed)
//
// Offsets never change: a batch that loses records is re-encoded with its original base offset and
// last offset delta (so producer sequence state stays valid), leaving gaps that consumers skip.
// Compressed batches are decompressed and recompressed with the same codec. Records of aborted
// transactions are dropped; control batches are kept.
import fs from 'node:fs';
import {
  compressionOf,
  decodeRecords,
  encodeBatch,
  isControl,
  isTransactional,
  LOG_OVERHEAD,
  timestampTypeOf,
  type RecordInput,
} from '../../protocol/records/batch';
import { LOG_SUFFIX, type Segment } from './segment';

/** Latest offset per key over `segments` (keys as latin1 strings: one char per byte). */
export function buildKeyMap(segments: Segment[]): Map<string, number> {
  const map = new Map<string, number>();
  forEachBatch(segments, (bytes) => {
    for (const r of decodeRecords(bytes)) if (r.key) map.set(r.key.toString('latin1'), r.offset);
  });
  return map;
}

function forEachBatch(segments: Segment[], fn: (bytes: Buffer, seg: Segment) => void): void {
  for (const seg of segments) {
    let pos = 0;
    for (let h = seg.headerAt(pos); h; h = seg.headerAt(pos)) {
      const size = h.batchLength + LOG_OVERHEAD;
      if (!isControl(h.attributes)) fn(seg.read(pos, size), seg);
      pos += size;
    }
  }
}

export interface CleanOptions {
  now: number;
  deleteRetentionMs: number;
  isAborted(producerId: number, offset: number): boolean;
}

/**
 * Writes the cleaned copy of `seg` to `<base>.log.cleaned`. Returns its path and size, or null
 * when nothing would change.
 */
export function cleanSegment(
  seg: Segment,
  keys: Map<string, number>,
  opts: CleanOptions,
): { path: string; size: number } | null {
  const out = seg.file(LOG_SUFFIX + '.cleaned');
  const fd = fs.openSync(out, 'w');
  let size = 0;
  let changed = false;
  const write = (b: Buffer) => {
    fs.writeSync(fd, b, 0, b.length, size);
    size += b.length;
  };
  try {
    let pos = 0;
    for (let h = seg.headerAt(pos); h; h = seg.headerAt(pos)) {
      const len = h.batchLength + LOG_OVERHEAD;
      const bytes = seg.read(pos, len);
      pos += len;
      if (isControl(h.attributes)) {
        write(bytes);
        continue;
      }
      if (isTransactional(h.attributes) && opts.isAborted(h.producerId, h.baseOffset)) {
        changed = true;
        continue;
      }
      const records = decodeRecords(bytes);
      const tombstoneHorizon = opts.now - opts.deleteRetentionMs;
      const kept = records.filter((r) => {
        if (!r.key) return true;
        if (keys.get(r.key.toString('latin1')) !== r.offset) return false;
        return !(r.value === null && h.maxTimestamp < tombstoneHorizon);
      });
      if (kept.length === records.length) {
        write(bytes);
        continue;
      }
      changed = true;
      if (kept.length === 0) continue;
      const inputs: RecordInput[] = kept.map((r) => ({
        key: r.key,
        value: r.value,
        headers: r.headers,
        timestamp: r.timestamp,
        offset: r.offset,
      }));
      write(
        encodeBatch(inputs, {
          baseOffset: h.baseOffset,
          partitionLeaderEpoch: h.partitionLeaderEpoch,
          compression: compressionOf(h.attributes),
          timestampType: timestampTypeOf(h.attributes),
          baseTimestamp: h.baseTimestamp,
          maxTimestamp: h.maxTimestamp,
          producerId: h.producerId,
          producerEpoch: h.producerEpoch,
          baseSequence: h.baseSequence,
          isTransactional: isTransactional(h.attributes),
          lastOffsetDelta: h.lastOffsetDelta,
        }),
      );
    }
    if (changed) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (!changed) {
    fs.rmSync(out, { force: true });
    return null;
  }
  return { path: out, size };
}
