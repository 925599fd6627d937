/**
 * @module inspector/transfer
 * Producing records, and moving a topic range to a JSONL file and back (bulk export/import,
 * replay, dead-letter redrive): keys, values, headers and timestamps byte for byte.
 */
import { createReadStream, createWriteStream, WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Bytes, KafkaClient, KafkaProducer, ProduceRecord, RecordMetadata } from '../kafka/client';
import { exportChunk, parseImportLine, type ImportedRecord } from './format';
import { replaySchedule, type Pace } from './pace';
import { readTopic, type ReadProgress, type StartAt, type StopAt } from './read';

export interface SingleRecord {
  topic: string;
  key?: Bytes | null;
  value: Bytes | null;
  headers?: Record<string, Bytes>;
  partition?: number;
  timestamp?: number;
}

/** Produces one record and returns where it landed. */
export async function produceRecord(client: KafkaClient, record: SingleRecord): Promise<RecordMetadata> {
  const producer = await client.producer();
  try {
    const [meta] = await producer.send([record]);
    return meta!;
  } finally {
    await producer.close();
  }
}

/** Export output that may wait for the disk before reading pauses. */
const WRITE_AHEAD_BYTES = 8 << 20;
/** Output Buffers kept for reuse: enough for the write-ahead of a few slices of about 2.5 MB. */
const SPARE_BUFFERS = 6;

export interface ExportOptions {
  topic: string;
  partitions?: number[];
  from?: StartAt;
  to?: StopAt;
  filter?: string;
  limit?: number;
  signal?: AbortSignal;
  onProgress?: (p: ReadProgress) => void;
  /** 'auto' (default): the wire client when it serves the connection; 'kafkajs' forces kafkajs. */
  client?: 'auto' | 'kafkajs';
}

/** Writes the range as JSONL (see ExportLine) to `out`; returns the number of records written. */
export async function exportTopic(client: KafkaClient, out: Writable | string, opts: ExportOptions) {
  const stream = typeof out === 'string' ? createWriteStream(out, { highWaterMark: WRITE_AHEAD_BYTES }) : out;
  const topicJson = JSON.stringify(opts.topic);
  let written = 0;
  // Buffers whose lines are on disk, written into again: fresh memory costs a page fault per
  // 4 KB, about what escaping the lines costs. Only a file stream: its write callback means the
  // bytes are written, where another Writable (a Transform) may still hold the Buffer.
  const spare: Buffer[] = [];
  const reusable = stream instanceof WriteStream;
  try {
    const r = await readTopic(client, {
      ...opts,
      onRecords: async (records) => {
        const chunk = exportChunk(records, topicJson, spare.pop());
        written += records.length;
        const whole = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.buffer.byteLength - chunk.byteOffset);
        const reuse = () => {
          if (reusable && spare.length < SPARE_BUFFERS) spare.push(whole);
        };
        // Back-pressure: a slow disk slows the read instead of filling memory. Up to
        // WRITE_AHEAD_BYTES may wait for the disk, so writing overlaps reading the next batches.
        if (!stream.write(chunk, reuse) && stream.writableLength >= WRITE_AHEAD_BYTES)
          await new Promise<void>((res) => stream.once('drain', () => res()));
      },
    });
    return { records: written, reason: r.reason, ranges: r.ranges };
  } finally {
    if (typeof out === 'string')
      await new Promise<void>((res, rej) => stream.end((err?: Error | null) => (err ? rej(err) : res())));
  }
}

