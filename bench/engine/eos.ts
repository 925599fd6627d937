// Exactly-once throughput: the stateless bench pipeline (filter → map → topic) run with
// `--guarantee exactly-once` on kafkajs' transactional producer (the baseline, producer 'kafkajs')
// and on kflow's transactional wire producer (producer 'auto'), alternating, in this process
// against a child broker (so the broker's CPU is not counted). Input and output records are
// counted; the time runs from the run's start to the last output record committed.
//
//   npx tsx bench/engine/eos.ts [--quick] [--records N] [--reps R]
import { cpus } from 'node:os';
import { connect } from '../../src/kafka/client';
import { embeddedProfile } from '../../src/kafka/profile';
import { PipelineRun } from '../../src/engine/runtime/runtime';
import { startChildBroker } from '../../test/support/child-broker';
import { statelessSpec } from './specs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const arg = (name: string, dflt: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const N = arg('--records', quick ? 20_000 : 100_000);
const REPS = arg('--reps', quick ? 2 : 3);

const broker = await startChildBroker([]);
const client = await connect(embeddedProfile(broker.bootstrap));
const admin = await client.admin();
const input = 'eos-bench-in';
await admin.createTopics([{ name: input, partitions: 4 }]);
const feeder = await client.producer({ fast: true });
for (let i = 0; i < N; i += 5000)
  await feeder.write(
    Array.from({ length: Math.min(5000, N - i) }, (_, k) => {
      const id = i + k;
      return {
        topic: input,
        key: `u${id % 100}`,
        value: JSON.stringify({ id, user: `u${id % 100}`, category: `c${id % 7}`, value: id % 50, ts: id }),
      };
    }),
  );

async function once(producer: 'kafkajs' | 'auto', rep: number) {
  const name = `eos-${producer}-${rep}`;
  const output = `${name}-out`;
  const run = new PipelineRun({
    client,
    spec: statelessSpec(name, input, output),
    guarantee: 'exactly-once',
    producer,
    fromBeginning: true,
  });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await run.start();
  for (;;) {
    const offs = await admin.groupOffsets(`kflow-${name}`, [input]).catch(() => []);
    if (offs.reduce((a, o) => a + (o.offset > 0n ? Number(o.offset) : 0), 0) >= N) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  await run.stop();
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return { producer, ms, perS: (N / ms) * 1000, perCpuS: N / cpuS };
}

const results: Awaited<ReturnType<typeof once>>[] = [];
for (let rep = 0; rep < REPS; rep++)
  for (const p of rep % 2 === 0 ? (['kafkajs', 'auto'] as const) : (['auto', 'kafkajs'] as const))
    results.push(await once(p, rep));
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const { loadavg } = await import('node:os');
console.log(
  `exactly-once stateless, ${N} records x ${REPS}, ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}`,
);
for (const p of ['kafkajs', 'auto'] as const) {
  const mine = results.filter((r) => r.producer === p);
  console.log(
    `${p === 'auto' ? 'wire   ' : 'kafkajs'}: ${mine.map((r) => Math.round(r.perS)).join(', ')} records/s (median ${Math.round(median(mine.map((r) => r.perS)))}), per CPU s ${Math.round(median(mine.map((r) => r.perCpuS)))}`,
  );
}
const ratio = (k: 'perS' | 'perCpuS') =>
  median(results.filter((r) => r.producer === 'auto').map((r) => r[k])) /
  median(results.filter((r) => r.producer === 'kafkajs').map((r) => r[k]));
console.log(
  `wire / kafkajs: ${(ratio('perS') * 100).toFixed(0)}% wall, ${(ratio('perCpuS') * 100).toFixed(0)}% per CPU s`,
);
await feeder.close();
await client.close();
await broker.stop();
