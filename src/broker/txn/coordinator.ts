/**
 * @module broker/txn/coordinator
 * The transaction coordinator: producer ids for idempotent and transactional
 * producers, and the state of every transactional id (Kafka's
 * TransactionCoordinator + TransactionMetadata).
 *
 * States and transitions (Kafka's TransactionState):
 *
 *   Empty ──AddPartitions/AddOffsets──▶ Ongoing ──EndTxn(commit)──▶ PrepareCommit ──markers+offsets──▶ CompleteCommit
 *     ▲                                   │  │                                                              │
 *     │                                   │  └──EndTxn(abort), timeout, new producer──▶ PrepareAbort ──▶ CompleteAbort
 *     │                                   │                                                                  │
 *     └──────InitProducerId (epoch+1)─────┴──────────────── AddPartitions (next txn) ◀────────────────────────┘
 *
 * - PrepareCommit/PrepareAbort last while markers are written and the group
 *   coordinator completes staged offsets; any request meanwhile gets
 *   CONCURRENT_TRANSACTIONS (retriable). A retried EndTxn with the same outcome
 *   after completion succeeds; the other outcome is INVALID_TXN_STATE.
 * - Fencing: InitProducerId for a transactional id bumps its epoch; requests
 *   with an older epoch get PRODUCER_FENCED. An Ongoing transaction is aborted
 *   first, with its markers written at the bumped epoch so the partitions fence
 *   the old producer too. A transaction open longer than its timeout is aborted
 *   the same way by {@link TransactionCoordinator.abortExpired}.
 *
 * Unlike Kafka, EndTxn answers after the markers are written (not once
 * PrepareCommit is logged): the coordinator and every partition live in this
 * process, so a read_committed consumer sees a commit as soon as the producer does.
 *
 * I/O is behind {@link TxnCoordinatorDeps}: a {@link TxnStore} for the state,
 * partition lookups for the markers, the group coordinator for offsets, a clock.
 */
import type { Logger } from 'pino';
import type { PartitionLog } from '../log/storage';
import { ErrorCode } from '../../protocol/errors';
import { encodeControlBatch, type ControlType } from '../../protocol/records/control';
import type { StoredTxn, TxnSnapshot, TxnState, TxnStore, TxnTopicPartition } from './store';

export type { TxnState, TxnTopicPartition } from './store';

/** What the coordinator needs from the group coordinator (implemented by `groups/`). */
export interface TxnOffsetCompleter {
  /** Makes the offsets a producer staged with TxnOffsetCommit visible (commit) or drops them (abort). */
  completeTxnOffsets(producerId: number, commit: boolean): void | Promise<void>;
}

export interface TxnCoordinatorConfig {
  /** transaction.max.timeout.ms: the largest transaction.timeout.ms a producer may ask for. */
  maxTimeoutMs: number;
  /** transactional.id.expiration.ms: an id idle (not Ongoing) this long is forgotten. */
  idExpirationMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms, for {@link TransactionCoordinator.start}. */
  abortCheckIntervalMs: number;
}

export const DEFAULT_TXN_CONFIG: TxnCoordinatorConfig = {
  maxTimeoutMs: 900_000,
  idExpirationMs: 7 * 24 * 3600 * 1000,
  // Kafka checks every 10 s; an embedded broker can afford a tighter loop, so tests need not wait.
  abortCheckIntervalMs: 1_000,
};

export interface TxnCoordinatorDeps {
  store: TxnStore;
  /** The partition a marker goes to, or undefined when its topic was deleted meanwhile. */
  partition(topic: string, partition: number): { log: PartitionLog; leaderEpoch: number } | undefined;
  /** Wakes Fetch long polls after a marker moved a partition's last stable offset. */
  notifyAppend(topic: string, partition: number): void;
  /** Looked up on use: the group coordinator may be built after this one. */
  groups(): TxnOffsetCompleter | undefined;
  now?: () => number;
  logger?: Logger;
  config?: Partial<TxnCoordinatorConfig>;
}

