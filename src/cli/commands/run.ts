import { InvalidArgumentError, Option, type Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { formatProblem, validateFile } from './validate';

interface RunCliOptions {
  bootstrap?: string;
  profile?: string;
  connections?: string;
  embedded?: boolean;
  data?: string;
  guarantee: 'at-least-once' | 'exactly-once';
  fromBeginning?: boolean;
  untilIdle?: number;
  sessionTimeout?: number;
  instanceId?: string;
  metricsPort?: number;
  plan?: boolean;
  failFast?: boolean;
  quiet?: boolean;
  json?: boolean;
}

function positive(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} takes a number ≥ 0`);
    return n;
  };
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a pipeline on Kafka (or print its plan with --plan)')
    .argument('<spec>', 'spec file (.json)')
    .option(
      '--bootstrap <host:port>',
      'Kafka bootstrap servers (default: the embedded broker at 127.0.0.1:9092)',
    )
    // The same connection options as `kflow topics` (src/cli/commands/topics.ts).
    .option(
      '--profile <name>',
      'connection profile: TLS, SASL, AWS IAM (secrets from KFLOW_SECRET_* variables)',
    )
    .option(
      '--connections <file>',
      'with --profile: connections file (default: $KFLOW_CONNECTIONS or ~/.config/kflow/connections.json)',
    )
    .option('--embedded', 'start the embedded broker in this process')
    .option('--data <dir>', 'with --embedded: data directory (default: temporary)')
    .addOption(
      new Option('--guarantee <g>', 'delivery guarantee')
        .choices(['at-least-once', 'exactly-once'])
        .default('at-least-once'),
    )
    .option('--from-beginning', "start from the earliest offsets, ignoring the group's committed ones")
    .option('--until-idle <seconds>', 'stop after this many seconds without input', positive('--until-idle'))
    .option(
      '--session-timeout <seconds>',
      "the consumer group's session timeout: how long a restart after a crash waits (default 30)",
      positive('--session-timeout'),
    )
    .option(
      '--instance-id <id>',
      'with exactly-once: this instance of the pipeline (transactional id kflow-<pipeline>-<id>, default 0); instances running at once need different ids, a restart keeps its id',
    )
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics on http://127.0.0.1:PORT/metrics',
      positive('--metrics-port'),
    )
    .option('--plan', 'print the physical plan (tasks, topics) and exit without running')
    .option('--fail-fast', 'stop at the first bad record instead of sending it to the dead-letter topic')
    .option('-q, --quiet', 'no progress lines')
    .option('--json', 'machine-readable output: the plan as JSON, progress as JSON lines')
    .addHelpText(
      'after',
      "\nExit codes: 0 ok, 1 pipeline or validation error, 2 usage, 3 fenced with exactly-once (another\ninstance took over this one's partitions, e.g. after it stalled past its session timeout;\nrestarting it is safe).",
    )
    .action(async function (this: Command, file: string, opts: RunCliOptions) {
      if (opts.embedded && opts.bootstrap) this.error('error: --embedded and --bootstrap exclude each other');
      if (opts.profile && (opts.embedded || opts.bootstrap))
        this.error('error: --profile excludes --embedded and --bootstrap');
      if (opts.connections && !opts.profile) this.error('error: --connections needs --profile');
      if (opts.data && !opts.embedded) this.error('error: --data needs --embedded');
      if (opts.quiet && opts.json) this.error('error: --quiet and --json exclude each other');
      const setCode = (c: number) => this.setOptionValue('__exitCode', c);
      const checked = await validateFile(file);
      const errors = checked.problems.filter((p) => p.severity === 'error');
      if (errors.length > 0) {
        for (const p of checked.problems) process.stderr.write(`${formatProblem(file, p)}\n`);
        setCode(1);
        return;
      }
      // Heavy modules load here, so `kflow validate` and `--help` stay fast.
      const { readFileSync } = await import('node:fs');
      const { validateSpecText } = await import('../../spec/validate');
      const spec = validateSpecText(readFileSync(file)).spec;
      if (!spec) {
        setCode(1);
        return;
      }
      const { connect } = await import('../../kafka/client');
      const { embeddedProfile, findProfile, loadProfiles } = await import('../../kafka/profile');
      let named;
      try {
        named = opts.profile ? findProfile(loadProfiles(opts.connections), opts.profile) : undefined;
      } catch (err) {
        process.stderr.write(`kflow run: ${err instanceof Error ? err.message : String(err)}\n`);
        setCode(1);
        return;
      }
      let broker: { bootstrap: string; stop(): Promise<void> } | undefined;
      if (opts.embedded && !opts.plan) {
        const { startBroker } = await import('../../broker/index');
        const { pino } = await import('pino');
        broker = await startBroker({
          port: 0,
          ...(opts.data ? { dataDir: opts.data } : {}),
          logger: pino({ level: 'error', base: { component: 'broker' } }, pino.destination(2)),
        });
        if (!opts.quiet && !opts.json) process.stderr.write(`embedded broker on ${broker.bootstrap}\n`);
      }
      const bootstrap = broker?.bootstrap ?? opts.bootstrap;
      const profile =
        named ??
        (bootstrap
          ? { ...embeddedProfile(), name: 'cli', bootstrap: bootstrap.split(',') }
          : embeddedProfile());
      const client = await connect(profile);
      try {
        if (opts.plan) {
          const { planPipeline, formatPlan } = await import('../../engine/planner/index');
          const { existingTopics } = await import('../../engine/runtime/runtime');
          // Without a reachable cluster the plan assumes no topic exists yet.
          const existing = opts.embedded ? {} : await existingTopics(client, spec);
          const plan = planPipeline(spec, { existingTopics: existing });
          process.stdout.write(opts.json ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan));
          return;
        }
        const { PipelineRun, InstanceFencedError } = await import('../../engine/runtime/runtime');
        const { startProgress, serveMetrics } = await import('../../engine/metrics/index');
        const run = new PipelineRun({
          client,
          spec,
          guarantee: opts.guarantee,
          ...(opts.fromBeginning ? { fromBeginning: true } : {}),
          ...(opts.failFast ? { failFast: true } : {}),
          ...(opts.untilIdle !== undefined ? { untilIdleMs: opts.untilIdle * 1000 } : {}),
          ...(opts.sessionTimeout !== undefined ? { sessionTimeoutMs: opts.sessionTimeout * 1000 } : {}),
          ...(opts.instanceId !== undefined ? { instanceId: opts.instanceId } : {}),
          specDir: dirname(resolve(file)),
        });
        const progress = opts.quiet ? undefined : startProgress(run, opts.json ? 'json' : 'text');
        const server = opts.metricsPort === undefined ? undefined : await serveMetrics(run, opts.metricsPort);
        const onSignal = () => void run.stop();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          await run.start();
          await run.done;
        } catch (err) {
          await run.stop();
          process.stderr.write(`kflow run: ${err instanceof Error ? err.message : String(err)}\n`);
          // 3: fenced, another instance took over (exactly-once); a restart is safe.
          setCode(err instanceof InstanceFencedError ? 3 : 1);
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          progress?.stop();
          server?.close();
        }
      } finally {
        await client.close();
        await broker?.stop();
      }
    });
}
