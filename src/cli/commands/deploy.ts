import type { Command } from 'commander';
import { readJson } from '../read-json';
import type { DeployTuning } from '../../export/deploy/apply';
import type { AwsCaller } from '../../export/deploy/aws';
import type { Difference } from '../../export/deploy/drift';
import type { StatusRow } from '../../export/deploy/status';
import type { ExportProblem } from '../../export/validate';

export interface DeployOptions {
  profile: string;
  /** Apply the plan; without it (or with --dry-run) the ordered calls are printed and nothing is called. */
  apply?: boolean;
  /** With --apply: replace (delete + create) connectors whose plugin or worker configuration changed. */
  allowReplace?: boolean;
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
 * `tuning` and `aws` are for tests (fast polling, a recording caller). The
 * work is `export/deploy/run`'s, shared with the app; this prints it.
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
  const [run, { formatExportProblem }, { formatDifference }, { formatStatusRow }, { renderPlan }] =
    await Promise.all([
      import('../../export/deploy/run'),
      import('../../export/validate'),
      import('../../export/deploy/progress'),
      import('../../export/deploy/status'),
      import('../../export/targets/plan'),
    ]);
  const input = {
    spec: readJson(specFile, 'spec'),
    profile: readJson(opts.profile, 'profile'),
    access: extra.aws
      ? { aws: extra.aws }
      : {
          ...(opts.region ? { region: opts.region } : {}),
          ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
        },
  };
  const refused = (problems: ExportProblem[]): number => {
    for (const p of problems) io.out.write(`${formatExportProblem(specFile, opts.profile, p)}\n`);
    io.err.write(`nothing deployed: ${problems.length} problem(s)\n`);
    return 1;
  };
  const failed = (error: string): number => {
    io.err.write(`kflow deploy: ${error}\n`);
    return 1;
  };

  if (opts.status || opts.drift) {
    const r = opts.status ? await run.deploymentStatus(input) : await run.deploymentDrift(input);
    if (r.outcome === 'refused') return refused(r.problems);
    if (r.outcome === 'failed') return failed(r.error);
    if (opts.status) {
      for (const row of r.value as StatusRow[])
        for (const line of formatStatusRow(row)) io.out.write(`${line}\n`);
      return 0;
    }
    const diffs = r.value as Difference[];
    for (const x of diffs) io.out.write(`${formatDifference(x)}\n`);
    io.err.write(
      diffs.length === 0
        ? 'no drift: what is deployed is what the spec and profile say\n'
        : `${diffs.length} difference(s)\n`,
    );
    return diffs.length === 0 ? 0 : 1;
  }

  const wait = opts.waitMinutes !== undefined ? opts.waitMinutes * 60_000 : undefined;
  const r = await run.runDeployment({
    ...input,
    mode: opts.apply ? 'apply' : 'dry-run',
    allowReplace: opts.allowReplace === true,
    tuning: {
      ...(wait !== undefined ? { clusterTimeoutMs: wait, connectorTimeoutMs: wait } : {}),
      ...extra.tuning,
    },
    onProgress: (e) => io.err.write(`${e.message}\n`),
  });
  switch (r.outcome) {
    case 'refused':
      return refused(r.problems);
    case 'failed':
      return failed(r.error);
    case 'planned':
      io.out.write(renderPlan(r.plan));
      io.err.write(
        'dry run: these are the calls a deploy makes when nothing exists yet; nothing was called. Apply with --apply.\n',
      );
      return 0;
    case 'applied': {
      const { result } = r;
      io.out.write(
        `deployed ${r.model.name}: ${result.changes.length} change(s), ${result.unchanged} step(s) unchanged${
          result.manual.length > 0
            ? `, ${result.manual.length} difference(s) left for you (listed above)`
            : ''
        }\n`,
      );
      return result.manual.length > 0 ? 1 : 0;
    }
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
    .option(
      '--allow-replace',
      'with --apply: delete and create again a connector whose custom plugin or worker configuration changed',
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
