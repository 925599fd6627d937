// Engine benchmarks, each against a baseline measured in the same run on the same broker and input:
//
//   npx tsx bench/engine/run.ts [--quick] [--records N] [--only a,b,c,d]   (npm run bench:engine -- --quick)
//
// --only runs some of the workloads (while tuning) and writes no result file; `--only d --records
// 1000` runs the latency case alone (about a minute). (d) prints where the time goes: sent →
// fetched by the engine → written (a flush hands the records to the producer) → acknowledged →
// read back by the probe, cumulative p50/p99/max (bench/engine/stages.ts). For comparisons:
// KFLOW_BENCH_FLUSHES=1 (one at-least-once flush at a time), KFLOW_BENCH_IDEMPOTENCE=off,
// KFLOW_KAFKA_CLIENT=kafkajs (kafkajs for the engine's client).
//
// (a) kafkajs consume → produce (no processing)      vs the engine's filter → map → topic
// (b) kafkajs consume + JSON.parse + per-key sum      vs the engine's tumbling window (sum, count)
// (c) the seed's Python windowed-aggregation loop (kafka-python, bench/engine/seed_window.py)
// (d) end-to-end latency of filter → map → topic at a fixed 10,000 records/s
//
// The broker runs in a child process (`kflow broker`) and so does every workload
// (bench/engine/worker.ts), so each one's peak RSS is its own. The input (default 300,000 JSON
// events over 3 partitions) is produced once and read by every throughput workload with a fresh
// group. Set KFLOW_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") to profile workers.
import { machineInfo } from '../measure';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startChildBroker } from '../../test/support/child-broker';
import { RssSampler } from '../broker/proc';
import { sentAt, STAGES, summarize, type Stage, type StageSummary } from './stages';
import type { WorkerArgs, WorkerMode, WorkerResult } from './worker';

const ROOT = path.join(import.meta.dirname, '../..');
const MB = 1024 * 1024;
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const recArg = argv.indexOf('--records');
const N = recArg >= 0 ? Number(argv[recArg + 1]) : 300_000;
if (!(N > 0)) throw new Error('--records must be a positive number');
const onlyArg = argv.indexOf('--only');
const only = onlyArg >= 0 ? (argv[onlyArg + 1] ?? '').split(',') : undefined;
const want = (part: string) => only === undefined || only.includes(part);
/** A workload left out by --only. */
const SKIPPED: Row = {
  workload: '-',
  role: 'kflow',
  records: 0,
  seconds: 0,
  recordsPerSec: NaN,
  mbPerSec: NaN,
  peakRssBytes: 0,
};
const PARTITIONS = 3;
const LATENCY_RATE = 10_000;
const LATENCY_SECONDS = quick ? 20 : 30;
const WARMUP_SECONDS = 3;
const CATEGORIES = ['books', 'games', 'music', 'films', 'garden', 'sports', 'toys', 'food'];
const T0 = Date.UTC(2024, 0, 1);

interface Row {
  workload: string;
  role: 'baseline' | 'kflow' | 'seed';
  records: number;
  seconds: number;
  recordsPerSec: number;
  mbPerSec: number;
  peakRssBytes: number;
  /** CPU seconds of the workload's process over the timed span, and records per CPU second. */
  cpuSeconds?: number;
  recordsPerCpuSecond?: number;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  note?: string;
}

const log = (s: string) => console.log(s);
const kafka = (bootstrap: string) =>
  new Kafka({ clientId: 'kflow-bench-engine', brokers: [bootstrap], logLevel: logLevel.NOTHING });

/** Bench event i: about 110 bytes of JSON, 10 ms of event time apart (10 five-minute windows per 300k). */
function event(i: number, ts = T0 + i * 10): string {
  return JSON.stringify({
    id: i,
    user: `user-${i % 500}`,
    category: CATEGORIES[i % CATEGORIES.length],
    value: i % 100,
    ts,
    page: `/catalog/item/${i % 997}`,
  });
}

async function produceInput(bootstrap: string, topic: string, count: number): Promise<number> {
  const producer = kafka(bootstrap).producer();
  await producer.connect();
  let bytes = 0;
  for (let start = 0; start < count; start += 5000) {
    const messages = [];
    for (let i = start; i < Math.min(count, start + 5000); i++) {
      const value = event(i);
      bytes += Buffer.byteLength(value);
      messages.push({ key: `user-${i % 500}`, value, partition: i % PARTITIONS });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
  return bytes;
}

interface Child {
  result: Promise<WorkerResult>;
  peakRss: () => number;
  kill: () => void;
  ready: Promise<void>;
}

function startChild(cmd: string, args: string[]): Child {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const sampler = new RssSampler(child.pid as number, 50);
  let out = '';
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    if (out.includes('READY')) readyResolve();
  });
  const result = new Promise<WorkerResult>((resolve, reject) => {
    child.once('exit', (code) => {
      sampler.stop();
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as WorkerResult);
    });
  });
  return { result, peakRss: () => sampler.max, kill: () => child.kill('SIGTERM'), ready };
}

