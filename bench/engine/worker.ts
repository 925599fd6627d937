// One workload of the engine bench, in its own process so that its CPU and peak RSS are its own:
//
//   node --import tsx bench/engine/worker.ts '<json WorkerArgs>'
//
// Prints one line `RESULT {json}` when done. Every throughput workload times from its first
// consumed batch to its last record handled (produced and acknowledged where it produces), so the
// group join, which differs between clients, is left out of every figure alike.
//
// Modules load on demand: the kafkajs baselines run plain kafkajs, while loading kflow's client
// seam first makes this process's kafkajs producers group records in linear time
// (src/kafka/kafkajs-grouping.ts). `kafkajs-passthrough-linear` is the baseline with that fix.
import { cpuNow, stampFirstBatch } from '../measure';

export type WorkerMode =
  | 'kafkajs-passthrough'
  | 'kafkajs-passthrough-linear'
  | 'kafkajs-sum'
  | 'engine-stateless'
  | 'engine-stateless-kafkajs'
  | 'engine-window'
  | 'engine-serve';

export interface WorkerArgs {
  mode: WorkerMode;
  bootstrap: string;
  input: string;
  output: string;
  /** Input records to handle before stopping (throughput modes). */
  count: number;
  /** Pipeline and group names must be fresh per run. */
  name: string;
  /** engine-serve: records sent this long after the first are the ones measured. */
  warmupMs?: number;
}

export interface WorkerResult {
  records: number;
  bytes: number;
  seconds: number;
  /** CPU seconds of the process (all threads) over the same span. */
  cpuSeconds?: number;
  extra?: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function kafkajsWorkload(a: WorkerArgs): Promise<WorkerResult> {
  if (a.mode === 'kafkajs-passthrough-linear') {
    const { linearGrouping } = await import('../../src/kafka/kafkajs-grouping');
    if (!linearGrouping) throw new Error('kafkajs was loaded before the grouping fix');
  }
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ clientId: 'bench', brokers: [a.bootstrap], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: a.name });
  const producer = kafka.producer();
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topic: a.input, fromBeginning: true });
  let first = 0;
  let firstCpu = 0;
  let handled = 0;
  let bytes = 0;
  const sums = new Map<string, { total: number; events: number }>();
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (first === 0 && batch.messages.length > 0) [first, firstCpu] = [performance.now(), cpuNow()];
      if (a.mode !== 'kafkajs-sum') {
        await producer.send({
          topic: a.output,
          messages: batch.messages.map((m) => ({ key: m.key, value: m.value })),
        });
      } else {
        for (const m of batch.messages) {
          const v = JSON.parse((m.value as Buffer).toString('utf8')) as { category: string; value: number };
          const s = sums.get(v.category);
          if (s) {
            s.total += v.value;
            s.events++;
          } else sums.set(v.category, { total: v.value, events: 1 });
        }
      }
      for (const m of batch.messages) bytes += m.value?.length ?? 0;
      handled += batch.messages.length;
      if (handled >= a.count) finish();
    },
  });
  await done;
  const seconds = (performance.now() - first) / 1000;
  const cpuSeconds = cpuNow() - firstCpu;
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  return { records: handled, bytes, seconds, cpuSeconds, extra: { keys: sums.size } };
}

async function engineWorkload(a: WorkerArgs): Promise<WorkerResult> {
  const { connect } = await import('../../src/kafka/client');
  const { embeddedProfile } = await import('../../src/kafka/profile');
  const { PipelineRun } = await import('../../src/engine/runtime/runtime');
  const { statelessSpec, windowSpec } = await import('./specs');
  const base = await connect(embeddedProfile(a.bootstrap));
  // The latency case notes when each record reaches each stage (bench/engine/stages).
  const staged =
    a.mode === 'engine-serve'
      ? (await import('./stages')).stampStages(
          base,
          process.env['KFLOW_BENCH_IDEMPOTENCE'] === 'off' ? { idempotent: false } : {},
        )
      : undefined;
  const { client, first, firstCpu } = stampFirstBatch(staged?.client ?? base);
  const spec =
    a.mode === 'engine-window'
      ? windowSpec(a.name, a.input, a.output)
      : statelessSpec(a.name, a.input, a.output);
  // engine-stateless-kafkajs: the same pipeline with kafkajs' idempotent producer instead of kflow's.
  const producer = a.mode === 'engine-stateless-kafkajs' ? 'kafkajs' : 'auto';
  // The window's records-in count (a partial aggregate counts as the records it covers) tells
  // when every input record reached it, however many went through the repartition topic.
  let windowIn = 0;
  // KFLOW_BENCH_FLUSHES=1: one at-least-once flush at a time (the cadence before pipelining).
  const flushes = Number(process.env['KFLOW_BENCH_FLUSHES'] ?? NaN);
  const run = new PipelineRun({
    client,
    spec,
    fromBeginning: true,
    producer,
    metricsIntervalMs: 50,
    ...(flushes > 0 ? { maxFlushesInFlight: flushes } : {}),
  });
  run.on('metrics', (m: { nodes: Record<string, { in: number }> }) => (windowIn = m.nodes['win']?.in ?? 0));
  await run.start();
  if (a.mode === 'engine-serve') {
    console.log('READY');
    const cpu0 = cpuNow();
    await new Promise<void>((r) => process.once('SIGTERM', () => r()));
    const cpuSeconds = cpuNow() - cpu0;
    await run.stop();
    await base.close();
    return {
      records: run.metrics.recordsIn,
      bytes: 0,
      seconds: 0,
      cpuSeconds,
      ...(staged ? { extra: { stages: staged.report(a.warmupMs ?? 0) } } : {}),
    };
  }
  const finished = () =>
    a.mode === 'engine-window' ? windowIn >= a.count : run.metrics.recordsOut >= a.count;
  // A run that fails, or stops making progress for 30 s, ends the workload with what it did.
  let failed: unknown;
  run.done.catch((e: unknown) => (failed = e));
  let last = -1;
  let lastChange = performance.now();
  let stalled = false;
  while (!finished() && failed === undefined) {
    await sleep(2);
    const now = run.metrics.recordsIn + run.metrics.recordsOut + windowIn;
    if (now !== last) [last, lastChange] = [now, performance.now()];
    else if (performance.now() - lastChange > 30_000) {
      stalled = true;
      break;
    }
  }
  const seconds = ((stalled ? lastChange : performance.now()) - first()) / 1000;
  const cpuSeconds = cpuNow() - firstCpu();
  if (failed !== undefined || stalled)
    console.error(`${a.mode}: ${stalled ? 'no progress for 30 s' : String(failed)}`, run.metrics.latest);
  const m = run.metrics;
  await run.stop();
  await run.done;
  await base.close();
  const done = a.mode === 'engine-window' ? windowIn : m.recordsOut;
  return {
    records: Math.min(a.count, done),
    bytes: 0,
    seconds,
    cpuSeconds,
    extra: {
      recordsIn: m.recordsIn,
      recordsOut: m.recordsOut,
      stalled,
      failed: failed === undefined ? undefined : String(failed),
    },
  };
}

async function main() {
  const a = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
  const r = a.mode.startsWith('kafkajs') ? await kafkajsWorkload(a) : await engineWorkload(a);
  console.log(`RESULT ${JSON.stringify(r)}`);
  process.exit(0);
}

await main();
