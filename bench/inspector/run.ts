// Topic-tool benchmarks against a plain kafkajs consumer measured in the same run, on the same
// broker and topic:
//
//   npx tsx bench/inspector/run.ts [--records N] [--value-bytes B] [--rounds R] [--quick]
//   (npm run bench:inspector -- --records 200000)
//
// (a) baseline: kafkajs eachBatch from earliest to the end, counting records and bytes
// (b) tail:     readTopic from earliest to the end, no filter
// (c) search:   readTopic with a filter expression over the JSON value (records scanned per second)
// (d) export:   exportTopic to a JSONL file (MB/s of records and of file)
//
// The broker runs in a child process (`kflow broker`), and so does every workload
// (bench/inspector/worker.ts), so no two share an event loop. The workloads run in rounds (a, b,
// c, d, a, b, ...); each kflow figure is compared with the baseline of its own round, and the
// median over rounds is reported, which keeps a shared machine's load swings out of the ratios.
// KFLOW_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to every worker.
import { machineInfo } from '../measure';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startChildBroker } from '../../test/support/child-broker';
import { RssSampler } from '../broker/proc';
import { benchRecord, FILTERS } from './records';
import type { WorkerArgs, WorkerMode, WorkerResult } from './worker';

const ROOT = path.join(import.meta.dirname, '../..');
const MB = 1024 * 1024;
const argv = process.argv.slice(2);
const flag = (name: string, def: number) => {
  const i = argv.indexOf(name);
  if (i < 0) return def;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number`);
  return n;
};
const quick = argv.includes('--quick');
const N = flag('--records', quick ? 200_000 : 1_000_000);
const VALUE_BYTES = flag('--value-bytes', 1024);
const ROUNDS = flag('--rounds', quick ? 1 : 3);
const PARTITIONS = 3;
const TOPIC = 'bench-inspect';
const TARGETS = { tailVsBaseline: 0.8, searchVsBaseline: 0.8, exportRecordMbPerSec: 100 };

const log = (s: string) => console.log(s);
const fmt = (n: number | undefined, d = 0) =>
  n === undefined ? '-' : n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Produces the input with several requests in flight; returns the bytes of keys, values and headers. */
async function load(
  bootstrap: string,
): Promise<{ recordBytes: number; matching: Record<keyof typeof FILTERS, number> }> {
  const producer = new Kafka({
    clientId: 'kflow-bench-inspector',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  let recordBytes = 0;
  const matching = { selective: 0, numeric: 0 };
  const PER_SEND = Math.max(50, Math.floor((512 * 1024) / (VALUE_BYTES + 40)));
  const inFlight = new Set<Promise<unknown>>();
  for (let start = 0; start < N; start += PER_SEND) {
    const messages = [];
    for (let i = start; i < Math.min(N, start + PER_SEND); i++) {
      const r = benchRecord(i, VALUE_BYTES, PARTITIONS);
      recordBytes += Buffer.byteLength(r.key) + Buffer.byteLength(r.value);
      for (const [k, v] of Object.entries(r.headers))
        recordBytes += Buffer.byteLength(k) + Buffer.byteLength(v);
      if (FILTERS.selective.matches(i)) matching.selective++;
      if (FILTERS.numeric.matches(i)) matching.numeric++;
      messages.push(r);
    }
    const p = producer.send({ topic: TOPIC, acks: 1, messages }).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await producer.disconnect();
  return { recordBytes, matching };
}

interface Run {
  result: WorkerResult;
  peakRssBytes: number;
}

function runWorker(a: WorkerArgs): Promise<Run> {
  const nodeArgs = process.env['KFLOW_BENCH_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', path.join(ROOT, 'bench/inspector/worker.ts'), JSON.stringify(a)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const sampler = new RssSampler(child.pid as number, 50);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      sampler.stop();
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) reject(new Error(`worker ${a.mode} exited with ${code}: ${out}`));
      else
        resolve({
          result: JSON.parse(line.slice('RESULT '.length)) as WorkerResult,
          peakRssBytes: sampler.max,
        });
    });
  });
}

interface Row {
  workload: string;
  mode: WorkerMode;
  round: number;
  records: number;
  matched: number;
  seconds: number;
  startupSeconds: number;
  recordsPerSec: number;
  /** MB (2^20) of keys, values and headers per second. */
  mbPerSec: number;
  fileMbPerSec?: number;
  fileBytes?: number;
  /** Records/s against the baseline of the same round. */
  ofBaseline?: number;
  /** CPU seconds of the workload's process over `seconds`. */
  cpuSeconds: number;
  /** Records per CPU second: what one free core would do, less sensitive to a shared machine's load. */
  recordsPerCpuSec: number;
  /** recordsPerCpuSec against the baseline of the same round. */
  cpuOfBaseline?: number;
  peakRssBytes: number;
}

const WORKLOADS: { mode: WorkerMode; name: string; filter?: keyof typeof FILTERS }[] = [
  { mode: 'kafkajs', name: 'kafkajs consumer (baseline)' },
  { mode: 'tail', name: 'kflow tail (readTopic)' },
  { mode: 'search', name: 'kflow search (filter)', filter: 'selective' },
  { mode: 'search', name: 'kflow search (numeric filter)', filter: 'numeric' },
  { mode: 'export', name: 'kflow export (JSONL file)' },
];

async function main() {
  const started = new Date();
  const machine = machineInfo();
  log(
    `kflow inspector bench on ${machine.cores} x ${machine.cpu}, Node ${machine.node}, load ${machine.loadAvgAtStart.map((x) => x.toFixed(1)).join(' ')}`,
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kflow-bench-inspector-'));
  const broker = await startChildBroker(['--data', path.join(dir, 'data')]);
  const rows: Row[] = [];
  try {
    const admin = new Kafka({
      clientId: 'kflow-bench',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
    await admin.disconnect();
    log(`loading ${fmt(N)} records of about ${fmt(VALUE_BYTES)} B into ${TOPIC} (${PARTITIONS} partitions)`);
    const t = performance.now();
    const input = await load(broker.bootstrap);
    log(
      `  ${fmt(input.recordBytes / MB, 1)} MB of keys, values and headers in ${fmt((performance.now() - t) / 1000, 1)} s; ${fmt(input.matching.selective)} match the filter, ${fmt(input.matching.numeric)} the numeric one`,
    );
    const stamp = Date.now().toString(36);
    for (let round = 1; round <= ROUNDS; round++) {
      log(`round ${round} of ${ROUNDS}`);
      let baseline: Row | undefined;
      for (const w of WORKLOADS) {
        const file = path.join(dir, `export-${round}.jsonl`);
        const { result: r, peakRssBytes } = await runWorker({
          mode: w.mode,
          bootstrap: broker.bootstrap,
          topic: TOPIC,
          count: N,
          name: w.mode === 'export' ? file : `bench-kafkajs-${stamp}-${round}`,
          ...(w.filter ? { filter: FILTERS[w.filter].text } : {}),
        });
        if (w.mode === 'export') rmSync(file, { force: true });
        const expectMatched = w.filter ? input.matching[w.filter] : N;
        if (r.records !== N || r.matched !== expectMatched)
          throw new Error(
            `${w.name}: read ${r.records} of ${N}, matched ${r.matched} (expected ${expectMatched})`,
          );
        const row: Row = {
          workload: w.name,
          mode: w.mode,
          round,
          records: r.records,
          matched: r.matched,
          seconds: r.seconds,
          startupSeconds: r.startupSeconds,
          recordsPerSec: r.records / r.seconds,
          mbPerSec: input.recordBytes / MB / r.seconds,
          ...(r.fileBytes !== undefined
            ? { fileBytes: r.fileBytes, fileMbPerSec: r.fileBytes / MB / r.seconds }
            : {}),
          peakRssBytes,
          cpuSeconds: r.cpuSeconds,
          recordsPerCpuSec: r.records / r.cpuSeconds,
        };
        if (baseline) {
          row.ofBaseline = row.recordsPerSec / baseline.recordsPerSec;
          row.cpuOfBaseline = row.recordsPerCpuSec / baseline.recordsPerCpuSec;
        } else baseline = row;
        rows.push(row);
        log(
          `  ${w.name.padEnd(28)} ${fmt(row.recordsPerSec).padStart(9)} rec/s ${fmt(row.mbPerSec, 1).padStart(6)} MB/s` +
            `${row.fileMbPerSec !== undefined ? ` (file ${fmt(row.fileMbPerSec, 1)} MB/s)` : ''}` +
            `${row.ofBaseline !== undefined ? ` ${fmt(100 * row.ofBaseline)}% of baseline` : ''}` +
            `; ${fmt(row.recordsPerCpuSec)} rec/CPU-s${row.cpuOfBaseline !== undefined ? ` (${fmt(100 * row.cpuOfBaseline)}%)` : ''}` +
            `  start-up ${fmt(row.startupSeconds, 2)} s, peak RSS ${fmt(peakRssBytes / MB)} MB`,
        );
      }
    }

    const summary = WORKLOADS.map((w) => {
      const rs = rows.filter((r) => r.workload === w.name);
      const fileRates = rs.flatMap((r) => (r.fileMbPerSec !== undefined ? [r.fileMbPerSec] : []));
      return {
        workload: w.name,
        mode: w.mode,
        recordsPerSec: median(rs.map((r) => r.recordsPerSec)),
        mbPerSec: median(rs.map((r) => r.mbPerSec)),
        ...(fileRates.length > 0 ? { fileMbPerSec: median(fileRates) } : {}),
        recordsPerCpuSec: median(rs.map((r) => r.recordsPerCpuSec)),
        ...(w.mode !== 'kafkajs'
          ? {
              ofBaseline: median(rs.map((r) => r.ofBaseline!)),
              cpuOfBaseline: median(rs.map((r) => r.cpuOfBaseline!)),
            }
          : {}),
        peakRssBytes: Math.max(...rs.map((r) => r.peakRssBytes)),
      };
    });
    const by = (name: string) => summary.find((s) => s.workload === name)!;
    const targets = {
      tailVsBaseline: { value: by(WORKLOADS[1]!.name).ofBaseline!, target: TARGETS.tailVsBaseline },
      searchVsBaseline: { value: by(WORKLOADS[2]!.name).ofBaseline!, target: TARGETS.searchVsBaseline },
      searchNumericVsBaseline: {
        value: by(WORKLOADS[3]!.name).ofBaseline!,
        target: TARGETS.searchVsBaseline,
      },
      exportRecordMbPerSec: { value: by(WORKLOADS[4]!.name).mbPerSec, target: TARGETS.exportRecordMbPerSec },
    };
    const pass = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const table = [
      `| workload | records/s | MB/s of records | file MB/s | % of baseline | records/CPU-s | % of baseline (CPU) | peak RSS MB |`,
      `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
      ...summary.map(
        (s) =>
          `| ${s.workload} | ${fmt(s.recordsPerSec)} | ${fmt(s.mbPerSec, 1)} | ${fmt(s.fileMbPerSec, 1)} | ${s.ofBaseline === undefined ? '-' : `${fmt(100 * s.ofBaseline)}%`} | ${fmt(s.recordsPerCpuSec)} | ${s.cpuOfBaseline === undefined ? '-' : `${fmt(100 * s.cpuOfBaseline)}%`} | ${fmt(s.peakRssBytes / MB)} |`,
      ),
      '',
      `| target | value | status |`,
      `| --- | ---: | --- |`,
      `| tail ≥ 80% of the baseline | ${fmt(100 * targets.tailVsBaseline.value)}% | ${pass(targets.tailVsBaseline.value >= 0.8)} |`,
      `| search (selective filter) ≥ 80% of the baseline | ${fmt(100 * targets.searchVsBaseline.value)}% | ${pass(targets.searchVsBaseline.value >= 0.8)} |`,
      `| search (numeric filter, every value parsed) ≥ 80% of the baseline | ${fmt(100 * targets.searchNumericVsBaseline.value)}% | ${pass(targets.searchNumericVsBaseline.value >= 0.8)} |`,
      `| export ≥ 100 MB/s of records | ${fmt(targets.exportRecordMbPerSec.value, 1)} MB/s | ${pass(targets.exportRecordMbPerSec.value >= 100)} |`,
    ].join('\n');
    log('');
    log(table);

    const day = started.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    const base = path.join(ROOT, 'bench/results', `inspector-${day}${quick ? '-quick' : ''}`);
    mkdirSync(path.dirname(base), { recursive: true });
    const meta = {
      started: started.toISOString(),
      quick,
      records: N,
      valueBytes: VALUE_BYTES,
      partitions: PARTITIONS,
      rounds: ROUNDS,
      recordBytes: input.recordBytes,
      filters: { search: FILTERS.selective.text, numeric: FILTERS.numeric.text },
      machine: { ...machine, loadAvgAtEnd: os.loadavg() },
    };
    writeFileSync(`${base}.json`, JSON.stringify({ ...meta, summary, targets, rows }, null, 2) + '\n');
    writeFileSync(
      `${base}.md`,
      [
        `# Inspector bench, ${meta.started}`,
        '',
        `${fmt(N)} records (values about ${fmt(VALUE_BYTES)} B, ${fmt(input.recordBytes / MB, 1)} MB of keys, values and headers), ` +
          `${PARTITIONS} partitions, ${ROUNDS} round(s), medians; filters \`${FILTERS.selective.text}\` (search) and \`${FILTERS.numeric.text}\` (numeric). ` +
          `Load average ${machine.loadAvgAtStart.map((x) => x.toFixed(1)).join(' ')} at start, ${meta.machine.loadAvgAtEnd.map((x) => x.toFixed(1)).join(' ')} at end.`,
        '',
        table,
        '',
      ].join('\n'),
    );
    log(`wrote ${path.relative(ROOT, base)}.json and .md`);
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
