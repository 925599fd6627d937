// Produce throughput of the wire client's producer (src/kafka/wire) against the seam's kafkajs
// producer, measured in the same run on the same broker and records:
//
//   npx tsx bench/kafka/produce.ts [--records N] [--rounds R] [--quick]
//
// N JSON events (default 300,000, about 150 B each, keyed by customer) go to a 3-partition topic
// (a fresh one per workload and round), in sends of 10,000 records with up to 4 in flight, acks=-1,
// no compression. The broker runs in a child process; the producers run in this one, one at a
// time, alternating (kafkajs, wire, kafkajs, wire...), each figure compared with the kafkajs run of
// its own round. Records/s is wall-clock from the first send to the last acknowledgement; records
// per CPU-second counts this process's CPU only (the broker's is the same work for both).
import os from 'node:os';
import { startChildBroker } from '../../test/support/child-broker';
import { connect, type ProduceRecord } from '../../src/kafka/client';
import { embeddedProfile } from '../../src/kafka/profile';
import { WireClient } from '../../src/kafka/wire/index';
import { cpuNow, machineInfo } from '../measure';

const argv = process.argv.slice(2);
const flag = (name: string, def: number) => {
  const i = argv.indexOf(name);
  if (i < 0) return def;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number`);
  return n;
};
const quick = argv.includes('--quick');
const N = flag('--records', quick ? 100_000 : 300_000);
const ROUNDS = flag('--rounds', quick ? 1 : 3);
const PER_SEND = 10_000;
const IN_FLIGHT = 4;

const record = (i: number, topic: string): ProduceRecord => ({
  topic,
  key: `c-${i % 5000}`,
  value: JSON.stringify({
    id: i,
    customer: `c-${i % 5000}`,
    status: ['created', 'paid', 'shipped'][i % 3],
    amount: (i * 7) % 1000,
    ts: 1_704_067_200_000 + i * 10,
    note: 'x'.repeat(40),
  }),
});

async function drive(send: (records: ProduceRecord[]) => Promise<unknown>, topic: string) {
  const inFlight = new Set<Promise<unknown>>();
  const t0 = performance.now();
  const c0 = cpuNow();
  for (let start = 0; start < N; start += PER_SEND) {
    const batch: ProduceRecord[] = [];
    for (let i = start; i < Math.min(N, start + PER_SEND); i++) batch.push(record(i, topic));
    const p = send(batch).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuNow() - c0;
  return { recordsPerSec: N / seconds, recordsPerCpuSec: N / cpu, seconds, cpu };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const info = machineInfo();
console.log(
  `kflow produce bench on ${info.cores} x ${info.cpu}, Node ${info.node}, load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(`${fmt(N)} JSON records per run, sends of ${fmt(PER_SEND)}, ${IN_FLIGHT} in flight, acks=-1`);
const broker = await startChildBroker();
const client = await connect({ ...embeddedProfile(broker.bootstrap), name: 'bench' });
const wire = new WireClient({ bootstrap: [broker.bootstrap] });
const admin = await client.admin();
const ratios: number[] = [];
const cpuRatios: number[] = [];
const rows: string[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    await admin.createTopics([
      { name: `kjs-${round}`, partitions: 3 },
      { name: `wire-${round}`, partitions: 3 },
    ]);
    const kp = await client.producer();
    const k = await drive((r) => kp.send(r), `kjs-${round}`);
    await kp.close();
    const wp = wire.producer({ acks: -1 });
    const w = await drive((r) => wp.send(r), `wire-${round}`);
    const ends = await wire.listOffsets(`wire-${round}`, 'latest');
    const total = [...ends.values()].reduce((a, b) => a + b, 0n);
    if (total !== BigInt(N)) throw new Error(`the wire producer wrote ${total} records, not ${N}`);
    ratios.push(w.recordsPerSec / k.recordsPerSec);
    cpuRatios.push(w.recordsPerCpuSec / k.recordsPerCpuSec);
    const load = os.loadavg()[0]!.toFixed(1);
    rows.push(
      `| ${round} | kafkajs (seam) | ${fmt(k.recordsPerSec)} | ${fmt(k.recordsPerCpuSec)} | - | ${load} |`,
      `| ${round} | wire producer | ${fmt(w.recordsPerSec)} | ${fmt(w.recordsPerCpuSec)} | ${(100 * ratios.at(-1)!).toFixed(0)}% (CPU ${(100 * cpuRatios.at(-1)!).toFixed(0)}%) | ${load} |`,
    );
    console.log(rows.at(-2));
    console.log(rows.at(-1));
  }
  console.log(
    '\n| round | producer | records/s | records/CPU-s | of kafkajs | load |\n| --- | --- | ---: | ---: | ---: | ---: |',
  );
  for (const r of rows) console.log(r);
  console.log(
    `\nmedian over ${ROUNDS} round(s): the wire producer at ${(100 * median(ratios)).toFixed(0)}% of kafkajs' records/s, ${(100 * median(cpuRatios)).toFixed(0)}% of its records per CPU-second`,
  );
} finally {
  wire.close();
  await client.close();
  await broker.stop();
}
process.exit(0);
