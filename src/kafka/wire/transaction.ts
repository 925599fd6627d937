/**
 * @module kafka/wire/transaction
 * A transactional producer's coordinator conversation (Kafka's TransactionManager, franz-go's
 * txn.go): FindCoordinator for the transactional id, InitProducerId with it (which fences every
 * older producer of the id), AddPartitionsToTxn before the first batch to a partition,
 * AddOffsetsToTxn + TxnOffsetCommit v3 with the consumer's group generation and member id
 * (KIP-447: a member the group has moved on from cannot commit), EndTxn.
 *
 * The state is also the batches' identity: it extends the idempotent producer's sequences, and
 * produce.ts marks the batches of a state with a transactional id as transactional. A produce
 * failure resets sequences there, which for a transaction means: abort, then bump the epoch
 * (InitProducerId with the current id and epoch, KIP-360) so the next transaction starts clean.
 *
 * Errors: a fence (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH, or on the offset commit
 * ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID) is a ProducerFencedError and
 * final: the producer refuses everything afterwards but an abort (best effort). Anything else in
 * a transaction makes it abortable: every call but abort() fails until it is aborted.
 */
import { ApiKey } from '../../protocol/generated/index';
import { errorForCode } from '../../protocol/errors';
import type { ConsumerGroupMetadata, TopicPartitionOffset } from '../client';
import { ProducerFencedError } from '../errors';
import type { BrokerAddress, BrokerConnection } from './connection';
import { CoordinatorKeyType, lookupCoordinator } from './coordinator';
import { KafkaResponseError, WireConnectionError, WireError } from './errors';
import { IdempotentProducerState, type ProducerIdentity } from './idempotence';
import type { WireCluster } from './metadata';

const CONCURRENT_TRANSACTIONS = 51;
const COORDINATOR_LOAD_IN_PROGRESS = 14;
const COORDINATOR_NOT_AVAILABLE = 15;
const NOT_COORDINATOR = 16;
const REQUEST_TIMED_OUT = 7;
const INVALID_PRODUCER_EPOCH = 47;
const PRODUCER_FENCED = 90;
const ILLEGAL_GENERATION = 22;
const UNKNOWN_MEMBER_ID = 25;
const FENCED_INSTANCE_ID = 82;
// The partitions of a request that failed elsewhere.
const OPERATION_NOT_ATTEMPTED = 55;

/** Codes after which the same request is sent again (after finding the coordinator again for some). */
const RETRY = new Set([
  CONCURRENT_TRANSACTIONS,
  COORDINATOR_LOAD_IN_PROGRESS,
  COORDINATOR_NOT_AVAILABLE,
  NOT_COORDINATOR,
  REQUEST_TIMED_OUT,
]);
const MOVED = new Set([COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR]);
const EPOCH_FENCED = new Set([INVALID_PRODUCER_EPOCH, PRODUCER_FENCED]);
const GROUP_FENCED = new Set([ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID]);

export interface TransactionOptions {
  transactionalId: string;
  /** transaction.timeout.ms: the coordinator aborts a transaction open longer (60 s by default). */
  timeoutMs?: number;
  /** How long coordinator requests are retried on retriable errors (30 s by default). */
  retryForMs?: number;
}

type State = 'uninitialized' | 'ready' | 'open' | 'abortable' | 'fenced';

/** Whether a produce failure is a fence of this producer's epoch. */
export function isEpochFence(err: unknown): err is KafkaResponseError {
  return err instanceof KafkaResponseError && EPOCH_FENCED.has(err.errorCode);
}

export class TransactionalProducerState extends IdempotentProducerState {
  override readonly transactionalId: string;
  private id: ProducerIdentity | undefined;
  private state: State = 'uninitialized';
  private failure: Error | undefined;
  private coordinator: Promise<BrokerConnection> | undefined;
  /** Group coordinators by group id, found once (and again after NOT_COORDINATOR). */
  private readonly groupCoordinators = new Map<string, Promise<BrokerConnection>>();
  private readonly added = new Set<string>();
  private readonly groups = new Set<string>();
  private readonly timeoutMs: number;
  private readonly retryForMs: number;
  /** A produce in this transaction failed: its sequences are lost, the epoch is bumped after the abort. */
  private bumpAfterAbort = false;

  constructor(
    private readonly cluster: WireCluster,
    opts: TransactionOptions,
  ) {
    super();
    if (opts.transactionalId === '')
      throw new Error('a transactional producer needs a non-empty transactional id');
    this.transactionalId = opts.transactionalId;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.retryForMs = opts.retryForMs ?? 30_000;
  }

