// Exactly-once under crashes through the repartition: the same pipeline as exactly-once.test.ts,
// but its input topic has 3 partitions and every (window, category) group has records in all of
// them, so the window's input crosses `<name>-per-second-repartition` as partial aggregates
// (src/engine/operators/window-combine.ts). `kflow run --guarantee exactly-once` is killed with
// SIGKILL at random points and restarted, then drained; its committed output must equal the
// brute-force reference: every window once with its exact total, every filtered record once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planPipeline } from '../../../../src/engine/planner/plan';
import type { PipelineSpec } from '../../../../src/spec/types';
import {
  byWindow,
  countRecords,
  crashAndRestart,
  crashSpec,
  createInputTopic,
  makeInput,
  parse,
  readAll,
  referenceFiltered,
  referenceWindows,
  SENTINEL,
  SENTINEL_GROUPS,
  startCrashEnv,
  T0,
  WINDOW_MS,
  type CrashEnv,
  type WindowResult,
} from './crash-helpers';

const NAME = 'crash-eos-p3';
const PARTITIONS = 3;
const SEED = Number(process.env['KFLOW_CRASH_SEED'] ?? 20261128);
// 5 kills rather than 10: each restart waits out the killed run's session (6 s) on a loaded
// machine, and 5 keep this file near the 3-minute mark.
const KILLS = Number(process.env['KFLOW_CRASH_KILLS'] ?? 5);
const N = 20_000;
const SPAN_MS = 200_000;
// No maxOutOfOrder: the source tasks drift apart in event time after a restart (its backlog), but
// watermarks cross the repartition per source task, so none makes another's records late.
const SENTINEL_AFTER_MS = 200_000;
// The sentinel's windows: its own category, or the real ones after the input's last window.
const isSentinel = (w: WindowResult) => w.category === SENTINEL || w.window_start >= T0 + SPAN_MS;

let env: CrashEnv;
beforeAll(async () => {
  env = await startCrashEnv(NAME, PARTITIONS);
});
afterAll(async () => {
  await env?.close();
});

describe('exactly-once survives SIGKILL through a repartition of partial aggregates', () => {
  it('plans the window input across the repartition as partials', () => {
    const plan = planPipeline(crashSpec(NAME, PARTITIONS) as PipelineSpec, {
      existingTopics: { [`${NAME}-in`]: PARTITIONS },
    });
    const into = plan.repartitions.filter((r) => r.to === 'per-second');
    expect(
      into.map((r) => ({ topic: r.topic, from: r.from, partitions: r.partitions, crossing: r.crossing })),
    ).toEqual([
      {
        topic: `${NAME}-per-second-repartition`,
        from: 'raw',
        partitions: PARTITIONS,
        crossing: { mode: 'partial' },
      },
    ]);
  });

  it(`commits every window and every filtered record exactly once over ${KILLS} kills`, async () => {
    const input = makeInput(N, SPAN_MS, SEED, SENTINEL_AFTER_MS);
    // Every group of the reference is spread: its records' indices are not all one mod 3.
    const spread = new Map<string, Set<number>>();
    for (const r of input.filter((x) => x.category !== SENTINEL)) {
      const k = `${r.ts - (r.ts % WINDOW_MS)}/${r.category}`;
      spread.set(k, (spread.get(k) ?? new Set()).add(Number(r.id.slice(1)) % PARTITIONS));
    }
    expect([...spread.values()].filter((s) => s.size < 2)).toEqual([]);

    await createInputTopic(env.client, `${NAME}-in`, PARTITIONS);
    const log = await crashAndRestart(env, NAME, 'exactly-once', input, {
      kills: KILLS,
      seed: SEED,
      untilIdleS: 5,
      partitions: PARTITIONS,
    });
    console.log(`exactly-once ${PARTITIONS} partitions seed ${SEED}: kills ${JSON.stringify(log.kills)}`);
    expect(log.kills.map((k) => k.exit)).toEqual(Array(KILLS).fill('SIGKILL'));
    expect(log.finalExit, log.finalStderr).toBe(0);
    // The repartition was really used.
    // The repartition was really used (high offsets: consumed records may have been purged).
    const crossed = await (await env.client.admin()).topicOffsets(`${NAME}-per-second-repartition`);
    expect(crossed.reduce((a, o) => a + Number(o.high), 0)).toBeGreaterThan(0);

    const ref = referenceWindows(input);
    const out = (await readAll(env.client, `${NAME}-windows`, 'read_committed')).map((r) =>
      parse<WindowResult>(r),
    );
    const windows = out.filter((w) => !isSentinel(w));
    // The sentinels' windows close only if something passes their end; at most once each.
    expect(out.length - windows.length).toBeLessThanOrEqual(SENTINEL_GROUPS);
    const seen = byWindow(windows);
    const duplicated = [...seen].filter(([, l]) => l.length > 1).map(([k, l]) => ({ k, l }));
    const missing = [...ref.keys()].filter((k) => !seen.has(k));
    const wrong = [...seen]
      .filter(([k, l]) => {
        const e = ref.get(k);
        return !e || l.some((w) => w.total !== e.total || w.events !== e.events);
      })
      .map(([k, l]) => ({ k, got: l.map((w) => [w.events, w.total]), want: ref.get(k) }));
    const summary = { duplicated: duplicated.length, missing: missing.length, wrong: wrong.length };
    if (summary.duplicated + summary.missing + summary.wrong > 0)
      console.log(
        `exactly-once ${PARTITIONS} partitions seed ${SEED}: ${JSON.stringify({
          ...summary,
          windows: ref.size,
          results: windows.length,
          duplicatedFirst: duplicated.slice(0, 5),
          missingFirst: missing.slice(0, 10),
          wrongFirst: wrong.slice(0, 5),
        })}`,
      );
    expect(summary).toEqual({ duplicated: 0, missing: 0, wrong: 0 });
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

    // Each partition is in event-time order (maxOutOfOrder 0), so nothing is late on its own partition.
    expect(await countRecords(env.client, `${NAME}.per-second.late`)).toBe(0);

    const big = (await readAll(env.client, `${NAME}-big`, 'read_committed')).map((r) =>
      parse<{ id: string; value: number; doubled: number }>(r),
    );
    const refBig = referenceFiltered(input);
    expect(big.length).toBe(refBig.size);
    expect(new Map(big.map((b) => [b.id, b.doubled]))).toEqual(refBig);
  }, 360_000);
});
