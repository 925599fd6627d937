/**
 * @module engine/operators/types
 * The contract between operators and whatever runs them (the runtime on kafkajs,
 * or the test driver). Operators are push-based: the runner calls `process` for
 * each input record and `onWatermark` when event time advances; they answer
 * through the context only.
 */
import type { StateStore, StoreFactory } from '../state/types';

/** A record inside the engine. `timestamp` is its event time in epoch ms. */
export interface EngineRecord {
  key: unknown;
  value: unknown;
  timestamp: number;
  headers: Record<string, string>;
  source?: { topic: string; partition: number; offset: number };
}

export interface OperatorContext {
  /** Sends a record out of an output port (`out`, `late`, a branch route...). */
  emit(port: string, record: EngineRecord): void;
  /** Hands a record that could not be processed to the dead-letter output; processing goes on. */
  deadLetter(record: EngineRecord, error: unknown, nodeId: string): void;
}

export interface Operator {
  readonly nodeId: string;
  readonly kind: string;
  /** Processes one record that arrived on input `port`. May throw for a bad record; see `guarded`. */
  process(record: EngineRecord, ctx: OperatorContext, port: string): void;
  /**
   * Event time has advanced to `watermark`: emit what is now final, drop state that
   * no on-time record can touch any more. Called with non-decreasing values.
   */
  onWatermark(watermark: number, ctx: OperatorContext): void;
  /** Stores holding this operator's state (for metrics, changelogs and restore). */
  stores(): readonly StateStore[];
}

/** What building an operator needs besides its node. */
export interface OperatorSetup {
  stores: StoreFactory;
}

/** Late-record header: how many of the record's windows had already closed. */
export const MISSED_WINDOWS_HEADER = 'kflow-missed-windows';
/** Dead-letter header names used by runners. */
export const LATE_PORT = 'late';
export const OUT_PORT = 'out';
