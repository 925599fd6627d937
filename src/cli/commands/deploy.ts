import type { Command } from 'commander';
import { readJson } from '../read-json';
import type { DeployTuning } from '../../export/deploy/apply';
import type { AwsCaller } from '../../export/deploy/aws';

export interface DeployOptions {
  profile: string;
  /** Apply the plan; without it (or with --dry-run) the ordered calls are printed and nothing is called. */
  apply?: boolean;
  dryRun?: boolean;
  status?: boolean;
  drift?: boolean;
  endpoint?: string;
  region?: string;
  /** Minutes to wait for the cluster (ACTIVE) and each connector (RUNNING). */
  waitMinutes?: number;
}

export interface DeployIo {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
}

/**
 * `kflow deploy` as a function (the CLI and tests call it): returns the exit
 * code. 0 done / no drift, 1 problems, drift or a failed call, 2 usage.
 * `tuning` and `aws` are for tests (fast polling, a recording caller).
 */
export async function deploy(
  specFile: string,
  opts: DeployOptions,
  io: DeployIo,
  extra: { tuning?: Partial<DeployTuning>; aws?: AwsCaller } = {},
): Promise<number> {
  const modes = [opts.apply, opts.status, opts.drift].filter(Boolean).length;
  if (modes > 1 || (opts.dryRun && modes > 0)) {
    io.err.write('kflow deploy: choose one of --dry-run (the default), --apply, --status, --drift\n');
    return 2;
  }
  const { checkExport, formatExportProblem } = await import('../../export/validate');
  const r = checkExport(readJson(specFile, 'spec'), readJson(opts.profile, 'profile'));
  if (!r.ok || !r.model) {
    for (const p of r.problems) io.out.write(`${formatExportProblem(specFile, opts.profile, p)}\n`);
    io.err.write(`nothing deployed: ${r.problems.length} problem(s)\n`);
    return 1;
  }
  const model = r.model;
  if (!opts.apply && !opts.status && !opts.drift) {
    const { buildPlan, renderPlan } = await import('../../export/targets/plan');
    io.out.write(renderPlan(buildPlan(model)));
    io.err.write(
      'dry run: these are the calls a deploy makes when nothing exists yet; nothing was called. Apply with --apply.\n',
    );
    return 0;
  }

  const d = await import('../../export/deploy/index');
  const owned = extra.aws
    ? undefined
    : d.sdkCaller({
        region: opts.region ?? model.region,
        ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      });
  const aws = extra.aws ?? owned!;
  const progress = d.streamProgress(io.err);
  try {
    if (opts.status) {
      const state = await d.readState(model, aws);
      for (const line of d.formatStatus(model, state)) io.out.write(`${line}\n`);
      return 0;
    }
    if (opts.drift) {
      const state = await d.readState(model, aws);
      const diffs = d.compareState(model, state, d.knownRefs(model, state));
      for (const x of diffs) io.out.write(`${d.formatDifference(x)}\n`);
      io.err.write(
        diffs.length === 0
          ? 'no drift: what is deployed is what the spec and profile say\n'
          : `${diffs.length} difference(s)\n`,
      );
      return diffs.length === 0 ? 0 : 1;
    }
    const wait = opts.waitMinutes !== undefined ? opts.waitMinutes * 60_000 : undefined;
    const tuning: DeployTuning = {
      ...d.DEFAULT_TUNING,
      ...(wait !== undefined ? { clusterTimeoutMs: wait, connectorTimeoutMs: wait } : {}),
      ...extra.tuning,
    };
    const result = await d.applyDeployment(model, aws, progress, tuning);
    io.out.write(
      `deployed ${model.name}: ${result.changes.length} change(s), ${result.unchanged} step(s) unchanged${
        result.manual.length > 0 ? `, ${result.manual.length} difference(s) left for you (listed above)` : ''
      }\n`,
    );
    return result.manual.length > 0 ? 1 : 0;
  } catch (err) {
    io.err.write(`kflow deploy: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    owned?.close();
  }
}

export function registerDeploy(program: Command): void {
  program
    .command('deploy')
    .description(
      'apply a spec and a deployment profile to AWS (dry run by default), or show its status or drift',
    )
    .argument('<spec>', 'spec file (.json)')
    .requiredOption('--profile <file>', 'deployment profile (.json), see docs/export.md')
    .option('--dry-run', 'print the ordered AWS calls without calling anything (the default)')
    .option('--apply', 'create or update what differs, then wait for the cluster and connectors')
    .option(
      '--status',
      'show the live state: cluster, connectors (state, capacity, workers, plugin), engine, alarms',
    )
    .option(
      '--drift',
      'list every difference between the spec+profile and what is deployed; exit 1 when there is one',
    )
    .option('--endpoint <url>', 'send every AWS call to this URL (LocalStack, a test fake)')
    .option('--region <region>', "AWS region of the calls (default: the profile's)")
    .option('--wait <minutes>', 'how long to wait for the cluster and each connector', (v) => Number(v))
    .action(async function (this: Command, specFile: string, o: DeployOptions & { wait?: number }) {
      const code = await deploy(
        specFile,
        { ...o, ...(o.wait !== undefined ? { waitMinutes: o.wait } : {}) },
        { out: process.stdout, err: process.stderr },
      );
      this.setOptionValue('__exitCode', code);
    });
}
