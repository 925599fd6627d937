// The input, pipeline and brute-force reference shared by the two-instance tests (in process:
// runtime/multi-instance.test.ts; as two `kflow run` processes: cli/two-instances.test.ts).
import { partitionFor } from '../../../../src/engine/runtime/codec';
import type { PipelineSpec } from '../../../../src/spec/types';
import { validateSpec } from '../../../../src/spec/validate';
import { T0 } from './helpers';

export const PARTITIONS = 4;
export const N = 6000;
const STEP_MS = 50; // event time between consecutive records: 20 per 1 s window
const WINDOW_MS = 1000;
const CATEGORIES = ['books', 'games', 'music', 'films'];

export interface Event {
  id: string;
  category: string;
  value: number;
  ts: number;
}

/** Record i: category i mod 4, value 1 + (i·7 mod 100), event time T0 + i·50 ms, partition i mod 4. */
export function event(i: number): Event {
  return {
    id: `e${i}`,
    category: CATEGORIES[i % CATEGORIES.length] as string,
    value: 1 + ((i * 7) % 100),
    ts: T0 + i * STEP_MS,
  };
}

/** Brute force: (window start, category) → total and count, over records [0, N). */
export function referenceWindows(): Map<string, { total: number; events: number }> {
  const ref = new Map<string, { total: number; events: number }>();
  for (let i = 0; i < N; i++) {
    const e = event(i);
    const k = `${e.ts - (e.ts % WINDOW_MS)}/${e.category}`;
    const w = ref.get(k) ?? { total: 0, events: 0 };
    w.total += e.value;
    w.events++;
    ref.set(k, w);
  }
  return ref;
}

/**
 * Window results close only when these arrive (maxOutOfOrder is larger than the whole input, so
 * no record is late whichever instance runs ahead): one far-future record per repartition
 * partition, its category chosen to land there.
 */
export function sentinels(): Event[] {
  const out: Event[] = [];
  const covered = new Set<number>();
  for (let j = 0; covered.size < PARTITIONS; j++) {
    const category = `zz-end-${j}`;
    const p = partitionFor(category, PARTITIONS);
    if (covered.has(p)) continue;
    covered.add(p);
    out.push({ id: `s${j}`, category, value: 0, ts: T0 + N * STEP_MS + 3_600_000 });
  }
  return out;
}

export function spec(name: string): PipelineSpec {
  const r = validateSpec({
    kflow: 1,
    name,
    nodes: [
      {
        id: 'raw',
        kind: 'source.topic',
        config: {
          topic: `${name}-in`,
          eventTime: 'ts',
          partitions: PARTITIONS,
          maxOutOfOrder: '1h',
          fields: { id: 'string', category: 'string', value: 'number', ts: 'timestamp' },
        },
      },
      {
        id: 'per-second',
        kind: 'window.tumbling',
        config: {
          size: '1s',
          groupBy: 'category',
          aggregates: { total: 'sum(value)', events: 'count(*)' },
          emit: 'final',
        },
      },
      { id: 'windows-out', kind: 'sink.topic', config: { topic: `${name}-windows` } },
      { id: 'big', kind: 'filter', config: { where: 'value > 50' } },
      { id: 'doubled', kind: 'map', config: { set: { doubled: 'value * 2' } } },
      { id: 'big-out', kind: 'sink.topic', config: { topic: `${name}-big` } },
    ],
    edges: [
      { from: 'raw', to: 'per-second' },
      { from: 'per-second', to: 'windows-out' },
      { from: 'raw', to: 'big' },
      { from: 'big', to: 'doubled' },
      { from: 'doubled', to: 'big-out' },
    ],
  } as unknown as PipelineSpec);
  if (!r.ok || !r.spec) throw new Error(JSON.stringify(r.problems));
  return r.spec;
}

export interface WindowOut {
  category: string;
  window_start: number;
  total: number;
  events: number;
}

/** Windows missing from `out`, with a total other than the reference's, and output more than once. */
export function judgeWindows(out: WindowOut[]): { missing: number; wrong: number; duplicated: number } {
  const ref = referenceWindows();
  const seen = new Map<string, WindowOut[]>();
  for (const w of out.filter((x) => !x.category.startsWith('zz-end'))) {
    const k = `${w.window_start}/${w.category}`;
    seen.set(k, [...(seen.get(k) ?? []), w]);
  }
  return {
    missing: [...ref.keys()].filter((k) => !seen.has(k)).length,
    wrong: [...seen].filter(([k, l]) => {
      const e = ref.get(k);
      return !e || l.some((w) => w.total !== e.total || w.events !== e.events);
    }).length,
    duplicated: [...seen.values()].filter((l) => l.length > 1).length,
  };
}

/** Filtered records (value > 50, doubled) missing from `out`, and how many arrived in all. */
export function judgeFiltered(out: { id: string; doubled: number }[]): {
  missing: string[];
  wrongValues: number;
  received: number;
  expected: number;
} {
  const expected = Array.from({ length: N }, (_, i) => event(i)).filter((e) => e.value > 50);
  const ids = new Set(out.map((r) => r.id));
  return {
    missing: expected.filter((e) => !ids.has(e.id)).map((e) => e.id),
    wrongValues: out.filter((r) => r.doubled !== 2 * event(Number(r.id.slice(1))).value).length,
    received: out.length,
    expected: expected.length,
  };
}
