/**
 * @module engine/operators/join-stream-stream
 * Windowed stream-stream join (inner, left, outer) with bounded state, after
 * Kafka Streams' KStreamKStreamJoin (3.1+, no spurious left/outer results) and
 * Flink's interval join.
 *
 * Two records join when their keys are equal and |tL − tR| ≤ within. A record is
 * late when `t + grace < watermark`: it is sent to `late` and joins nothing. So the
 * last on-time partner of a record at t has tOther = t + within and must arrive
 * while wm ≤ t + within + grace; after that the record can never join again, and
 *   - it leaves the state (each side is kept for within + grace of event time);
 *   - left/outer joins emit it unmatched, exactly once, and only then.
 *
 *   within 10m, grace 1m, left join, key u:
 *   L t=0 | R t=10m → joined (|Δ| = within) | R t=10m+1ms → no match with L@0
 *   L t=0 (unmatched) | wm = 11m → still open | wm = 11m+1ms → emits {left: L, right: null}
 *
 * A result carries the join key and the later of the two timestamps; an unmatched
 * result carries its own record's timestamp.
 */
import type { StateStore, WindowStore } from '../state/types';
import { durationMs, str, strOr } from './config';
import { scalar, type RecordFn } from './expr';
import { joinValue, type JoinOutput } from './join-output';
import type { EngineRecord, Operator, OperatorContext, OperatorSetup } from './types';

export type StreamJoinType = 'inner' | 'left' | 'outer';

/** One buffered record; `matched` stops it from being emitted unmatched on expiry. */
interface Buffered {
  key: unknown;
  value: unknown;
  headers: Record<string, string>;
  matched: boolean;
}

type Side = 'left' | 'right';

export class StreamStreamJoinOperator implements Operator {
  readonly kind = 'join.stream-stream';
  private readonly type: StreamJoinType;
  private readonly within: number;
  private readonly grace: number;
  private readonly output: JoinOutput;
  private readonly keyOf: Record<Side, RecordFn>;
  /** Per side: key → t → records at t; an entry's end is t + within + grace. */
  private readonly buffers: Record<Side, WindowStore<Buffered[]>>;
  private watermark = -Infinity;

  constructor(
    readonly nodeId: string,
    config: Record<string, unknown>,
    setup: OperatorSetup,
  ) {
    this.type = strOr<StreamJoinType>(config, 'type', 'inner');
    this.within = durationMs(config, 'within');
    this.grace = durationMs(config, 'grace', 0);
    this.output = strOr<JoinOutput>(config, 'output', 'nested');
    const lk = str(config, 'leftKey');
    const rk = str(config, 'rightKey');
    this.keyOf = {
      left: lk === undefined ? (r) => r.key : scalar(lk, 'leftKey'),
      right: rk === undefined ? (r) => r.key : scalar(rk, 'rightKey'),
    };
    this.buffers = {
      left: setup.stores.window<Buffered[]>(`${nodeId}.left`),
      right: setup.stores.window<Buffered[]>(`${nodeId}.right`),
    };
  }

  process(r: EngineRecord, ctx: OperatorContext, port: string): void {
    if (port !== 'left' && port !== 'right') throw new Error(`join has no input "${port}"`);
    const side: Side = port;
    const other: Side = side === 'left' ? 'right' : 'left';
    const key = this.keyOf[side](r);
    const t = r.timestamp;
    if (key === null || key === undefined) {
      // A null key can never match (Kafka Streams skips it); an outer side still owes its unmatched result.
      if (!this.emitsUnmatched(side)) throw new Error(`the ${side} join key is NULL`);
      ctx.emit('out', this.unmatched(side, key, r.value, r.headers, t));
      return;
    }
    if (t + this.grace < this.watermark) {
      ctx.emit('late', r);
      return;
    }
    const partners = this.buffers[other].fetch(key, t - this.within, t + this.within);
    for (const entry of partners) {
      for (const p of entry.value) {
        const [lv, rv] = side === 'left' ? [r.value, p.value] : [p.value, r.value];
        ctx.emit('out', {
          key,
          value: joinValue(this.output, lv, rv, ['left', 'right']),
          timestamp: Math.max(t, entry.start),
          headers: side === 'left' ? r.headers : p.headers,
        });
      }
      if (entry.value.some((p) => !p.matched)) {
        const updated = entry.value.map((p) => (p.matched ? p : { ...p, matched: true }));
        this.buffers[other].put(key, entry.start, entry.end, updated);
      }
    }
    const mine = this.buffers[side].get(key, t)?.value ?? [];
    const record: Buffered = { key: r.key, value: r.value, headers: r.headers, matched: partners.length > 0 };
    this.buffers[side].put(key, t, t + this.within + this.grace, [...mine, record]);
  }

  onWatermark(watermark: number, ctx: OperatorContext): void {
    this.watermark = watermark;
    // Expired: t + within + grace < wm  ⇔  end ≤ wm − 1.
    const expired: Array<{ side: Side; key: unknown; t: number; records: Buffered[] }> = [];
    for (const side of ['left', 'right'] as const) {
      for (const e of this.buffers[side].expire(watermark - 1)) {
        if (this.emitsUnmatched(side)) expired.push({ side, key: e.key, t: e.start, records: e.value });
      }
    }
    expired.sort((a, b) => a.t - b.t);
    for (const e of expired) {
      for (const rec of e.records)
        if (!rec.matched) ctx.emit('out', this.unmatched(e.side, e.key, rec.value, rec.headers, e.t));
    }
  }

  stores(): readonly StateStore[] {
    return [this.buffers.left, this.buffers.right];
  }

  private emitsUnmatched(side: Side): boolean {
    return this.type === 'outer' || (this.type === 'left' && side === 'left');
  }

  private unmatched(
    side: Side,
    key: unknown,
    value: unknown,
    headers: Record<string, string>,
    t: number,
  ): EngineRecord {
    const [lv, rv] = side === 'left' ? [value, null] : [null, value];
    return { key, value: joinValue(this.output, lv, rv, ['left', 'right']), timestamp: t, headers };
  }
}
