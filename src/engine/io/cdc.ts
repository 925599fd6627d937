/**
 * @module engine/io/cdc
 * Debezium change events. The JSON converter writes them bare
 * (`schemas.enable=false`) or as `{ schema, payload }`; both are read here.
 * `row` output is the row after the change, a delete becoming a tombstone (null
 * value) so a table downstream forgets the key; `envelope` is the whole event.
 */
import { resolve } from 'node:path';
import sourceCdcMysql from '../../nodes/kinds/source-cdc-mysql';
import type { EngineRecord } from '../operators/types';
import { parseConfig, type CdcMysqlConfig } from './config';
import { IoError, messageOf } from './errors';
import { assertReadable, readLines, rejectInput } from './lines';
import type { ExternalSource, SourceContext } from './types';

export type DebeziumOp = 'c' | 'u' | 'd' | 'r';
export type CdcOutput = 'row' | 'envelope';

export interface DebeziumChange {
  key?: unknown;
  value: unknown;
  op: DebeziumOp;
  /** The event's `ts_ms` (when the connector processed the change), epoch ms. */
  timestamp: number;
  /** `source.db` and `source.table`, when the event names them. */
  table?: { db: string; table: string };
}

export class DebeziumParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DebeziumParseError';
  }
}

const OPS = new Set<string>(['c', 'u', 'd', 'r']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function decode(v: unknown): unknown {
  if (typeof v === 'string') return JSON.parse(v) as unknown;
  if (v instanceof Uint8Array) return JSON.parse(Buffer.from(v).toString('utf8')) as unknown;
  return v;
}

/** The payload of a `{ schema, payload }` message (schemas.enable=true), else the message itself. */
export function unwrapSchema(v: unknown): unknown {
  if (isObject(v) && 'payload' in v && 'schema' in v) return v['payload'];
  return v;
}

/**
 * One Debezium change event (object, JSON text or bytes) as kflow emits it;
 * `key` is the Kafka record key, if known. Returns null for the empty message
 * Debezium sends after a delete (log compaction's tombstone): the delete itself
 * already became one. Throws `DebeziumParseError` for anything else not a change event.
 */
export function parseDebeziumEvent(value: unknown, output: CdcOutput, key?: unknown): DebeziumChange | null {
  let event: unknown;
  try {
    event = unwrapSchema(decode(value));
  } catch (e) {
    throw new DebeziumParseError(`not JSON: ${messageOf(e)}`);
  }
  if (event === null || event === undefined) return null;
  if (!isObject(event)) throw new DebeziumParseError('a change event is a JSON object');
  const op = event['op'];
  if (typeof op !== 'string' || !OPS.has(op)) {
    throw new DebeziumParseError(
      op === 't'
        ? 'truncate events (op "t") are not supported: they name no row'
        : `"op" is ${JSON.stringify(op) ?? 'missing'}; expected c, u, d or r`,
    );
  }
  const source = isObject(event['source']) ? event['source'] : undefined;
  const ts = event['ts_ms'] ?? source?.['ts_ms'];
  if (typeof ts !== 'number' || !Number.isFinite(ts))
    throw new DebeziumParseError('the event has no "ts_ms" (nor source.ts_ms)');
  let out: unknown;
  if (output === 'envelope') out = event;
  else if (op === 'd') out = null;
  else {
    out = event['after'];
    if (!isObject(out)) throw new DebeziumParseError(`a "${op}" event has no "after" row`);
  }
  const change: DebeziumChange = { value: out, op: op as DebeziumOp, timestamp: ts };
  if (key !== undefined) {
    try {
      change.key = unwrapSchema(decode(key));
    } catch (e) {
      throw new DebeziumParseError(`the key is not JSON: ${messageOf(e)}`);
    }
  }
  if (typeof source?.['db'] === 'string' && typeof source['table'] === 'string')
    change.table = { db: source['db'], table: source['table'] };
  return change;
}

/**
 * A line of a change-event file: the event itself, or `{ "key": ..., "value": ... }`
 * when the Kafka key was kept (as `kcat -J` style dumps do).
 */
function splitLine(line: unknown): { key?: unknown; value: unknown } {
  if (isObject(line) && 'value' in line && !('op' in line) && !('payload' in line)) {
    const keys = Object.keys(line);
    if (keys.every((k) => ['key', 'value', 'topic', 'partition', 'offset', 'timestamp'].includes(k)))
      return 'key' in line ? { key: line['key'], value: line['value'] } : { value: line['value'] };
  }
  return { value: line };
}

/** `source.cdc.mysql` from a JSONL file of Debezium events (`local.file`), keeping only its table. */
export class CdcFileSource implements ExternalSource {
  private readonly config: CdcMysqlConfig;

  constructor(
    config: unknown,
    private readonly nodeId = 'cdc',
    private readonly batchSize = 500,
  ) {
    this.config = parseConfig(sourceCdcMysql, config, nodeId);
  }

  async run(ctx: SourceContext): Promise<void> {
    const local = this.config.local;
    if (!local || !('file' in local))
      throw new IoError('source.cdc.mysql reads a file only with local.file set', { nodeId: ctx.nodeId });
    const file = resolve(ctx.specDir, local.file);
    await assertReadable(file, ctx.nodeId);
    const [db, table] = this.config.table.split('.') as [string, string];
    let batch: EngineRecord[] = [];
    let emitted = 0;
    let otherTables = 0;
    let rejected = 0;
    for await (const { text, line } of readLines(file, ctx.signal)) {
      let change: DebeziumChange | null;
      try {
        const { key, value } = splitLine(JSON.parse(text) as unknown);
        change = parseDebeziumEvent(value, this.config.output, key);
      } catch (e) {
        rejected++;
        await rejectInput(
          ctx,
          text,
          new IoError(messageOf(e), { nodeId: ctx.nodeId, file, line }, { cause: e }),
          line,
        );
        continue;
      }
      if (change === null) continue;
      if (change.table && (change.table.db !== db || change.table.table !== table)) {
        otherTables++;
        continue;
      }
      batch.push({ key: change.key ?? null, value: change.value, timestamp: change.timestamp, headers: {} });
      if (batch.length >= this.batchSize) {
        emitted += batch.length;
        await ctx.emit(batch);
        batch = [];
      }
    }
    if (ctx.signal.aborted) return;
    if (batch.length > 0) {
      emitted += batch.length;
      await ctx.emit(batch);
    }
    ctx.log.info('change-event file done', {
      node: ctx.nodeId,
      file,
      records: emitted,
      otherTables,
      rejected,
    });
  }
}
