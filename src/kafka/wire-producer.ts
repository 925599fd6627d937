/**
 * @module kafka/wire-producer
 * The seam's KafkaProducer on kflow's own wire client (src/kafka/wire): records grouped by topic
 * and partition in one pass, one record batch per partition encoded by the shared protocol codec,
 * one Produce request per leader (produceBatches). What kafkajs does per record on top of that
 * (a spread copy of every message, an encoder object and `Long` arithmetic per record) is gone.
 *
 * Idempotent (with acks -1, the default): one producer id per producer and a sequence per
 * partition in every batch, so a request retried after a lost answer is written once (see
 * wire/idempotence). Sends are pipelined: the next send's requests leave as soon as the previous
 * ones are written to their connections, without waiting for their answers, up to 5 requests in
 * flight (Kafka's limit for idempotent producers, max.in.flight.requests.per.connection). Each
 * partition keeps the order of the calls: requests leave in that order on one connection per
 * broker, and a retried batch waits for its partition's earlier batches (wire/produce). Inside a
 * transaction sends go one at a time, acknowledged before the next (and before the commit).
 *
 * With a transactional id it is a transactional producer (wire/transaction, exactly-once v2):
 * records only inside transaction(), each partition added to the transaction before its first
 * batch, offsets committed with the consumer's group generation so a zombie is fenced.
 */
import type { RecordInput } from '../protocol/records/batch';
import type { Bytes, KafkaProducer, KafkaTransaction, ProduceRecord, RecordMetadata } from './client';
import { IdempotentProducerState } from './wire/idempotence';
import { TransactionalProducerState } from './wire/transaction';
import { partitionForKey, type WireClient, type WireProduceOptions } from './wire/index';

export interface WireSeamProducerOptions extends WireProduceOptions {
  /** Largest batch per partition and request (bytes, approximate); 512 KiB by default. */
  batchBytes?: number;
  /** How long enqueue() waits to gather records; 5 ms by default. */
  lingerMs?: number;
  /** Sequence-numbered batches, written once despite retries; on by default with acks -1. */
  idempotent?: boolean;
  /** Makes it transactional (implies idempotent): records only inside transaction(). */
  transactionalId?: string;
  /** transaction.timeout.ms; 60 s by default. */
  transactionTimeoutMs?: number;
}

const DEFAULT_BATCH_BYTES = 512 * 1024;
/** Produce requests sent and not yet answered, at most. */
export const MAX_IN_FLIGHT = 5;

interface Slot {
  /** Chunks of at most batchBytes, in record order. */
  chunks: RecordInput[][];
  bytes: number;
  /** Index in the caller's records of each input, when metadata is wanted. */
  at?: number[];
}

// Strings become Buffers here rather than in the batch encoder (the same one copy), so each
// record's size is exact when cutting batches.
const toBuf = (b: Bytes): Buffer => (typeof b === 'string' ? Buffer.from(b, 'utf8') : b);

