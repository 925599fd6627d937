/**
 * @module engine/io/file-sink
 * `sink.file`: appends JSONL or CSV. `write` buffers; `flush` hands the buffer
 * to the OS and waits for the write to complete (no fsync: durability against
 * a process crash, not a power cut).
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import sinkFile from '../../nodes/kinds/sink-file';
import type { EngineRecord } from '../operators/types';
import { parseConfig, type FileSinkConfig, type FileSinkInput } from './config';
import { csvLine } from './csv';
import { IoError, messageOf } from './errors';
import type { ExternalSink, SinkContext } from './types';

const META = ['_key', '_timestamp', '_topic', '_partition', '_offset'] as const;

/** The value as a flat object, with metadata fields when asked. Non-object values sit under `_value`. */
export function fileRow(r: EngineRecord, includeMetadata: boolean): Record<string, unknown> {
  const row: Record<string, unknown> =
    typeof r.value === 'object' && r.value !== null && !Array.isArray(r.value)
      ? { ...(r.value as Record<string, unknown>) }
      : { _value: r.value };
  if (includeMetadata) {
    row['_key'] = r.key ?? null;
    row['_timestamp'] = r.timestamp;
    if (r.source) {
      row['_topic'] = r.source.topic;
      row['_partition'] = r.source.partition;
      row['_offset'] = r.source.offset;
    }
  }
  return row;
}

export class FileSink implements ExternalSink {
  private readonly config: FileSinkConfig;
  private readonly path: string;
  private handle: FileHandle | undefined;
  private pending: string[] = [];
  private columns: string[] | undefined;
  private headerDone = false;

  constructor(
    config: FileSinkInput | FileSinkConfig,
    private readonly ctx: SinkContext,
  ) {
    this.config = parseConfig(sinkFile, config, ctx.nodeId);
    this.path = resolve(ctx.specDir, this.config.path);
    this.columns = this.config.columns;
  }

  write(records: EngineRecord[]): Promise<void> {
    const c = this.config;
    for (const r of records) {
      let row: Record<string, unknown>;
      try {
        row = fileRow(r, c.includeMetadata);
      } catch (e) {
        return Promise.reject(this.error(`cannot write a record: ${messageOf(e)}`, e));
      }
      if (c.format === 'jsonl') {
        this.pending.push(JSON.stringify(row));
        continue;
      }
      if (!this.columns) {
        const names = Object.keys(row).filter((k) => !(META as readonly string[]).includes(k));
        this.columns = c.includeMetadata ? [...names, ...META] : names;
      }
      const cols = this.columns;
      this.pending.push(csvLine(cols.map((k) => row[k])));
    }
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    let text = `${this.pending.join('\n')}\n`;
    const h = await this.open();
    try {
      // Appending to a CSV file that already has rows keeps its header.
      if (this.config.format === 'csv' && !this.headerDone) {
        if ((await h.stat()).size === 0) text = `${csvLine(this.columns ?? [])}\n${text}`;
        this.headerDone = true;
      }
      await h.appendFile(text, 'utf8');
    } catch (e) {
      throw this.error(`cannot append: ${messageOf(e)}`, e);
    }
    this.pending = [];
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle?.close();
      this.handle = undefined;
    }
  }

  private async open(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      this.handle = await open(this.path, 'a');
    } catch (e) {
      throw this.error(`cannot open for appending: ${messageOf(e)}`, e);
    }
    return this.handle;
  }

  private error(message: string, cause: unknown): IoError {
    return new IoError(message, { nodeId: this.ctx.nodeId, file: this.path }, { cause });
  }
}
