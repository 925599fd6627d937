// The crash tests' cases, one per input partition count, and the checks only a partitioned input
// has: the window's input planned across the repartition as partials, and data records (not only
// watermark markers) really crossed it.
import { afterAll, beforeAll, expect } from 'vitest';
import { planPipeline } from '../../../../src/engine/planner/plan';
import type { PipelineSpec } from '../../../../src/spec/types';
import { waitForRecordsCrossed } from '../runtime/helpers';
import {
  crashAndRestart,
  crashSpec,
  createInputTopic,
  SENTINEL,
  SENTINEL_GROUPS,
  startCrashEnv,
  T0,
  type CrashEnv,
  type CrashLog,
  type InputRecord,
  type WindowResult,
} from './crash-helpers';

export interface CrashCase {
  name: string;
  partitions: number;
  seed: number;
  kills: number;
  untilIdleS: number;
  /** How far after the input's last window the sentinel lies (makeInput's default when absent). */
  sentinelAfterMs?: number;
  /** Results the sentinel may close (its own group; with several partitions each category's too). */
  sentinelGroups: number;
}

const envSeed = process.env['KFLOW_CRASH_SEED'];

export function CRASH_CASES(guarantee: 'at-least-once' | 'exactly-once'): CrashCase[] {
  const short = guarantee === 'at-least-once' ? 'alo' : 'eos';
  const seeds = guarantee === 'at-least-once' ? [20261127, 20261129] : [20261126, 20261128];
  return [
    {
      name: `crash-${short}`,
      partitions: 1,
      seed: Number(envSeed ?? seeds[0]),
      kills: 10,
      untilIdleS: 3,
      sentinelGroups: 1,
    },
    {
      name: `crash-${short}-p3`,
      partitions: 3,
      seed: Number(envSeed ?? seeds[1]),
      // 5 kills rather than 10: each restart waits out the killed run's session (6 s) on a loaded
      // machine, and 5 keep this case near the 3-minute mark.
      kills: Number(process.env['KFLOW_CRASH_KILLS'] ?? 5),
      untilIdleS: 5,
      // No maxOutOfOrder: the source tasks drift apart in event time after a restart (its
      // backlog), but watermarks cross the repartition per source task, so none makes another's
      // records late.
      sentinelAfterMs: 200_000,
      sentinelGroups: SENTINEL_GROUPS,
    },
  ];
}

/**
 * The sentinel's windows: its own category; with several partitions also the real categories'
 * windows after the input's last one (the sentinel goes with each category there).
 */
export function isSentinelFor(c: CrashCase, spanMs: number): (w: WindowResult) => boolean {
  return (w) => w.category === SENTINEL || (c.partitions > 1 && w.window_start >= T0 + spanMs);
}

export function expectPartialsPlanned(c: CrashCase): void {
  const plan = planPipeline(crashSpec(c.name, c.partitions) as PipelineSpec, {
    existingTopics: { [`${c.name}-in`]: c.partitions },
  });
  const into = plan.repartitions.filter((r) => r.to === 'per-second');
  expect(
    into.map((r) => ({ topic: r.topic, from: r.from, partitions: r.partitions, crossing: r.crossing })),
  ).toEqual([
    {
      topic: `${c.name}-per-second-repartition`,
      from: 'raw',
      partitions: c.partitions,
      crossing: { mode: 'partial' },
    },
  ]);
}

/** Committed data records crossed the repartition: its watermark markers alone do not count. */
export async function expectRepartitionUsed(env: CrashEnv, c: CrashCase): Promise<void> {
  await waitForRecordsCrossed(env.client, `${c.name}-per-second-repartition`, 1, 20_000, c.partitions);
}

/** The case's broker, started before its tests and stopped after them. */
export function useCrashEnv(c: CrashCase): () => CrashEnv {
  let env: CrashEnv | undefined;
  beforeAll(async () => {
    env = await startCrashEnv(c.name, c.partitions);
  });
  afterAll(async () => {
    await env?.close();
  });
  return () => {
    if (!env) throw new Error(`${c.name}: its broker did not start`);
    return env;
  };
}

/**
 * Creates the input topic, kills the pipeline `c.kills` times and drains it; checks every run was
 * killed, the drain ended cleanly and, with a partitioned input, data crossed the repartition.
 */
export async function runCrashCase(
  env: CrashEnv,
  c: CrashCase,
  guarantee: 'at-least-once' | 'exactly-once',
  input: InputRecord[],
): Promise<CrashLog> {
  await createInputTopic(env.client, `${c.name}-in`, c.partitions);
  const log = await crashAndRestart(env, c.name, guarantee, input, {
    kills: c.kills,
    seed: c.seed,
    untilIdleS: c.untilIdleS,
    partitions: c.partitions,
  });
  console.log(`${guarantee} ${c.partitions} partition(s) seed ${c.seed}: kills ${JSON.stringify(log.kills)}`);
  expect(log.kills.map((k) => k.exit)).toEqual(Array(c.kills).fill('SIGKILL'));
  expect(log.finalExit, log.finalStderr).toBe(0);
  if (c.partitions > 1) await expectRepartitionUsed(env, c);
  return log;
}
