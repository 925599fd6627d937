// mysql-cdc.json on the embedded broker: Debezium change events (snapshot reads, creates,
// updates, deletes, the tombstone after a delete, another table's event, a schema-wrapped event
// and an unsupported truncate) read from the table's change topic, reads filtered out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { example, json, readTopic, startEnv, startRun, waitForCount, type Env } from '../runtime/helpers';
import { jsonLines, produceLines } from './fixtures';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.close();
});

const T = Date.UTC(2024, 0, 1, 12, 0, 0);
const at = (m: number, s = 0): number => T + m * 60_000 + s * 1000;

// test/fixtures/engine/mysql-cdc-orders.jsonl, line by line, and what the pipeline makes of it
// (output "envelope": the whole event, unwrapped from { schema, payload }; time = ts_ms):
//
//  line  table      op  id  ts_ms   goes to
//  1     orders     r   1   12:00   filtered (snapshot read)
//  2     orders     r   2   12:00   filtered
//  3     orders     c   3   12:01   output
//  4     orders     u   1   12:02   output
//  5     customers  c   7   12:02:05 dropped: not ecommerce.orders
//  6     orders     d   2   12:01:30 output (earlier than line 4: stateless, order kept)
//  7     (tombstone after the delete)  dropped: no row change
//  8     orders     c   4   12:03   output, key and value unwrapped from { schema, payload }
//  9     orders     t   5   12:03:10 dead letter: truncates name no row
const lines = jsonLines<{ key: unknown; value: unknown }>('mysql-cdc-orders.jsonl');
const event = (i: number): unknown => (lines[i - 1]?.value ?? null) as unknown;
const expected = [
  { key: '{"id":3}', time: at(1), value: event(3) },
  { key: '{"id":1}', time: at(2), value: event(4) },
  { key: '{"id":2}', time: at(1, 30), value: event(6) },
  { key: '{"id":4}', time: at(3), value: (event(8) as { payload: unknown }).payload },
];

async function runOn(spec: ReturnType<typeof example>, input: string, output: string): Promise<void> {
  const admin = await env.client.admin();
  await admin.createTopics([{ name: input, partitions: 1 }]);
  const run = await startRun({ client: env.client, spec });
  await produceLines(env.client, input, lines);
  await waitForCount(env.client, output, expected.length);
  await waitForCount(env.client, run.plan.dlqTopic, 1);
  await run.stop();
  await run.done;
  const out = await readTopic(env.client, output);
  expect(out.map((r) => ({ key: r.key?.toString(), time: Number(r.timestamp), value: json(r) }))).toEqual(
    expected,
  );
  const dead = await readTopic(env.client, run.plan.dlqTopic);
  expect(dead.map((r) => (json(r) as { op: string }).op)).toEqual(['t']);
  expect(dead[0]?.headers['kflow-error']?.toString()).toMatch(/truncate/);
}

describe('mysql-cdc on the broker', () => {
  it('reads the change topic <topicPrefix>.<db>.<table> and writes every change but the reads', async () => {
    const spec = example('mysql-cdc.json');
    await runOn(spec, 'mysql.ecommerce.orders', 'mysql.ecommerce.orders-changes');
  });

  it('reads local.topic instead when it is set', async () => {
    const spec = example('mysql-cdc.json', (s) => {
      s.name = 'mysql-cdc-local';
      const src = s.nodes.find((n) => n.id === 'orders-cdc');
      if (src) src.config['local'] = { topic: 'orders-dump' };
      const sink = s.nodes.find((n) => n.id === 'changes');
      if (sink) sink.config['topic'] = 'orders-dump-changes';
    });
    await runOn(spec, 'orders-dump', 'orders-dump-changes');
  });
});