  /** The identity batches carry; only inside a transaction. */
  override ensure(): Promise<ProducerIdentity> {
    this.check('produce');
    return Promise.resolve(this.id!);
  }

  /** Called by produce.ts when a batch failed or the broker lost its sequences: abort, then a new epoch. */
  override reset(): void {
    super.reset();
    this.bumpAfterAbort = true;
  }

  /** The current producer id and epoch (tests and messages). */
  current(): ProducerIdentity | undefined {
    return this.id;
  }

  /** InitProducerId for the transactional id: fences older producers of the id and aborts their open transaction. */
  async init(): Promise<void> {
    if (this.state === 'fenced') throw this.failure!;
    const bump = this.id;
    const res = await this.toCoordinator('InitProducerId', (c) =>
      c.request(ApiKey.InitProducerId, {
        transactionalId: this.transactionalId,
        transactionTimeoutMs: this.timeoutMs,
        // v3+: bump our own epoch (KIP-360); -1 would take the id from whoever holds it now.
        producerId: bump?.producerId ?? -1n,
        producerEpoch: bump?.producerEpoch ?? -1,
      }),
    );
    if (res.errorCode !== 0) throw this.toError('InitProducerId', res.errorCode);
    this.id = { producerId: res.producerId, producerEpoch: res.producerEpoch };
    super.reset();
    this.bumpAfterAbort = false;
    this.state = 'ready';
  }

  begin(): void {
    if (this.state === 'fenced' || this.state === 'abortable') throw this.failure!;
    if (this.state === 'uninitialized')
      throw new Error(`transactional id ${this.transactionalId}: init() first`);
    if (this.state === 'open')
      throw new Error(`transactional id ${this.transactionalId}: a transaction is open`);
    this.added.clear();
    this.groups.clear();
    this.state = 'open';
  }

  get inTransaction(): boolean {
    return this.state === 'open';
  }

  /** AddPartitionsToTxn, in one request, for the partitions not in the transaction yet. */
  async addPartitions(wanted: { topic: string; partitions: number[] }[]): Promise<void> {
    this.check('AddPartitionsToTxn');
    const todo = wanted
      .map((w) => ({
        name: w.topic,
        partitions: w.partitions.filter((p) => !this.added.has(`${p}:${w.topic}`)),
      }))
      .filter((t) => t.partitions.length > 0);
    if (todo.length === 0) return;
    const id = this.id!;
    await this.guard(async () => {
      const res = await this.toCoordinator('AddPartitionsToTxn', async (c) => {
        const r = await c.request(
          ApiKey.AddPartitionsToTxn,
          {
            transactions: [],
            v3AndBelowTransactionalId: this.transactionalId,
            v3AndBelowProducerId: id.producerId,
            v3AndBelowProducerEpoch: id.producerEpoch,
            v3AndBelowTopics: todo,
          },
          // v4+ is the brokers' batched form (KIP-890).
          Math.min(c.version(ApiKey.AddPartitionsToTxn), 3),
        );
        // One code for the whole request (a retry sends all of it again): the worst partition's.
        let code = r.errorCode;
        let at: string | undefined;
        for (const t of r.resultsByTopicV3AndBelow)
          for (const p of t.resultsByPartition)
            if (
              p.partitionErrorCode !== 0 &&
              p.partitionErrorCode !== OPERATION_NOT_ATTEMPTED &&
              (code === 0 || RETRY.has(code))
            ) {
              code = p.partitionErrorCode;
              at = `${t.name}[${p.partitionIndex}]`;
            }
        return { errorCode: code, at };
      });
      if (res.errorCode !== 0) throw this.toError('AddPartitionsToTxn', res.errorCode, res.at);
    });
    for (const t of todo) for (const p of t.partitions) this.added.add(`${p}:${t.name}`);
  }

