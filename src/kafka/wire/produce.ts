/**
 * @module kafka/wire/produce
 * Produce: one record batch per partition (the protocol's encodeBatch, optionally compressed),
 * one request per leader, all leaders at once; resolves with each partition's base offset once
 * acknowledged (acks -1 or 1). With `idempotence` (an IdempotentProducerState kept across calls)
 * each batch carries the producer id, epoch and its partition's sequence, and a retry after a
 * lost response sends the same bytes, which the broker recognises; without it a retry may write
 * a batch twice. `WireProducer` puts the seam's record shape (ProduceRecord → RecordMetadata) on
 * top, with Kafka's default partitioner.
 */
import { ApiKey } from '../../protocol/generated/index';
import { encodeBatch, type RecordInput } from '../../protocol/records/batch';
import { CompressionCodec } from '../../protocol/records/compression';
import type { Bytes, ProduceRecord, RecordMetadata } from '../client';
import { KafkaResponseError, LEADER_MOVED, WireConnectionError } from './errors';
import type { IdempotentProducerState, InFlightBatch } from './idempotence';
import type { WireCluster } from './metadata';

export type CompressionName = keyof typeof CompressionCodec;

export interface WireProduceOptions {
  /** -1 (all in-sync replicas, the default) or 1 (the leader). */
  acks?: -1 | 1;
  compression?: CompressionName;
  /** How long the broker may take to replicate (default 30 s). */
  timeoutMs?: number;
  /** Attempts after a leader move or a lost connection (default 5). */
  retries?: number;
  /**
   * Sequence numbers for an idempotent producer (needs acks -1). The caller keeps one state per
   * producer and starts a partition's produces in order (the next one may start once the previous
   * one called onSent, up to 5 in flight): the requests leave in that order, and a retry waits for
   * the partition's earlier batches, so the log keeps the order.
   */
  idempotence?: IdempotentProducerState;
  /** Called once every request of the first attempt is written to its connection (or failed). */
  onSent?: () => void;
}

// Kafka's error codes an idempotent producer acts on.
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const DUPLICATE_SEQUENCE_NUMBER = 46;
const UNKNOWN_PRODUCER_ID = 59;

