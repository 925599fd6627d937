// TransactionCoordinator as a pure state machine: partitions are fakes that record the control
// batches written to them, the clock is a variable, the store is in memory (one store shared by
// two coordinators stands for a broker restart).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PartitionLog } from '../../../../src/broker/log/storage';
import { ErrorCode } from '../../../../src/protocol/errors';
import { readBatchHeader } from '../../../../src/protocol/records/batch';
import { readControlMarker } from '../../../../src/protocol/records/control';
import {
  PRODUCER_ID_BLOCK,
  TransactionCoordinator,
  TxnError,
  type TxnOffsetCompleter,
} from '../../../../src/broker/txn/coordinator';
import {
  FileTxnStore,
  MemoryTxnStore,
  TxnStoreError,
  type TxnSnapshot,
} from '../../../../src/broker/txn/store';

interface Marker {
  topic: string;
  partition: number;
  type: string;
  producerId: number;
  producerEpoch: number;
  fromClient: boolean | undefined;
}

class Harness {
  markers: Marker[] = [];
  notified: string[] = [];
  completed: { producerId: number; commit: boolean }[] = [];
  clock = 1_000_000;
  topics = new Map<string, number>([
    ['a', 3],
    ['b', 1],
  ]);
  /** "topic-partition" whose next append throws. */
  failing = new Set<string>();
  /** When set, completeTxnOffsets waits for this promise. */
  gate: Promise<void> | undefined;
  groups: TxnOffsetCompleter | undefined = {
    completeTxnOffsets: (producerId, commit) => {
      this.completed.push({ producerId, commit });
      return this.gate;
    },
  };

  constructor(readonly store = new MemoryTxnStore()) {}

  coordinator(config: { maxTimeoutMs?: number; idExpirationMs?: number } = {}): TransactionCoordinator {
    return new TransactionCoordinator({
      store: this.store,
      partition: (topic, partition) => {
        const count = this.topics.get(topic);
        if (count === undefined || partition >= count) return undefined;
        const log = {
          append: (buf: Buffer, opts?: { fromClient?: boolean }) => {
            const key = `${topic}-${partition}`;
            if (this.failing.delete(key)) throw new Error(`disk full on ${key}`);
            const h = readBatchHeader(buf);
            this.markers.push({
              topic,
              partition,
              type: readControlMarker(buf)?.type ?? 'none',
              producerId: h.producerId,
              producerEpoch: h.producerEpoch,
              fromClient: opts?.fromClient,
            });
            return { baseOffset: 0, lastOffset: 0, logAppendTime: -1, logStartOffset: 0, duplicate: false };
          },
        } as unknown as PartitionLog;
        return { log, leaderEpoch: 0 };
      },
      notifyAppend: (topic, partition) => this.notified.push(`${topic}-${partition}`),
      groups: () => this.groups,
      now: () => this.clock,
      config,
    });
  }
}

/** The error code a call fails with (the test fails when it does not). */
async function codeOf(fn: () => unknown): Promise<number> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof TxnError) return err.code;
    throw err;
  }
  throw new Error('expected a TxnError');
}

const init = (c: TransactionCoordinator, id: string, timeoutMs = 60_000) =>
  c.initProducerId({ transactionalId: id, transactionTimeoutMs: timeoutMs });

