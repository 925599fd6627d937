/**
 * @module engine/io/types
 * The contract between the runtime and sources and sinks that do not live in
 * Kafka (generated data, files, S3, the console). Topic sources and sinks are
 * the runtime's own, through the client seam in src/kafka/.
 */
import type { EngineRecord } from '../operators/types';

export interface IoLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface SourceContext {
  /** Directory of the spec file: relative paths in configs resolve against it. */
  readonly specDir: string;
  readonly pipeline: string;
  readonly nodeId: string;
  /** Aborted when the run stops; a source returns promptly. */
  readonly signal: AbortSignal;
  /** Wall clock in ms (injectable for tests). */
  now(): number;
  /** Hands records to the pipeline; resolves when they are accepted (backpressure). */
  emit(records: EngineRecord[]): Promise<void>;
  /**
   * Input that could not become a record (a malformed line): the runtime sends it
   * to the dead-letter output and the source goes on. Optional; without it the
   * source logs a warning with the raw input, so nothing is dropped silently.
   */
  deadLetter?(raw: string, error: unknown, where: { line: number }): void | Promise<void>;
  log: IoLogger;
}

/** A source outside Kafka. `run` resolves when the input is exhausted or the run stops. */
export interface ExternalSource {
  run(ctx: SourceContext): Promise<void>;
}

export interface SinkContext {
  readonly specDir: string;
  readonly pipeline: string;
  readonly nodeId: string;
  now(): number;
  log: IoLogger;
}

/**
 * A sink outside Kafka. `write` may buffer; `flush` makes everything written so
 * far durable (the runtime commits input offsets only after it); `close` flushes
 * and releases resources.
 */
export interface ExternalSink {
  write(records: EngineRecord[]): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}
