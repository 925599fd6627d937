// At-least-once under crashes through the repartition: the same pipeline as
// at-least-once.test.ts, but its input topic has 3 partitions and every (window, category) group
// has records in all of them, so the window's input crosses `<name>-per-second-repartition` as
// partial aggregates. `kflow run --guarantee at-least-once` is killed with SIGKILL at random points
// and restarted, then drained. Nothing may be lost; duplicates are counted.
//
// The property is at-least-once.test.ts's: a partial sent again after a kill is a copy of what
// real records folded into, so every reference window is emitted at least once, every result is a
// window of the reference with at least its count and total, and a result with exactly the
// reference's count has exactly its total.
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
  startCrashEnv,
  T0,
  type CrashEnv,
  type WindowResult,
} from './crash-helpers';

const NAME = 'crash-alo-p3';
const PARTITIONS = 3;
const SEED = Number(process.env['KFLOW_CRASH_SEED'] ?? 20261129);
// 5 kills rather than 10, as in exactly-once-partitioned.test.ts.
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

describe('at-least-once survives SIGKILL through a repartition of partial aggregates', () => {
  it('plans the window input across the repartition as partials', () => {
    const plan = planPipeline(crashSpec(NAME, PARTITIONS) as PipelineSpec, {
      existingTopics: { [`${NAME}-in`]: PARTITIONS },
    });
    const into = plan.repartitions.filter((r) => r.to === 'per-second');
    expect(into.map((r) => ({ from: r.from, partitions: r.partitions, crossing: r.crossing }))).toEqual([
      { from: 'raw', partitions: PARTITIONS, crossing: { mode: 'partial' } },
    ]);
  });

  it(`loses no window and no filtered record over ${KILLS} kills, and counts the duplicates`, async () => {
    const input = makeInput(N, SPAN_MS, SEED, SENTINEL_AFTER_MS);
    await createInputTopic(env.client, `${NAME}-in`, PARTITIONS);
    const log = await crashAndRestart(env, NAME, 'at-least-once', input, {
      kills: KILLS,
      seed: SEED,
      untilIdleS: 5,
      partitions: PARTITIONS,
    });
    expect(log.kills.map((k) => k.exit)).toEqual(Array(KILLS).fill('SIGKILL'));
    expect(log.finalExit, log.finalStderr).toBe(0);

    const ref = referenceWindows(input);
    const out = (await readAll(env.client, `${NAME}-windows`, 'read_uncommitted')).map((r) =>
      parse<WindowResult>(r),
    );
    const seen = byWindow(out.filter((w) => !isSentinel(w)));
    const missing = [...ref.keys()].filter((k) => !seen.has(k));
    const phantom = [...seen.keys()].filter((k) => !ref.has(k));
    const short: WindowResult[] = [];
    const inconsistent: WindowResult[] = [];
    let extraEmissions = 0;
    let inflated = 0;
    let extraEvents = 0;
    for (const [k, list] of seen) {
      const e = ref.get(k);
      if (!e) continue;
      extraEmissions += list.length - 1;
      for (const w of list) {
        if (w.events < e.events || w.total < e.total) short.push(w);
        if (w.events === e.events && w.total !== e.total) inconsistent.push(w);
        if (w.events > e.events) inflated++;
        extraEvents += Math.max(0, w.events - e.events);
      }
    }
    const big = (await readAll(env.client, `${NAME}-big`, 'read_uncommitted')).map((r) =>
      parse<{ id: string; value: number; doubled: number }>(r),
    );
    const refBig = referenceFiltered(input);
    const bigIds = new Set(big.map((b) => b.id));
    const late = await countRecords(env.client, `${NAME}.per-second.late`);
    const report = {
      seed: SEED,
      windows: ref.size,
      results: out.length,
      extraEmissions,
      inflatedResults: inflated,
      extraEventsCounted: extraEvents,
      lateRecordsOrPartials: late,
      filtered: refBig.size,
      filteredDuplicates: big.length - bigIds.size,
    };
    console.log(`at-least-once ${PARTITIONS} partitions duplicates: ${JSON.stringify(report)}`);
    console.log(`at-least-once ${PARTITIONS} partitions kills: ${JSON.stringify(log.kills)}`);

    expect({ missing, phantom, short, inconsistent }).toEqual({
      missing: [],
      phantom: [],
      short: [],
      inconsistent: [],
    });
    // The stateless branch: every filtered record at least once, each copy right, nothing else.
    expect([...refBig.keys()].filter((id) => !bigIds.has(id))).toEqual([]);
    expect(big.filter((b) => refBig.get(b.id) !== b.doubled)).toEqual([]);
  }, 360_000);
});