describe('producer ids', () => {
  it('gives idempotent producers a fresh id at epoch 0 each time', async () => {
    const c = new Harness().coordinator();
    const a = await c.initProducerId({ transactionalId: null, transactionTimeoutMs: 0 });
    const b = await c.initProducerId({ transactionalId: null, transactionTimeoutMs: 0 });
    expect(a).toEqual({ producerId: 0, producerEpoch: 0 });
    expect(b).toEqual({ producerId: 1, producerEpoch: 0 });
  });

  it('keeps the producer id of a transactional id and bumps its epoch', async () => {
    const c = new Harness().coordinator();
    expect(await init(c, 'tx')).toEqual({ producerId: 0, producerEpoch: 0 });
    expect(await init(c, 'tx')).toEqual({ producerId: 0, producerEpoch: 1 });
    expect(await init(c, 'other')).toEqual({ producerId: 1, producerEpoch: 0 });
  });

  it('refuses an empty transactional id and timeouts outside 1..max', async () => {
    const c = new Harness().coordinator({ maxTimeoutMs: 10_000 });
    expect(await codeOf(() => init(c, ''))).toBe(ErrorCode.INVALID_REQUEST);
    expect(await codeOf(() => init(c, 'tx', 0))).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(await codeOf(() => init(c, 'tx', 10_001))).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect(await init(c, 'tx', 10_000)).toEqual({ producerId: 0, producerEpoch: 0 });
  });

  it('bumps the epoch a KIP-360 request names, answers a retry of that bump, fences other epochs', async () => {
    const c = new Harness().coordinator();
    await init(c, 'tx'); // id 0, epoch 0
    const bump = { transactionalId: 'tx', transactionTimeoutMs: 60_000, producerId: 0, producerEpoch: 0 };
    expect(await c.initProducerId(bump)).toEqual({ producerId: 0, producerEpoch: 1 });
    // The answer was lost and the client asks again with epoch 0: same result, no second bump.
    expect(await c.initProducerId(bump)).toEqual({ producerId: 0, producerEpoch: 1 });
    expect(await c.initProducerId({ ...bump, producerEpoch: 1 })).toEqual({
      producerId: 0,
      producerEpoch: 2,
    });
    expect(await codeOf(() => c.initProducerId({ ...bump, producerEpoch: 0 }))).toBe(
      ErrorCode.PRODUCER_FENCED,
    );
    expect(await codeOf(() => c.initProducerId({ ...bump, producerId: 7, producerEpoch: 2 }))).toBe(
      ErrorCode.PRODUCER_FENCED,
    );
  });

  it('moves to a new producer id at epoch 0 once the epoch is exhausted', async () => {
    const h = new Harness();
    const snapshot: TxnSnapshot = {
      version: 1,
      producerIdBlockEnd: 1000,
      transactions: [
        {
          transactionalId: 'old',
          producerId: 5,
          producerEpoch: 32766,
          lastProducerId: -1,
          lastProducerEpoch: -1,
          timeoutMs: 60_000,
          state: 'CompleteCommit',
          partitions: [],
          groups: [],
          txnStartMs: -1,
          lastUpdateMs: h.clock,
        },
      ],
    };
    h.store.save(snapshot);
    const c = h.coordinator();
    // Ids of the block saved before the restart are never handed out again: the new one is 1000.
    expect(await init(c, 'old')).toEqual({ producerId: 1000, producerEpoch: 0 });
    expect(c.describe('old')?.lastProducerId).toBe(5);
    expect(c.checkProduce(5, 32766, 'a', 0, true)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  });
});

describe('transaction states', () => {
  it('commits: markers on every partition at the producer epoch, then Complete; a retry succeeds', async () => {
    const h = new Harness();
    const c = h.coordinator();
    const { producerId, producerEpoch } = await init(c, 'tx');
    await init(c, 'tx'); // epoch 1: the markers must carry it
    expect(c.describe('tx')?.state).toBe('Empty');
    c.addPartitions('tx', producerId, producerEpoch + 1, [
      { topic: 'a', partition: 0 },
      { topic: 'a', partition: 2 },
    ]);
    c.addPartitions('tx', producerId, producerEpoch + 1, [
      { topic: 'b', partition: 0 },
      { topic: 'a', partition: 0 },
    ]);
    expect(c.describe('tx')?.state).toBe('Ongoing');
    expect(c.describe('tx')?.partitions).toHaveLength(3);
    await c.endTxn('tx', producerId, 1, true);
    expect(h.markers).toEqual([
      { topic: 'a', partition: 0, type: 'COMMIT', producerId: 0, producerEpoch: 1, fromClient: false },
      { topic: 'a', partition: 2, type: 'COMMIT', producerId: 0, producerEpoch: 1, fromClient: false },
      { topic: 'b', partition: 0, type: 'COMMIT', producerId: 0, producerEpoch: 1, fromClient: false },
    ]);
    expect(h.notified).toEqual(['a-0', 'a-2', 'b-0']);
    expect(c.describe('tx')?.state).toBe('CompleteCommit');
    await c.endTxn('tx', producerId, 1, true); // retry of a lost answer
    expect(h.markers).toHaveLength(3);
    expect(await codeOf(() => c.endTxn('tx', producerId, 1, false))).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('aborts with ABORT markers; the next transaction starts from CompleteAbort', async () => {
    const h = new Harness();
    const c = h.coordinator();
    const { producerId: pid } = await init(c, 'tx');
    c.addPartitions('tx', pid, 0, [{ topic: 'b', partition: 0 }]);
    await c.endTxn('tx', pid, 0, false);
    expect(h.markers.map((m) => m.type)).toEqual(['ABORT']);
    expect(c.describe('tx')?.state).toBe('CompleteAbort');
    expect(await codeOf(() => c.endTxn('tx', pid, 0, true))).toBe(ErrorCode.INVALID_TXN_STATE);
    c.addPartitions('tx', pid, 0, [{ topic: 'a', partition: 1 }]);
    expect(c.describe('tx')?.state).toBe('Ongoing');
    expect(c.describe('tx')?.partitions).toEqual([{ topic: 'a', partition: 1 }]);
  });

  it('refuses EndTxn with no transaction open, and requests of unknown or other producers', async () => {
    const c = new Harness().coordinator();
    const { producerId: pid } = await init(c, 'tx');
    expect(await codeOf(() => c.endTxn('tx', pid, 0, true))).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await codeOf(() => c.endTxn('nope', pid, 0, true))).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await codeOf(() => c.addPartitions('tx', pid + 1, 0, []))).toBe(
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    );
    expect(await codeOf(() => c.addOffsets('nope', pid, 0, 'g'))).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  });

  it('fences the old epoch once a new producer initialises the same transactional id', async () => {
    const h = new Harness();
    const c = h.coordinator();
    const first = await init(c, 'tx');
    c.addPartitions('tx', first.producerId, first.producerEpoch, [{ topic: 'a', partition: 0 }]);
    const second = await init(c, 'tx');
    // The open transaction was aborted at a bumped epoch (1), then the new producer got epoch 2.
    expect(h.markers).toEqual([
      { topic: 'a', partition: 0, type: 'ABORT', producerId: 0, producerEpoch: 1, fromClient: false },
    ]);
    expect(second).toEqual({ producerId: 0, producerEpoch: 2 });
    expect(await codeOf(() => c.addPartitions('tx', 0, 0, [{ topic: 'a', partition: 1 }]))).toBe(
      ErrorCode.PRODUCER_FENCED,
    );
    expect(await codeOf(() => c.endTxn('tx', 0, 0, true))).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await codeOf(() => c.addOffsets('tx', 0, 0, 'g'))).toBe(ErrorCode.PRODUCER_FENCED);
    expect(c.checkProduce(0, 0, 'a', 0, true)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('answers CONCURRENT_TRANSACTIONS while a commit completes its offsets', async () => {
    const h = new Harness();
    let release!: () => void;
    h.gate = new Promise((r) => (release = r));
    const c = h.coordinator();
    const { producerId: pid } = await init(c, 'tx');
    c.addOffsets('tx', pid, 0, 'group-1');
    c.addPartitions('tx', pid, 0, [{ topic: 'b', partition: 0 }]);
    const ending = c.endTxn('tx', pid, 0, true);
    await Promise.resolve();
    expect(c.describe('tx')?.state).toBe('PrepareCommit');
    // Markers are already written; the offsets are not complete yet.
    expect(h.markers.map((m) => m.type)).toEqual(['COMMIT']);
    expect(await codeOf(() => c.addPartitions('tx', pid, 0, [{ topic: 'a', partition: 0 }]))).toBe(
      ErrorCode.CONCURRENT_TRANSACTIONS,
    );
    expect(await codeOf(() => c.endTxn('tx', pid, 0, true))).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(await codeOf(() => c.endTxn('tx', pid, 0, false))).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await codeOf(() => init(c, 'tx'))).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    release();
    await ending;
    expect(h.completed).toEqual([{ producerId: pid, commit: true }]);
    expect(c.describe('tx')?.state).toBe('CompleteCommit');
  });

  it('completes group offsets on commit and drops them on abort', async () => {
    const h = new Harness();
    const c = h.coordinator();
    const { producerId: pid } = await init(c, 'tx');
    c.addOffsets('tx', pid, 0, 'g');
    c.checkTxnOffsetCommit('tx', pid, 0, 'g');
    expect(await codeOf(() => c.checkTxnOffsetCommit('tx', pid, 0, 'other-group'))).toBe(
      ErrorCode.INVALID_TXN_STATE,
    );
    expect(await codeOf(() => c.checkTxnOffsetCommit('tx', pid, 1, 'g'))).toBe(
      ErrorCode.INVALID_PRODUCER_EPOCH,
    );
    expect(await codeOf(() => c.checkTxnOffsetCommit('tx', pid + 5, 0, 'g'))).toBe(
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    );
    await c.endTxn('tx', pid, 0, true);
    // An offsets-only transaction writes no marker.
    expect(h.markers).toEqual([]);
    c.addOffsets('tx', pid, 0, 'g');
    await c.endTxn('tx', pid, 0, false);
    expect(h.completed).toEqual([
      { producerId: pid, commit: true },
      { producerId: pid, commit: false },
    ]);
    // After the transaction, the group is no longer part of one.
    expect(await codeOf(() => c.checkTxnOffsetCommit('tx', pid, 0, 'g'))).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('verifies partitions without adding them (AddPartitionsToTxn v4 verify_only)', async () => {
    const c = new Harness().coordinator();
    const { producerId: pid } = await init(c, 'tx');
    c.addPartitions('tx', pid, 0, [{ topic: 'a', partition: 0 }]);
    expect(
      c.verifyPartitions('tx', pid, 0, [
        { topic: 'a', partition: 0 },
        { topic: 'a', partition: 1 },
      ]),
    ).toEqual([ErrorCode.NONE, ErrorCode.INVALID_TXN_STATE]);
    expect(c.describe('tx')?.partitions).toEqual([{ topic: 'a', partition: 0 }]);
  });

  it('keeps a transaction in Prepare until every marker is written, retrying on the timer', async () => {
    const h = new Harness();
    const c = h.coordinator();
    const { producerId: pid } = await init(c, 'tx');
    c.addPartitions('tx', pid, 0, [
      { topic: 'a', partition: 0 },
      { topic: 'a', partition: 1 },
    ]);
    h.failing.add('a-1');
    await c.endTxn('tx', pid, 0, true);
    expect(h.markers.map((m) => `${m.topic}-${m.partition}`)).toEqual(['a-0']);
    expect(c.describe('tx')?.state).toBe('PrepareCommit');
    expect(await codeOf(() => c.endTxn('tx', pid, 0, true))).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    await c.abortExpired();
    expect(h.markers.map((m) => `${m.topic}-${m.partition}:${m.type}`)).toEqual(['a-0:COMMIT', 'a-1:COMMIT']);
    expect(c.describe('tx')?.state).toBe('CompleteCommit');
  });
});

describe('produce checks', () => {
  it('lets idempotent batches through and holds transactional ones to the open transaction', async () => {
    const c = new Harness().coordinator();
    expect(c.checkProduce(42, 0, 'a', 0, false)).toBe(ErrorCode.NONE);
    expect(c.checkProduce(-1, -1, 'a', 0, false)).toBe(ErrorCode.NONE);
    expect(c.checkProduce(42, 0, 'a', 0, true)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const { producerId: pid } = await init(c, 'tx');
    expect(c.checkProduce(pid, 0, 'a', 0, true)).toBe(ErrorCode.INVALID_TXN_STATE); // Empty
    c.addPartitions('tx', pid, 0, [{ topic: 'a', partition: 0 }]);
    expect(c.checkProduce(pid, 0, 'a', 0, true)).toBe(ErrorCode.NONE);
    expect(c.checkProduce(pid, 0, 'a', 1, true)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(c.checkProduce(pid, 1, 'a', 0, true)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    await c.endTxn('tx', pid, 0, true);
    expect(c.checkProduce(pid, 0, 'a', 0, true)).toBe(ErrorCode.INVALID_TXN_STATE);
  });
});

describe('timeouts', () => {
  it('aborts a transaction open longer than its timeout and fences its producer', async () => {
    const h = new Harness();
    const c = h.coordinator();
    const { producerId: pid } = await init(c, 'tx', 5_000);
    c.addPartitions('tx', pid, 0, [{ topic: 'b', partition: 0 }]);
    h.clock += 5_000;
    await c.abortExpired();
    expect(c.describe('tx')?.state).toBe('Ongoing'); // exactly at the timeout: not yet
    // Adding partitions later does not restart the clock.
    c.addPartitions('tx', pid, 0, [{ topic: 'a', partition: 0 }]);
    h.clock += 1;
    await c.abortExpired();
    expect(h.markers).toEqual([
      { topic: 'b', partition: 0, type: 'ABORT', producerId: pid, producerEpoch: 1, fromClient: false },
      { topic: 'a', partition: 0, type: 'ABORT', producerId: pid, producerEpoch: 1, fromClient: false },
    ]);
    expect(c.describe('tx')).toMatchObject({ state: 'CompleteAbort', producerEpoch: 1 });
    expect(await codeOf(() => c.endTxn('tx', pid, 0, true))).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await codeOf(() => c.endTxn('tx', pid, 0, false))).toBe(ErrorCode.PRODUCER_FENCED);
    expect(c.checkProduce(pid, 0, 'b', 0, true)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    // A new session of the same id goes on from the fenced epoch.
    expect(await init(c, 'tx')).toEqual({ producerId: pid, producerEpoch: 2 });
  });

  it('forgets transactional ids idle past transactional.id.expiration.ms', async () => {
    const h = new Harness();
    const c = h.coordinator({ idExpirationMs: 1_000 });
    await init(c, 'idle');
    const { producerId: pid } = await init(c, 'busy');
    c.addPartitions('busy', pid, 0, [{ topic: 'a', partition: 0 }]);
    h.clock += 1_001;
    await c.abortExpired();
    expect(c.describe('idle')).toBeUndefined();
    expect(c.describe('busy')?.state).toBe('Ongoing');
  });
});

describe('persistence', () => {
  it('restores ids and epochs after a restart and never reuses a producer id', async () => {
    const h = new Harness();
    const before = h.coordinator();
    expect(await init(before, 'tx')).toEqual({ producerId: 0, producerEpoch: 0 });
    await before.initProducerId({ transactionalId: null, transactionTimeoutMs: 0 }); // id 1
    const after = h.coordinator();
    await after.recover();
    expect(await init(after, 'tx')).toEqual({ producerId: 0, producerEpoch: 1 });
    expect(await after.initProducerId({ transactionalId: null, transactionTimeoutMs: 0 })).toEqual({
      producerId: PRODUCER_ID_BLOCK,
      producerEpoch: 0,
    });
  });

  it('aborts on restart a transaction left Ongoing, at a bumped epoch', async () => {
    const h = new Harness();
    const before = h.coordinator();
    const { producerId: pid } = await init(before, 'tx');
    before.addPartitions('tx', pid, 0, [
      { topic: 'a', partition: 1 },
      { topic: 'b', partition: 0 },
    ]);
    before.close();
    const after = h.coordinator();
    await after.recover();
    expect(h.markers).toEqual([
      { topic: 'a', partition: 1, type: 'ABORT', producerId: pid, producerEpoch: 1, fromClient: false },
      { topic: 'b', partition: 0, type: 'ABORT', producerId: pid, producerEpoch: 1, fromClient: false },
    ]);
    expect(after.describe('tx')?.state).toBe('CompleteAbort');
    expect(await codeOf(() => after.endTxn('tx', pid, 0, true))).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await init(after, 'tx')).toEqual({ producerId: pid, producerEpoch: 2 });
  });

  it('completes on restart a commit that was decided but not fully written', async () => {
    const h = new Harness();
    const before = h.coordinator();
    const { producerId: pid } = await init(before, 'tx');
    before.addPartitions('tx', pid, 0, [
      { topic: 'a', partition: 0 },
      { topic: 'a', partition: 1 },
    ]);
    h.failing.add('a-1');
    await before.endTxn('tx', pid, 0, true);
    const after = h.coordinator();
    await after.recover();
    expect(h.markers.map((m) => `${m.topic}-${m.partition}:${m.type}@${m.producerEpoch}`)).toEqual([
      'a-0:COMMIT@0',
      'a-1:COMMIT@0',
    ]);
    expect(after.describe('tx')?.state).toBe('CompleteCommit');
  });

  it('keeps the state in <dataDir>/kflow-txn.json and refuses a corrupt file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kflow-txn-'));
    try {
      const h = new Harness(new FileTxnStore(dir) as unknown as MemoryTxnStore);
      const c = h.coordinator();
      await init(c, 'tx');
      const saved = JSON.parse(fs.readFileSync(path.join(dir, 'kflow-txn.json'), 'utf8')) as TxnSnapshot;
      expect(saved.producerIdBlockEnd).toBe(PRODUCER_ID_BLOCK);
      expect(
        saved.transactions.map((t) => [t.transactionalId, t.producerId, t.producerEpoch, t.state]),
      ).toEqual([['tx', 0, 0, 'Empty']]);
      expect(await init(h.coordinator(), 'tx')).toEqual({ producerId: 0, producerEpoch: 1 });
      fs.writeFileSync(path.join(dir, 'kflow-txn.json'), '{"version":1,');
      expect(() => h.coordinator()).toThrow(TxnStoreError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
