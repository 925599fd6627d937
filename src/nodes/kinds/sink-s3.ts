import { z } from 'zod';
import { defineNode, duration, expression, IN, secret } from '../define';

/**
 * Joda-Time pattern letters. In Confluent's `path.format` every unquoted letter is
 * a date field, so `year=YYYY` silently means "year-era-halfday-?" and fails at
 * runtime on MSK Connect; literal text must be quoted: `'year'=YYYY`.
 */
const JODA_LETTERS = new Set('GCYxwewEDMdaKhHkmsSzZ'.split(''));

function unquotedLiterals(format: string): string[] {
  const bad: string[] = [];
  let quoted = false;
  let word = '';
  for (const ch of format) {
    if (ch === "'") {
      quoted = !quoted;
      continue;
    }
    if (!quoted && /[A-Za-z]/.test(ch)) word += ch;
    else if (word) {
      if (!/^(Y+|y+|M+|d+|H+|h+|m+|s+|S+|D+|w+|x+|e+|E+|a|k+|K+|z+|Z+|G+|C+)$/.test(word)) bad.push(word);
      word = '';
    }
  }
  if (word && !/^(Y+|y+|M+|d+|H+|h+|m+|s+|S+|D+|w+|x+|e+|E+|a|k+|K+|z+|Z+|G+|C+)$/.test(word)) bad.push(word);
  return bad.filter((w) => [...w].some((c) => JODA_LETTERS.has(c) || /[A-Za-z]/.test(c)));
}

export default defineNode({
  kind: 'sink.s3',
  version: 1,
  category: 'sink',
  title: 'S3 sink',
  description:
    "Writes records to Amazon S3 laid out as Confluent's S3 sink connector writes them " +
    '(`<prefix>/<topic>/<path>/<topic>+<partition>+<startOffset>.json`), with time-based partitioning and ' +
    'rotation. Deployed, it becomes that connector on MSK Connect; run locally, it writes the same layout to a ' +
    'directory (or to S3 when `local.bucket` is set).',
  config: z
    .object({
      bucket: z.string().regex(/^(?!xn--)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
        message: 'an S3 bucket name is 3-63 lowercase letters, digits, dots and hyphens',
      }),
      region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'a region looks like us-east-1' }),
      prefix: z.string().default('topics').meta({ description: "top-level folder (Confluent's topics.dir)" }),
      format: z
        .enum(['json'])
        .default('json')
        .meta({ description: 'file format (JsonFormat: one JSON record per line)' }),
      partitioner: z
        .object({
          type: z.enum(['time', 'default', 'field']).default('time'),
          pathFormat: z
            .string()
            .default("'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH")
            .meta({ description: "Joda-Time pattern of the folders; quote literal text, e.g. 'year'=YYYY" }),
          partitionDuration: duration('time span of one folder').default('1h'),
          timezone: z.string().default('UTC'),
          locale: z.string().default('en-US'),
          timestamp: z
            .enum(['record', 'field', 'wallclock'])
            .default('record')
            .meta({ description: 'which time places a record in a folder' }),
          timestampField: expression('field holding the time, with timestamp "field"').optional(),
          fields: z
            .array(z.string())
            .optional()
            .meta({ description: 'with type "field": the fields that name the folders' }),
        })
        .strict()
        .prefault({}),
      flushSize: z.number().int().min(1).default(1000).meta({ description: 'records per file' }),
      rotateInterval: duration('close a file when its records span this much time').optional(),
      rotateScheduleInterval: duration('close files on this wall-clock schedule').optional(),
      tasksMax: z.number().int().min(1).max(100).default(1),
      credentials: z
        .object({
          accessKeyId: secret('AWS access key id'),
          secretAccessKey: secret('AWS secret access key'),
        })
        .strict()
        .optional()
        .meta({ description: 'only for local runs outside AWS; deployed connectors use their IAM role' }),
      local: z
        .object({ dir: z.string().min(1).optional(), bucket: z.boolean().optional() })
        .strict()
        .optional()
        .meta({
          description:
            'local runs: write under this directory (default ./s3/<bucket>) or, with bucket: true, to S3',
        }),
    })
    .strict(),
  inputs: IN,
  outputs: [],
  ui: { label: 'S3', icon: 'cloud-upload', color: '#2563eb', primaryFields: ['bucket', 'partitioner'] },
  semantics(config, ctx) {
    const p = config.partitioner;
    const span = ctx.duration(p.partitionDuration, 'partitioner.partitionDuration', { min: 1 });
    if (p.type === 'time') {
      const bad = unquotedLiterals(p.pathFormat);
      if (bad.length > 0) {
        ctx.report(
          'partitioner.pathFormat',
          `"${bad.join('", "')}" in the path format is unquoted, so Joda-Time reads its letters as date fields; quote literal text, e.g. 'year'=YYYY`,
        );
      }
      if (span !== undefined && span < 60_000)
        ctx.report(
          'partitioner.partitionDuration',
          'folders shorter than a minute make very many small files',
          'warning',
        );
    }
    if (p.timestamp === 'field' && p.timestampField === undefined)
      ctx.report('partitioner.timestampField', 'timestamp "field" needs timestampField');
    if (p.timestampField !== undefined) ctx.expr(p.timestampField, 'partitioner.timestampField');
    if (p.type === 'field' && !p.fields?.length)
      ctx.report('partitioner.fields', 'a field partitioner needs the fields that name the folders');
    if (config.rotateInterval !== undefined)
      ctx.duration(config.rotateInterval, 'rotateInterval', { min: 1 });
    if (config.rotateScheduleInterval !== undefined)
      ctx.duration(config.rotateScheduleInterval, 'rotateScheduleInterval', { min: 1 });
    return { fields: undefined, key: { kind: 'none' } };
  },
});
