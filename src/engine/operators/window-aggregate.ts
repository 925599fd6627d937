/**
 * @module engine/operators/window-aggregate
 * Tumbling and hopping window aggregations on event time, after Kafka Streams'
 * KStreamWindowAggregate, with the watermark in place of observed stream time.
 *
 *   size 5m, grace 30s, emit final, key a:
 *   t=0 a(5) | t=4m59 a(3) | t=5m a(1) → [5m,10m) | wm reaches 5m30 → [0,5m) closes: a=8
 *   then t=4m a(9) arrives: its window has closed → late port, counted, not added
 *
 * A record is late for a window when `end + grace ≤ watermark` at its arrival. A
 * hopping record that missed some of its windows is added to the open ones and
 * also sent to `late` (header `kflow-missed-windows`: how many it missed), so
 * nothing is dropped without a trace. Results carry `window_start`/`window_end`
 * (end exclusive) and the timestamp `end − 1`, the last instant of the window, so a
 * downstream window puts them in the same period.
 *
 * A partial aggregate from an upstream task (window-combine.ts) is merged into its window as
 * its records would have been, judged late or on time as a whole on its arrival; a late one
 * goes to `late` as one record with the partial's results and `kflow-partial-records` (how
 * many records it covers), and counts as that many late records in the node's metrics.
 */
import type { AggregateState } from '../../expr/index';
import type { StateStore, WindowStore } from '../state/types';
import { hoppingWindows, tumblingWindow, type TimeWindow } from '../time/windows';
import { durationMs, groupByOf, stringMap, strOr } from './config';
import { Aggregates, Grouping } from './expr';
import { PARTIAL_RECORDS_HEADER, partialOf, type PartialAggregate } from './window-combine';
import {
  MISSED_WINDOWS_HEADER,
  type EngineRecord,
  type Operator,
  type OperatorContext,
  type OperatorSetup,
} from './types';

export interface WindowSlot {
  acc: AggregateState[];
  fields: Record<string, unknown>;
}

export type EmitMode = 'final' | 'update';

export class WindowAggregateOperator implements Operator {
  private readonly grouping: Grouping;
  private readonly aggregates: Aggregates;
  private readonly store: WindowStore<WindowSlot>;
  private readonly emitMode: EmitMode;
  private readonly grace: number;
  private readonly assign: (t: number) => TimeWindow[];
  private watermark = -Infinity;

  constructor(
    readonly nodeId: string,
    readonly kind: 'window.tumbling' | 'window.hopping',
    config: Record<string, unknown>,
    setup: OperatorSetup,
  ) {
    const size = durationMs(config, 'size');
    if (kind === 'window.hopping') {
      const advance = durationMs(config, 'advance');
      this.assign = (t) => hoppingWindows(t, size, advance);
    } else {
      this.assign = (t) => [tumblingWindow(t, size)];
    }
    this.grace = durationMs(config, 'grace', 0);
    this.emitMode = strOr<EmitMode>(config, 'emit', 'final');
    this.grouping = new Grouping(groupByOf(config));
    this.aggregates = new Aggregates(stringMap(config, 'aggregates'));
    this.store = setup.stores.window<WindowSlot>(`${nodeId}.windows`);
  }

  process(r: EngineRecord, ctx: OperatorContext): void {
    const p = this.kind === 'window.tumbling' ? partialOf(r) : undefined;
    if (p !== undefined) {
      this.mergePartial(r, p, ctx);
      return;
    }
    const key = this.grouping.keyOf(r);
    if (this.kind === 'window.tumbling') {
      this.processTumbling(r, key, ctx);
      return;
    }
    const partial = this.aggregates.fold(r);
    const windows = this.assign(r.timestamp);
    let missed = 0;
    for (const w of windows) {
      if (w.end + this.grace <= this.watermark) {
        missed++;
        continue;
      }
      // The group's fields only for a new slot: an existing one has them.
      const slot = this.store.get(key, w.start)?.value ?? {
        acc: this.aggregates.init(),
        fields: this.grouping.of(r).fields,
      };
      this.aggregates.merge(slot.acc, partial);
      this.store.put(key, w.start, w.end, slot);
      if (this.emitMode === 'update') ctx.emit('out', this.result(key, w.start, w.end, slot));
    }
    if (missed > 0)
      ctx.emit('late', {
        ...r,
        headers: { ...r.headers, [MISSED_WINDOWS_HEADER]: `${missed}/${windows.length}` },
      });
  }

  /** One window per record: folded into its slot in place (no accumulator per record). */
  private processTumbling(r: EngineRecord, key: unknown, ctx: OperatorContext): void {
    const w = this.assign(r.timestamp)[0] as TimeWindow;
    if (w.end + this.grace <= this.watermark) {
      // As on time: a record the aggregates reject is a dead letter, not a late record.
      this.aggregates.fold(r);
      ctx.emit('late', { ...r, headers: { ...r.headers, [MISSED_WINDOWS_HEADER]: '1/1' } });
      return;
    }
    const existing = this.store.get(key, w.start)?.value;
    const slot = existing ?? { acc: this.aggregates.init(), fields: this.grouping.of(r).fields };
    this.aggregates.add(slot.acc, r);
    this.store.put(key, w.start, w.end, slot);
    if (this.emitMode === 'update') ctx.emit('out', this.result(key, w.start, w.end, slot));
  }

  private mergePartial(r: EngineRecord, p: PartialAggregate, ctx: OperatorContext): void {
    const { key, fields } = this.grouping.of(r);
    const w = this.assign(p.w)[0] as TimeWindow;
    if (w.start !== p.w) throw new Error(`a partial aggregate for ${p.w} is not aligned to this window`);
    if (w.end + this.grace <= this.watermark) {
      const late = this.result(key, w.start, w.end, { acc: p.a, fields });
      late.timestamp = r.timestamp;
      late.headers = { [PARTIAL_RECORDS_HEADER]: String(p.n) };
      ctx.emit('late', late);
      return;
    }
    const slot = this.store.get(key, w.start)?.value ?? { acc: this.aggregates.init(), fields };
    this.aggregates.merge(slot.acc, p.a);
    this.store.put(key, w.start, w.end, slot);
    if (this.emitMode === 'update') ctx.emit('out', this.result(key, w.start, w.end, slot));
  }

  onWatermark(watermark: number, ctx: OperatorContext): void {
    this.watermark = watermark;
    // Closed: end + grace ≤ wm  ⇔  end ≤ wm − grace.
    const closed = this.store.expire(watermark - this.grace);
    if (this.emitMode !== 'final') return;
    for (const e of closed) ctx.emit('out', this.result(e.key, e.start, e.end, e.value));
  }

  stores(): readonly StateStore[] {
    return [this.store];
  }

  private result(key: unknown, start: number, end: number, slot: WindowSlot): EngineRecord {
    return {
      key,
      value: { ...slot.fields, ...this.aggregates.results(slot.acc), window_start: start, window_end: end },
      timestamp: end - 1,
      headers: {},
    };
  }
}
