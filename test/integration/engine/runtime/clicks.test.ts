// clicks-per-category on the embedded broker: 5-minute tumbling windows with 30 s grace,
// grouped by category (one source partition: in the source task, no repartition topic), fed
// out-of-order and late records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  at,
  example,
  json,
  produceJson,
  readTopic,
  startEnv,
  startRun,
  T0,
  waitForCount,
  type Env,
} from './helpers';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.close();
});

// Input, in the order produced (times as minutes:seconds after T0). The watermark is the largest
// event time seen so far (maxOutOfOrder 0); window [a, b) closes once the watermark reaches b + 30 s.
//
//  #  category value  time   watermark after  note
//  1  books     5     0:10   0:10
//  2  games     3     1:00   1:00
//  3  books     2     4:50   4:50
//  4  books     4     5:20   5:20             opens [5,10)
//  5  games     7     4:40   5:20             out of order, [0,5) still open (closes at 5:30)
//  6  music     1     6:00   6:00             closes [0,5): books 5+2=7 (2), games 3+7=10 (2)
//  7  books     9     3:00   6:00             late: [0,5) closed → late topic
//  8  games     2     9:59   9:59
//  9  books     1    10:31  10:31             closes [5,10): books 4 (1), games 2 (1), music 1 (1)
//                                              [10,15) (books 1) stays open
const input: Array<[string, number, number]> = [
  ['books', 5, at(0, 10)],
  ['games', 3, at(1)],
  ['books', 2, at(4, 50)],
  ['books', 4, at(5, 20)],
  ['games', 7, at(4, 40)],
  ['music', 1, at(6)],
  ['books', 9, at(3)],
  ['games', 2, at(9, 59)],
  ['books', 1, at(10, 31)],
];
const W = 5 * 60_000;
// Results of a closing watermark come out by window end, then key.
const expected = [
  { category: 'books', total: 7, events: 2, window_start: T0, window_end: T0 + W },
  { category: 'games', total: 10, events: 2, window_start: T0, window_end: T0 + W },
  { category: 'books', total: 4, events: 1, window_start: T0 + W, window_end: T0 + 2 * W },
  { category: 'games', total: 2, events: 1, window_start: T0 + W, window_end: T0 + 2 * W },
  { category: 'music', total: 1, events: 1, window_start: T0 + W, window_end: T0 + 2 * W },
];

describe('clicks-per-category on the broker', () => {
  it('writes exactly the closed windows, in order, and the late record to the late topic', async () => {
    const spec = example('clicks-per-category.json');
    await (await env.client.admin()).createTopics([{ name: 'raw-events', partitions: 1 }]);
    const run = await startRun({ client: env.client, spec });
    // One source partition: the window runs in the source's task, without a repartition topic.
    expect(run.plan.repartitions).toEqual([]);
    await produceJson(
      env.client,
      'raw-events',
      input.map(([category, value, ts], i) => ({ key: `k${i}`, value: { category, value, ts } })),
    );
    await waitForCount(env.client, 'aggregated-events', 5);
    await waitForCount(env.client, 'clicks-per-category.per5min.late', 1);
    await run.stop();
    await run.done;

    const out = await readTopic(env.client, 'aggregated-events');
    expect(out.map(json)).toEqual(expected);
    expect(out.map((r) => r.key?.toString())).toEqual(['books', 'games', 'books', 'games', 'music']);
    expect(out.map((r) => Number(r.timestamp))).toEqual(expected.map((e) => e.window_end - 1));

    const late = await readTopic(env.client, 'clicks-per-category.per5min.late');
    expect(late.map(json)).toEqual([{ category: 'books', value: 9, ts: at(3) }]);
    expect(late[0]?.headers['kflow-missed-windows']?.toString()).toBe('1/1');

    // The group committed everything it read.
    const offsets = await (
      await env.client.admin()
    ).groupOffsets('kflow-clicks-per-category', ['raw-events']);
    expect(offsets.map((o) => Number(o.offset))).toEqual([9]);
  });
});
