// Join soak: a stream-stream join (clicks ⋈ purchases by user, within 10 s, grace 2 s) fed at a
// steady rate on the embedded broker, sampling the join's state (engine metrics `stateEntries`,
// `stateBytes` of the join node) and the process's RSS and heap. Both must stay flat: each side is
// kept for within + grace of event time, so the state holds about rate × 12 s of records.
//
//   npx tsx bench/engine/soak-join.ts [--minutes 30] [--rate 200] [--keys 300] [--gc]
//                                                          (npm run soak:join -- --minutes 10)
//
// --gc runs a full collection before each sample (heap MB is then the live heap).
// The broker, the generator and the engine share this process (RSS counts all three; the broker
// keeps its log on disk). test/integration/engine/soak-join.test.ts runs the same code for a minute.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startBroker } from '../../src/broker/index';
import { connect, type ProduceRecord } from '../../src/kafka/client';
import { embeddedProfile } from '../../src/kafka/profile';
import type { MetricsBatch } from '../../src/engine/metrics/metrics';
import { PipelineRun } from '../../src/engine/runtime/runtime';
import { joinSpec } from './specs';

export interface SoakOptions {
  durationMs: number;
  /** Records per second over both streams together. */
  rate: number;
  keys: number;
  sampleMs: number;
  partitions?: number;
  /**
   * Run a full garbage collection before each sample, so `heapUsedBytes` is the live heap: without
   * it the heap climbs for a minute or more between major collections, which hides or fakes a leak.
   */
  forceGc?: boolean;
  log?: (line: string) => void;
}

export interface SoakSample {
  /** Seconds since the generator started. */
  t: number;
  produced: number;
  joinIn: number;
  joinOut: number;
  late: number;
  stateEntries: number;
  stateBytes: number;
  rssBytes: number;
  heapUsedBytes: number;
  lag: number;
}

export interface SoakResult {
  options: Omit<SoakOptions, 'log'>;
  /** Join retention, both sides: within + grace. */
  retentionMs: number;
  samples: SoakSample[];
}

const WITHIN_MS = 10_000;
const GRACE_MS = 2_000;
const MB = 1024 * 1024;

export async function soakJoin(o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? (() => undefined);
  const partitions = o.partitions ?? 3;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kflow-soak-join-'));
  const broker = await startBroker({ port: 0, dataDir });
  const client = await connect(embeddedProfile(broker.bootstrap));
  const spec = joinSpec('soak-join', 'soak-clicks', 'soak-purchases', 'soak-joined', partitions);
  const run = new PipelineRun({ client, spec });
  let latest: MetricsBatch | undefined;
  run.on('metrics', (b: MetricsBatch) => (latest = b));
  const samples: SoakSample[] = [];
  const gc = o.forceGc ? exposeGc() : undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await run.start();
    const producer = await client.producer({ acks: 1 });
    const start = Date.now();
    let produced = 0;
    let nextSample = start + o.sampleMs;
    log('     t  produced   join in  join out  late  state entries  state KB  RSS MB  heap MB  lag');
    // Each 50 ms step sends what the rate asks for by now, alternating sides; records 2k and
    // 2k + 1 (one per side) share a user, users cycling through a permutation of the keys.
    while (Date.now() - start < o.durationMs) {
      const now = Date.now();
      const due = Math.floor(((now - start) / 1000) * o.rate);
      if (due > produced) {
        const records: ProduceRecord[] = [];
        for (let i = produced; i < due; i++) {
          const user = `user-${(Math.floor(i / 2) * 7919) % o.keys}`;
          records.push({
            topic: i % 2 === 0 ? 'soak-clicks' : 'soak-purchases',
            key: user,
            value: JSON.stringify({ user, n: i, ts: now }),
          });
        }
        produced = due;
        await producer.send(records);
      }
      if (now >= nextSample) {
        nextSample += o.sampleMs;
        const j = latest?.nodes['join'];
        gc?.();
        const mem = process.memoryUsage();
        const s: SoakSample = {
          t: Math.round((now - start) / 1000),
          produced,
          joinIn: j?.in ?? 0,
          joinOut: j?.out ?? 0,
          late: j?.late ?? 0,
          stateEntries: j?.stateEntries ?? 0,
          stateBytes: j?.stateBytes ?? 0,
          rssBytes: mem.rss,
          heapUsedBytes: mem.heapUsed,
          lag: latest?.lag ?? 0,
        };
        samples.push(s);
        log(
          `${String(s.t).padStart(6)} ${String(s.produced).padStart(9)} ${String(s.joinIn).padStart(9)} ${String(s.joinOut).padStart(9)} ${String(s.late).padStart(5)} ${String(s.stateEntries).padStart(14)} ${(s.stateBytes / 1024).toFixed(0).padStart(9)} ${(s.rssBytes / MB).toFixed(0).padStart(7)} ${(s.heapUsedBytes / MB).toFixed(0).padStart(8)} ${String(s.lag).padStart(4)}`,
        );
      }
      await new Promise((r) => (timer = setTimeout(r, 50)));
    }
    await producer.close();
  } finally {
    clearTimeout(timer);
    await run.stop();
    await client.close();
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const { log: _log, ...options } = o;
  void _log;
  return { options, retentionMs: WITHIN_MS + GRACE_MS, samples };
}

