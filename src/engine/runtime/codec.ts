/**
 * @module engine/runtime/codec
 * Kafka bytes ↔ engine records: decoding by a source's `format`/`keyFormat`, encoding for
 * sinks, and the envelope of internal topics (repartition, changelog). A value that does not
 * decode throws a DecodeError, which the runtime turns into a dead letter.
 */
import type { ConsumedRecord, ProduceRecord } from '../../kafka/client';
import { parseDebeziumEvent } from '../io/cdc';
import type { EngineRecord } from '../operators/types';

export class DecodeError extends Error {
  constructor(
    message: string,
    readonly topic: string,
    readonly partition: number,
    readonly offset: bigint,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** Header of repartition records: the input port of the node they go to. */
export const PORT_HEADER = 'kflow-port';
/** Header of repartition records: where the record entered the pipeline (`topic/partition/offset`). */
export const ORIGIN_HEADER = 'kflow-origin';

export function headerText(headers: ConsumedRecord['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in headers) {
    const v = headers[k];
    if (v === undefined) continue;
    const b = Array.isArray(v) ? v[v.length - 1] : v;
    if (b !== undefined) out[k] = b.toString('utf8');
  }
  return out;
}

function decodeBytes(b: Buffer | null, format: string, what: string, r: ConsumedRecord): unknown {
  if (b === null) return null;
  switch (format) {
    case 'text':
      return b.toString('utf8');
    case 'bytes':
      return b.toString('base64');
    default:
      try {
        return JSON.parse(b.toString('utf8')) as unknown;
      } catch (err) {
        throw new DecodeError(
          `the ${what} is not valid JSON: ${(err as Error).message}`,
          r.topic,
          r.partition,
          r.offset,
        );
      }
  }
}

/** A record of a source topic as the source node's config decodes it. */
export function decodeSourceRecord(r: ConsumedRecord, config: Record<string, unknown>): EngineRecord {
  const format = typeof config['format'] === 'string' ? config['format'] : 'json';
  const keyFormat = typeof config['keyFormat'] === 'string' ? config['keyFormat'] : 'text';
  return {
    key: decodeBytes(r.key, keyFormat, 'key', r),
    value: decodeBytes(r.value, format, 'value', r),
    timestamp: Number(r.timestamp),
    headers: headerText(r.headers),
    source: { topic: r.topic, partition: r.partition, offset: Number(r.offset) },
  };
}

/** Keys: text as is, anything else as JSON; null stays null. */
export function encodeKey(key: unknown): string | null {
  if (key === null || key === undefined) return null;
  return typeof key === 'string' ? key : JSON.stringify(key);
}

export function encodeValue(value: unknown, format: string): string | null {
  if (value === null || value === undefined) return null;
  if (format === 'text') return typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/** A repartition record keeps key, value, time and headers exactly; the key is JSON so any type survives. */
export function encodeRepartition(
  r: EngineRecord,
  topic: string,
  partition: number,
  port: string,
): ProduceRecord {
  const headers: Record<string, string> = { ...r.headers, [PORT_HEADER]: port };
  if (r.source) headers[ORIGIN_HEADER] = `${r.source.topic}/${r.source.partition}/${r.source.offset}`;
  return {
    topic,
    partition,
    key: r.key === null || r.key === undefined ? null : JSON.stringify(r.key),
    value: r.value === undefined ? null : JSON.stringify(r.value),
    headers,
    timestamp: r.timestamp,
  };
}

export function decodeRepartition(r: ConsumedRecord): { port: string; record: EngineRecord } {
  const headers = headerText(r.headers);
  const port = headers[PORT_HEADER] ?? 'in';
  delete headers[PORT_HEADER];
  const origin = headers[ORIGIN_HEADER];
  delete headers[ORIGIN_HEADER];
  let source: EngineRecord['source'];
  const m = origin === undefined ? null : /^(.*)\/(\d+)\/(\d+)$/.exec(origin);
  if (m) source = { topic: m[1] as string, partition: Number(m[2]), offset: Number(m[3]) };
  const record: EngineRecord = {
    key: decodeBytes(r.key, 'json', 'key', r),
    value: decodeBytes(r.value, 'json', 'value', r),
    timestamp: Number(r.timestamp),
    headers,
    ...(source ? { source } : {}),
  };
  return { port, record };
}

/**
 * A stable 32-bit hash of a partition key (FNV-1a over its JSON), so every instance sends one key
 * to one repartition partition; JSON makes `1` and `"1"` different keys, as the stores do.
 */
export function partitionFor(key: unknown, partitions: number): number {
  const s = key === undefined ? 'null' : JSON.stringify(key);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}

/** Changelog record key: the store and the store's change key; a task's watermark uses store `__watermark`. */
export function changelogKey(store: string, key: unknown): string {
  return JSON.stringify({ s: store, k: key ?? null });
}

export const WATERMARK_STORE = '__watermark';

/**
 * A record of a `source.cdc.mysql` change topic: the Debezium event parsed as the node's
 * `output` asks, timed by the event's `ts_ms`. Undefined when the record carries no row change
 * for this node: the empty message Debezium sends after a delete, or another table's event.
 */
export function decodeCdcRecord(
  r: ConsumedRecord,
  config: Record<string, unknown>,
): EngineRecord | undefined {
  const output = config['output'] === 'envelope' ? 'envelope' : 'row';
  const change = parseDebeziumEvent(r.value, output, r.key ?? undefined);
  if (change === null) return undefined;
  const [db, table] = String(config['table']).split('.');
  if (change.table && (change.table.db !== db || change.table.table !== table)) return undefined;
  return {
    key: change.key ?? null,
    value: change.value,
    timestamp: change.timestamp,
    headers: headerText(r.headers),
    source: { topic: r.topic, partition: r.partition, offset: Number(r.offset) },
  };
}
