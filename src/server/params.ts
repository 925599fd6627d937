/**
 * @module server/params
 * The parameters of every API method as they may arrive from the wire, checked with zod before
 * any service sees them. Shapes follow `src/api`; a spec is only checked to be an object here
 * (the validator reports everything else about it as problems, which is what the editor wants).
 */
import { z } from 'zod';
import type { ApiMethod, KflowApi } from '../api/index';
import type { PipelineSpec } from '../spec/index';

const MAX_STRING = 64 * 1024;
const path = z.string().min(1).max(4096);
const name = z.string().min(1).max(256);
const connection = z.string().min(1).max(64).optional();
const topic = z.string().min(1).max(249);
const offset = z.string().regex(/^\d{1,19}$/, { message: 'an offset is a decimal string' });
/** Only checked to be an object: every service validates a spec before relying on it. */
const spec = z.custom<PipelineSpec>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  message: 'a pipeline spec (a JSON object)',
});
const headers = z.record(z.string().max(1024), z.string().max(MAX_STRING));
const configMap = z.record(z.string().min(1).max(256), z.string().max(MAX_STRING));
const partitions = z.array(z.number().int().min(0).max(1_000_000)).max(10_000).optional();

const readFrom = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('earliest') }),
  z.strictObject({ kind: z.literal('latest') }),
  z.strictObject({ kind: z.literal('offset'), offset }),
  z.strictObject({ kind: z.literal('last'), count: z.number().int().min(1).max(1_000_000) }),
  z.strictObject({ kind: z.literal('time'), ms: z.number().int().min(0) }),
]);

const redriveRequest = z.strictObject({
  connection,
  topic,
  filter: z.string().max(4096).optional(),
  sourceTopic: topic.optional(),
  node: name.optional(),
  error: z.string().max(4096).optional(),
  to: topic.optional(),
  from: z
    .union([
      z.enum(['committed', 'earliest']),
      z.strictObject({ offset: z.string().regex(/^\d{1,19}$/, 'a whole number of at most 19 digits') }),
    ])
    .optional(),
  limit: z.number().int().min(1).optional(),
  samples: z.number().int().min(0).max(100).optional(),
});

const tailRequest = z.strictObject({
  connection,
  topic,
  partitions,
  from: readFrom.optional(),
  filter: z.string().max(4096).optional(),
});

type Method<M extends ApiMethod> = M extends `${infer A extends keyof KflowApi}.${infer N}`
  ? N extends keyof KflowApi[A]
    ? KflowApi[A][N]
    : never
  : never;
type ParamsOf<M extends ApiMethod> = Method<M> extends (...args: infer P) => unknown ? P : never;

