/**
 * @module engine/io/s3-sink
 * `sink.s3` with the object layout and rotation of Confluent's S3 sink connector
 * (TopicPartitionWriter): per source topic-partition, one open file per encoded
 * partition, named `<prefix>/<topic>/<encoded>/<topic>+<partition>+<startOffset>.json`
 * with the start offset zero-padded to 10 digits; all open files of a
 * topic-partition are committed together when `flushSize` records were written,
 * when the record-time span reaches `rotateInterval` (or, with it set, a record
 * falls into another encoded partition), or at the wall-clock `rotateScheduleInterval`.
 *
 * Unlike the connector, `flush` also stores the open files as they are (the
 * runtime commits input offsets after it); later records rewrite the same
 * object, so the final layout is the connector's whatever the flush cadence.
 */
import { resolve } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import sinkS3 from '../../nodes/kinds/sink-s3';
import { scalar, type RecordFn } from '../operators/expr';
import type { EngineRecord } from '../operators/types';
import { durationOf, parseConfig, type S3SinkConfig, type S3SinkInput } from './config';
import { IoError, messageOf } from './errors';
import { jodaFormatter, nextTimeAdjustedByDay, partitionStart, zoneOf, type Zone } from './joda';
import { LocalDirStore, S3Store, type ObjectStore } from './s3-store';
import type { ExternalSink, SinkContext } from './types';

export const OFFSET_PAD_WIDTH = 10;

/** `<topic>+<partition>+<startOffset>.json`, as TopicPartitionWriter.fileKeyToCommit. */
export function s3FileName(topic: string, partition: number, startOffset: number): string {
  return `${topic}+${partition}+${String(startOffset).padStart(OFFSET_PAD_WIDTH, '0')}.json`;
}

/** The whole object key: `<prefix>/<topic>/<encoded>/<file>` (topics.dir, then generatePartitionedPath). */
export function s3ObjectKey(
  prefix: string,
  topic: string,
  encodedPartition: string,
  partition: number,
  startOffset: number,
): string {
  const name = s3FileName(topic, partition, startOffset);
  return [prefix, topic, encodedPartition, name].filter((p) => p !== '').join('/');
}

/** TimeBasedPartitioner.encodePartition for a timestamp. */
export function encodeTimePartition(
  timestampMs: number,
  pathFormat: string,
  partitionDurationMs: number,
  timezone: string | Zone,
): string {
  const zone = typeof timezone === 'string' ? zoneOf(timezone) : timezone;
  return jodaFormatter(trimDelim(pathFormat), zone)(partitionStart(partitionDurationMs, timestampMs, zone));
}

/** Confluent drops one trailing directory delimiter from path.format. */
function trimDelim(format: string): string {
  return format.endsWith('/') ? format.slice(0, -1) : format;
}

interface OpenFile {
  key: string;
  lines: string[];
  /** Has lines not yet stored. */
  dirty: boolean;
}

interface Rotation {
  flushSize: number;
  intervalMs: number;
  scheduleMs: number;
  zone: Zone;
}

interface Placed {
  encoded: string;
  /** The partitioner's timestamp, for time-based partitioning only. */
  time: number | undefined;
}

/** One source topic-partition: the state machine of Confluent's TopicPartitionWriter, without its pausing. */
class TopicPartitionWriter {
  private readonly files = new Map<string, OpenFile>();
  private recordCount = 0;
  private baseTime: number | undefined;
  private currentTime: number | undefined;
  private currentEncoded: string | undefined;
  private nextScheduled: number;

  constructor(
    private readonly topic: string,
    private readonly partition: number,
    private readonly prefix: string,
    private readonly rot: Rotation,
    private readonly store: ObjectStore,
    now: number,
  ) {
    this.nextScheduled = this.scheduleAfter(now);
  }

  async add(place: Placed, offset: number, line: string, now: number): Promise<void> {
    this.currentTime = place.time;
    if (this.baseTime === undefined) this.baseTime = place.time;
    if (this.rotateOnTime(place.encoded, place.time, now)) {
      this.nextScheduled = this.scheduleAfter(now);
      await this.commit();
      this.baseTime = place.time;
    }
    this.currentEncoded = place.encoded;
    let file = this.files.get(place.encoded);
    if (!file) {
      file = {
        key: s3ObjectKey(this.prefix, this.topic, place.encoded, this.partition, offset),
        lines: [],
        dirty: false,
      };
      this.files.set(place.encoded, file);
    }
    file.lines.push(line);
    file.dirty = true;
    this.recordCount++;
    if (this.recordCount >= this.rot.flushSize) await this.commit();
  }

