/**
 * Where the latency case's time goes inside the engine: a client whose consumer and producer note,
 * for every record carrying the bench's `"ts":<send time>`, how long after its send it was fetched
 * by the engine, handed to the producer (a flush's write starts) and acknowledged. The latency
 * probe adds the last stage (acknowledged → read back). Each figure is cumulative from the send.
 */
import type { Bytes, KafkaClient } from '../../src/kafka/client';
import { observeBatches } from '../measure';

export type Stage = 'fetched' | 'written' | 'acked';
export const STAGES: readonly Stage[] = ['fetched', 'written', 'acked'];

export interface StageSamples {
  /** Send time of each sample (ms since the epoch), to leave the warm-up out. */
  sentAt: number[];
  /** Milliseconds from the send, per sample. */
  ms: number[];
}

const TS = Buffer.from('"ts":');

/** The send time a bench event carries (`"ts":1234…`), or -1. */
export function sentAt(value: Bytes | null | undefined): number {
  if (value == null) return -1;
  const b = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  let i = b.indexOf(TS);
  if (i < 0) return -1;
  i += TS.length;
  let n = 0;
  let digits = 0;
  for (; i < b.length; i++, digits++) {
    const c = b[i]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return digits > 0 ? n : -1;
}

/** `idempotent: false` overrides what the engine asks of its producer (to compare with it off). */
export function stampStages(
  client: KafkaClient,
  override: { idempotent?: boolean } = {},
): {
  client: KafkaClient;
  samples: Record<Stage, StageSamples>;
  /** Each stage's figures for the records sent `warmupMs` or more after the first one. */
  report: (warmupMs: number) => Record<Stage, StageSummary>;
} {
  const samples = {
    fetched: { sentAt: [], ms: [] },
    written: { sentAt: [], ms: [] },
    acked: { sentAt: [], ms: [] },
  } as Record<Stage, StageSamples>;
  const note = (stage: Stage, ts: number[], now: number) => {
    const s = samples[stage];
    for (const t of ts) {
      s.sentAt.push(t);
      s.ms.push(now - t);
    }
  };
  const stamps = (records: readonly { value: Bytes | null }[]) =>
    records.map((r) => sentAt(r.value)).filter((t) => t >= 0);
  const wrapped = observeBatches(client, (batch) => note('fetched', stamps(batch.records), Date.now()));
  wrapped.producer = async (opts) => {
    const p = await client.producer({ ...opts, ...override });
    const write = p.write.bind(p);
    p.write = async (records) => {
      const ts = stamps(records);
      note('written', ts, Date.now());
      await write(records);
      note('acked', ts, Date.now());
    };
    return p;
  };
  const report = (warmupMs: number) => {
    const first = Math.min(...STAGES.map((st) => samples[st].sentAt[0] ?? Infinity));
    return Object.fromEntries(STAGES.map((st) => [st, summarize(samples[st], first + warmupMs)])) as Record<
      Stage,
      StageSummary
    >;
  };
  return { client: wrapped, samples, report };
}

export interface StageSummary {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

/** p50, p99 and max of a stage's samples sent at or after `from`. */
export function summarize(
  s: StageSamples,
  from: number,
): { p50: number; p99: number; max: number; n: number } {
  const ms = s.ms.filter((_, i) => s.sentAt[i]! >= from).sort((x, y) => x - y);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99), max: ms[ms.length - 1] ?? NaN, n: ms.length };
}
