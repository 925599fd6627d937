/**
 * @module engine/io/console-sink
 * `sink.console`: one line per record, for `kflow run` and the app's run view.
 */
import sinkConsole from '../../nodes/kinds/sink-console';
import type { EngineRecord } from '../operators/types';
import { parseConfig, type ConsoleSinkConfig, type ConsoleSinkInput } from './config';
import type { ExternalSink, SinkContext } from './types';

export type LineWriter = (line: string) => void;

const stdoutWriter: LineWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

function compact(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
}

/** `2026-11-26T13:45:00.000Z  key  {"a":1}`: time, key (`-` when none), compact JSON value. */
export function prettyLine(r: EngineRecord): string {
  const time = Number.isFinite(r.timestamp) ? new Date(r.timestamp).toISOString() : String(r.timestamp);
  const key =
    r.key === null || r.key === undefined ? '-' : typeof r.key === 'string' ? r.key : compact(r.key);
  return `${time}  ${key}  ${compact(r.value)}`;
}

/** `{"timestamp":...,"key":...,"value":...}` (plus `topic`, `partition`, `offset` when known). */
export function jsonLine(r: EngineRecord): string {
  const o: Record<string, unknown> = { timestamp: r.timestamp, key: r.key ?? null, value: r.value };
  if (r.source) Object.assign(o, r.source);
  return compact(o);
}

export class ConsoleSink implements ExternalSink {
  private readonly config: ConsoleSinkConfig;
  private printed = 0;
  private told = false;

  constructor(
    config: ConsoleSinkInput | ConsoleSinkConfig,
    private readonly ctx: SinkContext,
    private readonly out: LineWriter = stdoutWriter,
  ) {
    this.config = parseConfig(sinkConsole, config, ctx.nodeId);
  }

  write(records: EngineRecord[]): Promise<void> {
    const format = this.config.format === 'json' ? jsonLine : prettyLine;
    const limit = this.config.limit ?? Number.POSITIVE_INFINITY;
    for (const r of records) {
      if (this.printed >= limit) {
        if (!this.told) {
          this.told = true;
          this.ctx.log.info(`console: printed the limit of ${limit} records; not printing more`, {
            node: this.ctx.nodeId,
          });
        }
        break;
      }
      this.out(format(r));
      this.printed++;
    }
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
