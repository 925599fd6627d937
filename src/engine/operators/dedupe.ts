/**
 * @module engine/operators/dedupe
 * Drops a record when a record with the same id was seen within `within` of event
 * time (either side: an out-of-order duplicate is a duplicate too). Each id is kept
 * from its first sighting t0 until the watermark passes t0 + within, so state holds
 * at most the ids of the last `within` (+ out-of-orderness) of event time.
 *
 *   within 1m:  t=0 id=x ✓ | t=30s id=x ✗ dup | t=1m id=x ✗ dup (|Δ| = within)
 *               t=1m1ms id=y ✓ | wm passes 1m → x forgotten | t=2m id=x ✓
 *
 * A duplicate does not extend the id's lifetime: the first sighting is the reference.
 */
import type { StateStore, WindowStore } from '../state/types';
import { durationMs, str } from './config';
import { scalar, type RecordFn } from './expr';
import type { EngineRecord, Operator, OperatorContext, OperatorSetup } from './types';

export class DedupeOperator implements Operator {
  readonly kind = 'dedupe';
  private readonly id: RecordFn;
  private readonly within: number;
  private readonly store: WindowStore<1>;
  /** Records dropped as duplicates, for metrics. */
  duplicates = 0;

  constructor(
    readonly nodeId: string,
    config: Record<string, unknown>,
    setup: OperatorSetup,
  ) {
    const id = str(config, 'id');
    this.id = id === undefined ? (r) => r.key : scalar(id, 'id');
    this.within = durationMs(config, 'within');
    this.store = setup.stores.window<1>(`${nodeId}.seen`);
  }

  process(r: EngineRecord, ctx: OperatorContext): void {
    const id = this.id(r);
    const t = r.timestamp;
    if (this.store.fetch(id, t - this.within, t + this.within).length > 0) {
      this.duplicates++;
      return;
    }
    this.store.put(id, t, t + this.within, 1);
    ctx.emit('out', r);
  }

  onWatermark(watermark: number): void {
    // Forget ids whose t0 + within lies before the watermark.
    this.store.expire(watermark - 1);
  }

  stores(): readonly StateStore[] {
    return [this.store];
  }
}
