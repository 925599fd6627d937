/**
 * @module engine/operators/session-aggregate
 * Session window aggregation, after Kafka Streams' KStreamSessionWindowAggregate.
 *
 *   gap 5m, grace 0:
 *   t=0 a(1) | t=3m a(2)  → session [0,3m]
 *   t=12m a(4)            → session [12m,12m]
 *   t=8m a(8)             → bridges both: [0,12m] = 15 (accumulators merged)
 *   wm passes 12m+5m      → [0,12m] closes: a=15
 *
 * A record is late when the session it would form or join has closed:
 * `end + gap + grace < watermark`. Results carry `window_start` = first and
 * `window_end` = last event time of the session (both inclusive, as Kafka Streams'
 * SessionWindow), with timestamp `window_end`. With `emit: update` each change
 * emits the merged session; a downstream table keyed by key and start should
 * treat a result with an earlier start as replacing the sessions it absorbed.
 */
import type { StateStore, WindowStore } from '../state/types';
import { mergeSessions, sessionClosed } from '../time/sessions';
import { durationMs, groupByOf, stringMap, strOr } from './config';
import { Aggregates, Grouping } from './expr';
import type { EngineRecord, Operator, OperatorContext, OperatorSetup } from './types';
import type { EmitMode, WindowSlot } from './window-aggregate';

export class SessionAggregateOperator implements Operator {
  readonly kind = 'window.session';
  private readonly grouping: Grouping;
  private readonly aggregates: Aggregates;
  private readonly store: WindowStore<WindowSlot>;
  private readonly emitMode: EmitMode;
  private readonly gap: number;
  private readonly grace: number;
  private watermark = -Infinity;

  constructor(
    readonly nodeId: string,
    config: Record<string, unknown>,
    setup: OperatorSetup,
  ) {
    this.gap = durationMs(config, 'gap');
    this.grace = durationMs(config, 'grace', 0);
    this.emitMode = strOr<EmitMode>(config, 'emit', 'final');
    this.grouping = new Grouping(groupByOf(config));
    this.aggregates = new Aggregates(stringMap(config, 'aggregates'));
    // Entries: key, start = first event, end = last event of the session.
    this.store = setup.stores.window<WindowSlot>(`${nodeId}.sessions`);
  }

  process(r: EngineRecord, ctx: OperatorContext): void {
    const { key, fields } = this.grouping.of(r);
    const partial = this.aggregates.fold(r);
    const t = r.timestamp;
    // Sessions starting after t + gap cannot reach t; those ending before t − gap are filtered by mergeSessions.
    const candidates = this.store.fetch(key, -Infinity, t + this.gap);
    const { merged, absorbed } = mergeSessions(candidates, t, this.gap);
    if (sessionClosed(merged, this.gap, this.grace, this.watermark)) {
      ctx.emit('late', r);
      return;
    }
    const acc = this.aggregates.init();
    for (const s of absorbed) {
      this.aggregates.merge(acc, (s as (typeof candidates)[number]).value.acc);
      this.store.delete(key, s.start);
    }
    this.aggregates.merge(acc, partial);
    const slot: WindowSlot = { acc, fields };
    this.store.put(key, merged.start, merged.end, slot);
    if (this.emitMode === 'update') ctx.emit('out', this.result(key, merged.start, merged.end, slot));
  }

  onWatermark(watermark: number, ctx: OperatorContext): void {
    this.watermark = watermark;
    // Closed: end + gap + grace < wm  ⇔  end ≤ wm − gap − grace − 1 (integer ms).
    const closed = this.store.expire(watermark - this.gap - this.grace - 1);
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
      timestamp: end,
      headers: {},
    };
  }
}
