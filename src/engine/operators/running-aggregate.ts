/**
 * @module engine/operators/running-aggregate
 * Unwindowed aggregation per key (a KTable from KGroupedStream.aggregate): every
 * record updates its key's accumulator and emits the new result. State grows with
 * the number of keys, by design.
 */
import type { StateStore, KeyValueStore } from '../state/types';
import { groupByOf, stringMap } from './config';
import { Aggregates, Grouping } from './expr';
import type { EngineRecord, Operator, OperatorContext, OperatorSetup } from './types';
import type { WindowSlot } from './window-aggregate';

export class RunningAggregateOperator implements Operator {
  readonly kind = 'aggregate';
  private readonly grouping: Grouping;
  private readonly aggregates: Aggregates;
  private readonly store: KeyValueStore<WindowSlot>;

  constructor(
    readonly nodeId: string,
    config: Record<string, unknown>,
    setup: OperatorSetup,
  ) {
    this.grouping = new Grouping(groupByOf(config));
    this.aggregates = new Aggregates(stringMap(config, 'aggregates'));
    this.store = setup.stores.keyValue<WindowSlot>(`${nodeId}.table`);
  }

  process(r: EngineRecord, ctx: OperatorContext): void {
    const { key, fields } = this.grouping.of(r);
    const partial = this.aggregates.fold(r);
    const slot = this.store.get(key) ?? { acc: this.aggregates.init(), fields };
    this.aggregates.merge(slot.acc, partial);
    this.store.put(key, slot);
    ctx.emit('out', {
      key,
      value: { ...slot.fields, ...this.aggregates.results(slot.acc) },
      timestamp: r.timestamp,
      headers: {},
    });
  }

  onWatermark(): void {}

  stores(): readonly StateStore[] {
    return [this.store];
  }
}