/** Every method's parameter tuple; `satisfies` ties each one to the contract's signature. */
export const PARAMS = {
  'pipelines.create': z.tuple([name.optional()]),
  'pipelines.open': z.tuple([path]),
  'pipelines.save': z.tuple([path, spec]),
  'pipelines.validate': z.tuple([z.union([z.string().max(16 * 1024 * 1024), spec])]),
  'pipelines.examples': z.tuple([]),
  'pipelines.openExample': z.tuple([
    z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, { message: 'an example id' }),
  ]),
  'pipelines.recent': z.tuple([]),
  'connections.list': z.tuple([]),
  'connections.save': z.tuple([
    z.unknown(),
    z.record(z.string().max(1024), z.string().max(MAX_STRING)).optional(),
  ]),
  'connections.remove': z.tuple([name]),
  'connections.test': z.tuple([name]),
  'runs.start': z.tuple([
    z.strictObject({
      spec,
      connection,
      guarantee: z.enum(['at-least-once', 'exactly-once']).optional(),
      fromBeginning: z.boolean().optional(),
      specPath: path.optional(),
    }),
  ]),
  'runs.stop': z.tuple([name]),
  'runs.list': z.tuple([]),
  'runs.snapshot': z.tuple([name]),
  'topics.list': z.tuple([connection]),
  'topics.describe': z.tuple([topic, connection]),
  'topics.read': z.tuple([tailRequest.extend({ limit: z.number().int().min(1).optional() })]),
  'topics.produce': z.tuple([
    z.strictObject({
      connection,
      topic,
      key: z.string().max(MAX_STRING).nullable().optional(),
      value: z
        .string()
        .max(8 * 1024 * 1024)
        .nullable(),
      headers: headers.optional(),
      partition: z.number().int().min(0).optional(),
    }),
  ]),
  'topics.groups': z.tuple([connection]),
  'topics.resetOffsets': z.tuple([
    z.strictObject({
      connection,
      groupId: z.string().min(1).max(1024),
      topic,
      to: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('earliest') }),
        z.strictObject({ kind: z.literal('latest') }),
        z.strictObject({ kind: z.literal('offset'), offset }),
        z.strictObject({ kind: z.literal('time'), ms: z.number().int().min(0) }),
      ]),
      dryRun: z.boolean(),
    }),
  ]),
  'topics.tailStart': z.tuple([tailRequest]),
  'topics.tailStop': z.tuple([name]),
  'topics.create': z.tuple([
    z.strictObject({
      connection,
      name: topic,
      partitions: z.number().int().min(1).max(100_000),
      replicationFactor: z.number().int().min(1).max(1000).optional(),
      configs: configMap.optional(),
    }),
  ]),
  'topics.delete': z.tuple([topic, connection]),
  'topics.addPartitions': z.tuple([
    z.strictObject({ connection, topic, count: z.number().int().min(1).max(100_000) }),
  ]),
  'topics.configs': z.tuple([topic, connection]),
  'topics.alterConfigs': z.tuple([
    z.strictObject({
      connection,
      topic,
      set: configMap.optional(),
      remove: z.array(z.string().min(1).max(256)).max(1000).optional(),
    }),
  ]),
  'topics.deleteGroup': z.tuple([z.string().min(1).max(1024), connection]),
  'topics.produceTemplate': z.tuple([
    z.strictObject({
      connection,
      topic,
      key: z.string().max(MAX_STRING).nullable().optional(),
      value: z.string().max(1024 * 1024),
      headers: headers.optional(),
      count: z.number().int().min(1).max(10_000_000),
      rate: z.number().min(0).max(1_000_000).optional(),
    }),
  ]),
  'topics.jobStop': z.tuple([name]),
  'topics.redrivePreview': z.tuple([redriveRequest]),
  'topics.redrive': z.tuple([redriveRequest]),
  'topics.exportStart': z.tuple([
    z.strictObject({
      connection,
      topic,
      partitions,
      from: readFrom.optional(),
      until: z
        .discriminatedUnion('kind', [
          z.strictObject({ kind: z.literal('offset'), offset }),
          z.strictObject({ kind: z.literal('time'), ms: z.number().int().min(0) }),
        ])
        .optional(),
      filter: z.string().max(4096).optional(),
      limit: z.number().int().min(1).optional(),
    }),
  ]),
  'topics.importStart': z.tuple([
    z.strictObject({
      connection,
      topic,
      uploadId: z.string().regex(/^[0-9a-f]{32}$/, { message: 'an upload id from the transfer upload' }),
      partitioning: z.enum(['preserve', 'key']).optional(),
      timestamps: z.enum(['preserve', 'now']).optional(),
      pace: z.enum(['fast', 'original']).optional(),
      speed: z.number().positive().max(1_000_000).optional(),
    }),
  ]),
  'export.targets': z.tuple([]),
  'export.render': z.tuple([
    z.strictObject({ spec, profile: z.unknown(), target: z.enum(['plan', 'cloudformation', 'terraform']) }),
  ]),
  'export.deploy': z.tuple([
    z.strictObject({ spec, profile: z.unknown(), mode: z.enum(['dry-run', 'apply']) }),
  ]),
  'export.status': z.tuple([z.strictObject({ spec, profile: z.unknown() })]),
  'export.drift': z.tuple([z.strictObject({ spec, profile: z.unknown() })]),
} satisfies { [M in ApiMethod]: z.ZodType<unknown[]> };

/** Compile-time check that each schema's output can be passed to the method it guards. */
type ParamsMatch = {
  [M in ApiMethod]: z.output<(typeof PARAMS)[M]> extends ParamsOf<M> ? true : M;
};
type Assert<T extends { [M in ApiMethod]: true }> = T;
export type _ParamsChecked = Assert<ParamsMatch>;