  /**
   * Commits consumer offsets with the transaction. With the group's metadata (generation, member,
   * instance id) the group coordinator refuses a member it has moved on from: a fence.
   */
  async sendOffsets(
    groupId: string,
    offsets: TopicPartitionOffset[],
    group?: ConsumerGroupMetadata,
  ): Promise<void> {
    this.check('sendOffsets');
    const id = this.id!;
    await this.guard(async () => {
      if (!this.groups.has(groupId)) {
        const res = await this.toCoordinator('AddOffsetsToTxn', (c) =>
          c.request(ApiKey.AddOffsetsToTxn, {
            transactionalId: this.transactionalId,
            producerId: id.producerId,
            producerEpoch: id.producerEpoch,
            groupId,
          }),
        );
        if (res.errorCode !== 0) throw this.toError('AddOffsetsToTxn', res.errorCode);
        this.groups.add(groupId);
      }
      const topics = new Map<
        string,
        {
          partitionIndex: number;
          committedOffset: bigint;
          committedLeaderEpoch: number;
          committedMetadata: string | null;
        }[]
      >();
      for (const o of offsets) {
        const list = topics.get(o.topic) ?? [];
        list.push({
          partitionIndex: o.partition,
          committedOffset: o.offset,
          committedLeaderEpoch: -1,
          committedMetadata: null,
        });
        topics.set(o.topic, list);
      }
      const res = await this.toCoordinator(
        'TxnOffsetCommit',
        async (c) => {
          const version = Math.min(c.version(ApiKey.TxnOffsetCommit), 3);
          if (group !== undefined && version < 3)
            throw new WireError(
              `the broker speaks TxnOffsetCommit up to v${version}; fencing by group generation needs v3 (Kafka 2.5+)`,
              c.address,
            );
          const r = await c.request(
            ApiKey.TxnOffsetCommit,
            {
              transactionalId: this.transactionalId,
              groupId,
              producerId: id.producerId,
              producerEpoch: id.producerEpoch,
              generationId: group?.generationId ?? -1,
              memberId: group?.memberId ?? '',
              groupInstanceId: group?.groupInstanceId ?? null,
              topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
            },
            version,
          );
          let code = 0;
          let at: string | undefined;
          for (const t of r.topics)
            for (const p of t.partitions)
              if (p.errorCode !== 0 && (code === 0 || RETRY.has(code))) {
                code = p.errorCode;
                at = `${t.name}[${p.partitionIndex}]`;
              }
          return { errorCode: code, at };
        },
        groupId,
      );
      if (res.errorCode !== 0) {
        if (GROUP_FENCED.has(res.errorCode)) {
          const g = group!;
          throw this.fence(
            `the group ${groupId} has moved on from generation ${g.generationId} member ${g.memberId}${g.groupInstanceId ? ` (instance ${g.groupInstanceId})` : ''}: ${errorForCode(res.errorCode).name}; another instance owns its partitions now`,
            res.errorCode,
          );
        }
        throw this.toError('TxnOffsetCommit', res.errorCode, res.at);
      }
    });
  }

  commit(): Promise<void> {
    if (this.state === 'abortable') return Promise.reject(this.failure!);
    return this.end(true);
  }

  /** Aborts the open transaction (a no-op when none is open); bumps the epoch when a batch failed. */
  async abort(): Promise<void> {
    if (this.state === 'fenced') return;
    if (this.state === 'open' || this.state === 'abortable') await this.end(false);
    if (this.bumpAfterAbort) await this.init();
  }

  private async end(committed: boolean): Promise<void> {
    this.check(committed ? 'commit' : 'abort', !committed);
    const id = this.id!;
    // A transaction without partitions or offsets has nothing at the coordinator to end.
    if (this.added.size === 0 && this.groups.size === 0) {
      this.state = 'ready';
      this.failure = undefined;
      return;
    }
    const op = committed ? 'EndTxn(commit)' : 'EndTxn(abort)';
    const run = async () => {
      const res = await this.toCoordinator(op, (c) =>
        c.request(
          ApiKey.EndTxn,
          {
            transactionalId: this.transactionalId,
            producerId: id.producerId,
            producerEpoch: id.producerEpoch,
            committed,
          },
          Math.min(c.version(ApiKey.EndTxn), 3),
        ),
      );
      if (res.errorCode !== 0) throw this.toError(op, res.errorCode);
    };
    if (committed) await this.guard(run);
    else await run();
    this.state = 'ready';
    this.failure = undefined;
  }

  private check(what: string, aborting = false): void {
    if (this.state === 'fenced') throw this.failure!;
    if (this.state === 'abortable' && !aborting) throw this.failure!;
    if (this.state !== 'open' && this.state !== 'abortable')
      throw new Error(
        `transactional id ${this.transactionalId}: ${what} outside a transaction (call transaction() first)`,
      );
  }

