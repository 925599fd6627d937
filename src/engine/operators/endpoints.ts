/**
 * @module engine/operators/endpoints
 * Sources and sinks as operators. A source turns what was read into an engine
 * record with its event time (the runner feeds that time to the watermark); a sink
 * applies its own key/header expressions and hands the record to the runner on
 * port `out`.
 */
import type { StateStore } from '../state/types';
import { toEventTime } from '../time/event-time';
import { str, stringMap } from './config';
import { scalar, type RecordFn } from './expr';
import type { EngineRecord, Operator, OperatorContext } from './types';

export class SourceOperator implements Operator {
  private readonly eventTime: RecordFn | undefined;
  private readonly key: RecordFn | undefined;

  constructor(
    readonly nodeId: string,
    readonly kind: string,
    config: Record<string, unknown>,
  ) {
    const et = str(config, 'eventTime');
    this.eventTime = et === undefined ? undefined : scalar(et, 'eventTime');
    // source.file / source.datagen compute the key from the record.
    const key = str(config, 'key');
    this.key = key === undefined ? undefined : scalar(key, 'key');
  }

  process(r: EngineRecord, ctx: OperatorContext): void {
    let timestamp = r.timestamp;
    if (this.eventTime) {
      const t = toEventTime(this.eventTime(r));
      if (!t.ok) throw new Error(t.message);
      timestamp = t.ms;
    }
    if (!Number.isFinite(timestamp)) throw new Error('the record has no usable timestamp');
    const out: EngineRecord = { ...r, timestamp };
    if (this.key) out.key = this.key(r);
    ctx.emit('out', out);
  }

  onWatermark(): void {}
  stores(): readonly StateStore[] {
    return [];
  }
}

export class SinkOperator implements Operator {
  private readonly key: RecordFn | undefined;
  private readonly headers: Array<[string, RecordFn]>;

  constructor(
    readonly nodeId: string,
    readonly kind: string,
    config: Record<string, unknown>,
  ) {
    const key = kind === 'sink.topic' ? str(config, 'key') : undefined;
    this.key = key === undefined ? undefined : scalar(key, 'key');
    this.headers = Object.entries(stringMap(config, 'headers')).map(([h, e]) => [
      h,
      scalar(e, `headers.${h}`),
    ]);
  }

  process(r: EngineRecord, ctx: OperatorContext): void {
    const key = this.key ? this.key(r) : r.key;
    let headers = r.headers;
    if (this.headers.length > 0) {
      headers = { ...headers };
      for (const [h, fn] of this.headers) {
        const v = fn(r);
        if (v !== null && v !== undefined) headers[h] = typeof v === 'string' ? v : JSON.stringify(v);
      }
    }
    ctx.emit('out', { ...r, key, headers });
  }

  onWatermark(): void {}
  stores(): readonly StateStore[] {
    return [];
  }
}
