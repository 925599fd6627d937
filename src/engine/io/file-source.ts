/**
 * @module engine/io/file-source
 * `source.file`: replays JSONL or CSV. `fast` emits as fast as the pipeline
 * accepts; `original` keeps the gaps between event times (divided by `speed`),
 * measured against the latest event time seen, so an out-of-order record is
 * emitted at once instead of rewinding the clock.
 */
import { resolve } from 'node:path';
import sourceFile from '../../nodes/kinds/source-file';
import type { FieldType, FieldTypes } from '../../spec/types';
import { scalar } from '../operators/expr';
import type { EngineRecord } from '../operators/types';
import { parseConfig, type FileSourceConfig, type FileSourceInput } from './config';
import { csvOpenQuote, parseCsvRecord } from './csv';
import { IoError, messageOf } from './errors';
import { assertReadable, readLines, rejectInput } from './lines';
import { realSleep, type Sleep } from './sleep';
import type { ExternalSource, SourceContext } from './types';

export interface FileSourceOptions {
  sleep?: Sleep;
  /** Records per emit in fast mode; default 500. */
  batchSize?: number;
}

/** Turns one input record's text into a value; throws for a malformed one. */
type Decoder = (text: string) => unknown;

export class FileSource implements ExternalSource {
  private readonly config: FileSourceConfig;

  constructor(
    config: FileSourceInput | FileSourceConfig,
    private readonly options: FileSourceOptions = {},
    private readonly nodeId = 'file',
  ) {
    this.config = parseConfig(sourceFile, config, nodeId);
  }

  async run(ctx: SourceContext): Promise<void> {
    const c = this.config;
    const file = resolve(ctx.specDir, c.path);
    const where = { nodeId: ctx.nodeId, file };
    await assertReadable(file, ctx.nodeId);
    const eventTime =
      c.eventTime === undefined ? undefined : scalar(c.eventTime, `node "${ctx.nodeId}" eventTime`);
    const key = c.key === undefined ? undefined : scalar(c.key, `node "${ctx.nodeId}" key`);
    const sleep = this.options.sleep ?? realSleep;
    const batchSize = this.options.batchSize ?? 500;
    const delimiter = c.csv?.delimiter ?? ',';
    const csv = c.format === 'csv';

    let decode: Decoder | undefined = csv ? undefined : (text) => JSON.parse(text) as unknown;
    if (csv && c.csv?.header === false) {
      const names = Object.keys(c.fields ?? {});
      if (names.length === 0)
        throw new IoError('a CSV file without a header row needs "fields" to name its columns', where);
      decode = csvDecoder(names, c.fields ?? {}, delimiter);
    }

    let batch: EngineRecord[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const out = batch;
      batch = [];
      await ctx.emit(out);
    };
    let clock: { wall: number; first: number; max: number } | undefined;
    let records = 0;
    let rejected = 0;

    for await (const { text, line, unterminated } of readLines(
      file,
      ctx.signal,
      csv ? csvOpenQuote : undefined,
    )) {
      if (decode === undefined) {
        // The header row: without it no line can be read, so a bad one stops the run.
        try {
          decode = csvDecoder(parseCsvRecord(text, delimiter), c.fields ?? {}, delimiter);
        } catch (e) {
          throw new IoError(`cannot read the CSV header: ${messageOf(e)}`, { ...where, line }, { cause: e });
        }
        continue;
      }
      let record: EngineRecord;
      try {
        if (unterminated) throw new Error('a quoted field is not closed before the end of the file');
        record = { key: null, value: decode(text), timestamp: 0, headers: {} };
        record.timestamp = eventTime ? timeOf(eventTime(record)) : ctx.now();
        if (key) record.key = key(record) ?? null;
      } catch (e) {
        rejected++;
        await rejectInput(ctx, text, new IoError(messageOf(e), { ...where, line }, { cause: e }), line);
        continue;
      }
      if (c.timing === 'original') {
        if (!clock) clock = { wall: ctx.now(), first: record.timestamp, max: record.timestamp };
        clock.max = Math.max(clock.max, record.timestamp);
        const wait = clock.wall + (clock.max - clock.first) / c.speed - ctx.now();
        if (wait > 0) {
          await flush();
          await sleep(wait, ctx.signal);
          if (ctx.signal.aborted) return;
        }
      }
      batch.push(record);
      records++;
      if (batch.length >= batchSize) await flush();
    }
    if (ctx.signal.aborted) return;
    await flush();
    ctx.log.info('file replay done', { node: ctx.nodeId, file, records, rejected });
  }
}

function timeOf(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  if (v instanceof Date && Number.isFinite(v.getTime())) return v.getTime();
  throw new Error(
    `the event time is ${JSON.stringify(v) ?? String(v)}, not epoch milliseconds or an ISO-8601 time`,
  );
}

function csvDecoder(names: string[], types: FieldTypes, delimiter: string): Decoder {
  if (new Set(names).size !== names.length) throw new Error(`duplicate column names in ${names.join(', ')}`);
  const convert = names.map((n) => converter(n, types[n]));
  return (text) => {
    const cells = parseCsvRecord(text, delimiter);
    if (cells.length !== names.length)
      throw new Error(`expected ${names.length} columns (${names.join(', ')}), found ${cells.length}`);
    const value: Record<string, unknown> = {};
    cells.forEach((cell, i) => {
      value[names[i] as string] = (convert[i] as (s: string) => unknown)(cell);
    });
    return value;
  };
}

function converter(name: string, type: FieldType | undefined): (cell: string) => unknown {
  switch (type) {
    case 'number':
      return (cell) => {
        if (cell.trim() === '') return null;
        const n = Number(cell);
        if (!Number.isFinite(n)) throw new Error(`column "${name}": "${cell}" is not a number`);
        return n;
      };
    case 'boolean':
      return (cell) => {
        const t = cell.trim().toLowerCase();
        if (t === '') return null;
        if (t === 'true') return true;
        if (t === 'false') return false;
        throw new Error(`column "${name}": "${cell}" is not true or false`);
      };
    case 'timestamp':
      return (cell) => (cell.trim() === '' ? null : /^-?\d+$/.test(cell.trim()) ? Number(cell) : cell);
    case 'object':
    case 'list':
      return (cell) => {
        if (cell.trim() === '') return null;
        try {
          return JSON.parse(cell) as unknown;
        } catch {
          throw new Error(`column "${name}": "${cell}" is not JSON`);
        }
      };
    default:
      return (cell) => cell;
  }
}