  /** Runs a step of the transaction: a fence is final, any other failure makes it abortable. */
  private async guard(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      throw this.failed(err);
    }
  }

  /** What a failed step (or a failed produce) means for the transaction; returns the error to throw. */
  failed(err: unknown): Error {
    if (err instanceof ProducerFencedError) return this.mark(err);
    if (isEpochFence(err)) return this.fence(`${err.api} answered ${err.errorName}`, err.errorCode, err);
    const e = err instanceof Error ? err : new Error(String(err));
    if (this.state === 'open') {
      this.state = 'abortable';
      this.failure = new WireError(
        `transactional id ${this.transactionalId}: the transaction must be aborted: ${e.message}`,
        e instanceof WireError ? e.broker : '-',
        { cause: e },
      );
    }
    return e;
  }

  private fence(reason: string, code: number, cause?: unknown): ProducerFencedError {
    const by = GROUP_FENCED.has(code) ? 'group-generation' : 'producer-epoch';
    return this.mark(new ProducerFencedError(this.transactionalId, by, reason, cause));
  }

  /**
   * A fenced epoch is final (another producer owns the id). A fenced group member's transaction
   * can still be aborted, and the producer used again once its consumer has rejoined.
   */
  private mark(err: ProducerFencedError): ProducerFencedError {
    this.state = err.fencedBy === 'producer-epoch' ? 'fenced' : 'abortable';
    this.failure = err;
    return err;
  }

  private toError(api: string, code: number, where?: string): Error {
    if (EPOCH_FENCED.has(code))
      return this.fence(
        `${api} answered ${errorForCode(code).name}: a newer producer with the same transactional id took over, or the coordinator aborted a transaction open longer than ${this.timeoutMs} ms`,
        code,
      );
    return new KafkaResponseError('coordinator', api, code, where);
  }

  /**
   * Sends a request to the transaction coordinator (or, with `groupId`, the group's), finding it
   * first and again after NOT_COORDINATOR; retries retriable codes with backoff for retryForMs.
   */
  private async toCoordinator<R extends { errorCode: number }>(
    api: string,
    send: (c: BrokerConnection) => Promise<R>,
    groupId?: string,
  ): Promise<R> {
    const deadline = Date.now() + this.retryForMs;
    for (let attempt = 0; ; attempt++) {
      let conn: Promise<BrokerConnection>;
      if (groupId === undefined)
        conn = this.coordinator ??= this.findCoordinator(
          CoordinatorKeyType.TRANSACTION,
          this.transactionalId,
        );
      else {
        const known = this.groupCoordinators.get(groupId);
        conn = known ?? this.findCoordinator(CoordinatorKeyType.GROUP, groupId);
        if (!known) this.groupCoordinators.set(groupId, conn);
      }
      // A failed lookup is not kept.
      conn.catch(() => {
        if (groupId === undefined) {
          if (this.coordinator === conn) this.coordinator = undefined;
        } else if (this.groupCoordinators.get(groupId) === conn) this.groupCoordinators.delete(groupId);
      });
      let res: R;
      try {
        res = await send(await conn);
      } catch (err) {
        if (err instanceof KafkaResponseError && RETRY.has(err.errorCode) && Date.now() < deadline) {
          res = { errorCode: err.errorCode } as R;
        } else if (
          err instanceof WireError &&
          !(err instanceof KafkaResponseError) &&
          Date.now() < deadline &&
          isConnectionLoss(err)
        ) {
          res = { errorCode: COORDINATOR_NOT_AVAILABLE } as R;
        } else throw err;
      }
      if (!RETRY.has(res.errorCode) || Date.now() >= deadline) return res;
      if (MOVED.has(res.errorCode)) {
        if (groupId === undefined) this.coordinator = undefined;
        else this.groupCoordinators.delete(groupId);
      }
      // CONCURRENT_TRANSACTIONS clears within milliseconds (the previous EndTxn's markers).
      const wait =
        res.errorCode === CONCURRENT_TRANSACTIONS ? Math.min(20 * 2 ** attempt, 500) : 100 * (attempt + 1);
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /**
   * The coordinator's shared connection. Retriable codes are asked of the next bootstrap broker,
   * then again (as are unreachable bootstrap brokers) with backoff for retryForMs.
   */
  private async findCoordinator(keyType: CoordinatorKeyType, key: string): Promise<BrokerConnection> {
    const deadline = Date.now() + this.retryForMs;
    for (let attempt = 0; ; attempt++) {
      let at: BrokerAddress;
      try {
        at = await lookupCoordinator(this.cluster, keyType, key, { askNextOn: RETRY });
      } catch (err) {
        const again =
          err instanceof KafkaResponseError ? RETRY.has(err.errorCode) : err instanceof WireConnectionError;
        if (!again || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
        continue;
      }
      return this.cluster.connectTo(at);
    }
  }
}

const isConnectionLoss = (err: WireError) =>
  err.name === 'WireConnectionError' && (err as { reason?: string }).reason !== 'tls';
