/**
 * @module engine/io
 * Sources and sinks outside Kafka, by spec node. Kafka-backed nodes (topics, a
 * datagen that produces to a topic, CDC read from a topic) get undefined: the
 * runtime handles those itself, using `DatagenSource`/`Datagen` and
 * `parseDebeziumEvent` from here.
 */
import type { SpecNode } from '../../spec/types';
import { CdcFileSource } from './cdc';
import { ConsoleSink, type LineWriter } from './console-sink';
import { DatagenSource } from './datagen';
import { FileSink } from './file-sink';
import { FileSource } from './file-source';
import { S3Sink, type S3SinkOptions } from './s3-sink';
import type { ExternalSink, ExternalSource, SinkContext } from './types';

export type * from './types';
export { IoError } from './errors';
export { Datagen, DatagenSource, generateEvents, type DatagenSourceOptions } from './datagen';
export { FileSource, type FileSourceOptions } from './file-source';
export {
  CdcFileSource,
  DebeziumParseError,
  parseDebeziumEvent,
  unwrapSchema,
  type CdcOutput,
  type DebeziumChange,
  type DebeziumOp,
} from './cdc';
export { S3Sink, encodeTimePartition, s3FileName, s3ObjectKey, type S3SinkOptions } from './s3-sink';
export { LocalDirStore, S3Store, type ObjectStore } from './s3-store';
export { FileSink, fileRow } from './file-sink';
export { ConsoleSink, jsonLine, prettyLine, type LineWriter } from './console-sink';

function has(config: Record<string, unknown>, field: string): boolean {
  return config[field] !== undefined;
}

/** The source of a node that does not read Kafka; undefined for the runtime's own. */
export function externalSourceFor(node: SpecNode): ExternalSource | undefined {
  const c = node.config;
  switch (node.kind) {
    case 'source.datagen':
      return has(c, 'topic') ? undefined : new DatagenSource(c as never);
    case 'source.file':
      return new FileSource(c as never, {}, node.id);
    case 'source.cdc.mysql': {
      const local = c['local'];
      const file = typeof local === 'object' && local !== null && 'file' in local;
      return file ? new CdcFileSource(c, node.id) : undefined;
    }
    default:
      return undefined;
  }
}

export interface ExternalSinkOptions {
  /** sink.console output; default process.stdout. */
  write?: LineWriter;
  s3?: S3SinkOptions;
}

/** The sink of a node that does not write Kafka; undefined for the runtime's own. */
export function externalSinkFor(
  node: SpecNode,
  ctx: SinkContext,
  options: ExternalSinkOptions = {},
): ExternalSink | undefined {
  const c = node.config;
  switch (node.kind) {
    case 'sink.file':
      return new FileSink(c as never, ctx);
    case 'sink.console':
      return new ConsoleSink(c as never, ctx, options.write);
    case 'sink.s3':
      return new S3Sink(c as never, ctx, options.s3);
    default:
      return undefined;
  }
}
