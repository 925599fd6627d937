/**
 * @module kafka/wire/idempotence
 * The idempotent producer's identity and sequence numbers (Kafka's TransactionManager without
 * transactions): one producer id and epoch from InitProducerId (no transactional id), and per
 * partition the sequence of the next record. A batch takes its sequences when it is encoded and
 * keeps them through every retry, so a batch the broker appended but whose answer was lost comes
 * back as a duplicate (the broker answers with the first copy's offsets) instead of a second copy.
 *
 * When the broker's view and ours part (OUT_OF_ORDER_SEQUENCE_NUMBER, UNKNOWN_PRODUCER_ID) or a
 * batch fails for good, the sequences of that producer id can no longer be trusted: like the Java
 * producer since KIP-360 the producer takes a new identity and starts every partition at 0.
 *
 * Up to 5 batches of a partition may be in flight (Kafka's limit for idempotent producers, what
 * max.in.flight.requests.per.connection=5 allows): the state keeps, per partition, the batches
 * sent and not yet answered, in sequence order. A batch refused as out of order while an earlier
 * one is still unanswered is not a lost state but a batch that overtook a retry: it is resent
 * after that one (as the Java producer's TransactionManager decides with its in-flight batches).
 */
import { ApiKey } from '../../protocol/generated/index';
import { KafkaResponseError } from './errors';
import type { BrokerConnection } from './connection';

const INT32_MAX = 0x7fffffff;

export interface ProducerIdentity {
  producerId: bigint;
  producerEpoch: number;
}

/** A batch sent by an idempotent producer and not yet answered. */
export interface InFlightBatch {
  readonly key: string;
  readonly base: number;
  readonly generation: number;
}

export class IdempotentProducerState {
  /** Set by a transactional producer's state (wire/transaction): its batches are transactional. */
  readonly transactionalId: string | undefined = undefined;
  private identity: Promise<ProducerIdentity> | undefined;
  private readonly next = new Map<string, number>();
  /** Bumped by reset(): batches sent before it carry sequences of a replaced identity. */
  private generation = 0;
  /** Per partition, its sent and unanswered batches in sequence order. */
  private readonly inFlight = new Map<string, InFlightBatch[]>();
  private waiters: (() => void)[] = [];

  /** The producer id and epoch, asking `conn`'s broker for them the first time (or after a reset). */
  ensure(conn: () => Promise<BrokerConnection>): Promise<ProducerIdentity> {
    this.identity ??= (async () => {
      const c = await conn();
      const res = await c.request(ApiKey.InitProducerId, {
        transactionalId: null,
        transactionTimeoutMs: 60_000,
        producerId: -1n,
        producerEpoch: -1,
      });
      if (res.errorCode !== 0) throw new KafkaResponseError(c.address, 'InitProducerId', res.errorCode);
      return { producerId: res.producerId, producerEpoch: res.producerEpoch };
    })();
    const p = this.identity;
    // A failed request is not kept: the next batch asks again.
    p.catch(() => this.identity === p && (this.identity = undefined));
    return p;
  }

  /** The base sequence of the next `count` records of a partition; the partition moves past them. */
  take(topic: string, partition: number, count: number): number {
    const key = `${partition}:${topic}`;
    const base = this.next.get(key) ?? 0;
    this.next.set(key, (base + count) % (INT32_MAX + 1));
    return base;
  }

  /** Forgets the identity and all sequences: the next batch runs under a new producer id from 0. */
  reset(): void {
    this.identity = undefined;
    this.next.clear();
    this.generation++;
    this.inFlight.clear();
    this.wake();
  }

  /** Notes a batch with base sequence `base` sent to a partition; answered() must follow. */
  sent(topic: string, partition: number, base: number): InFlightBatch {
    const b: InFlightBatch = { key: `${partition}:${topic}`, base, generation: this.generation };
    const list = this.inFlight.get(b.key);
    if (list) list.push(b);
    else this.inFlight.set(b.key, [b]);
    return b;
  }

  /** The batch was written, or failed for good: the partition's next batch may go. */
  answered(b: InFlightBatch): void {
    const list = this.inFlight.get(b.key);
    const i = list?.indexOf(b) ?? -1;
    if (i < 0) return;
    list!.splice(i, 1);
    if (list!.length === 0) this.inFlight.delete(b.key);
    this.wake();
  }

  /** Whether `b` carries sequences of an identity replaced since it was sent. */
  stale(b: InFlightBatch): boolean {
    return b.generation !== this.generation;
  }

  /** Whether a batch sent before `b` to its partition still waits for its answer. */
  behind(b: InFlightBatch): boolean {
    const first = this.inFlight.get(b.key)?.[0];
    return first !== undefined && first !== b && !this.stale(b);
  }

  /** Resolves once no batch sent before `b` to its partition waits for its answer. */
  async whenFirst(b: InFlightBatch): Promise<void> {
    while (this.behind(b)) await new Promise<void>((r) => this.waiters.push(r));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}