/** Kafka's murmur2 (as the Java client's default partitioner hashes keys). */
export function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length & 3;
  const at = length & ~3;
  if (rest === 3) h ^= data[at + 2]! << 16;
  if (rest >= 2) h ^= data[at + 1]! << 8;
  if (rest >= 1) {
    h ^= data[at]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner picks for a key. */
export const partitionForKey = (key: Buffer, partitions: number) => (murmur2(key) & 0x7fffffff) % partitions;

/** Produces one batch per partition of `topic`; resolves with each partition's base offset. */
export async function produceBatches(
  cluster: WireCluster,
  topic: string,
  batches: Map<number, RecordInput[]>,
  opts: WireProduceOptions = {},
): Promise<Map<number, bigint>> {
  // A v3+ Produce carries one batch per partition, and brokers refuse batches over
  // max.message.bytes (1 MB by default): larger inputs go as several requests, in order.
  const rounds: Map<number, RecordInput[]>[] = [];
  for (const [p, records] of batches) {
    let round = 0;
    let start = 0;
    let bytes = 0;
    for (let i = 0; i <= records.length; i++) {
      const r = records[i];
      const size = r === undefined ? 0 : approxBytes(r);
      if (r === undefined || (i > start && bytes + size > MAX_BATCH_BYTES)) {
        if (i > start) (rounds[round++] ??= new Map()).set(p, records.slice(start, i));
        start = i;
        bytes = 0;
      }
      bytes += size;
    }
  }
  if (rounds.length <= 1) return produceRound(cluster, topic, rounds[0] ?? new Map(), opts);
  const out = new Map<number, bigint>();
  // Each round waits for the previous one: "sent" is when the last one's requests are.
  const { onSent, ...each } = opts;
  for (let i = 0; i < rounds.length; i++)
    for (const [p, base] of await produceRound(
      cluster,
      topic,
      rounds[i]!,
      i === rounds.length - 1 && onSent ? { ...each, onSent } : each,
    ))
      if (!out.has(p)) out.set(p, base);
  return out;
}

// Below Kafka's default max.message.bytes (1,048,588) with room for batch and record overhead.
const MAX_BATCH_BYTES = 900_000;

const len = (b: Buffer | string | null | undefined) =>
  b == null ? 0 : typeof b === 'string' ? Buffer.byteLength(b) : b.length;

function approxBytes(r: RecordInput): number {
  let n = 24 + len(r.key) + len(r.value);
  for (const h of r.headers ?? []) n += 8 + h.key.length + len(h.value);
  return n;
}

async function produceRound(
  cluster: WireCluster,
  topic: string,
  batches: Map<number, RecordInput[]>,
  opts: WireProduceOptions,
): Promise<Map<number, bigint>> {
  const codec = CompressionCodec[opts.compression ?? 'none'];
  if (codec === undefined) throw new Error(`unknown compression "${opts.compression}"`);
  const idem = opts.idempotence;
  if (idem && opts.acks === 1) throw new Error('an idempotent producer needs acks -1 (all in-sync replicas)');
  const sent = new Map<number, InFlightBatch>();
  const encode = async (p: number, records: RecordInput[]): Promise<Buffer> => {
    if (!idem) return encodeBatch(records, { compression: codec });
    const id = await idem.ensure(async () => cluster.connection(await cluster.leader(topic, p)));
    const baseSequence = idem.take(topic, p, records.length);
    sent.set(p, idem.sent(topic, p, baseSequence));
    return encodeBatch(records, {
      compression: codec,
      producerId: Number(id.producerId),
      producerEpoch: id.producerEpoch,
      baseSequence,
      isTransactional: idem.transactionalId !== undefined,
    });
  };
  const encoded = new Map<number, Buffer>();
  try {
    for (const [p, records] of batches) if (records.length > 0) encoded.set(p, await encode(p, records));
    return await sendEncoded(cluster, topic, encoded, opts, sent, async (partitions) => {
      // The broker lost or never had this producer's state, or holds other sequences: as the
      // Java producer does (KIP-360), take a new identity and send the batches again from 0.
      // A batch sent under an identity replaced meanwhile only takes sequences of the new one.
      if (partitions.some((p) => !idem!.stale(sent.get(p)!))) idem!.reset();
      for (const p of partitions) encoded.set(p, await encode(p, batches.get(p) ?? []));
    });
  } catch (err) {
    // Sequences were taken for batches the broker may not have: they cannot continue.
    idem?.reset();
    throw err;
  } finally {
    if (idem) for (const b of sent.values()) idem.answered(b);
  }
}

async function sendEncoded(
  cluster: WireCluster,
  topic: string,
  encoded: Map<number, Buffer>,
  opts: WireProduceOptions,
  sent: Map<number, InFlightBatch>,
  renumber: (partitions: number[]) => Promise<void>,
): Promise<Map<number, bigint>> {
  const out = new Map<number, bigint>();
  const renumbered = new Set<number>();
  const idem = opts.idempotence;
  let onSent = opts.onSent;
  const answered = (p: number) => {
    const b = sent.get(p);
    if (b) idem?.answered(b);
  };
  let todo = [...encoded.keys()];
  for (let attempt = 0, first = true; todo.length > 0; first = false) {
    // A resent batch goes after its partition's earlier batches are answered, so it cannot
    // overtake them (their retries included).
    if (!first && idem) await Promise.all(todo.map((p) => idem.whenFirst(sent.get(p)!)));
    const infos = await cluster.partitions(topic, true);
    const byLeader = new Map<number, number[]>();
    for (const p of todo) {
      const leader = infos.find((x) => x.partition === p)?.leader;
      if (leader === undefined) throw new KafkaResponseError('-', 'Produce', 3, topic, p);
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    const retry: number[] = [];
    let lastError: Error | undefined;
    const resequence: number[] = [];
    /** Refused only because an earlier batch is unanswered: resent after it, not an attempt. */
    let overtook = 0;
    let unsent = byLeader.size;
    const wrote = () => {
      if (--unsent === 0 && onSent) {
        onSent();
        onSent = undefined;
      }
    };
    await Promise.all(
      [...byLeader].map(async ([leader, partitions]) => {
        let written = false;
        try {
          const conn = await cluster.connection(leader);
          const request = conn.request(ApiKey.Produce, {
            transactionalId: opts.idempotence?.transactionalId ?? null,
            acks: opts.acks ?? -1,
            timeoutMs: opts.timeoutMs ?? 30_000,
            topicData: [
              { name: topic, partitionData: partitions.map((p) => ({ index: p, records: encoded.get(p)! })) },
            ],
          });
          written = true;
          wrote();
          const res = await request;
          for (const t of res.responses)
            for (const r of t.partitionResponses) {
              const error = () =>
                new KafkaResponseError(conn.address, 'Produce', r.errorCode, topic, r.index, r.errorMessage);
              const b = sent.get(r.index);
              if (r.errorCode === 0) {
                out.set(r.index, r.baseOffset);
                answered(r.index);
              }
              // An earlier attempt of this very batch reached the log: it is written once.
              else if (r.errorCode === DUPLICATE_SEQUENCE_NUMBER && opts.idempotence) {
                out.set(r.index, r.baseOffset);
                answered(r.index);
              } else if (
                (r.errorCode === OUT_OF_ORDER_SEQUENCE_NUMBER || r.errorCode === UNKNOWN_PRODUCER_ID) &&
                b !== undefined &&
                idem?.behind(b)
              ) {
                retry.push(r.index);
                overtook++;
              } else if (LEADER_MOVED.has(r.errorCode)) {
                retry.push(r.index);
                lastError = error();
              } else if (
                opts.idempotence?.transactionalId === undefined &&
                opts.idempotence &&
                (r.errorCode === OUT_OF_ORDER_SEQUENCE_NUMBER || r.errorCode === UNKNOWN_PRODUCER_ID) &&
                !renumbered.has(r.index)
              ) {
                renumbered.add(r.index);
                resequence.push(r.index);
                retry.push(r.index);
                lastError = error();
              } else throw error();
            }
        } catch (err) {
          if (!written) wrote();
          if (!(err instanceof WireConnectionError && err.reason !== 'tls')) throw err;
          retry.push(...partitions);
          lastError = err;
        }
      }),
    );
    if (resequence.length > 0) await renumber(resequence);
    if (retry.length > overtook) {
      if (attempt >= (opts.retries ?? 5)) throw lastError!;
      cluster.forget(topic);
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      attempt++;
    }
    todo = retry;
  }
  return out;
}

const toBuffer = (b: Bytes): Buffer => (typeof b === 'string' ? Buffer.from(b, 'utf8') : b);

function toInput(r: ProduceRecord): RecordInput {
  const input: RecordInput = { key: r.key ?? null, value: r.value };
  if (r.timestamp !== undefined) input.timestamp = r.timestamp;
  if (r.headers !== undefined) {
    const headers: { key: string; value: Buffer | string }[] = [];
    // A list under one name (what an import of a repeated header passes) is several headers.
    for (const [k, v] of Object.entries(r.headers as Record<string, Bytes | Bytes[] | undefined>)) {
      if (v === undefined) continue;
      for (const x of Array.isArray(v) ? v : [v]) headers.push({ key: k, value: x });
    }
    input.headers = headers;
  }
  return input;
}

/** The seam's producer shape over produceBatches: records in, their offsets out, in order. */
export class WireProducer {
  private roundRobin = 0;

  constructor(
    private readonly cluster: WireCluster,
    private readonly opts: WireProduceOptions = {},
  ) {}

  async send(records: ProduceRecord[]): Promise<RecordMetadata[]> {
    const now = Date.now();
    // topic → partition → [index in `records`, input]
    const plan = new Map<string, Map<number, { at: number[]; inputs: RecordInput[] }>>();
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      let partition = r.partition;
      if (partition === undefined) {
        const n = (await this.cluster.partitions(r.topic, true)).length;
        partition =
          r.key === undefined || r.key === null ? this.roundRobin++ % n : partitionForKey(toBuffer(r.key), n);
      }
      let byPartition = plan.get(r.topic);
      if (!byPartition) plan.set(r.topic, (byPartition = new Map()));
      let slot = byPartition.get(partition);
      if (!slot) byPartition.set(partition, (slot = { at: [], inputs: [] }));
      const input = toInput(r);
      input.timestamp ??= now;
      slot.at.push(i);
      slot.inputs.push(input);
    }
    const out: RecordMetadata[] = new Array<RecordMetadata>(records.length);
    await Promise.all(
      [...plan].map(async ([topic, byPartition]) => {
        const base = await produceBatches(
          this.cluster,
          topic,
          new Map([...byPartition].map(([p, s]) => [p, s.inputs])),
          this.opts,
        );
        for (const [partition, s] of byPartition) {
          const b = base.get(partition)!;
          s.at.forEach((at, k) => (out[at] = { topic, partition, offset: b + BigInt(k) }));
        }
      }),
    );
    return out;
  }
}
