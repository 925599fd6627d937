// The runtime on the embedded broker: a stream-stream join through a shared repartition topic,
// a restart that restores window state and the watermark from the changelog, dead letters of a
// malformed record, and exactly-once output through transactions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSpec } from '../../../../src/spec/types';
import {
  at,
  example,
  json,
  produceJson,
  readTopic,
  startEnv,
  startRun,
  T0,
  waitFor,
  waitForCount,
  waitForRecordsCrossed,
  type Env,
} from './helpers';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.close();
});

/** The clicks example under another pipeline name and other topics. */
function clicks(name: string): PipelineSpec {
  return example('clicks-per-category.json', (s) => {
    s.name = name;
    for (const n of s.nodes) if (typeof n.config['topic'] === 'string') n.config['topic'] = `${name}-${n.id}`;
  });
}

// The input of clicks.test.ts (see the table there): windows [0,5) and [5,10) close, #7 is late.
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
const rec = ([category, value, ts]: [string, number, number]) => ({ value: { category, value, ts } });
const W = 5 * 60_000;
const totals = [
  ['books', 7, 2, 0],
  ['games', 10, 2, 0],
  ['books', 4, 1, 1],
  ['games', 2, 1, 1],
  ['music', 1, 1, 1],
].map(([category, total, events, w]) => ({
  category,
  total,
  events,
  window_start: T0 + (w as number) * W,
  window_end: T0 + ((w as number) + 1) * W,
}));

describe('join-orders-payments', () => {
  it('joins an order with the payment 3 minutes later and emits orders without one when their window closes', async () => {
    const spec = example('join-orders-payments.json');
    const admin = await env.client.admin();
    await admin.createTopics([
      { name: 'orders', partitions: 1 },
      { name: 'payments', partitions: 1 },
    ]);
    const run = await startRun({ client: env.client, spec });
    // within 10m, grace 1m, left join on user_id. Orders first (so the shared repartition topic
    // holds them before the payments):
    //   o1 u1 0:00 | o2 u2 1:00 | o3 u3 2:00            watermark 2:00
    //   p1 u1 3:00 → joins o1 (3 min apart)             watermark 3:00
    //   p2 u2 20:00 → too far from o2 (19 min)          payments at 20:00, orders still at 2:00
    //   o4 u4 20:00                                     watermark (the minimum of both) 20:00 >
    //                                                   1:00 + 11m and 2:00 + 11m: o2, o3 leave
    //                                                   the state unmatched, by time; o4 waits
    const o = (id: string, u: string, m: number) => ({
      value: { order_id: id, user_id: u, amount: 10, ts: at(m) },
    });
    const p = (id: string, u: string, m: number) => ({
      value: { payment_id: id, user_id: u, method: 'card', ts: at(m) },
    });
    await produceJson(env.client, 'orders', [o('o1', 'u1', 0), o('o2', 'u2', 1), o('o3', 'u3', 2)]);
    await waitForRecordsCrossed(env.client, 'join-orders-payments-match-repartition', 3);
    await produceJson(env.client, 'payments', [p('p1', 'u1', 3), p('p2', 'u2', 20)]);
    await produceJson(env.client, 'orders', [o('o4', 'u4', 20)]);
    await waitForCount(env.client, 'orders-with-payments', 3);
    await run.stop();
    const out = await readTopic(env.client, 'orders-with-payments');
    expect(out.map(json)).toEqual([
      { left: o('o1', 'u1', 0).value, right: p('p1', 'u1', 3).value },
      { left: o('o2', 'u2', 1).value, right: null },
      { left: o('o3', 'u3', 2).value, right: null },
    ]);
    expect(out.map((r) => r.key?.toString())).toEqual(['u1', 'u2', 'u3']);
  });
});

describe('restart', () => {
  it('a second run restores window contents and the watermark from the changelog', async () => {
    const spec = clicks('clicks-restart');
    const admin = await env.client.admin();
    await admin.createTopics([{ name: 'clicks-restart-raw', partitions: 1 }]);
    const first = await startRun({ client: env.client, spec });
    await produceJson(env.client, 'clicks-restart-raw', input.slice(0, 6).map(rec));
    await waitForCount(env.client, 'clicks-restart-out', 2);
    await first.stop();

    // [5,10) holds books 4 and music 1 only in the changelog now; the watermark (6:00) too, which
    // makes #7 late after the restart instead of opening [0,5) again.
    const second = await startRun({ client: env.client, spec });
    await produceJson(env.client, 'clicks-restart-raw', input.slice(6).map(rec));
    await waitForCount(env.client, 'clicks-restart-out', 5);
    await waitForCount(env.client, 'clicks-restart.per5min.late', 1);
    await second.stop();
    expect((await readTopic(env.client, 'clicks-restart-out')).map(json)).toEqual(totals);
    const changelog = await readTopic(env.client, 'clicks-restart-per5min-changelog');
    expect(changelog.length).toBeGreaterThan(0);
  });
});