export interface ImportOptions {
  /** Target topic; it must exist. */
  topic: string;
  /**
   * 'preserve' (default): a record keeps its partition when the target has it, else goes by key;
   * 'key': Kafka's key partitioner for all.
   */
  partitioning?: 'preserve' | 'key';
  /** 'preserve' (default) keeps each record's timestamp; 'now' lets the producer stamp it. */
  timestamps?: 'preserve' | 'now';
  /** Records per produce call; 20,000 by default. */
  batchRecords?: number;
  /**
   * 'fast' (default): as fast as the broker takes them; 'original': replay, each record sent
   * when its exported timestamp's distance from the first one has passed (divided by `speed`).
   */
  pace?: Pace;
  /** With pace 'original': 10 replays ten times faster than recorded; 1 by default. */
  speed?: number;
  signal?: AbortSignal;
  onProgress?: (p: { records: number; lines: number }) => void;
}

export class ImportLineError extends Error {
  override name = 'ImportLineError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

function toProduce(topic: string, r: ImportedRecord, partitions: number, opts: ImportOptions): ProduceRecord {
  const p: ProduceRecord = { topic, key: r.key, value: r.value };
  if (r.headers.length > 0) {
    const h: Record<string, Buffer | Buffer[]> = {};
    for (const [k, v] of r.headers) {
      const prev = h[k];
      h[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    // A repeated header name is a list; the seam passes lists through to the client unchanged.
    p.headers = h as Record<string, Bytes>;
  }
  if (
    (opts.partitioning ?? 'preserve') === 'preserve' &&
    r.partition !== undefined &&
    r.partition < partitions
  )
    p.partition = r.partition;
  if ((opts.timestamps ?? 'preserve') === 'preserve' && r.timestamp !== undefined) p.timestamp = r.timestamp;
  return p;
}

/**
 * Produces every line of a JSONL input (a path or a stream) to `opts.topic`, in order. A line
 * that does not parse stops the import with an ImportLineError naming it: every line before it
 * has been produced, nothing after it.
 */
export async function importTopic(client: KafkaClient, input: Readable | string, opts: ImportOptions) {
  const dueAt = opts.pace === 'original' ? replaySchedule(opts.speed ?? 1) : undefined;
  const admin = await client.admin();
  const partitions = (await admin.topicOffsets(opts.topic)).length;
  if (partitions === 0) throw new Error(`topic "${opts.topic}" does not exist`);
  const producer: KafkaProducer = await client.producer({ batchBytes: 1 << 20 });
  // readline drops lines emitted before iteration starts: no await between here and the loop.
  const stream = typeof input === 'string' ? createReadStream(input) : input;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const size = opts.batchRecords ?? 20_000;
  let batch: ProduceRecord[] = [];
  let records = 0;
  let lineNo = 0;
  // One send in flight while the next batch is parsed; sends stay in order, so each
  // partition's records keep their order.
  let inFlight: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    const b = batch;
    batch = [];
    await inFlight;
    inFlight = producer.send(b).then(() => {
      records += b.length;
      opts.onProgress?.({ records, lines: lineNo });
    });
  };
  const started = Date.now();
  try {
    for await (const line of lines) {
      lineNo++;
      if (opts.signal?.aborted) break;
      if (line.trim() === '') continue;
      let rec: ImportedRecord;
      try {
        rec = parseImportLine(line);
      } catch (err) {
        // The lines before the bad one all go out, so the error names where to resume.
        if (batch.length > 0) await flush();
        await inFlight;
        throw new ImportLineError(lineNo, (err as Error).message);
      }
      if (dueAt) {
        const wait = started + dueAt(rec.timestamp) - Date.now();
        if (wait > 0) {
          // Everything due before this record goes out before the pause.
          if (batch.length > 0) await flush();
          await inFlight;
          await sleep(wait, opts.signal);
          if (opts.signal?.aborted) break;
        }
      }
      batch.push(toProduce(opts.topic, rec, partitions, opts));
      if (batch.length >= size) await flush();
    }
    if (batch.length > 0) await flush();
    await inFlight;
    return { records, cancelled: opts.signal?.aborted ?? false };
  } finally {
    await inFlight.catch(() => undefined);
    lines.close();
    await producer.close();
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((res) => {
    if (signal?.aborted) return res();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      res();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
