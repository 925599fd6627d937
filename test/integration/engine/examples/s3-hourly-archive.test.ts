// s3-hourly-archive.json on the embedded broker: two topics merged into sink.s3, written to a
// temporary directory (local.dir) in the layout of Confluent's S3 sink connector.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { example, startEnv, startRun, waitFor, type Env } from '../runtime/helpers';
import { jsonLines, produceLines } from './fixtures';

let env: Env;
let dir: string;
beforeAll(async () => {
  env = await startEnv();
  dir = mkdtempSync(join(tmpdir(), 'kflow-s3-archive-'));
});
afterAll(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Line = { time: string; key: string; value: unknown };
const users = jsonLines<Line>('s3-user-events.jsonl');
const purchases = jsonLines<Line>('s3-purchase-events.jsonl');

// The partitioner places a record by its time (the Kafka timestamp) in hour=HH (UTC); each source
// topic-partition has its own files, named after the offset of their first record. A file is
// committed when a record falls into another hour, or lies 1 minute or more after the file's
// first record (rotateInterval), or at the end of the run; flushSize 1000 is never reached.
//
//  topic            offset  time      hour  file starts at  why
//  user-events      0       10:59:10  10    0
//  user-events      1       10:59:40  10    0               same hour, 30 s after 10:59:10
//  user-events      2       11:00:05  11    2               other hour
//  user-events      3       11:00:30  11    2               25 s after 11:00:05
//  user-events      4       11:01:20  11    4               75 s after 11:00:05 ≥ 1 min
//  user-events      5       10:59:50  10    5               out of order: other hour than 4
//  purchase-events  0       10:58:00  10    0
//  purchase-events  1       11:02:00  11    1               other hour
//  purchase-events  2       11:02:30  11    1               30 s after 11:02:00
const day = 'topics/%t/year=2024/month=01/day=01';
const file = (topic: string, hour: string, start: string): string =>
  `${day.replace('%t', topic)}/hour=${hour}/${topic}+0+${start}.json`;
const linesOf = (ls: Line[], ...offsets: number[]): string =>
  offsets.map((o) => JSON.stringify(ls[o]?.value)).join('\n') + '\n';
const expected: Record<string, string> = {
  [file('user-events', '10', '0000000000')]: linesOf(users, 0, 1),
  [file('user-events', '11', '0000000002')]: linesOf(users, 2, 3),
  [file('user-events', '11', '0000000004')]: linesOf(users, 4),
  [file('user-events', '10', '0000000005')]: linesOf(users, 5),
  [file('purchase-events', '10', '0000000000')]: linesOf(purchases, 0),
  [file('purchase-events', '11', '0000000001')]: linesOf(purchases, 1, 2),
};

function objects(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    out[
      path
        .slice(root.length + 1)
        .split('\\')
        .join('/')
    ] = readFileSync(path, 'utf8');
  }
  return out;
}

describe('s3-hourly-archive on the broker', () => {
  it('writes both topics into hourly folders, one file per rotation, with the records as JSON lines', async () => {
    expect(linesOf(users, 0, 1)).toBe('{"user":"u1","action":"login"}\n{"user":"u2","action":"login"}\n');
    const spec = example('s3-hourly-archive.json', (s) => {
      const lake = s.nodes.find((n) => n.id === 'lake');
      if (lake) lake.config['local'] = { dir: 'lake' };
    });
    const admin = await env.client.admin();
    await admin.createTopics([
      { name: 'user-events', partitions: 1 },
      { name: 'purchase-events', partitions: 1 },
    ]);
    const run = await startRun({ client: env.client, spec, specDir: dir });
    const toRecords = (ls: Line[]) =>
      ls.map((l) => ({ key: l.key, value: l.value, timestamp: Date.parse(l.time) }));
    await produceLines(env.client, 'user-events', toRecords(users));
    await produceLines(env.client, 'purchase-events', toRecords(purchases));
    // Every record is stored (open files too) once its batch is committed.
    await waitFor(
      async () => {
        const o = await (
          await env.client.admin()
        ).groupOffsets(run.plan.groupId, ['user-events', 'purchase-events']);
        return o.reduce((a, x) => a + Math.max(0, Number(x.offset)), 0) === users.length + purchases.length;
      },
      20_000,
      'the inputs committed',
    );
    await run.stop();
    await run.done;
    expect(objects(join(dir, 'lake'))).toEqual(expected);
  });
});