describe('dead letters', () => {
  it('a value that is not JSON goes to <pipeline>.dlq with its origin in headers; the next record is processed', async () => {
    const spec = clicks('clicks-dlq');
    const admin = await env.client.admin();
    await admin.createTopics([{ name: 'clicks-dlq-raw', partitions: 1 }]);
    const run = await startRun({ client: env.client, spec });
    await produceJson(env.client, 'clicks-dlq-raw', [
      { key: 'bad', value: null, raw: '{not json' },
      rec(['books', 1, at(0)]),
    ]);
    await waitForCount(env.client, 'clicks-dlq.dlq', 1);
    // The good record reached the window: its state is in the changelog (one partition, so no
    // repartition topic in between).
    await waitForCount(env.client, 'clicks-dlq-per5min-changelog', 1);
    await run.stop();
    const [dead] = await readTopic(env.client, 'clicks-dlq.dlq');
    const h = (k: string) => dead?.headers[k]?.toString();
    expect(dead?.value?.toString()).toBe('{not json');
    expect(dead?.key?.toString()).toBe('bad');
    expect(h('kflow-pipeline')).toBe('clicks-dlq');
    expect(h('kflow-node')).toBe('raw');
    expect(h('kflow-error')).toMatch(/not valid JSON/);
    expect([h('kflow-source-topic'), h('kflow-source-partition'), h('kflow-source-offset')]).toEqual([
      'clicks-dlq-raw',
      '0',
      '0',
    ]);
    const committed = await admin.groupOffsets('kflow-clicks-dlq', ['clicks-dlq-raw']);
    expect(committed.map((c) => Number(c.offset))).toEqual([2]);
  });

  it('--fail-fast stops the run at the bad record, before committing it', async () => {
    const spec = clicks('clicks-ff');
    const admin = await env.client.admin();
    await admin.createTopics([{ name: 'clicks-ff-raw', partitions: 1 }]);
    const run = await startRun({ client: env.client, spec, failFast: true });
    await produceJson(env.client, 'clicks-ff-raw', [{ value: null, raw: 'nope' }]);
    await expect(run.done).rejects.toThrow(/not valid JSON/);
    const committed = await admin.groupOffsets('kflow-clicks-ff', ['clicks-ff-raw']);
    expect(committed.map((c) => Number(c.offset))).toEqual([-1]);
  });
});

describe('delivery guarantees', () => {
  async function runClicks(name: string, guarantee: 'at-least-once' | 'exactly-once') {
    const spec = clicks(name);
    const admin = await env.client.admin();
    await admin.createTopics([{ name: `${name}-raw`, partitions: 1 }]);
    const run = await startRun({ client: env.client, spec, guarantee });
    await produceJson(env.client, `${name}-raw`, input.map(rec));
    await waitFor(async () => (await readTopic(env.client, `${name}-out`)).length >= 5, 20_000, 'outputs');
    await run.stop();
    const out = await readTopic(env.client, `${name}-out`);
    const [offs] = await admin.topicOffsets(`${name}-out`);
    const committed = await admin.groupOffsets(`kflow-${name}`, [`${name}-raw`]);
    return {
      out: out.map(json),
      high: Number(offs?.high),
      committed: committed.map((c) => Number(c.offset)),
    };
  }

  it('exactly-once: the same results, written in transactions with the input offsets', async () => {
    const eos = await runClicks('clicks-eos', 'exactly-once');
    expect(eos.out).toEqual(totals);
    expect(eos.committed).toEqual([9]);
    // Transactions leave commit markers in the log: more offsets than records.
    expect(eos.high).toBeGreaterThan(5);
  });

  it('at-least-once: the same results, no transaction markers', async () => {
    const alo = await runClicks('clicks-alo', 'at-least-once');
    expect(alo.out).toEqual(totals);
    expect(alo.committed).toEqual([9]);
    expect(alo.high).toBe(5);
  });
});