  /** commitOnTimeIfNoData: the wall-clock schedule also closes files when no record comes. */
  async idle(now: number): Promise<void> {
    if (
      this.recordCount > 0 &&
      this.currentEncoded !== undefined &&
      this.rotateOnTime(this.currentEncoded, this.currentTime, now)
    ) {
      this.nextScheduled = this.scheduleAfter(now);
      await this.commit();
    }
  }

  /** Stores open files as they are now; they stay open. */
  async persist(): Promise<void> {
    for (const f of this.files.values()) {
      if (!f.dirty) continue;
      await this.store.put(f.key, body(f));
      f.dirty = false;
    }
  }

  async commit(): Promise<void> {
    await this.persist();
    this.files.clear();
    this.recordCount = 0;
    this.baseTime = undefined;
    this.currentEncoded = undefined;
  }

  private rotateOnTime(encoded: string, time: number | undefined, now: number): boolean {
    if (this.recordCount <= 0) return false;
    const periodic =
      this.rot.intervalMs > 0 &&
      time !== undefined &&
      this.baseTime !== undefined &&
      (time - this.baseTime >= this.rot.intervalMs || encoded !== this.currentEncoded);
    const scheduled = this.rot.scheduleMs > 0 && now >= this.nextScheduled;
    return periodic || scheduled;
  }

  private scheduleAfter(now: number): number {
    return this.rot.scheduleMs > 0 ? nextTimeAdjustedByDay(now, this.rot.scheduleMs, this.rot.zone) : 0;
  }
}

function body(f: OpenFile): string {
  return `${f.lines.join('\n')}\n`;
}

export interface S3SinkOptions {
  /** Where objects go; default from `local` (a directory, or S3 with `local.bucket`). */
  store?: ObjectStore;
  /** Extra S3 client settings for `local.bucket` (endpoint, forcePathStyle, credentials). */
  s3?: S3ClientConfig;
}

export class S3Sink implements ExternalSink {
  private readonly config: S3SinkConfig;
  private readonly store: ObjectStore;
  private readonly rot: Rotation;
  private readonly place: (r: EngineRecord, now: number) => Placed;
  private readonly writers = new Map<string, TopicPartitionWriter>();
  /** Running offset of records with no source (window output), continuing earlier runs. */
  private synthetic: number | undefined;
  private client: S3Client | undefined;

  constructor(
    config: S3SinkInput | S3SinkConfig,
    private readonly ctx: SinkContext,
    options: S3SinkOptions = {},
  ) {
    const nodeId = ctx.nodeId;
    const c = (this.config = parseConfig(sinkS3, config, nodeId));
    const p = c.partitioner;
    let zone: Zone;
    try {
      zone = zoneOf(p.timezone);
    } catch (e) {
      throw new IoError(`partitioner.timezone: ${messageOf(e)}`, { nodeId });
    }
    this.rot = {
      flushSize: c.flushSize,
      intervalMs:
        p.type === 'time' && c.rotateInterval !== undefined
          ? durationOf(c.rotateInterval, 'rotateInterval', nodeId)
          : 0,
      scheduleMs:
        c.rotateScheduleInterval === undefined
          ? 0
          : durationOf(c.rotateScheduleInterval, 'rotateScheduleInterval', nodeId),
      zone,
    };
    if (c.rotateInterval !== undefined && p.type !== 'time')
      ctx.log.warn('rotateInterval applies only to the time partitioner; ignored', { node: nodeId });
    this.place = this.placer(c, zone);
    if (options.store) this.store = options.store;
    else if (c.local?.bucket === true) {
      this.client = new S3Client({ region: c.region, ...options.s3 });
      this.store = new S3Store(this.client, c.bucket);
    } else this.store = new LocalDirStore(resolve(ctx.specDir, c.local?.dir ?? `./s3/${c.bucket}`));
  }

