// The seed's 5-minute windowed aggregation (clicks-per-category.json as is) over a large
// generated input: KFLOW_TEST_EVENTS events (default 1,000,000; see N) spanning several hours of event
// time, 5% out of order within the 30 s grace and 0.1% late beyond it. Per-window totals are
// checked against a brute-force reference computed here, and the late topic against exactly the
// events the reference finds late.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { example, readTopic, startEnv, startRun, waitForCount, type Env } from '../runtime/helpers';
import { seededRandom as rng } from '../../../../src/engine/io/prng';

// The 1,000,000 (KFLOW_TEST_EVENTS sets another count). About 2 minutes on a loaded
// 2-core machine, nearly all of it the test's own kafkajs producer: the run (one source
// partition, so no repartition topic) keeps up and is done about a second after the last send.
const N = Number(process.env['KFLOW_TEST_EVENTS'] ?? 1_000_000);
// After the last send: allows about 8,000 events a second of backlog.
const WAIT_MS = Math.max(60_000, N * 0.12);
// Producing: allows about 3,300 events a second.
const PRODUCE_MS = N * 0.3;
const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const SPAN = 4 * 3600_000; // in-order events cover four hours of event time
const W = 5 * 60_000;
const GRACE = 30_000;
const CATEGORIES = ['books', 'games', 'music', 'films', 'garden', 'toys', 'food', 'tools'];

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.close();
});

interface Input {
  time: Float64Array;
  cat: Uint8Array;
  value: Uint16Array;
}

/**
 * Event i is due at T0 + i·SPAN/N. The watermark (maxOutOfOrder 0) is the largest time so far,
 * so 5% of events are stamped 1–29 s before it (out of order, their window still open: its end
 * is after the event, so end + 30 s > watermark) and 0.1% at least 6 minutes before it (late:
 * end ≤ event + 5 min, so end + 30 s ≤ watermark − 30 s). The last event, an hour after the
 * others, closes every earlier window.
 */
function generate(n: number): Input {
  const r = rng(20240101);
  const time = new Float64Array(n + 1);
  const cat = new Uint8Array(n + 1);
  const value = new Uint16Array(n + 1);
  let wm = -Infinity;
  // In order for the first 6 minutes, so nothing falls before T0.
  const warmup = Math.ceil((n * 6 * 60_000) / SPAN);
  for (let i = 0; i < n; i++) {
    const due = T0 + Math.floor((i * SPAN) / n);
    const u = r();
    let t = due;
    if (i > warmup && u < 0.001) t = wm - 6 * 60_000 - Math.floor(r() * 20 * 60_000);
    else if (i > warmup && u < 0.051) t = wm - 1000 - Math.floor(r() * 28_000);
    time[i] = t;
    cat[i] = Math.floor(r() * CATEGORIES.length);
    value[i] = 1 + Math.floor(r() * 100);
    wm = Math.max(wm, t);
  }
  time[n] = T0 + SPAN + 3600_000;
  cat[n] = 0;
  value[n] = 1;
  return { time, cat, value };
}

interface WindowTotal {
  category: string;
  total: number;
  events: number;
  window_start: number;
  window_end: number;
}

/** Brute force: replay in production order, tracking the watermark; late events stay out. */
function reference(inp: Input): { windows: WindowTotal[]; late: string[]; finalWm: number } {
  const windows = new Map<string, WindowTotal>();
  const late: string[] = [];
  let wm = -Infinity;
  for (let i = 0; i < inp.time.length; i++) {
    const t = inp.time[i] as number;
    wm = Math.max(wm, t);
    const start = t - (((t % W) + W) % W);
    const category = CATEGORIES[inp.cat[i] as number] as string;
    if (start + W + GRACE <= wm) {
      late.push(`${category}|${inp.value[i]}|${t}`);
      continue;
    }
    const k = `${start}|${category}`;
    const w = windows.get(k) ?? { category, total: 0, events: 0, window_start: start, window_end: start + W };
    w.total += inp.value[i] as number;
    w.events += 1;
    windows.set(k, w);
  }
  const closed = [...windows.values()]
    .filter((w) => w.window_end + GRACE <= wm)
    .sort((a, b) => a.window_end - b.window_end || a.category.localeCompare(b.category));
  return { windows: closed, late, finalWm: wm };
}

describe(`clicks-per-category over ${N.toLocaleString('en')} events`, () => {
  it(
    'emits per-window totals equal to a brute-force reference and exactly the late events as late',
    async () => {
      const inp = generate(N);
      const ref = reference(inp);
      // The input is what the description says it is.
      expect(ref.late.length).toBeGreaterThan(N * 0.0007);
      expect(ref.late.length).toBeLessThan(N * 0.0013);
      expect(ref.windows.length).toBe((SPAN / W) * CATEGORIES.length);

      const spec = example('clicks-per-category.json');
      const admin = await env.client.admin();
      await admin.createTopics([{ name: 'raw-events', partitions: 1 }]);
      const run = await startRun({ client: env.client, spec, tickMs: 200 });
      const t0 = Date.now();
      const producer = await env.client.producer({ idempotent: true });
      const CHUNK = 50_000;
      for (let from = 0; from < inp.time.length; from += CHUNK) {
        const records = [];
        for (let i = from; i < Math.min(from + CHUNK, inp.time.length); i++)
          records.push({
            topic: 'raw-events',
            key: null,
            value: `{"category":"${CATEGORIES[inp.cat[i] as number]}","value":${inp.value[i]},"ts":${inp.time[i]}}`,
          });
        await producer.send(records);
      }
      await producer.close();

      const produced = Date.now();
      const timeout = WAIT_MS;
      await waitForCount(env.client, 'aggregated-events', ref.windows.length, timeout);
      await waitForCount(env.client, 'clicks-per-category.per5min.late', ref.late.length, timeout);
      const processed = Date.now();
      await run.stop();
      await run.done;
      console.info(
        `clicks-per-category, ${N} events: produced in ${((produced - t0) / 1000).toFixed(1)} s, ` +
          `processed ${((processed - produced) / 1000).toFixed(1)} s after that`,
      );

      const out = (await readTopic(env.client, 'aggregated-events')).map(
        (r) => JSON.parse(r.value?.toString('utf8') ?? 'null') as WindowTotal,
      );
      expect(out.length).toBe(ref.windows.length);
      expect(out).toEqual(ref.windows);

      const late = (await readTopic(env.client, 'clicks-per-category.per5min.late')).map((r) => {
        const v = JSON.parse(r.value?.toString('utf8') ?? 'null') as {
          category: string;
          value: number;
          ts: number;
        };
        return `${v.category}|${v.value}|${v.ts}`;
      });
      expect(late.sort()).toEqual([...ref.late].sort());
    },
    PRODUCE_MS + WAIT_MS + 60_000,
  );
});
