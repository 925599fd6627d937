// Per-producer state for idempotence and transactions, rebuilt from the log on recovery.
//
// Idempotence: a producer (id, epoch) numbers its batches per partition with consecutive
// sequences. The broker keeps the last 5 batches of each producer (the client's
// max.in.flight.requests.per.connection ceiling), so a retried batch is recognised and answered
// with its original offsets, and a batch that skips ahead is rejected:
//
//   cached: [seq 10-14 @ off 500-504] [seq 15-19 @ off 505-509]
//   next 20-24 -> append      next 15-19 -> duplicate of 505-509      next 22-26 -> OUT_OF_ORDER
//
// Transactions: the first data batch of a transactional producer opens a transaction at its base
// offset; the COMMIT/ABORT marker closes it. The last stable offset is the smallest open first offset.
import { InvalidProducerEpochError, OutOfOrderSequenceError } from './storage';

export const MAX_CACHED_BATCHES = 5;

export interface BatchInfo {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  isTransactional: boolean;
  /** For control batches: the marker type. */
  control?: 'ABORT' | 'COMMIT' | 'OTHER';
}

interface CachedBatch {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
}

export interface ProducerEntry {
  producerId: number;
  epoch: number;
  batches: CachedBatch[];
  lastTimestamp: number;
  /** First offset of this producer's open transaction, or -1. */
  txnFirstOffset: number;
}

export interface ProducerStateSnapshot {
  version: 1;
  producers: ProducerEntry[];
}

const INT32_MAX = 0x7fffffff;
const seqAdd = (seq: number, n: number): number => (seq + n) % (INT32_MAX + 1);

export class ProducerStateManager {
  private producers = new Map<number, ProducerEntry>();

  /**
   * Checks a client batch against the producer's cached state. Returns the original offsets of a
   * duplicate, null for a batch to append; throws on a fenced epoch or a sequence gap.
   */
  check(
    b: BatchInfo,
    ctx: { topic: string; partition: number },
  ): { baseOffset: number; lastOffset: number } | null {
    if (b.producerId < 0 || b.control) return null;
    const entry = this.producers.get(b.producerId);
    if (!entry) return null;
    if (b.producerEpoch < entry.epoch) {
      throw new InvalidProducerEpochError(
        `producer ${b.producerId} epoch ${b.producerEpoch} is older than ${entry.epoch}`,
        ctx,
      );
    }
    if (b.baseSequence < 0) return null;
    const lastSeq = seqAdd(b.baseSequence, b.lastOffset - b.baseOffset);
    if (b.producerEpoch > entry.epoch) {
      if (b.baseSequence !== 0) {
        throw new OutOfOrderSequenceError(
          `producer ${b.producerId} new epoch ${b.producerEpoch} starts at sequence ${b.baseSequence}, expected 0`,
          ctx,
        );
      }
      return null;
    }
    for (const c of entry.batches) {
      if (c.firstSeq === b.baseSequence && c.lastSeq === lastSeq) {
        return { baseOffset: c.firstOffset, lastOffset: c.lastOffset };
      }
    }
    const last = entry.batches[entry.batches.length - 1];
    if (last && b.baseSequence !== seqAdd(last.lastSeq, 1)) {
      throw new OutOfOrderSequenceError(
        `producer ${b.producerId} sent sequence ${b.baseSequence}, expected ${seqAdd(last.lastSeq, 1)}`,
        ctx,
      );
    }
    return null;
  }

  /**
   * Records a batch that is now in the log. For a marker, returns the first offset of the
   * transaction it closed (so the log can index an abort), or -1.
   */
  update(b: BatchInfo): number {
    if (b.producerId < 0) return -1;
    let entry = this.producers.get(b.producerId);
    if (!entry) {
      entry = {
        producerId: b.producerId,
        epoch: b.producerEpoch,
        batches: [],
        lastTimestamp: -1,
        txnFirstOffset: -1,
      };
      this.producers.set(b.producerId, entry);
    }
    if (b.producerEpoch > entry.epoch) {
      entry.epoch = b.producerEpoch;
      entry.batches = [];
    }
    entry.lastTimestamp = Math.max(entry.lastTimestamp, b.maxTimestamp);
    if (b.control) {
      const first = entry.txnFirstOffset;
      entry.txnFirstOffset = -1;
      return first;
    }
    if (b.isTransactional && entry.txnFirstOffset < 0) entry.txnFirstOffset = b.baseOffset;
    if (b.baseSequence >= 0) {
      entry.batches.push({
        firstSeq: b.baseSequence,
        lastSeq: seqAdd(b.baseSequence, b.lastOffset - b.baseOffset),
        firstOffset: b.baseOffset,
        lastOffset: b.lastOffset,
      });
      if (entry.batches.length > MAX_CACHED_BATCHES) entry.batches.shift();
    }
    return -1;
  }

  /** First offset of the earliest open transaction, or undefined. */
  firstUnstableOffset(): number | undefined {
    let min: number | undefined;
    for (const e of this.producers.values()) {
      if (e.txnFirstOffset >= 0 && (min === undefined || e.txnFirstOffset < min)) min = e.txnFirstOffset;
    }
    return min;
  }

  /** Open transactions, producerId → first offset. */
  openTransactions(): Map<number, number> {
    const out = new Map<number, number>();
    for (const e of this.producers.values())
      if (e.txnFirstOffset >= 0) out.set(e.producerId, e.txnFirstOffset);
    return out;
  }

  get(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  clear(): void {
    this.producers.clear();
  }

  snapshot(): ProducerStateSnapshot {
    return { version: 1, producers: [...this.producers.values()] };
  }

  static restore(s: ProducerStateSnapshot): ProducerStateManager {
    const m = new ProducerStateManager();
    for (const p of s.producers) m.producers.set(p.producerId, p);
    return m;
  }
}