function nodeWorker(a: WorkerArgs): Child {
  const nodeArgs = process.env['KFLOW_BENCH_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  return startChild(process.execPath, [
    ...nodeArgs,
    '--import',
    'tsx',
    path.join(ROOT, 'bench/engine/worker.ts'),
    JSON.stringify(a),
  ]);
}

const fmt = (n: number | undefined, d = 0) =>
  n === undefined ? '-' : n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

async function main() {
  const started = new Date();
  const machine = machineInfo();
  log(
    `kflow engine bench ${quick ? '(quick) ' : ''}on ${machine.cores} x ${machine.cpu}, Node ${machine.node}`,
  );
  const data = mkdtempSync(path.join(os.tmpdir(), 'kflow-bench-engine-'));
  const broker = await startChildBroker(['--data', data, '--partitions', String(PARTITIONS)]);
  const rows: Row[] = [];
  const stamp = Date.now().toString(36);
  try {
    const admin = kafka(broker.bootstrap).admin();
    await admin.connect();
    const topics = ['in', 'out-kjs', 'out-engine', 'out-win', 'out-py', 'lat-in', 'lat-out'];
    await admin.createTopics({
      topics: topics.map((t) => ({ topic: `bench-${t}`, numPartitions: PARTITIONS })),
      waitForLeaders: true,
    });
    await admin.disconnect();
    log(`producing ${fmt(N)} JSON events to bench-in (${PARTITIONS} partitions)`);
    const inputBytes = await produceInput(broker.bootstrap, 'bench-in', N);
    log(`  ${fmt(inputBytes / MB, 1)} MB, ${fmt(inputBytes / N)} B per value`);

    const throughput = async (workload: string, role: Row['role'], child: Child, note?: string) => {
      const r = await child.result;
      const row: Row = {
        workload,
        role,
        records: r.records,
        seconds: r.seconds,
        recordsPerSec: r.records / r.seconds,
        mbPerSec: ((inputBytes / N) * r.records) / MB / r.seconds,
        peakRssBytes: child.peakRss(),
        ...(r.cpuSeconds !== undefined
          ? { cpuSeconds: r.cpuSeconds, recordsPerCpuSecond: r.records / r.cpuSeconds }
          : {}),
        ...(note || r.records < N
          ? {
              note: [
                note,
                r.records < N ? `stopped after ${r.records} of ${N} records: ${JSON.stringify(r.extra)}` : '',
              ]
                .filter(Boolean)
                .join('; '),
            }
          : {}),
      };
      rows.push(row);
      log(
        `  ${workload.padEnd(30)} ${fmt(row.recordsPerSec).padStart(9)} rec/s ${fmt(row.mbPerSec, 1).padStart(6)} MB/s  peak RSS ${fmt(row.peakRssBytes / MB)} MB, ${fmt(row.recordsPerCpuSecond)} rec/CPU-s`,
      );
      return row;
    };
    const worker = (mode: WorkerMode, output: string) =>
      nodeWorker({
        mode,
        bootstrap: broker.bootstrap,
        input: 'bench-in',
        output,
        count: N,
        name: `${mode}-${stamp}`,
      });

    log('(a) stateless: consume → produce');
    const a = want('a');
    const a0 = !a
      ? SKIPPED
      : await throughput(
          'kafkajs consume→produce',
          'baseline',
          worker('kafkajs-passthrough', 'bench-out-kjs'),
        );
    const a0l = !a
      ? SKIPPED
      : await throughput(
          'kafkajs consume→produce, linear grouping',
          'baseline',
          worker('kafkajs-passthrough-linear', 'bench-out-kjs'),
          "kafkajs with kflow's fix of its quadratic grouping of records per partition (src/kafka/kafkajs-grouping.ts)",
        );
    const a1 = !a
      ? SKIPPED
      : await throughput(
          'kflow filter→map→topic',
          'kflow',
          worker('engine-stateless', 'bench-out-engine'),
          "kflow's wire producer (src/kafka/wire) for at-least-once output",
        );
    if (a)
      await throughput(
        'kflow filter→map→topic, kafkajs producer',
        'kflow',
        worker('engine-stateless-kafkajs', 'bench-out-engine'),
        "for reference: the engine with kafkajs' idempotent producer (RunOptions.producer = 'kafkajs')",
      );
    log('(b) aggregation');
    const b = want('b');
    const b0 = !b
      ? SKIPPED
      : await throughput('kafkajs consume+parse+sum', 'baseline', worker('kafkajs-sum', ''));
    const b1 =
      !b && !want('c')
        ? SKIPPED
        : await throughput(
            'kflow tumbling window',
            'kflow',
            worker('engine-window', 'bench-out-win'),
            'groupBy category over 3 partitions: partial aggregates per category and window cross the repartition topic (map-side combine), not the records',
          );
    log("(c) the seed's Python loop");
    const c0 = !want('c')
      ? SKIPPED
      : await throughput(
          'seed Python window loop',
          'seed',
          startChild('/usr/bin/python3', [
            path.join(ROOT, 'bench/engine/seed_window.py'),
            broker.bootstrap,
            'bench-in',
            'bench-out-py',
            String(N),
            `seed-${stamp}`,
          ]),
          'wall-clock windows, no state, no event time, no delivery guarantee',
        );

    log(`(d) latency: filter → map → topic at ${fmt(LATENCY_RATE)} records/s for ${LATENCY_SECONDS} s`);
    const d = !want('d') ? SKIPPED : await latency(broker.bootstrap, stamp);
    if (want('d')) rows.push(d);
    log(
      `  p50 ${fmt(d.p50Ms, 1)} ms, p99 ${fmt(d.p99Ms, 1)} ms, max ${fmt(d.maxMs, 1)} ms, peak RSS ${fmt(d.peakRssBytes / MB)} MB`,
    );

    const targets = {
      statelessVsBaseline: { ratio: a1.recordsPerSec / a0.recordsPerSec, target: 0.8 },
      // The same ratios per CPU second: what the load of a shared machine moves least.
      statelessVsBaselineCpu: {
        ratio: (a1.recordsPerCpuSecond ?? NaN) / (a0.recordsPerCpuSecond ?? NaN),
        target: 0.8,
      },
      windowVsBaselineCpu: {
        ratio: (b1.recordsPerCpuSecond ?? NaN) / (b0.recordsPerCpuSecond ?? NaN),
        target: 0.8,
      },
      windowVsSeedCpu: {
        ratio: (b1.recordsPerCpuSecond ?? NaN) / (c0.recordsPerCpuSecond ?? NaN),
        target: 1,
      },
      statelessVsLinearBaseline: { ratio: a1.recordsPerSec / a0l.recordsPerSec, target: 0.8 },
      windowVsBaseline: { ratio: b1.recordsPerSec / b0.recordsPerSec, target: 0.8 },
      windowVsSeed: { ratio: b1.recordsPerSec / c0.recordsPerSec, target: 1 },
      latencyP99Ms: { value: d.p99Ms, target: 50 },
    };
    log('');
    log('| workload | role | records/s | MB/s | records/CPU-s | p50 ms | p99 ms | peak RSS MB |');
    log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows)
      log(
        `| ${r.workload} | ${r.role} | ${fmt(r.recordsPerSec)} | ${fmt(r.mbPerSec, 1)} | ${fmt(r.recordsPerCpuSecond)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${fmt(r.peakRssBytes / MB)} |`,
      );
    log('');
    const pass = (ok: boolean) => (ok ? 'met' : 'MISSED');
    log(
      `(a) kflow / baseline ${fmt(100 * targets.statelessVsBaseline.ratio)}% (target ≥ 80%): ${pass(targets.statelessVsBaseline.ratio >= 0.8)}`,
    );
    log(
      `(a') kflow / baseline with linear grouping ${fmt(100 * targets.statelessVsLinearBaseline.ratio)}% (for reference)`,
    );
    log(
      `(b) kflow / baseline ${fmt(100 * targets.windowVsBaseline.ratio)}% (target ≥ 80%): ${pass(targets.windowVsBaseline.ratio >= 0.8)}`,
    );
    log(
      `(c) kflow / seed ${fmt(targets.windowVsSeed.ratio, 2)}x (target > 1): ${pass(targets.windowVsSeed.ratio > 1)}`,
    );
    log(
      `per CPU second: (a) ${fmt(100 * targets.statelessVsBaselineCpu.ratio)}%, (b) ${fmt(100 * targets.windowVsBaselineCpu.ratio)}%, (c) ${fmt(targets.windowVsSeedCpu.ratio, 2)}x`,
    );
    log(`(d) p99 ${fmt(d.p99Ms, 1)} ms (target < 50 ms): ${pass((d.p99Ms ?? Infinity) < 50)}`);

    if (only !== undefined) return;
    const day = started.toISOString().slice(0, 10);
    const file = path.join(ROOT, 'bench/results', `engine-${day}${quick ? '-quick' : ''}.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify(
        {
          started: started.toISOString(),
          quick,
          records: N,
          partitions: PARTITIONS,
          inputBytes,
          machine: { ...machine, loadAvgAtEnd: os.loadavg() },
          rows,
          targets,
        },
        null,
        2,
      ) + '\n',
    );
    log(`wrote ${path.relative(ROOT, file)}`);
  } finally {
    await broker.stop();
    rmSync(data, { recursive: true, force: true });
  }
}

/**
 * Records stamped with their send time go into the stateless pipeline at a fixed rate; a consumer
 * of its output takes now − stamp. The first WARMUP_SECONDS are left out (group join, JIT).
 */
async function latency(bootstrap: string, stamp: string): Promise<Row> {
  const engine = nodeWorker({
    mode: 'engine-serve',
    bootstrap,
    input: 'bench-lat-in',
    output: 'bench-lat-out',
    count: 0,
    name: `lat-${stamp}`,
    warmupMs: WARMUP_SECONDS * 1000,
  });
  await engine.ready;
  try {
    return await measureLatency(bootstrap, stamp, engine);
  } finally {
    engine.kill();
  }
}

async function measureLatency(bootstrap: string, stamp: string, engine: Child): Promise<Row> {
  const k = kafka(bootstrap);
  const consumer = k.consumer({ groupId: `lat-reader-${stamp}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'bench-lat-out', fromBeginning: true });
  const joined = new Promise<void>((r) => consumer.on(consumer.events.GROUP_JOIN, () => r()));
  const samples: number[] = [];
  let measureFrom = Infinity;
  let received = 0;
  // eachBatch and a scan for "ts": keep the probe's own CPU (on the same cores) small.
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      received += batch.messages.length;
      for (const m of batch.messages) {
        const ts = sentAt(m.value);
        if (ts >= measureFrom) samples.push(now - ts);
      }
    },
  });
  await joined;
  const producer = k.producer();
  await producer.connect();
  const start = Date.now();
  measureFrom = start + WARMUP_SECONDS * 1000;
  const end = start + LATENCY_SECONDS * 1000;
  let sent = 0;
  // Every 5 ms, send what the rate asks for by now: a steady 10,000/s in 50-record steps.
  while (Date.now() < end) {
    const due = Math.floor(((Date.now() - start) / 1000) * LATENCY_RATE);
    if (due > sent) {
      const now = Date.now();
      const messages = [];
      // At most 2,000 records (about 250 KB) per request, below the broker's 1 MiB limit.
      const upTo = Math.min(due, sent + 2000);
      for (let i = sent; i < upTo; i++) messages.push({ key: `user-${i % 500}`, value: event(i, now) });
      sent = upTo;
      await producer.send({ topic: 'bench-lat-in', acks: 1, messages });
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const deadline = Date.now() + 10_000;
  while (received < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await producer.disconnect();
  await consumer.disconnect();
  engine.kill();
  const r = await engine.result;
  const stages = (r.extra?.['stages'] ?? undefined) as Record<Stage, StageSummary> | undefined;
  if (stages) {
    // Cumulative from the send: where a p99 comes from.
    const parts = STAGES.map((st) => ({ st, ...stages[st] }));
    parts.push({
      st: 'read back' as Stage,
      ...summarize({ sentAt: samples.map(() => measureFrom), ms: samples }, measureFrom),
    });
    for (const x of parts)
      log(
        `  sent → ${x.st.padEnd(9)} p50 ${fmt(x.p50, 1)} ms, p99 ${fmt(x.p99, 1)} ms, max ${fmt(x.max, 1)} ms (${fmt(x.n)} records)`,
      );
  }
  samples.sort((x, y) => x - y);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  return {
    workload: `kflow filter→map→topic @ ${LATENCY_RATE / 1000}k/s`,
    role: 'kflow',
    records: sent,
    seconds: LATENCY_SECONDS,
    recordsPerSec: sent / LATENCY_SECONDS,
    mbPerSec: 0,
    peakRssBytes: engine.peakRss(),
    ...(r.cpuSeconds !== undefined
      ? { cpuSeconds: r.cpuSeconds, recordsPerCpuSecond: sent / r.cpuSeconds }
      : {}),
    ...(samples.length > 0 ? { p50Ms: q(0.5), p99Ms: q(0.99), maxMs: samples[samples.length - 1] } : {}),
    note: `${samples.length} samples after ${WARMUP_SECONDS} s warm-up; ${received} of ${sent} records arrived`,
  };
}

await main();
process.exit(0);
