import { z } from 'zod';
import { defineNode, OUT, secret, topicName } from '../define';

export default defineNode({
  kind: 'source.cdc.mysql',
  version: 1,
  category: 'source',
  title: 'MySQL change data capture',
  description:
    'Change events of MySQL tables in Debezium format. Deployed, it becomes a Debezium MySQL connector on MSK ' +
    'Connect; run locally, it reads Debezium change events from a topic or from a JSONL file of them. ' +
    '`output: row` emits the row after the change (deletes as tombstones), `envelope` the whole change event.',
  config: z
    .object({
      database: z
        .object({
          hostname: z.string().min(1),
          port: z.number().int().min(1).max(65535).default(3306),
          user: z.string().min(1),
          password: secret('the database password: a secret reference, never the password itself'),
          serverId: z
            .number()
            .int()
            .min(1)
            .max(4294967295)
            .meta({ description: 'unique replication client id' }),
          include: z
            .object({
              databases: z.array(z.string().min(1)).min(1),
              tables: z.array(z.string().min(1)).optional(),
            })
            .strict(),
        })
        .strict(),
      topicPrefix: topicName('prefix of the change topics: <prefix>.<database>.<table>'),
      table: z
        .string()
        .regex(/^[^.\s]+\.[^.\s]+$/, { message: 'write the table as database.table' })
        .meta({ description: 'the table whose changes this node emits, as database.table' }),
      output: z.enum(['row', 'envelope']).default('row'),
      local: z
        .union([
          z.object({ topic: topicName('topic holding Debezium change events') }).strict(),
          z
            .object({ file: z.string().min(1).meta({ description: 'JSONL file of Debezium change events' }) })
            .strict(),
        ])
        .optional()
        .meta({
          description: 'where a local run reads change events; default: the change topic of the table',
        }),
    })
    .strict(),
  inputs: [],
  outputs: OUT,
  ui: { label: 'MySQL CDC', icon: 'database', color: '#ea580c', primaryFields: ['table', 'database'] },
  semantics(config, ctx) {
    const [db] = config.table.split('.');
    if (db !== undefined && !config.database.include.databases.includes(db)) {
      ctx.report(
        'table',
        `database "${db}" is not in database.include.databases (${config.database.include.databases.join(', ')})`,
      );
    }
    const fields =
      config.output === 'envelope'
        ? {
            op: 'string' as const,
            before: 'object' as const,
            after: 'object' as const,
            source: 'object' as const,
            ts_ms: 'timestamp' as const,
          }
        : undefined;
    return { fields, key: { kind: 'record-key', origin: `table ${config.table}` } };
  },
});
