/**
 * @module engine/operators/join-stream-table
 * Stream-table join (KStream#join/leftJoin with a KTable). The `table` input is a
 * changelog: the latest value per record key is the row, a null value (tombstone)
 * deletes it. Each `stream` record looks up the row current at the moment it is
 * processed (processing order, as Kafka Streams with an unversioned store); table
 * updates never emit. Inner joins emit nothing for a stream record without a row;
 * left joins emit it with a null row.
 */
import type { KeyValueStore, StateStore } from '../state/types';
import { str, strOr } from './config';
import { scalar, type RecordFn } from './expr';
import { joinValue, type JoinOutput } from './join-output';
import type { EngineRecord, Operator, OperatorContext, OperatorSetup } from './types';

export class StreamTableJoinOperator implements Operator {
  readonly kind = 'join.stream-table';
  private readonly type: 'inner' | 'left';
  private readonly output: JoinOutput;
  private readonly streamKey: RecordFn;
  private readonly table: KeyValueStore<unknown>;

  constructor(
    readonly nodeId: string,
    config: Record<string, unknown>,
    setup: OperatorSetup,
  ) {
    this.type = strOr<'inner' | 'left'>(config, 'type', 'left');
    this.output = strOr<JoinOutput>(config, 'output', 'merged');
    const sk = str(config, 'streamKey');
    this.streamKey = sk === undefined ? (r) => r.key : scalar(sk, 'streamKey');
    this.table = setup.stores.keyValue<unknown>(`${nodeId}.table`);
  }

  process(r: EngineRecord, ctx: OperatorContext, port: string): void {
    if (port === 'table') {
      if (r.key === null || r.key === undefined) throw new Error('a table record needs a key');
      if (r.value === null || r.value === undefined) this.table.delete(r.key);
      else this.table.put(r.key, r.value);
      return;
    }
    if (port !== 'stream') throw new Error(`join has no input "${port}"`);
    const key = this.streamKey(r);
    const row = key === null || key === undefined ? undefined : this.table.get(key);
    if (row === undefined && this.type === 'inner') return;
    ctx.emit('out', { ...r, key, value: joinValue(this.output, r.value, row ?? null, ['stream', 'table']) });
  }

  onWatermark(): void {}

  stores(): readonly StateStore[] {
    return [this.table];
  }
}
