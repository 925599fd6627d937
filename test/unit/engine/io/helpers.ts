import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineRecord } from '../../../../src/engine/operators/types';
import type { SinkContext, SourceContext } from '../../../../src/engine/io/types';

export interface LogEntry {
  level: 'info' | 'warn';
  msg: string;
  fields?: Record<string, unknown>;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kflow-io-'));
}

/** A source context on a fake clock that `sleep` advances. */
export function fakeSource(specDir = tempDir(), start = 1_000_000) {
  const clock = { t: start };
  const emitted: EngineRecord[] = [];
  const emitTimes: number[] = [];
  const batches: number[] = [];
  const dead: Array<{ raw: string; error: unknown; line: number }> = [];
  const logs: LogEntry[] = [];
  const abort = new AbortController();
  const ctx: SourceContext = {
    specDir,
    pipeline: 'p',
    nodeId: 'src',
    signal: abort.signal,
    now: () => clock.t,
    emit(records) {
      emitted.push(...records);
      batches.push(records.length);
      for (let i = 0; i < records.length; i++) emitTimes.push(clock.t);
      return Promise.resolve();
    },
    deadLetter(raw, error, where) {
      dead.push({ raw, error, line: where.line });
    },
    log: {
      info: (msg, fields) => logs.push({ level: 'info', msg, fields }),
      warn: (msg, fields) => logs.push({ level: 'warn', msg, fields }),
    },
  };
  const sleep = (ms: number) => {
    clock.t += ms;
    return Promise.resolve();
  };
  return { ctx, clock, emitted, emitTimes, batches, dead, logs, abort, sleep };
}

export function fakeSink(specDir = tempDir(), start = Date.UTC(2026, 10, 26, 13, 45)) {
  const clock = { t: start };
  const logs: LogEntry[] = [];
  const ctx: SinkContext = {
    specDir,
    pipeline: 'pipe',
    nodeId: 'sink',
    now: () => clock.t,
    log: {
      info: (msg, fields) => logs.push({ level: 'info', msg, fields }),
      warn: (msg, fields) => logs.push({ level: 'warn', msg, fields }),
    },
  };
  return { ctx, clock, logs, dir: specDir };
}

export function rec(
  value: unknown,
  timestamp: number,
  source?: { topic: string; partition: number; offset: number },
  key: unknown = null,
): EngineRecord {
  return source ? { key, value, timestamp, headers: {}, source } : { key, value, timestamp, headers: {} };
}