  async write(records: EngineRecord[]): Promise<void> {
    const now = this.ctx.now();
    const touched = new Set<TopicPartitionWriter>();
    for (const r of records) {
      let src = r.source;
      if (!src) {
        this.synthetic ??=
          (await this.store.nextOffset?.(
            `${this.config.prefix}/${this.ctx.pipeline}`,
            this.ctx.pipeline,
            0,
          )) ?? 0;
        src = { topic: this.ctx.pipeline, partition: 0, offset: this.synthetic++ };
      }
      let placed: Placed;
      let line: string;
      try {
        placed = this.place(r, now);
        line = JSON.stringify(r.value) ?? 'null';
      } catch (e) {
        throw new IoError(
          `cannot place the record from ${src.topic}/${src.partition}@${src.offset}: ${messageOf(e)}`,
          { nodeId: this.ctx.nodeId },
          { cause: e },
        );
      }
      const w = this.writer(src.topic, src.partition, now);
      await w.add(placed, src.offset, line, now);
      touched.add(w);
    }
    for (const w of touched) await w.idle(now);
  }

  async flush(): Promise<void> {
    const now = this.ctx.now();
    for (const w of this.writers.values()) {
      await w.idle(now);
      await w.persist();
    }
  }

  async close(): Promise<void> {
    try {
      for (const w of this.writers.values()) await w.commit();
      this.writers.clear();
    } finally {
      this.client?.destroy();
    }
  }

  private writer(topic: string, partition: number, now: number): TopicPartitionWriter {
    const id = `${topic}\u0000${partition}`;
    let w = this.writers.get(id);
    if (!w) {
      w = new TopicPartitionWriter(topic, partition, this.config.prefix, this.rot, this.store, now);
      this.writers.set(id, w);
    }
    return w;
  }

  private placer(c: S3SinkConfig, zone: Zone): (r: EngineRecord, now: number) => Placed {
    const p = c.partitioner;
    const nodeId = this.ctx.nodeId;
    if (p.type === 'default')
      return (r) => ({ encoded: `partition=${r.source?.partition ?? 0}`, time: undefined });
    if (p.type === 'field') {
      const fields = p.fields ?? [];
      if (fields.length === 0)
        throw new IoError('partitioner.fields: a field partitioner needs fields', { nodeId });
      return (r) => ({
        encoded: fields.map((f) => `${f}=${fieldText(r.value, f)}`).join('/'),
        time: undefined,
      });
    }
    const durationMs = durationOf(p.partitionDuration, 'partitioner.partitionDuration', nodeId);
    if (durationMs <= 0) throw new IoError('partitioner.partitionDuration must be above 0', { nodeId });
    let format: (utcMs: number) => string;
    try {
      format = jodaFormatter(trimDelim(p.pathFormat), zone);
    } catch (e) {
      throw new IoError(`partitioner.pathFormat: ${messageOf(e)}`, { nodeId });
    }
    let timeOf: (r: EngineRecord, now: number) => number;
    if (p.timestamp === 'wallclock') timeOf = (_r, now) => now;
    else if (p.timestamp === 'field') {
      if (p.timestampField === undefined)
        throw new IoError('partitioner.timestampField: timestamp "field" needs it', { nodeId });
      const fn: RecordFn = scalar(p.timestampField, `node "${nodeId}" partitioner.timestampField`);
      timeOf = (r) => fieldTime(fn(r), p.timestampField as string);
    } else timeOf = (r) => r.timestamp;
    return (r, now) => {
      const time = timeOf(r, now);
      if (!Number.isFinite(time)) throw new Error(`the record time ${time} is not a timestamp`);
      return { encoded: format(partitionStart(durationMs, time, zone)), time };
    };
  }
}

function fieldText(value: unknown, path: string): string {
  let v: unknown = value;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null || !(part in v))
      throw new Error(`the value has no field "${path}" to partition by`);
    v = (v as Record<string, unknown>)[part];
  }
  if (v === null || v === undefined) throw new Error(`field "${path}" is null; cannot name a folder`);
  return typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean);
}

function fieldTime(v: unknown, field: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string') {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  throw new Error(
    `timestampField "${field}" is ${JSON.stringify(v) ?? String(v)}, not epoch ms or an ISO-8601 time`,
  );
}
