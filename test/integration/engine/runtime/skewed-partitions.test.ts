// Two source partitions feed one window through a repartition, and partition 0 runs far ahead in
// event time: all of its records are processed before partition 1's first. Each partition is in
// event-time order (maxOutOfOrder 0), so none of partition 1's records is late — the window's
// watermark is the minimum over the source tasks' watermarks, carried by markers — while a
// record late on its own partition 0 still goes to the late topic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSpec } from '../../../../src/spec/types';
import { validateSpec } from '../../../../src/spec/validate';
import { at, json, produceJson, readTopic, startEnv, startRun, T0, waitFor, type Env } from './helpers';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.close();
});

function spec(name: string): PipelineSpec {
  const r = validateSpec({
    kflow: 1,
    name,
    nodes: [
      {
        id: 'raw',
        kind: 'source.topic',
        config: {
          topic: `${name}-raw`,
          partitions: 2,
          eventTime: 'ts',
          maxOutOfOrder: '0s',
          idleTimeout: '60s',
          fields: { category: 'string', value: 'number', ts: 'timestamp' },
        },
      },
      {
        id: 'per-min',
        kind: 'window.tumbling',
        config: {
          size: '1m',
          grace: '0s',
          groupBy: 'category',
          aggregates: { total: 'sum(value)', events: 'count(*)' },
          emit: 'final',
        },
      },
      { id: 'out', kind: 'sink.topic', config: { topic: `${name}-out` } },
    ],
    edges: [
      { from: 'raw', to: 'per-min' },
      { from: 'per-min', to: 'out' },
    ],
  });
  if (!r.ok || !r.spec) throw new Error(JSON.stringify(r.problems));
  return r.spec;
}

type Row = [category: string, value: number, ts: number];
// Partition 0, in event-time order but for #5: after books@2:20 its watermark is 2:20, so
// books 100 @0:50 (window [0,1m) ended at 1:00, grace 0) is late on partition 0 itself.
const p0: Row[] = [
  ['books', 1, at(0, 10)],
  ['games', 2, at(0, 30)],
  ['books', 4, at(1, 10)],
  ['books', 8, at(2, 20)],
  ['books', 100, at(0, 50)],
];
// Partition 1, in event-time order, produced only once partition 0 is done: all on time.
const p1: Row[] = [
  ['games', 16, at(0, 20)],
  ['books', 32, at(0, 40)],
  ['games', 64, at(1, 30)],
  ['books', 128, at(2, 10)],
];
// Each partition moves to 10:00, which closes every window above (its own window stays open).
const closing: Row = ['zz', 0, at(10)];
const M = 60_000;
// By hand: [0,1m) books 1+32, games 2+16; [1m,2m) books 4, games 64; [2m,3m) books 8+128.
const expected = [
  { category: 'books', total: 33, events: 2, window_start: T0, window_end: T0 + M },
  { category: 'games', total: 18, events: 2, window_start: T0, window_end: T0 + M },
  { category: 'books', total: 4, events: 1, window_start: T0 + M, window_end: T0 + 2 * M },
  { category: 'games', total: 64, events: 1, window_start: T0 + M, window_end: T0 + 2 * M },
  { category: 'books', total: 136, events: 2, window_start: T0 + 2 * M, window_end: T0 + 3 * M },
];
const byWindow = (
  a: { window_start: number; category: string },
  b: { window_start: number; category: string },
) => a.window_start - b.window_start || a.category.localeCompare(b.category);

describe('event time across a repartition with one partition far ahead', () => {
  for (const guarantee of ['at-least-once', 'exactly-once'] as const) {
    it(`${guarantee}: nothing on time is late, the truly late record is, every total exact`, async () => {
      const name = `skew-${guarantee === 'exactly-once' ? 'eos' : 'alo'}`;
      const run = await startRun({ client: env.client, spec: spec(name), guarantee });
      const send = (rows: Row[], partition: number) =>
        produceJson(
          env.client,
          `${name}-raw`,
          rows.map(([category, value, ts]) => ({ value: { category, value, ts }, partition })),
        );
      try {
        await send(p0, 0);
        // Partition 0 is processed to its end: its late record has reached the late topic.
        await waitFor(
          async () => (await readTopic(env.client, `${name}.per-min.late`, 2)).length >= 1,
          20_000,
          'the late record of partition 0',
        );
        await send(p1, 1);
        await send([closing], 0);
        await send([closing], 1);
        await waitFor(
          async () => (await readTopic(env.client, `${name}-out`, 2)).length >= expected.length,
          20_000,
          'window results',
        );
      } finally {
        await run.stop();
      }
      const out = (await readTopic(env.client, `${name}-out`, 2)).map(json) as Array<
        (typeof expected)[number]
      >;
      expect([...out].sort(byWindow)).toEqual(expected);
      const late = await readTopic(env.client, `${name}.per-min.late`, 2);
      expect(late.map((r) => (json(r) as { value: number }).value)).toEqual([100]);
    }, 60_000);
  }
});
