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
 */
import { ApiKey } from '../../protocol/generated/index';
import { KafkaResponseError } from './errors';
import type { BrokerConnection } from './connection';

const INT32_MAX = 0x7fffffff;

export interface ProducerIdentity {
  producerId: bigint;
  producerEpoch: number;
}

export class IdempotentProducerState {
  /** Set by a transactional producer's state (wire/transaction): its batches are transactional. */
  readonly transactionalId: string | undefined = undefined;
  private identity: Promise<ProducerIdentity> | undefined;
  private readonly next = new Map<string, number>();

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
  }
}
