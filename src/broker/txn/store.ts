/**
 * @module broker/txn/store
 * Durable state of the transaction coordinator, playing the part of Kafka's
 * `__transaction_state` topic: the producer id block and every transactional
 * id's producer id, epoch, state and partitions.
 *
 * Layout: one JSON file, `<dataDir>/kflow-txn.json`, rewritten whole on every
 * transition (temporary file + rename, so a crash leaves the old or the new
 * state, never a torn one). The file stays small: one entry per transactional
 * id, and ids idle past `transactional.id.expiration.ms` are dropped.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Kafka's TransactionState, see coordinator.ts for the transitions. */
export type TxnState =
  'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort';

export interface TxnTopicPartition {
  topic: string;
  partition: number;
}

/** One transactional id, as stored (Kafka's TransactionMetadata). */
export interface StoredTxn {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  /** Producer id/epoch before the last bump, so a retried InitProducerId is recognised (KIP-360); -1 when none. */
  lastProducerId: number;
  lastProducerEpoch: number;
  timeoutMs: number;
  state: TxnState;
  partitions: TxnTopicPartition[];
  /** Consumer groups added with AddOffsetsToTxn: their staged offsets complete with the transaction. */
  groups: string[];
  /** When the transaction became Ongoing, for the timeout; -1 when none is open. */
  txnStartMs: number;
  lastUpdateMs: number;
}

export interface TxnSnapshot {
  version: 1;
  /**
   * End of the producer id block handed out so far: ids below it may have been given to a client.
   * After a restart allocation resumes here, so an id is never reused.
   */
  producerIdBlockEnd: number;
  transactions: StoredTxn[];
}

export interface TxnStore {
  /** The last saved state, or undefined on a fresh data directory. */
  load(): TxnSnapshot | undefined;
  save(snapshot: TxnSnapshot): void;
}

/** Keeps the snapshot in memory (unit tests share one instance across coordinator "restarts"). */
export class MemoryTxnStore implements TxnStore {
  private saved: string | undefined;
  saves = 0;

  load(): TxnSnapshot | undefined {
    return this.saved === undefined ? undefined : (JSON.parse(this.saved) as TxnSnapshot);
  }

  save(snapshot: TxnSnapshot): void {
    this.saved = JSON.stringify(snapshot);
    this.saves++;
  }
}

/** A state file that cannot be read: the broker refuses to start rather than reuse producer ids. */
export class TxnStoreError extends Error {
  override name = 'TxnStoreError';
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(`${message} (file=${file})`, options);
  }
}

export class FileTxnStore implements TxnStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'kflow-txn.json');
  }

  load(): TxnSnapshot | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new TxnStoreError(`cannot read transaction state: ${(err as Error).message}`, this.file, {
        cause: err,
      });
    }
    let parsed: TxnSnapshot;
    try {
      parsed = JSON.parse(text) as TxnSnapshot;
    } catch (err) {
      throw new TxnStoreError(`transaction state is not valid JSON: ${(err as Error).message}`, this.file, {
        cause: err,
      });
    }
    if (
      parsed.version !== 1 ||
      !Number.isSafeInteger(parsed.producerIdBlockEnd) ||
      !Array.isArray(parsed.transactions)
    ) {
      throw new TxnStoreError('transaction state has an unknown layout', this.file);
    }
    return parsed;
  }

  save(snapshot: TxnSnapshot): void {
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(snapshot));
    fs.renameSync(tmp, this.file);
  }
}
