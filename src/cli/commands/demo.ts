import type { Command } from 'commander';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineSpec } from '../../spec/types';
import { formatProblem } from './validate';

const RESOURCES = join(dirname(fileURLToPath(import.meta.url)), '../../../resources');
export const EXAMPLES_DIR = join(RESOURCES, 'examples');

/** One line per node: what a person reading the canvas would say. */
export async function describePipeline(spec: PipelineSpec): Promise<string[]> {
  const { getNodeKind } = await import('../../nodes/index');
  const lines = [`${spec.name}: ${spec.description ?? ''}`.trimEnd()];
  for (const node of spec.nodes) {
    const def = getNodeKind(node.kind);
    const into = spec.edges.filter((e) => e.from.split('.')[0] === node.id).map((e) => e.to);
    const arrow = into.length ? ` → ${into.join(', ')}` : '';
    lines.push(`  ${node.id} (${def?.title ?? node.kind})${arrow}`);
  }
  return lines;
}

/** The pipelines the demo runs, in order, with how long each runs. */
const DEMO_RUNS = [
  {
    file: join(EXAMPLES_DIR, 'clickstream-ingest.json'),
    title: "the seed's clickstream: events produced to user-events and processed as they arrive",
    // Slower than the example's 50/s so the lines can be read.
    tweak: (spec: PipelineSpec) => {
      const src = spec.nodes.find((n) => n.kind === 'source.datagen');
      if (src) src.config['rate'] = 5;
      return spec;
    },
    share: 0.25,
  },
  {
    file: join(RESOURCES, 'demo/clicks-per-category-live.json'),
    title: "the seed's windowed aggregation on event time: totals per category, late events kept apart",
    tweak: (spec: PipelineSpec) => spec,
    share: 0.75,
  },
];

async function describeExamples(dir: string): Promise<number> {
  const { validateSpecText } = await import('../../spec/validate');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  let errors = 0;
  for (const f of files) {
    const result = validateSpecText(readFileSync(join(dir, f)));
    for (const p of result.problems) process.stdout.write(`${formatProblem(f, p)}\n`);
    errors += result.problems.filter((p) => p.severity === 'error').length;
    if (result.spec) process.stdout.write(`${(await describePipeline(result.spec)).join('\n')}\n\n`);
  }
  process.stdout.write(`${files.length} example pipelines, ${errors} error(s)\n`);
  return errors;
}

async function runDemo(seconds: number): Promise<number> {
  const { validateSpecText } = await import('../../spec/validate');
  const { startBroker } = await import('../../broker/index');
  const { connect } = await import('../../kafka/client');
  const { embeddedProfile } = await import('../../kafka/profile');
  const { PipelineRun } = await import('../../engine/runtime/runtime');
  const { startProgress } = await import('../../engine/metrics/index');
  const { pino } = await import('pino');
  const broker = await startBroker({
    port: 0,
    logger: pino({ level: 'error', base: { component: 'broker' } }, pino.destination(2)),
  });
  process.stdout.write(`kflow demo: embedded broker on ${broker.bootstrap}\n`);
  const client = await connect({ ...embeddedProfile(), name: 'demo', bootstrap: [broker.bootstrap] });
  const interrupted = new AbortController();
  const onSignal = () => interrupted.abort();
  process.once('SIGINT', onSignal);
  try {
    for (const [i, demo] of DEMO_RUNS.entries()) {
      if (interrupted.signal.aborted) break;
      const checked = validateSpecText(readFileSync(demo.file));
      if (!checked.ok || !checked.spec) {
        for (const p of checked.problems) process.stderr.write(`${formatProblem(demo.file, p)}\n`);
        return 1;
      }
      const spec = demo.tweak(checked.spec);
      const ms = Math.max(3, Math.round(seconds * demo.share)) * 1000;
      process.stdout.write(`\n[${i + 1}/${DEMO_RUNS.length}] ${spec.name}: ${demo.title} (${ms / 1000} s)\n`);
      process.stdout.write(`${(await describePipeline(spec)).slice(1).join('\n')}\n\n`);
      const run = new PipelineRun({ client, spec, specDir: dirname(demo.file) });
      const progress = startProgress(run, 'text');
      let last: { in: number; out: number; late: number } = { in: 0, out: 0, late: 0 };
      run.on('metrics', (b: import('../../engine/metrics/metrics').MetricsBatch) => {
        const late = Object.values(b.nodes).reduce((n, m) => n + m.late, 0);
        last = { in: b.recordsIn, out: b.recordsOut, late };
      });
      try {
        await run.start();
        await Promise.race([
          run.done,
          new Promise((r) => setTimeout(r, ms)),
          new Promise((r) => interrupted.signal.addEventListener('abort', r, { once: true })),
        ]);
      } finally {
        await run.stop();
        progress.stop();
      }
      process.stdout.write(
        `${spec.name}: ${last.in} records read, ${last.out} written, ${last.late} late record(s) sent to the late topic\n`,
      );
    }
    process.stdout.write(
      '\nkflow demo: done. Run one yourself: npx kflow run resources/examples/<file>.json --embedded\n',
    );
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    await client.close();
    await broker.stop();
  }
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      "run the seed's clickstream pipelines on the embedded broker with generated data, live on the terminal",
    )
    .option('--seconds <n>', 'how long the demo runs in all', (v) => Number(v), 40)
    .option('--describe', 'only check and describe the example pipelines, without running anything')
    .option('--dir <dir>', 'examples directory (with --describe)', EXAMPLES_DIR)
    .action(async function (this: Command, opts: { seconds: number; describe?: boolean; dir: string }) {
      if (!Number.isFinite(opts.seconds) || opts.seconds <= 0)
        this.error('error: --seconds must be a positive number');
      const code = opts.describe
        ? (await describeExamples(opts.dir)) > 0
          ? 1
          : 0
        : await runDemo(opts.seconds);
      this.setOptionValue('__exitCode', code);
    });
}
