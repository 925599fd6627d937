// Exactly-once under crashes: `kflow run --guarantee exactly-once` is killed with SIGKILL at random
// points 10 times and restarted, then drained. Its committed output must equal the brute-force
// reference: every window once with its exact total, every filtered record once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countRecords,
  crashAndRestart,
  makeInput,
  parse,
  createInputTopic,
  readAll,
  referenceFiltered,
  referenceWindows,
  SENTINEL,
  startCrashEnv,
  windowKey,
  type CrashEnv,
  type WindowResult,
} from './crash-helpers';

const NAME = 'crash-eos';
const SEED = Number(process.env['KFLOW_CRASH_SEED'] ?? 20261126);
const N = 20_000;
const SPAN_MS = 200_000;

let env: CrashEnv;
beforeAll(async () => {
  env = await startCrashEnv(NAME);
});
afterAll(async () => {
  await env?.close();
});

describe('exactly-once survives SIGKILL', () => {
  it('commits every window and every filtered record exactly once over 10 kills', async () => {
    const input = makeInput(N, SPAN_MS, SEED);
    await createInputTopic(env.client, `${NAME}-in`);
    const log = await crashAndRestart(env, NAME, 'exactly-once', input, {
      kills: 10,
      seed: SEED,
      untilIdleS: 3,
    });
    console.log(`exactly-once seed ${SEED}: kills ${JSON.stringify(log.kills)}`);
    expect(log.kills.map((k) => k.exit)).toEqual(Array(10).fill('SIGKILL'));
    expect(log.finalExit, log.finalStderr).toBe(0);

    const ref = referenceWindows(input);
    const out = (await readAll(env.client, `${NAME}-windows`, 'read_committed')).map((r) =>
      parse<WindowResult>(r),
    );
    const windows = out.filter((w) => w.category !== SENTINEL);
    // The sentinel's own window closes only if something passes its end; at most once either way.
    expect(out.length - windows.length).toBeLessThanOrEqual(1);
    const seen = new Map<string, WindowResult[]>();
    for (const w of windows) seen.set(windowKey(w), [...(seen.get(windowKey(w)) ?? []), w]);
    const duplicated = [...seen.values()].filter((l) => l.length > 1);
    const missing = [...ref.keys()].filter((k) => !seen.has(k));
    const wrong = [...seen].filter(([k, l]) => {
      const e = ref.get(k);
      return !e || l.some((w) => w.total !== e.total || w.events !== e.events);
    });
    expect({ duplicated: duplicated.length, missing: missing.length, wrong: wrong.length }).toEqual({
      duplicated: 0,
      missing: 0,
      wrong: 0,
    });
    const sorted = (l: WindowResult[]) =>
      l
        .map((w) => ({
          category: w.category,
          window_start: w.window_start,
          window_end: w.window_end,
          total: w.total,
          events: w.events,
        }))
        .sort((a, b) => a.window_start - b.window_start || a.category.localeCompare(b.category));
    expect(sorted(windows)).toEqual(sorted([...ref.values()]));

    // The input is in event-time order and nothing is read twice, so nothing can be late.
    expect(await countRecords(env.client, `${NAME}.per-second.late`)).toBe(0);

    const big = (await readAll(env.client, `${NAME}-big`, 'read_committed')).map((r) =>
      parse<{ id: string; value: number; doubled: number }>(r),
    );
    const refBig = referenceFiltered(input);
    expect(big.length).toBe(refBig.size);
    expect(new Map(big.map((b) => [b.id, b.doubled]))).toEqual(refBig);
  }, 360_000);
});
