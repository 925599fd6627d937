// What per-edge metrics cost the operators, without Kafka: the bench's filter → map → topic
// task graph fed N records in-process, alternately with and without edge samples.
//
//   npx tsx bench/engine/edges.ts [--records N] [--rounds R]
//
// Edge counts are always on (one increment per record and edge); `sampleEdges` adds a ring-slot
// write. Prints records per CPU second per mode per round and the medians.
import { checkGraph } from '../../src/spec/graph';
import type { Problem } from '../../src/spec/types';
import { memoryStores } from '../../src/engine/state/memory';
import { TaskGraph } from '../../src/engine/runtime/task-graph';
import type { EngineRecord } from '../../src/engine/operators/types';
import { statelessSpec } from './specs';

const argv = process.argv.slice(2);
const arg = (name: string, d: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : d;
};
const N = arg('--records', 1_000_000);
const ROUNDS = arg('--rounds', 5);

const spec = statelessSpec('edges', 'in', 'out');
const problems: Problem[] = [];
const g = checkGraph(spec, new Map(spec.nodes.map((n) => [n.id, n.config])), problems);
const CATEGORIES = ['books', 'games', 'music', 'films'];
// Fresh record objects per round, as decoded from Kafka; built before timing.
const input = (): EngineRecord[] =>
  Array.from({ length: N }, (_, i) => ({
    key: `user-${i % 500}`,
    value: { id: i, user: `user-${i % 500}`, category: CATEGORIES[i % 4], value: i % 100, ts: i * 10 },
    timestamp: i * 10,
    headers: {},
  }));

function round(sampleEdges: boolean): number {
  let out = 0;
  const graph = new TaskGraph({
    nodes: spec.nodes,
    edges: g.edges,
    order: g.order,
    stores: () => memoryStores(),
    now: () => 0,
    sampleEdges,
    hooks: { sink: () => void out++, late: () => undefined, deadLetter: () => undefined },
  });
  const records = input();
  // CPU time, not wall time: on a shared machine the wall clock counts other processes' turns.
  const t0 = process.cpuUsage();
  for (const r of records) graph.deliver('src', 'in', r);
  const used = process.cpuUsage(t0);
  const s = (used.user + used.system) / 1e6;
  if (out !== N) throw new Error(`expected ${N} records out, got ${out}`);
  return N / s;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
round(false); // warm-up (JIT)
const off: number[] = [];
const on: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  off.push(round(false));
  on.push(round(true));
  console.log(`round ${i + 1}: samples off ${fmt(off[i] as number)} rec/s, on ${fmt(on[i] as number)} rec/s`);
}
console.log(
  `median: off ${fmt(med(off))} rec/s, on ${fmt(med(on))} rec/s (${((100 * med(on)) / med(off)).toFixed(1)}%)`,
);
