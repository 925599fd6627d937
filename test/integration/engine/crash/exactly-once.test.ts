// Exactly-once under crashes: `kflow run --guarantee exactly-once` is killed with SIGKILL at random
// points and restarted, then drained. Its committed output must equal the brute-force reference:
// every window once with its exact total, every filtered record once. One case per input partition
// count: with 1 the window's input stays in-process; with 3 every (window, category) group has
// records in all partitions, so it crosses `<name>-per-second-repartition` as partial aggregates
// (src/engine/operators/window-combine.ts).
import { describe, expect, it } from 'vitest';
import {
  byWindow,
  countRecords,
  makeInput,
  parse,
  readAll,
  referenceFiltered,
  referenceWindows,
  SENTINEL,
  WINDOW_MS,
  type WindowResult,
} from './crash-helpers';
import { CRASH_CASES, expectPartialsPlanned, isSentinelFor, runCrashCase, useCrashEnv } from './crash-cases';

const N = 20_000;
const SPAN_MS = 200_000;

describe.each(CRASH_CASES('exactly-once'))(
  'exactly-once survives SIGKILL with $partitions input partition(s)',
  (c) => {
    const crashEnv = useCrashEnv(c);

    if (c.partitions > 1)
      it('plans the window input across the repartition as partials', () => {
        expectPartialsPlanned(c);
      });

    it(`commits every window and every filtered record exactly once over ${c.kills} kills`, async () => {
      const env = crashEnv();
      const input = makeInput(N, SPAN_MS, c.seed, c.sentinelAfterMs);
      if (c.partitions > 1) {
        // Every group of the reference is spread: its records' indices are not all one mod the
        // partition count.
        const spread = new Map<string, Set<number>>();
        for (const r of input.filter((x) => x.category !== SENTINEL)) {
          const k = `${r.ts - (r.ts % WINDOW_MS)}/${r.category}`;
          spread.set(k, (spread.get(k) ?? new Set()).add(Number(r.id.slice(1)) % c.partitions));
        }
        expect([...spread.values()].filter((s) => s.size < 2)).toEqual([]);
      }

      await runCrashCase(env, c, 'exactly-once', input);

      const ref = referenceWindows(input);
      const out = (await readAll(env.client, `${c.name}-windows`, 'read_committed')).map((r) =>
        parse<WindowResult>(r),
      );
      const windows = out.filter((w) => !isSentinelFor(c, SPAN_MS)(w));
      // The sentinels' windows close only if something passes their end; at most once each.
      expect(out.length - windows.length).toBeLessThanOrEqual(c.sentinelGroups);
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
          `exactly-once ${c.partitions} partition(s) seed ${c.seed}: ${JSON.stringify({
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

      // Each partition is in event-time order (no maxOutOfOrder) and nothing is read twice, so
      // nothing can be late.
      expect(await countRecords(env.client, `${c.name}.per-second.late`)).toBe(0);

      const big = (await readAll(env.client, `${c.name}-big`, 'read_committed')).map((r) =>
        parse<{ id: string; value: number; doubled: number }>(r),
      );
      const refBig = referenceFiltered(input);
      expect(big.length).toBe(refBig.size);
      expect(new Map(big.map((b) => [b.id, b.doubled]))).toEqual(refBig);
    }, 360_000);
  },
);
