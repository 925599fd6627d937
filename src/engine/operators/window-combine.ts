/**
 * @module engine/operators/window-combine
 * The map-side half of a tumbling window whose input crosses a repartition topic (see
 * planner/combine for when that is exact). An upstream task folds the records it would send
 * into one partial aggregate per (group, window) and sends the partials when it flushes; the
 * window merges a partial as it would merge each of its records (window-aggregate.ts).
 *
 *   upstream task, one flush:  books@[0,5m) 3 · books@[0,5m) 4 · games@[0,5m) 1
 *   → repartition topic:       books [0,5m) {sum 7, count 2, max t} · games [0,5m) {1, 1}
 *
 * A partial record's value holds the group's fields (so the repartition partitions it as it
 * partitions each of its records), its timestamp is the newest event time it covers (so the
 * window's stream time moves as far as its records would have moved it), and the header
 * `kflow-partial` holds `{ w: window start, n: records, a: accumulators }`. A record this task
 * already sees as late (its window closed by this task's watermark) is not folded: it crosses
 * on its own, so the window judges it and reports it on its late port as a record.
 */
import type { AggregateState } from '../../expr/index';
import { durationMs, groupByOf, stringMap } from './config';
import { Aggregates, Grouping } from './expr';
import type { EngineRecord } from './types';

export const PARTIAL_HEADER = 'kflow-partial';
/** On a partial that reached its window after the window closed: how many records it covers. */
export const PARTIAL_RECORDS_HEADER = 'kflow-partial-records';
/** Partials held before they are handed over even without a flush (bounds memory). */
export const MAX_PARTIALS = 10_000;

export interface PartialAggregate {
  /** Window start. */
  w: number;
  /** Records folded in. */
  n: number;
  /** Accumulators, one per aggregate, as the window stores them. */
  a: AggregateState[];
}

interface Slot {
  key: unknown;
  fields: Record<string, unknown>;
  start: number;
  n: number;
  maxTime: number;
  acc: AggregateState[];
}

export class WindowCombiner {
  private readonly grouping: Grouping;
  private readonly aggregates: Aggregates;
  private readonly size: number;
  private readonly grace: number;
  /** window start → group (its key as text) → partial. */
  private slots = new Map<number, Map<string, Slot>>();
  private count = 0;

  constructor(config: Record<string, unknown>) {
    this.size = durationMs(config, 'size');
    if (!(this.size > 0)) throw new RangeError(`window size must be positive, got ${this.size}`);
    this.grace = durationMs(config, 'grace', 0);
    this.grouping = new Grouping(groupByOf(config));
    this.aggregates = new Aggregates(stringMap(config, 'aggregates'));
  }

  get pending(): number {
    return this.count;
  }

  /**
   * Folds `r` into its partial. Returns false, folding nothing, when the record must cross on
   * its own (its window is closed at `watermark`, this task's). Throws for a bad record before
   * anything is folded.
   */
  add(r: EngineRecord, watermark: number): boolean {
    const t = r.timestamp;
    const start = t - (((t % this.size) + this.size) % this.size);
    if (start + this.size + this.grace <= watermark) return false;
    const key = this.grouping.keyOf(r);
    const id = typeof key === 'string' ? key : JSON.stringify(key ?? null);
    let byKey = this.slots.get(start);
    const slot = byKey?.get(id);
    if (slot === undefined) {
      // Folded before the slot exists: a bad record throws and leaves nothing behind.
      const acc = this.aggregates.init();
      this.aggregates.add(acc, r);
      const { fields } = this.grouping.of(r);
      if (byKey === undefined) {
        byKey = new Map();
        this.slots.set(start, byKey);
      }
      byKey.set(id, { key, fields, start, n: 1, maxTime: t, acc });
      this.count++;
      return true;
    }
    this.aggregates.add(slot.acc, r);
    slot.n++;
    if (t > slot.maxTime) slot.maxTime = t;
    return true;
  }

  /** The partials held so far, as records for the repartition topic; empties the combiner. */
  drain(): EngineRecord[] {
    if (this.count === 0) return [];
    const out: EngineRecord[] = [];
    for (const byKey of this.slots.values())
      for (const s of byKey.values()) {
        const p: PartialAggregate = { w: s.start, n: s.n, a: s.acc };
        out.push({
          key: s.key,
          value: s.fields,
          timestamp: s.maxTime,
          headers: { [PARTIAL_HEADER]: JSON.stringify(p) },
        });
      }
    this.slots = new Map();
    this.count = 0;
    return out;
  }
}

/** How many records the `kflow-partial` header text covers (1 when it cannot tell). */
export function partialCount(text: string): number {
  const m = /"n":(\d+)/.exec(text);
  return m ? Number(m[1]) : 1;
}

/** The partial a record carries, or undefined for an ordinary record. Throws when it is malformed. */
export function partialOf(r: EngineRecord): PartialAggregate | undefined {
  const text = r.headers[PARTIAL_HEADER];
  if (text === undefined) return undefined;
  const p = JSON.parse(text) as Partial<PartialAggregate>;
  if (typeof p.w !== 'number' || typeof p.n !== 'number' || !Array.isArray(p.a))
    throw new Error(`malformed ${PARTIAL_HEADER} header: ${text.slice(0, 100)}`);
  return p as PartialAggregate;
}
