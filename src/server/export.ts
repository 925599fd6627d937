/**
 * @module server/export
 * The exporter behind the API: targets and rendering (pure), and deploys to AWS through
 * `export/deploy/run`, the action `kflow deploy` uses. A deploy's lines are pushed as
 * `deploy.progress` events and its end as `deploy.done`. Credentials come from the AWS SDK's
 * default chain of the backend's process, as for the CLI, and never cross to the page;
 * `KFLOW_AWS_ENDPOINT` sends every call to one URL (a test fake, LocalStack).
 */
import { randomBytes } from 'node:crypto';
import {
  ApiError,
  type DeployResultView,
  type DeployTarget,
  type ExportApi,
  type ExportRequest,
} from '../api/index';
import type { Problem } from '../spec/types';
import type { DeployTuning } from '../export/deploy/apply';
import type { AwsCaller } from '../export/deploy/aws';
import {
  checkDeployment,
  deploymentDrift,
  deploymentStatus,
  driftRow,
  runDeployment,
  type AwsAccess,
  type DeployRun,
  type Failed,
  type Refused,
} from '../export/deploy/run';
import { exportPipeline, TARGET_FILES, TARGETS } from '../export/index';
import type { ExportProblem } from '../export/validate';
import { silentLog, type Log } from './errors';
import type { EventBus } from './events';

const LABELS: Record<ExportRequest['target'], string> = {
  plan: 'Deployment plan',
  cloudformation: 'AWS CloudFormation',
  terraform: 'Terraform',
};

/** The environment variable that points the app's AWS calls at one endpoint. */
export const AWS_ENDPOINT_ENV = 'KFLOW_AWS_ENDPOINT';

export interface ExportOptions {
  events: Pick<EventBus, 'emit'>;
  log?: Log;
  /** Read for `KFLOW_AWS_ENDPOINT`; the SDK reads credentials from the process's own environment. */
  env?: NodeJS.ProcessEnv;
  /** For tests: a caller instead of the SDK, faster polling. */
  aws?: AwsCaller;
  tuning?: Partial<DeployTuning>;
}

/** `spec.nodes[1].config.region`, `profile.network.subnets`: the file first, as `render` and the dialog show them. */
function problemView(p: ExportProblem): Problem {
  return {
    severity: p.severity,
    nodeId: p.nodeId,
    path: `${p.source}${p.path ? `.${p.path}` : ''}`,
    message: p.message,
  };
}

function refusedError(r: Refused): ApiError {
  const first = r.problems[0];
  return new ApiError(
    'invalid',
    `the export was refused: ${r.problems.length} problem(s)${first ? `, first: ${first.message}` : ''}`,
    r.problems.map(problemView),
  );
}

const awsError = (r: Failed): ApiError => new ApiError('connection', r.error);

function resultView(deployId: string, mode: DeployResultView['mode'], r: DeployRun): DeployResultView {
  const base = { deployId, mode, changes: [], unchanged: 0, manual: [] };
  switch (r.outcome) {
    case 'planned':
      return { ...base, ok: true, calls: r.calls };
    case 'applied':
      return {
        ...base,
        ok: true,
        changes: r.result.changes,
        unchanged: r.result.unchanged,
        manual: r.result.manual.map(driftRow),
      };
    case 'failed':
      return { ...base, ok: false, error: r.error };
    case 'refused':
      return { ...base, ok: false, error: refusedError(r).message };
  }
}

export function createExport(opts: ExportOptions): ExportApi {
  const log = opts.log ?? silentLog;
  const env = opts.env ?? process.env;
  let applying: string | null = null;

  const access = (): AwsAccess => {
    if (opts.aws) return { aws: opts.aws };
    const endpoint = env[AWS_ENDPOINT_ENV];
    if (!endpoint) return {};
    if (!/^https?:\/\/[^\s/]+/.test(endpoint))
      throw new ApiError('invalid', `${AWS_ENDPOINT_ENV} is not an http(s) URL: ${endpoint.slice(0, 80)}`);
    return { endpoint };
  };

  return {
    async targets() {
      return TARGETS.map((id) => ({ id, label: LABELS[id], file: TARGET_FILES[id] }));
    },
    async render(req) {
      const r = exportPipeline(req.spec, req.profile, req.target);
      if (!r.ok)
        return {
          ok: false,
          problems: r.problems.map((p) => {
            const { path, message, nodeId } = problemView(p);
            return { path, message, nodeId };
          }),
        };
      return { ok: true, files: r.files };
    },

    async deploy(req) {
      const where = access();
      const checked = checkDeployment(req.spec, req.profile);
      if (checked.outcome === 'refused') throw refusedError(checked);
      if (req.mode === 'apply' && applying)
        throw new ApiError('conflict', `a deploy is being applied (${applying}); wait for it to finish`);
      const deployId = `deploy-${randomBytes(6).toString('hex')}`;
      if (req.mode === 'apply') applying = deployId;
      log.info('deploy started', { deployId, pipeline: req.spec.name, mode: req.mode });
      // Started on the next turn: the caller has its id before the first event.
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
        runDeployment({
          spec: req.spec,
          profile: req.profile,
          mode: req.mode,
          access: where,
          ...(opts.tuning ? { tuning: opts.tuning } : {}),
          onProgress: (e) => opts.events.emit({ type: 'deploy.progress', progress: { deployId, ...e } }),
        }),
      );
      void done
        .then(
          (r) => resultView(deployId, req.mode, r),
          (err: unknown): DeployResultView => {
            // runDeployment turns every failure into an outcome: this is a bug, so only the log has its message.
            log.error('deploy failed unexpectedly', { deployId, error: String(err) });
            const error = 'internal error in export.deploy';
            return { deployId, mode: req.mode, ok: false, changes: [], unchanged: 0, manual: [], error };
          },
        )
        .then((result) => {
          if (applying === deployId) applying = null;
          if (!result.ok) log.warn('deploy failed', { deployId, error: result.error });
          opts.events.emit({ type: 'deploy.done', result });
        });
      return { deployId };
    },

    async status(req: DeployTarget) {
      const r = await deploymentStatus({ spec: req.spec, profile: req.profile, access: access() });
      if (r.outcome === 'refused') throw refusedError(r);
      if (r.outcome === 'failed') throw awsError(r);
      return r.value;
    },

    async drift(req: DeployTarget) {
      const r = await deploymentDrift({ spec: req.spec, profile: req.profile, access: access() });
      if (r.outcome === 'refused') throw refusedError(r);
      if (r.outcome === 'failed') throw awsError(r);
      return r.value.map(driftRow);
    },
  };
}