function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  // A new context sees the flag; the current one was created without it.
  return runInNewContext('gc') as () => void;
}

/** Upper bound on the join's state entries: twice the records of one retention period, plus slack. */
export function stateEntriesBound(rate: number, retentionMs: number, slack = 500): number {
  return rate * (retentionMs / 1000) * 2 + slack;
}

async function main() {
  const argv = process.argv.slice(2);
  const arg = (name: string, dflt: number) => {
    const i = argv.indexOf(name);
    const v = i >= 0 ? Number(argv[i + 1]) : dflt;
    if (!(v > 0)) throw new Error(`${name} must be a positive number`);
    return v;
  };
  const minutes = arg('--minutes', 30);
  const rate = arg('--rate', 200);
  const keys = arg('--keys', 300);
  const forceGc = argv.includes('--gc');
  const started = new Date();
  console.log(`join soak: ${minutes} min at ${rate} records/s over ${keys} users, within 10 s, grace 2 s`);
  const r = await soakJoin({
    durationMs: minutes * 60_000,
    rate,
    keys,
    sampleMs: 10_000,
    forceGc,
    log: console.log,
  });
  const warm = r.samples.filter((s) => s.t * 1000 >= 2 * r.retentionMs);
  const max = (xs: number[]) => Math.max(...xs);
  const half = Math.floor(warm.length / 2);
  const summary = {
    bound: stateEntriesBound(rate, r.retentionMs),
    maxEntries: max(warm.map((s) => s.stateEntries)),
    maxEntriesFirstHalf: max(warm.slice(0, half).map((s) => s.stateEntries)),
    maxEntriesSecondHalf: max(warm.slice(half).map((s) => s.stateEntries)),
    rssFirstAfterWarmUp: warm[0]?.rssBytes,
    rssMaxFirstHalf: max(warm.slice(0, half).map((s) => s.rssBytes)),
    rssMaxSecondHalf: max(warm.slice(half).map((s) => s.rssBytes)),
    rssLast: warm[warm.length - 1]?.rssBytes,
  };
  console.log(JSON.stringify(summary));
  const file = path.join(
    import.meta.dirname,
    '../results',
    `engine-soak-join-${started.toISOString().slice(0, 10)}-${minutes}min${forceGc ? '-gc' : ''}.json`,
  );
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ started: started.toISOString(), ...r, summary }, null, 2) + '\n');
  console.log(`wrote ${file}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main().then(() => process.exit(0));