/** A request the coordinator refuses, with the Kafka error code to answer. */
export class TxnError extends Error {
  override name = 'TxnError';
  constructor(
    readonly code: number,
    message: string,
    readonly context: {
      transactionalId?: string;
      producerId?: number;
      producerEpoch?: number;
      state?: TxnState;
    } = {},
  ) {
    const where = Object.entries(context)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    super(where ? `${message} (${where})` : message);
  }
}

export interface ProducerIdAndEpoch {
  producerId: number;
  producerEpoch: number;
}

export interface InitProducerIdArgs {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** KIP-360 (v3+): the producer's current id and epoch when it asks for a bump; -1 otherwise. */
  producerId?: number;
  producerEpoch?: number;
}

const NO_PRODUCER_ID = -1;
const NO_PRODUCER_EPOCH = -1;
const INT16_MAX = 0x7fff;
/** Producer ids are handed out in blocks; only the block end is persisted (Kafka's ProducerIdManager). */
export const PRODUCER_ID_BLOCK = 1000;

const isEpochExhausted = (epoch: number): boolean => epoch >= INT16_MAX - 1;
const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class TransactionCoordinator {
  private readonly txns = new Map<string, StoredTxn>();
  private readonly byProducerId = new Map<number, StoredTxn>();
  /** Transactional ids whose Prepare* completion is running, so the timer does not start a second one. */
  private readonly completing = new Set<string>();
  private nextProducerId = 0;
  private producerIdBlockEnd = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  readonly config: TxnCoordinatorConfig;

  constructor(private readonly deps: TxnCoordinatorDeps) {
    this.now = deps.now ?? Date.now;
    this.config = { ...DEFAULT_TXN_CONFIG, ...deps.config };
    const snap = deps.store.load();
    if (snap) {
      // The rest of the last block may have been handed out before the restart: skip it.
      this.producerIdBlockEnd = snap.producerIdBlockEnd;
      this.nextProducerId = snap.producerIdBlockEnd;
      for (const t of snap.transactions) this.index(t);
    }
  }

  /**
   * Settles what a previous run left open, as Kafka's coordinator does on loading its log: an
   * Ongoing transaction is aborted (its producer is fenced), a Prepare* one is completed.
   * Markers are written before this returns; the returned promise covers the offsets.
   */
  recover(): Promise<void> {
    const work: Promise<void>[] = [];
    for (const txn of this.txns.values()) {
      if (txn.state === 'Ongoing') {
        this.log('info', txn, 'aborting the transaction left open by the previous run');
        work.push(this.fenceAndAbort(txn));
      } else if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') {
        work.push(this.tryComplete(txn));
      }
    }
    return Promise.all(work).then(() => undefined);
  }

  /** Starts the timeout/expiration timer (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.abortExpired().catch((err: unknown) =>
        this.deps.logger?.error({ err: (err as Error).message }, 'transaction timeout check failed'),
      );
    }, this.config.abortCheckIntervalMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The stored state of a transactional id (tests, DescribeTransactions). */
  describe(transactionalId: string): Readonly<StoredTxn> | undefined {
    const t = this.txns.get(transactionalId);
    return t && { ...t, partitions: t.partitions.map((p) => ({ ...p })), groups: [...t.groups] };
  }

  // ---- InitProducerId ----------------------------------------------------------------------------

  async initProducerId(args: InitProducerIdArgs): Promise<ProducerIdAndEpoch> {
    const { transactionalId } = args;
    if (transactionalId === null) {
      // Idempotent producers always get a fresh id: they bump epochs locally (KIP-360).
      return { producerId: this.allocateProducerId(), producerEpoch: 0 };
    }
    if (transactionalId === '')
      throw new TxnError(ErrorCode.INVALID_REQUEST, 'the transactional id is empty');
    const timeoutMs = args.transactionTimeoutMs;
    if (!(timeoutMs > 0 && timeoutMs <= this.config.maxTimeoutMs)) {
      throw new TxnError(
        ErrorCode.INVALID_TRANSACTION_TIMEOUT,
        `transaction.timeout.ms ${timeoutMs} must be between 1 and transaction.max.timeout.ms (${this.config.maxTimeoutMs})`,
        { transactionalId },
      );
    }
    const expected =
      args.producerId !== undefined && args.producerId !== NO_PRODUCER_ID
        ? { producerId: args.producerId, producerEpoch: args.producerEpoch ?? NO_PRODUCER_EPOCH }
        : undefined;

    let txn = this.txns.get(transactionalId);
    if (!txn) {
      // Also when a KIP-360 bump names an id that is gone (expired): nothing is known that could
      // fence it, so it gets a fresh id, as in Kafka.
      txn = {
        transactionalId,
        producerId: this.allocateProducerId(),
        producerEpoch: NO_PRODUCER_EPOCH,
        lastProducerId: NO_PRODUCER_ID,
        lastProducerEpoch: NO_PRODUCER_EPOCH,
        timeoutMs,
        state: 'Empty',
        partitions: [],
        groups: [],
        txnStartMs: -1,
        lastUpdateMs: this.now(),
      };
      this.index(txn);
    }
    if (expected && !this.isValidProducerId(txn, expected)) {
      throw new TxnError(
        ErrorCode.PRODUCER_FENCED,
        `producer ${expected.producerId} epoch ${expected.producerEpoch} has been replaced`,
        this.ctx(txn),
      );
    }
    switch (txn.state) {
      case 'PrepareCommit':
      case 'PrepareAbort':
        throw new TxnError(
          ErrorCode.CONCURRENT_TRANSACTIONS,
          'the previous transaction is still completing',
          this.ctx(txn),
        );
      case 'Ongoing':
        // Kafka aborts at a fenced epoch and answers CONCURRENT_TRANSACTIONS so the client retries;
        // the abort completes here before the answer, so the retry is done in place.
        await this.fenceAndAbort(txn);
        return this.initProducerId(args);
      case 'Empty':
      case 'CompleteCommit':
      case 'CompleteAbort':
        break;
    }
    if (isEpochExhausted(txn.producerEpoch) && (!expected || expected.producerEpoch === txn.producerEpoch)) {
      const oldId = txn.producerId;
      const oldEpoch = txn.producerEpoch;
      this.byProducerId.delete(oldId);
      txn.producerId = this.allocateProducerId();
      txn.producerEpoch = 0;
      txn.lastProducerId = oldId;
      txn.lastProducerEpoch = expected ? oldEpoch : NO_PRODUCER_EPOCH;
      this.byProducerId.set(txn.producerId, txn);
    } else if (!expected) {
      txn.lastProducerEpoch = NO_PRODUCER_EPOCH;
      txn.producerEpoch++;
    } else if (txn.producerEpoch === NO_PRODUCER_EPOCH || expected.producerEpoch === txn.producerEpoch) {
      txn.lastProducerEpoch = txn.producerEpoch;
      txn.producerEpoch++;
    } else if (expected.producerEpoch !== txn.lastProducerEpoch) {
      // Not a retry of the last bump either: another producer has taken over.
      throw new TxnError(
        ErrorCode.PRODUCER_FENCED,
        `producer epoch ${expected.producerEpoch} has been replaced`,
        this.ctx(txn),
      );
    }
    txn.timeoutMs = timeoutMs;
    txn.state = 'Empty';
    txn.partitions = [];
    txn.groups = [];
    txn.txnStartMs = -1;
    txn.lastUpdateMs = this.now();
    this.persist();
    return { producerId: txn.producerId, producerEpoch: txn.producerEpoch };
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn ------------------------------------------------------

  /** Adds partitions to the producer's transaction, opening it if needed. Throws {@link TxnError}. */
  addPartitions(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    partitions: TxnTopicPartition[],
  ): void {
    const txn = this.checkAdd(transactionalId, producerId, producerEpoch);
    const have = new Set(txn.partitions.map((p) => tpKey(p.topic, p.partition)));
    const added = partitions.filter((p) => !have.has(tpKey(p.topic, p.partition)));
    if (txn.state === 'Ongoing' && added.length === 0) return;
    for (const p of added) {
      have.add(tpKey(p.topic, p.partition));
      txn.partitions.push({ topic: p.topic, partition: p.partition });
    }
    this.toOngoing(txn);
  }

  /**
   * The v4+ verifyOnly form (KIP-890): per partition, whether it is already in the transaction
   * (NONE) or not (INVALID_TXN_STATE). Throws {@link TxnError} for the transaction as a whole.
   */
  verifyPartitions(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    partitions: TxnTopicPartition[],
  ): number[] {
    const txn = this.checkAdd(transactionalId, producerId, producerEpoch);
    const have = new Set(txn.partitions.map((p) => tpKey(p.topic, p.partition)));
    return partitions.map((p) =>
      txn.state === 'Ongoing' && have.has(tpKey(p.topic, p.partition))
        ? ErrorCode.NONE
        : ErrorCode.INVALID_TXN_STATE,
    );
  }

  /** AddOffsetsToTxn: the group's offsets committed with TxnOffsetCommit complete with this transaction. */
  addOffsets(transactionalId: string, producerId: number, producerEpoch: number, groupId: string): void {
    const txn = this.checkAdd(transactionalId, producerId, producerEpoch);
    if (txn.state === 'Ongoing' && txn.groups.includes(groupId)) return;
    if (!txn.groups.includes(groupId)) txn.groups.push(groupId);
    this.toOngoing(txn);
  }

  /**
   * TxnOffsetCommit's check before staging offsets with the group coordinator: the producer must
   * own the transactional id at this epoch, and the group must have been added (AddOffsetsToTxn).
   * Kafka reports a stale epoch here as INVALID_PRODUCER_EPOCH, which every client treats as fencing.
   */
  checkTxnOffsetCommit(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    groupId: string,
  ): void {
    const txn = this.owned(transactionalId, producerId, producerEpoch, ErrorCode.INVALID_PRODUCER_EPOCH);
    if (txn.state !== 'Ongoing' || !txn.groups.includes(groupId)) {
      throw new TxnError(
        ErrorCode.INVALID_TXN_STATE,
        `group "${groupId}" was not added to the transaction (AddOffsetsToTxn)`,
        this.ctx(txn),
      );
    }
  }

  // ---- EndTxn ------------------------------------------------------------------------------------

  /** Commits or aborts: writes the markers, completes the group offsets. Throws {@link TxnError}. */
  async endTxn(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    commit: boolean,
  ): Promise<void> {
    const txn = this.owned(transactionalId, producerId, producerEpoch, ErrorCode.PRODUCER_FENCED);
    const wanted = commit ? 'Commit' : 'Abort';
    switch (txn.state) {
      case 'Ongoing':
        txn.state = commit ? 'PrepareCommit' : 'PrepareAbort';
        txn.lastUpdateMs = this.now();
        this.persist();
        await this.tryComplete(txn);
        return;
      case 'CompleteCommit':
      case 'CompleteAbort':
        // A retry of an EndTxn whose answer was lost succeeds; the other outcome cannot be had.
        if (txn.state === `Complete${wanted}`) return;
        break;
      case 'PrepareCommit':
      case 'PrepareAbort':
        if (txn.state === `Prepare${wanted}`) {
          throw new TxnError(
            ErrorCode.CONCURRENT_TRANSACTIONS,
            'the transaction is still completing',
            this.ctx(txn),
          );
        }
        break;
      case 'Empty':
        break;
    }
    throw new TxnError(
      ErrorCode.INVALID_TXN_STATE,
      `cannot ${commit ? 'commit' : 'abort'} in state ${txn.state}`,
      this.ctx(txn),
    );
  }

  // ---- Produce -----------------------------------------------------------------------------------

  /**
   * The Produce handler's check of one batch, before appending it (KIP-890 verification, on in
   * Kafka 3.6+): a transactional batch must come from the current epoch of its transactional id,
   * for a partition added to the ongoing transaction. Returns an error code, NONE when it may go on.
   * Idempotent (non-transactional) batches are left to the log's sequence checks.
   */
  checkProduce(
    producerId: number,
    producerEpoch: number,
    topic: string,
    partition: number,
    isTransactional: boolean,
  ): number {
    if (!isTransactional || producerId < 0) return ErrorCode.NONE;
    const txn = this.byProducerId.get(producerId);
    if (!txn) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    // Produce has no PRODUCER_FENCED: Kafka answers INVALID_PRODUCER_EPOCH (KIP-588).
    if (txn.producerEpoch !== producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (txn.state !== 'Ongoing') return ErrorCode.INVALID_TXN_STATE;
    return txn.partitions.some((p) => p.topic === topic && p.partition === partition)
      ? ErrorCode.NONE
      : ErrorCode.INVALID_TXN_STATE;
  }

  // ---- timeouts ----------------------------------------------------------------------------------

  /**
   * Aborts every Ongoing transaction older than its timeout, fencing its producer; retries marker
   * writes that failed; forgets transactional ids idle past transactional.id.expiration.ms.
   */
  async abortExpired(): Promise<void> {
    const now = this.now();
    const work: Promise<void>[] = [];
    let expired = false;
    for (const txn of [...this.txns.values()]) {
      if (txn.state === 'Ongoing' && txn.txnStartMs >= 0 && now - txn.txnStartMs > txn.timeoutMs) {
        this.log('info', txn, `aborting the transaction: open for more than ${txn.timeoutMs} ms`);
        work.push(this.fenceAndAbort(txn));
      } else if (
        (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') &&
        !this.completing.has(txn.transactionalId)
      ) {
        work.push(this.tryComplete(txn));
      } else if (
        txn.state !== 'Ongoing' &&
        !txn.state.startsWith('Prepare') &&
        now - txn.lastUpdateMs > this.config.idExpirationMs
      ) {
        this.txns.delete(txn.transactionalId);
        this.byProducerId.delete(txn.producerId);
        expired = true;
      }
    }
    if (expired) this.persist();
    await Promise.all(work);
  }

  // ---- internals ---------------------------------------------------------------------------------

  /**
   * The transaction of `transactionalId` when `producerId` owns it at `producerEpoch`; a stale
   * epoch is reported with `staleEpoch` (PRODUCER_FENCED, or INVALID_PRODUCER_EPOCH where Kafka
   * uses it).
   */
  private owned(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    staleEpoch: typeof ErrorCode.PRODUCER_FENCED | typeof ErrorCode.INVALID_PRODUCER_EPOCH,
  ): StoredTxn {
    const txn = this.txns.get(transactionalId);
    if (!txn || txn.producerId !== producerId) {
      throw new TxnError(
        ErrorCode.INVALID_PRODUCER_ID_MAPPING,
        `producer ${producerId} does not own the transactional id`,
        { transactionalId, producerId },
      );
    }
    if (txn.producerEpoch !== producerEpoch) {
      const why = staleEpoch === ErrorCode.PRODUCER_FENCED ? 'has been replaced' : 'is not the current one';
      throw new TxnError(staleEpoch, `producer epoch ${producerEpoch} ${why}`, this.ctx(txn));
    }
    return txn;
  }

  private checkAdd(transactionalId: string, producerId: number, producerEpoch: number): StoredTxn {
    const txn = this.owned(transactionalId, producerId, producerEpoch, ErrorCode.PRODUCER_FENCED);
    if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') {
      throw new TxnError(
        ErrorCode.CONCURRENT_TRANSACTIONS,
        'the previous transaction is still completing',
        this.ctx(txn),
      );
    }
    return txn;
  }

  private toOngoing(txn: StoredTxn): void {
    const now = this.now();
    if (txn.state !== 'Ongoing') {
      txn.state = 'Ongoing';
      txn.txnStartMs = now;
    }
    txn.lastUpdateMs = now;
    this.persist();
  }

  /** Bumps the epoch of an Ongoing transaction and aborts it, so its producer is fenced everywhere. */
  private async fenceAndAbort(txn: StoredTxn): Promise<void> {
    if (txn.producerEpoch < INT16_MAX) txn.producerEpoch++;
    txn.state = 'PrepareAbort';
    txn.lastUpdateMs = this.now();
    this.persist();
    await this.tryComplete(txn);
  }

  /**
   * Writes the markers of a Prepare* transaction to the partitions still without one (synchronously,
   * before the first await), then completes the group offsets and moves to Complete*. A partition
   * whose append fails keeps the transaction in Prepare*; the timer retries it.
   */
  private async tryComplete(txn: StoredTxn): Promise<void> {
    if (txn.state !== 'PrepareCommit' && txn.state !== 'PrepareAbort') return;
    if (this.completing.has(txn.transactionalId)) return;
    const commit = txn.state === 'PrepareCommit';
    const type: ControlType = commit ? 'COMMIT' : 'ABORT';
    const failed: TxnTopicPartition[] = [];
    for (const tp of txn.partitions) {
      const p = this.deps.partition(tp.topic, tp.partition);
      if (!p) continue;
      try {
        const marker = encodeControlBatch({
          type,
          producerId: txn.producerId,
          producerEpoch: txn.producerEpoch,
          coordinatorEpoch: 0,
          timestamp: this.now(),
        });
        p.log.append(marker, { fromClient: false, leaderEpoch: p.leaderEpoch });
        this.deps.notifyAppend(tp.topic, tp.partition);
      } catch (err) {
        failed.push(tp);
        this.log(
          'error',
          txn,
          `cannot write the ${type} marker to ${tp.topic}-${tp.partition}: ${(err as Error).message}`,
        );
      }
    }
    if (failed.length > 0) {
      txn.partitions = failed;
      this.persist();
      return;
    }
    txn.partitions = [];
    this.completing.add(txn.transactionalId);
    try {
      const groups = txn.groups.length > 0 ? this.deps.groups() : undefined;
      if (txn.groups.length > 0 && !groups) {
        this.log(
          'error',
          txn,
          'no group coordinator to complete the transaction offsets of ' + txn.groups.join(', '),
        );
      }
      if (groups) {
        try {
          await groups.completeTxnOffsets(txn.producerId, commit);
        } catch (err) {
          this.log('error', txn, `completing transaction offsets failed: ${(err as Error).message}`);
        }
      }
    } finally {
      this.completing.delete(txn.transactionalId);
    }
    txn.state = commit ? 'CompleteCommit' : 'CompleteAbort';
    txn.groups = [];
    txn.txnStartMs = -1;
    txn.lastUpdateMs = this.now();
    this.persist();
  }

  /** Kafka's isValidProducerId: a KIP-360 bump request must name this id, or the last one after a rotation. */
  private isValidProducerId(txn: StoredTxn, expected: ProducerIdAndEpoch): boolean {
    return (
      txn.producerEpoch === NO_PRODUCER_EPOCH ||
      expected.producerId === txn.producerId ||
      (expected.producerId === txn.lastProducerId && isEpochExhausted(expected.producerEpoch))
    );
  }

  private allocateProducerId(): number {
    if (this.nextProducerId >= this.producerIdBlockEnd) {
      this.producerIdBlockEnd = this.nextProducerId + PRODUCER_ID_BLOCK;
      this.persist();
    }
    return this.nextProducerId++;
  }

  private index(txn: StoredTxn): void {
    this.txns.set(txn.transactionalId, txn);
    this.byProducerId.set(txn.producerId, txn);
  }

  private persist(): void {
    const snapshot: TxnSnapshot = {
      version: 1,
      producerIdBlockEnd: this.producerIdBlockEnd,
      transactions: [...this.txns.values()],
    };
    this.deps.store.save(snapshot);
  }

  private ctx(txn: StoredTxn) {
    return {
      transactionalId: txn.transactionalId,
      producerId: txn.producerId,
      producerEpoch: txn.producerEpoch,
      state: txn.state,
    };
  }

  private log(level: 'info' | 'error', txn: StoredTxn, msg: string): void {
    this.deps.logger?.[level](this.ctx(txn), msg);
  }
}
