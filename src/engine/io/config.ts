/**
 * @module engine/io/config
 * Typed configs of the nodes this directory runs. Specs reach the engine
 * validated; parsing again with the node's own schema gives the types and fills
 * any default a caller (a test, the demo) left out.
 */
import type { z } from 'zod';
import type { NodeDefinition } from '../../nodes/define';
import type sinkConsole from '../../nodes/kinds/sink-console';
import type sinkFile from '../../nodes/kinds/sink-file';
import type sinkS3 from '../../nodes/kinds/sink-s3';
import type sourceCdcMysql from '../../nodes/kinds/source-cdc-mysql';
import type sourceDatagen from '../../nodes/kinds/source-datagen';
import type sourceFile from '../../nodes/kinds/source-file';
import { parseDuration } from '../../spec/duration';
import { IoError } from './errors';

export type DatagenConfig = z.output<(typeof sourceDatagen)['config']>;
export type DatagenInput = z.input<(typeof sourceDatagen)['config']>;
export type FileSourceConfig = z.output<(typeof sourceFile)['config']>;
export type FileSourceInput = z.input<(typeof sourceFile)['config']>;
export type CdcMysqlConfig = z.output<(typeof sourceCdcMysql)['config']>;
export type S3SinkConfig = z.output<(typeof sinkS3)['config']>;
export type S3SinkInput = z.input<(typeof sinkS3)['config']>;
export type FileSinkConfig = z.output<(typeof sinkFile)['config']>;
export type FileSinkInput = z.input<(typeof sinkFile)['config']>;
export type ConsoleSinkConfig = z.output<(typeof sinkConsole)['config']>;
export type ConsoleSinkInput = z.input<(typeof sinkConsole)['config']>;

/** The config through the node's schema; a bad one is an error naming the node and field. */
export function parseConfig<C extends z.ZodObject>(
  def: NodeDefinition<C>,
  config: unknown,
  nodeId: string,
): z.output<C> {
  const r = def.config.safeParse(config);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue?.path.length ? `config.${issue.path.join('.')}` : 'config';
  throw new IoError(`${def.kind} ${path}: ${issue?.message ?? 'invalid config'}`, { nodeId });
}

/** Milliseconds of a duration field; a bad one names the field. */
export function durationOf(value: string | number, field: string, nodeId?: string): number {
  const d = parseDuration(value);
  if (!d.ok) throw new IoError(`${field}: ${d.message}`, nodeId === undefined ? {} : { nodeId });
  return d.ms;
}