export class WireSeamProducer implements KafkaProducer {
  private tail: Promise<unknown> = Promise.resolve();
  private roundRobin = 0;
  private queued: {
    record: ProduceRecord;
    resolve: (m: RecordMetadata) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly produceOpts: WireProduceOptions;
  /** Produce requests sent and not yet answered. */
  private readonly unacked = new Set<Promise<unknown>>();
  private readonly txn: TransactionalProducerState | undefined;
  private initialized: Promise<void> | undefined;

  constructor(
    private readonly wire: WireClient,
    private readonly opts: WireSeamProducerOptions = {},
  ) {
    const idempotent = opts.transactionalId !== undefined || (opts.idempotent ?? (opts.acks ?? -1) === -1);
    if (idempotent && opts.acks === 1)
      throw new Error('an idempotent or transactional producer needs acks -1 (all in-sync replicas), not 1');
    this.txn =
      opts.transactionalId === undefined
        ? undefined
        : new TransactionalProducerState(wire.cluster, {
            transactionalId: opts.transactionalId,
            ...(opts.transactionTimeoutMs !== undefined ? { timeoutMs: opts.transactionTimeoutMs } : {}),
          });
    this.produceOpts = {
      ...opts,
      ...(idempotent ? { idempotence: this.txn ?? new IdempotentProducerState() } : {}),
    };
  }

  /**
   * A transactional producer's InitProducerId: fences every older producer of its transactional
   * id (their open transaction is aborted). Done once, by the first transaction() otherwise.
   */
  init(): Promise<void> {
    const txn = this.txn;
    if (!txn) return Promise.resolve();
    this.initialized ??= this.serialize(() => txn.init());
    const p = this.initialized;
    p.catch(() => this.initialized === p && (this.initialized = undefined));
    return p;
  }

  send(records: ProduceRecord[]): Promise<RecordMetadata[]> {
    const outside = this.outsideTransaction();
    if (outside) return Promise.reject(outside);
    return this.pipeline(records, true);
  }

  async write(records: ProduceRecord[]): Promise<void> {
    const outside = this.outsideTransaction();
    if (outside) throw outside;
    await this.pipeline(records, false);
  }

  private outsideTransaction(): Error | undefined {
    if (this.txn === undefined || this.txn.inTransaction) return undefined;
    return new Error(
      `transactional producer ${this.txn.transactionalId}: records are sent inside transaction() only`,
    );
  }

  enqueue(record: ProduceRecord): Promise<RecordMetadata> {
    const outside = this.outsideTransaction();
    if (outside) return Promise.reject(outside);
    return new Promise((resolve, reject) => {
      this.queued.push({ record, resolve, reject });
      this.timer ??= setTimeout(() => void this.flush(), this.opts.lingerMs ?? 5);
    });
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queued;
    this.queued = [];
    if (batch.length === 0) {
      // Every send started before this one is answered.
      await this.serialize(() => Promise.resolve());
      await Promise.allSettled([...this.unacked]);
      return;
    }
    try {
      const metas = await this.send(batch.map((x) => x.record));
      batch.forEach((x, i) => x.resolve(metas[i] as RecordMetadata));
    } catch (err) {
      for (const x of batch) x.reject(err);
    }
  }

  async transaction(): Promise<KafkaTransaction> {
    const txn = this.txn;
    if (!txn) throw new Error('transaction() needs a producer with a transactionalId');
    await this.init();
    await this.serialize(async () => txn.begin());
    const inTxn = <T>(fn: () => Promise<T>) => this.serialize(fn);
    return {
      send: (records) => inTxn(() => this.produce(records, true)),
      write: async (records) => {
        await inTxn(() => this.produce(records, false));
      },
      sendOffsets: (groupId, offsets, group) => inTxn(() => txn.sendOffsets(groupId, offsets, group)),
      commit: () => inTxn(() => txn.commit()),
      abort: () => inTxn(() => txn.abort()),
    };
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Outside transactions: the next call starts once this one's requests are written. */
  private async pipeline(records: ProduceRecord[], meta: boolean): Promise<RecordMetadata[]> {
    if (this.txn) return this.serialize(() => this.produce(records, meta));
    const { acked } = await this.serialize(() => this.dispatch(records, meta));
    return acked;
  }

  private async produce(records: ProduceRecord[], meta: boolean): Promise<RecordMetadata[]> {
    return (await this.dispatch(records, meta)).acked;
  }

  /** Resolves when a request may be sent (fewer than MAX_IN_FLIGHT unanswered). */
  private async slot(): Promise<void> {
    while (this.unacked.size >= MAX_IN_FLIGHT)
      await Promise.race([...this.unacked].map((p) => p.then(noop, noop)));
  }

  /**
   * Sends the records' batches in order (each round of requests once the previous one is
   * written); resolves when all are written, with `acked` for their answers.
   */
  private async dispatch(
    records: ProduceRecord[],
    meta: boolean,
  ): Promise<{ acked: Promise<RecordMetadata[]> }> {
    if (records.length === 0) return { acked: Promise.resolve([]) };
    const limit = this.opts.batchBytes ?? DEFAULT_BATCH_BYTES;
    const now = Date.now();
    const plan = new Map<string, Map<number, Slot>>();
    const counts = new Map<string, number>();
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as ProduceRecord;
      const key = r.key == null ? null : toBuf(r.key);
      let partition = r.partition;
      if (partition === undefined) {
        let n = counts.get(r.topic);
        if (n === undefined) {
          n = (await this.wire.cluster.partitions(r.topic, true)).length;
          counts.set(r.topic, n);
        }
        partition = key === null ? this.roundRobin++ % n : partitionForKey(key, n);
      }
      let byPartition = plan.get(r.topic);
      if (!byPartition) plan.set(r.topic, (byPartition = new Map()));
      let slot = byPartition.get(partition);
      if (!slot) byPartition.set(partition, (slot = { chunks: [[]], bytes: 0, ...(meta ? { at: [] } : {}) }));
      const value = r.value === null ? null : toBuf(r.value);
      const input: RecordInput = { key, value, timestamp: r.timestamp ?? now };
      const h = r.headers;
      let size = 32 + (key?.length ?? 0) + (value?.length ?? 0);
      if (h !== undefined) {
        let headers: RecordInput['headers'];
        for (const k in h) {
          const v = h[k] as Bytes | Bytes[] | undefined;
          if (v === undefined) continue;
          headers ??= [];
          // A list under one name (an import of a repeated header) is several headers.
          if (Array.isArray(v)) for (const x of v) headers.push({ key: k, value: x });
          else headers.push({ key: k, value: v });
          size +=
            k.length + (Array.isArray(v) ? v.length * 64 : typeof v === 'string' ? 3 * v.length : v.length);
        }
        if (headers) input.headers = headers;
      }
      if (slot.bytes + size > limit && slot.bytes > 0) {
        slot.chunks.push([]);
        slot.bytes = 0;
      }
      slot.bytes += size;
      (slot.chunks[slot.chunks.length - 1] as RecordInput[]).push(input);
      slot.at?.push(i);
    }
    const out: RecordMetadata[] = meta ? new Array<RecordMetadata>(records.length) : [];
    const answers: Promise<void>[] = [];
    // A transaction learns every partition of this send in one request, before the first batch.
    if (this.txn)
      await this.txn.addPartitions([...plan].map(([topic, byP]) => ({ topic, partitions: [...byP.keys()] })));
    for (const [topic, byPartition] of plan) {
      const rounds: { round: Map<number, RecordInput[]>; answer: Promise<Map<number, bigint>> }[] = [];
      // Round k sends chunk k of every partition: a partition's chunks go in order, each request
      // once the previous one is written, all partitions of a round at once.
      for (let k = 0; ; k++) {
        const round = new Map<number, RecordInput[]>();
        for (const [p, slot] of byPartition) {
          const chunk = slot.chunks[k];
          if (chunk !== undefined) round.set(p, chunk);
        }
        if (round.size === 0) break;
        await this.slot();
        let sent!: () => void;
        const written = new Promise<void>((r) => (sent = r));
        const answer = this.wire.produce(topic, round, { ...this.produceOpts, onSent: sent }).catch((err) => {
          // In a transaction: a fence is final, anything else makes the transaction abortable.
          throw this.txn ? this.txn.failed(err) : err;
        });
        this.unacked.add(answer);
        void answer.then(noop, noop).finally(() => this.unacked.delete(answer));
        await Promise.race([written, answer.then(noop, noop)]);
        rounds.push({ round, answer });
      }
      answers.push(
        Promise.all(rounds.map((r) => r.answer)).then((bases) => {
          if (!meta) return;
          const offsets = new Map<number, bigint[]>();
          rounds.forEach(({ round }, k) => {
            for (const [p, chunk] of round) {
              const b = bases[k]!.get(p) ?? -1n;
              const list = offsets.get(p) ?? [];
              for (let j = 0; j < chunk.length; j++) list.push(b < 0n ? -1n : b + BigInt(j));
              offsets.set(p, list);
            }
          });
          for (const [partition, slot] of byPartition) {
            const list = offsets.get(partition) ?? [];
            (slot.at as number[]).forEach(
              (at, j) => (out[at] = { topic, partition, offset: list[j] ?? -1n }),
            );
          }
        }),
      );
    }
    const acked = Promise.all(answers).then(() => out);
    // Awaited by the caller; a failure before then is not an unhandled rejection.
    acked.catch(noop);
    return { acked };
  }
}

function noop(): void {}
