/**
 * @module export/deploy/run
 * The one deploy action `kflow deploy` and the app share: a spec and a
 * profile, checked, then a dry run (the ordered calls), an apply, the status
 * or the drift, as structured results. The CLI prints them; the app's server
 * pushes the progress as events. Calls go to AWS through the SDK with its
 * default credential chain (optionally at one endpoint) or through a given
 * caller (tests).
 */
import type { DeploymentModel } from '../model';
import { buildPlan, type Plan, type PlanStep } from '../targets/plan';
import { checkExport, type ExportProblem } from '../validate';
import { applyDeployment, DEFAULT_TUNING, type ApplyResult, type DeployTuning } from './apply';
import { sdkCaller, type AwsCaller } from './aws';
import { compareState, type Difference } from './drift';
import { parseProgressLine, redact } from './progress';
import { knownRefs, readState } from './state';
import { statusRows, type StatusRow } from './status';

export type DeployMode = 'dry-run' | 'apply';

/** Where the calls go: a caller (tests), or the SDK's clients in the profile's region unless `region` says otherwise. */
export type AwsAccess = { aws: AwsCaller } | { endpoint?: string; region?: string };

export interface DeployInput {
  /** Both as read from JSON: they are checked here before anything is called. */
  spec: unknown;
  profile: unknown;
  access: AwsAccess;
}

/** A progress line with what it is about; `message` is the line `kflow deploy` prints. */
export interface DeployProgressEvent {
  step: number | null;
  total: number;
  /** Plan steps reached so far. */
  done: number;
  resource: string | null;
  nodeId: string | null;
  message: string;
}

/** One call of the plan as a dry run lists it. */
export interface PlannedCall {
  step: number;
  service: string;
  command: string;
  resource: string;
  nodeId: string | null;
}

/** A drift difference fit to show: secret-looking values hidden. */
export interface DriftRow {
  kind: string;
  name: string;
  nodeId: string | null;
  field: string;
  deployed: string;
  wanted: string;
  change: Difference['change'];
}

export type Refused = { outcome: 'refused'; problems: ExportProblem[] };
export type Failed = { outcome: 'failed'; model: DeploymentModel; error: string };

export type DeployRun =
  | Refused
  | Failed
  | { outcome: 'planned'; model: DeploymentModel; plan: Plan; calls: PlannedCall[] }
  | { outcome: 'applied'; model: DeploymentModel; result: ApplyResult };

export type DeployRead<T> = Refused | Failed | { outcome: 'read'; model: DeploymentModel; value: T };

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function withAws<T>(
  m: DeploymentModel,
  access: AwsAccess,
  use: (aws: AwsCaller) => Promise<T>,
): Promise<T> {
  if ('aws' in access) return use(access.aws);
  const owned = sdkCaller({
    region: access.region ?? m.region,
    ...(access.endpoint ? { endpoint: access.endpoint } : {}),
  });
  try {
    return await use(owned);
  } finally {
    owned.close();
  }
}

/** The export check a deploy starts with (the app runs it before it answers with a deploy id). */
export function checkDeployment(
  spec: unknown,
  profile: unknown,
): Refused | { outcome: 'ok'; model: DeploymentModel } {
  const r = checkExport(spec, profile);
  return r.ok && r.model ? { outcome: 'ok', model: r.model } : { outcome: 'refused', problems: r.problems };
}

/** The spec node a resource comes from: connectors (and their role, worker configuration) and topics. */
function nodeOf(m: DeploymentModel, name: string): string | null {
  return (
    m.connectors.find((c) => c.name === name)?.nodeId ??
    m.topics.find((t) => t.name === name)?.nodeIds[0] ??
    null
  );
}

/** The input member that names what a call creates, in the SDK's spelling. */
const NAME_MEMBERS = [
  'ClusterName',
  'TopicName',
  'RoleName',
  'AlarmName',
  'Name',
  'connectorName',
  'name',
  'logGroupName',
  'family',
  'serviceName',
];

function plannedCall(m: DeploymentModel, s: PlanStep): PlannedCall {
  const member = NAME_MEMBERS.find((k) => typeof s.input[k] === 'string');
  const resource = member ? String(s.input[member]) : '';
  return { step: s.step, service: s.service, command: s.command, resource, nodeId: nodeOf(m, resource) };
}

export function driftRow(d: Difference): DriftRow {
  return {
    kind: d.kind,
    name: d.name,
    nodeId: d.nodeId ?? null,
    field: d.field,
    deployed: redact(d.field, d.deployed),
    wanted: redact(d.field, d.desired),
    change: d.change,
  };
}

/**
 * A dry run (the ordered calls a deploy makes when nothing exists yet; nothing is called) or an
 * apply (describe first, then create or update what differs, waiting for ACTIVE and RUNNING).
 * Never throws: a refused export and a failed call are outcomes.
 */
export async function runDeployment(
  input: DeployInput & {
    mode: DeployMode;
    tuning?: Partial<DeployTuning>;
    /** Replace connectors whose plugin or worker configuration changed (apply.ts). */
    allowReplace?: boolean;
    onProgress?: (e: DeployProgressEvent) => void;
  },
): Promise<DeployRun> {
  const checked = checkDeployment(input.spec, input.profile);
  if (checked.outcome === 'refused') return checked;
  const m = checked.model;
  const plan = buildPlan(m);
  if (input.mode === 'dry-run')
    return { outcome: 'planned', model: m, plan, calls: plan.steps.map((s) => plannedCall(m, s)) };

  const total = plan.steps.length;
  let done = 0;
  const progress = {
    line(text: string): void {
      const p = parseProgressLine(text);
      if (p.step !== null) done = Math.max(done, p.step);
      const name = p.resource?.slice(p.resource.lastIndexOf(' ') + 1);
      input.onProgress?.({
        step: p.step,
        total,
        done,
        resource: p.resource,
        nodeId: p.nodeId ?? (name ? nodeOf(m, name) : null),
        message: text,
      });
    },
  };
  try {
    const result = await withAws(m, input.access, (aws) =>
      applyDeployment(
        m,
        aws,
        progress,
        { ...DEFAULT_TUNING, ...input.tuning },
        { allowReplace: input.allowReplace === true },
      ),
    );
    return { outcome: 'applied', model: m, result };
  } catch (err) {
    return { outcome: 'failed', model: m, error: message(err) };
  }
}

async function read<T>(
  input: DeployInput,
  what: (m: DeploymentModel, aws: AwsCaller) => Promise<T>,
): Promise<DeployRead<T>> {
  const checked = checkDeployment(input.spec, input.profile);
  if (checked.outcome === 'refused') return checked;
  const m = checked.model;
  try {
    return { outcome: 'read', model: m, value: await withAws(m, input.access, (aws) => what(m, aws)) };
  } catch (err) {
    return { outcome: 'failed', model: m, error: message(err) };
  }
}

/** The live state of what the spec deploys (`kflow deploy --status`), described with read-only calls. */
export function deploymentStatus(input: DeployInput): Promise<DeployRead<StatusRow[]>> {
  return read(input, async (m, aws) => statusRows(m, await readState(m, aws)));
}

/** Every difference between the spec and what is deployed (`kflow deploy --drift`). */
export function deploymentDrift(input: DeployInput): Promise<DeployRead<Difference[]>> {
  return read(input, async (m, aws) => {
    const state = await readState(m, aws);
    return compareState(m, state, knownRefs(m, state));
  });
}
