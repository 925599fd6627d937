// every-node.json on the embedded broker, on small fixed inputs: it plans, runs without a dead
// letter, and every sink receives the records derived by hand below.
//
// Test copy changes: the clicks datagen (unseeded, endless, wall-clock times) becomes a topic
// source on `clicks` with the same fields; returns are read from a fixture copied to
// data/returns.jsonl under a temporary spec directory (which also holds out/ and s3/); the
// customers' change topic is shop.shop.customers (topicPrefix + table). Customer change events are
// keyed by the bare id ("user-1"), as with Debezium's ExtractField key transform, so that the
// table key equals the orders' user_id.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  example,
  json,
  readTopic,
  startEnv,
  startRun,
  waitFor,
  waitForCount,
  waitForRecordsCrossed,
  type Env,
} from '../runtime/helpers';
import { fixture, jsonLines, produceLines } from './fixtures';

let env: Env;
let dir: string;
beforeAll(async () => {
  env = await startEnv();
  dir = mkdtempSync(join(tmpdir(), 'kflow-every-node-'));
});
afterAll(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const at = (hm: string): number => Date.parse(`2024-01-01T${hm}Z`);

// Inputs (test/fixtures/engine/every-node-*.jsonl):
//
//  clicks   click_id user    page    value  ts
//           a        user-1  Home    3      12:00:00
//           a        user-1  Home    3      12:00:05  duplicate of a within 1m → dropped
//           b        user-2  Cart    0      12:01:00  value 0 → filtered out
//           c        user-2  Search  4      12:02:00
//           d        user-1  Cart    2      12:07:00
//           e        user-3  Home    5      12:30:00  closes every hopping window ending ≤ 12:29:50
//
//  orders   order user    items      total  ts
//           o1    user-1  pen, ink   150    12:03     big (2 lines)
//           o2    user-2  cup        20     12:04     small
//           o3    user-1  pad        30     12:06     small
//           o4    user-3  lamp       500    12:40     big; closes [12:00,12:05) of big-5m
//           o5    user-3  clip       1      13:30     small; produced last, closes the sessions
//
//  returns  user-1 o1 12:20:00, user-2 o2 12:20:10
//  customers (snapshot reads)  user-1 Ada gold, user-2 Bob silver
//
// show (hopping 10m every 5m, grace 10s, count and sum(value), keyed by user_id), the windows
// closed once the watermark is 12:30, by window end then key:
//   user-1 [11:55,12:05) a        clicks 1 value 3
//   user-2 [11:55,12:05) c        clicks 1 value 4
//   user-1 [12:00,12:10) a, d     clicks 2 value 5
//   user-2 [12:00,12:10) c        clicks 1 value 4
//   user-1 [12:05,12:15) d        clicks 1 value 2
const hopping = [
  ['user-1', '11:55', '12:05', 1, 3],
  ['user-2', '11:55', '12:05', 1, 4],
  ['user-1', '12:00', '12:10', 2, 5],
  ['user-2', '12:00', '12:10', 1, 4],
  ['user-1', '12:05', '12:15', 1, 2],
] as const;

// big-spenders (lines of orders over 100, 5-minute tumbling per user, sum(total)): each line of
// an order carries the order's total, so o1's two lines make 300 in [12:00,12:05). orders has one
// partition, so big-5m runs in the orders task without a repartition and its watermark is that
// partition's: o5 at 13:30 (small, filtered out before the window) still moves it past
// 12:45 + 30 s, closing o4's window [12:40,12:45): user-3 500.
const bigSpenders = [
  { user_id: 'user-1', spend: 300, window_start: at('12:00'), window_end: at('12:05') },
  { user_id: 'user-3', spend: 500, window_start: at('12:40'), window_end: at('12:45') },
];

// small-file (running count and avg(total) per user, one row per small line):
const smallRows = [
  { user_id: 'user-2', orders: 1, avg_total: 20 },
  { user_id: 'user-1', orders: 1, avg_total: 30 },
  { user_id: 'user-3', orders: 1, avg_total: 1 },
];

// archive (sessions of orders and returns per user, gap 30m; closed once the watermark passes
// the last event + 30m, which o5 at 13:30 does for all three below; o5 itself opens user-3's next
// session, which stays open). Times: window_start = first, window_end = last event.
//   user-1  o1 12:03, o3 12:06, return of o1 12:20      events 3, orders 2  [12:03, 12:20]
//   user-2  o2 12:04, return of o2 12:20:10             events 2, orders 1  [12:04, 12:20:10]
//   user-3  o4 12:40                                   events 1, orders 1  [12:40, 12:40]
// Objects: the results have no source topic, so they are written as topic `every-node`,
// partition 0, offsets 0, 1, 2; placed by their time (window_end) in hour=12; rotateInterval 10m
// closes the first file when user-3's result comes 20 minutes after its first record.
const sessions = [
  { user_id: 'user-1', events: 3, orders: 2, window_start: at('12:03'), window_end: at('12:20') },
  { user_id: 'user-2', events: 2, orders: 1, window_start: at('12:04'), window_end: at('12:20:10') },
  { user_id: 'user-3', events: 1, orders: 1, window_start: at('12:40'), window_end: at('12:40') },
];

// attributed (inner join within 30m of each order, with its customer's fields merged in, and the
// user's tidied clicks: click_id dropped, page lower case):
//   o1 (12:03) with a (12:00) and d (12:07); o3 (12:06) with a and d; o2 (12:04) with c (12:02);
//   o4 (12:40) with e (12:30), no customer; o5 (13:30) is 60 minutes after e: none.
type Order = { order_id: string; user_id: string; items: string[]; total: number; ts: string };
type Click = { click_id: string; user_id: string; page: string; value: number; ts: string };
const customers: Record<string, { id: string; name: string; tier: string }> = {
  'user-1': { id: 'user-1', name: 'Ada', tier: 'gold' },
  'user-2': { id: 'user-2', name: 'Bob', tier: 'silver' },
};
const pairs: Array<[string, string]> = [
  ['o1', 'a'],
  ['o1', 'd'],
  ['o3', 'a'],
  ['o3', 'd'],
  ['o2', 'c'],
  ['o4', 'e'],
];

describe('every-node on the broker', () => {
  it('runs on small inputs and each sink gets the hand-derived records', async () => {
    const clicks = jsonLines<Click>('every-node-clicks.jsonl');
    const orders = jsonLines<Order>('every-node-orders.jsonl');
    mkdirSync(join(dir, 'data'), { recursive: true });
    copyFileSync(fixture('every-node-returns.jsonl'), join(dir, 'data', 'returns.jsonl'));
    const spec = example('every-node.json', (s) => {
      const i = s.nodes.findIndex((n) => n.id === 'clicks');
      s.nodes[i] = {
        id: 'clicks',
        kind: 'source.topic',
        config: {
          topic: 'clicks',
          eventTime: 'ts',
          fields: { click_id: 'string', user_id: 'string', page: 'string', value: 'number', ts: 'timestamp' },
        },
        ui: { x: 0, y: 0 },
      };
    });
    const admin = await env.client.admin();
    await admin.createTopics(
      ['clicks', 'orders', 'shop.shop.customers'].map((name) => ({ name, partitions: 1 })),
    );
    // Keys are JSON (Debezium's key converter): the text "user-1", quotes included.
    await produceLines(
      env.client,
      'shop.shop.customers',
      jsonLines<{ key: string; value: unknown }>('every-node-customers.jsonl').map((l) => ({
        key: JSON.stringify(l.key),
        value: l.value,
      })),
    );

    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      const text = String(chunk);
      if (text.startsWith('{"timestamp"')) printed.push(text.trim());
      else return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      return true;
    }) as typeof process.stdout.write);

    const run = await startRun({ client: env.client, spec, specDir: dir });
    // The customers are in the table before any order looks them up.
    const table = run.plan.changelogs['with-customer'];
    if (table) await waitForCount(env.client, table, 2);
    await produceLines(
      env.client,
      'clicks',
      clicks.map((c) => ({ key: c.user_id, value: c })),
    );
    await produceLines(
      env.client,
      'orders',
      orders.slice(0, 3).map((o) => ({ key: o.order_id, value: o })),
    );
    // o4 and o5 only once the returns (replayed in about a second) have reached the sessions'
    // repartition topic: o4 at 12:40 would otherwise close user-2's session [12:04] before its
    // return at 12:20:10 joins it.
    const toSessions = run.plan.repartitions.find((r) => r.to === 'sessions')?.topic;
    expect(toSessions).toBeDefined();
    await waitForRecordsCrossed(env.client, toSessions as string, 3 + 2);
    await produceLines(
      env.client,
      'orders',
      orders.slice(3).map((o) => ({ key: o.order_id, value: o })),
    );

    const archive = join(dir, 's3', 'kflow-example-archive');
    const smallFile = join(dir, 'out', 'small-orders.jsonl');
    const lines = (p: string): string[] => {
      try {
        return readFileSync(p, 'utf8')
          .split('\n')
          .filter((l) => l !== '');
      } catch {
        return [];
      }
    };
    const objects = (): Record<string, string> => {
      const out: Record<string, string> = {};
      try {
        for (const e of readdirSync(archive, { recursive: true, withFileTypes: true }))
          if (e.isFile())
            out[join(e.parentPath, e.name).slice(archive.length + 1)] = readFileSync(
              join(e.parentPath, e.name),
              'utf8',
            );
      } catch {
        // not written yet
      }
      return out;
    };
    const timeout = 60_000; // a silent input holds a task's watermark until it idles out (30 s)
    await waitFor(() => Promise.resolve(printed.length >= hopping.length), timeout, 'console lines');
    await waitForCount(env.client, 'big-spenders', bigSpenders.length, timeout);
    await waitForCount(env.client, 'attributed-orders', pairs.length, timeout);
    await waitFor(
      () => Promise.resolve(lines(smallFile).length >= smallRows.length),
      timeout,
      'small-orders rows',
    );
    await waitFor(
      () => Promise.resolve(Object.values(objects()).join('').split('\n').filter(Boolean).length >= 3),
      timeout,
      'sessions in the archive',
    );
    await run.stop();
    await run.done;
    vi.restoreAllMocks();

    expect(
      printed.map((l) => {
        const o = JSON.parse(l) as { key: unknown; value: unknown };
        return { key: o.key, value: o.value };
      }),
    ).toEqual(
      hopping.map(([user, start, end, n, value]) => ({
        key: user,
        value: { clicks: n, value, window_start: at(start), window_end: at(end) },
      })),
    );

    const big = await readTopic(env.client, 'big-spenders', 3);
    expect(big.map(json)).toEqual(bigSpenders);
    expect(big.map((r) => r.key?.toString())).toEqual(['user-1', 'user-3']);

    expect(lines(smallFile).map((l) => JSON.parse(l) as unknown)).toEqual(smallRows);

    const day = 'topics/every-node/year=2024/month=01/day=01/hour=12';
    const row = (s: (typeof sessions)[number]) => JSON.stringify(s);
    expect(objects()).toEqual({
      [join(...`${day}/every-node+0+0000000000.json`.split('/'))]:
        `${row(sessions[0]!)}\n${row(sessions[1]!)}\n`,
      [join(...`${day}/every-node+0+0000000002.json`.split('/'))]: `${row(sessions[2]!)}\n`,
    });

    const byId = new Map(orders.map((o) => [o.order_id, o]));
    // The first click of an id is the one dedupe keeps.
    const clickById = new Map(clicks.toReversed().map((c) => [c.click_id, c]));
    const attributed = await readTopic(env.client, 'attributed-orders');
    const key = (v: unknown) => JSON.stringify(v);
    expect(attributed.map((r) => key(json(r))).sort()).toEqual(
      pairs
        .map(([o, c]) => {
          const order = byId.get(o) as Order;
          const click = clickById.get(c) as Click;
          return key({
            left: { ...order, ...(customers[order.user_id] ?? {}) },
            right: {
              user_id: click.user_id,
              page: click.page.toLowerCase(),
              value: click.value,
              ts: click.ts,
            },
          });
        })
        .sort(),
    );

    expect(await readTopic(env.client, run.plan.dlqTopic).catch(() => [])).toEqual([]);
  });
});
