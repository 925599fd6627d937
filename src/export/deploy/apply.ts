/**
 * @module export/deploy/apply
 * `kflow deploy --apply`: the plan's steps in order, each run only when the
 * described state says its resource is missing or differs in a way AWS can
 * update in place; everything else is left alone, so a second deploy makes
 * no change. Waits for the cluster to be ACTIVE, custom plugins ACTIVE and
 * connectors RUNNING, polling with backoff and giving up after a timeout.
 */
import type { ConnectorModel, DeploymentModel } from '../model';
import { buildPlan, clusterInput, connectorInput, type PlanStep } from '../targets/plan';
import { AwsCallError, type AwsCaller, type AwsOutput } from './aws';
import { clusterRefusal, clusterUpdates } from './cluster-update';
import { contentName, pluginContent, workerContent } from './replace';
import { compareState, type Difference, type ResourceKind } from './drift';
import { formatDifference, formatStep, formatWait, type Progress } from './progress';
import { at, knownRefs, readState, resolveRefs } from './state';

export interface DeployTuning {
  /** First wait between two describes; it grows by half each time up to pollMaxMs. */
  pollInitialMs: number;
  pollMaxMs: number;
  clusterTimeoutMs: number;
  connectorTimeoutMs: number;
}

export const DEFAULT_TUNING: DeployTuning = {
  pollInitialMs: 5_000,
  pollMaxMs: 30_000,
  // A new provisioned MSK cluster takes 15-40 minutes; a connector a few.
  clusterTimeoutMs: 60 * 60_000,
  connectorTimeoutMs: 30 * 60_000,
};

/** A deploy that cannot go on; nothing after the failing step was called. */
export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployError';
  }
}

export interface ApplyOptions {
  /**
   * Replace (delete, then create) a connector whose custom plugin or worker configuration
   * changed: MSK Connect cannot change either in place. Without it such a deploy stops first.
   */
  allowReplace?: boolean;
}

export interface ApplyResult {
  /** The calls that changed something, in order. */
  changes: { service: string; command: string; resource: string }[];
  unchanged: number;
  /** Differences deploy does not resolve (a cluster setting, a plugin's file, ...). */
  manual: Difference[];
}

interface StepTarget {
  kind: ResourceKind;
  name: string;
}

function stepTarget(step: PlanStep): StepTarget | undefined {
  const i = step.input;
  const s = (k: string): string => String(i[k] ?? '');
  switch (step.command) {
    case 'CreateConfiguration':
      return { kind: 'configuration', name: s('Name') };
    case 'CreateClusterV2':
      return { kind: 'cluster', name: s('ClusterName') };
    case 'CreateTopic':
      return { kind: 'topic', name: s('TopicName') };
    case 'CreateLogGroup':
      return { kind: 'log group', name: s('logGroupName') };
    case 'CreateRole':
    case 'PutRolePolicy':
    case 'AttachRolePolicy':
      return { kind: 'role', name: s('RoleName') };
    case 'CreateCustomPlugin':
      return { kind: 'plugin', name: s('name') };
    case 'CreateWorkerConfiguration':
      return { kind: 'worker configuration', name: s('name') };
    case 'CreateConnector':
      return { kind: 'connector', name: s('connectorName') };
    case 'RegisterTaskDefinition':
      return { kind: 'task definition', name: s('family') };
    case 'CreateService':
      return { kind: 'service', name: s('serviceName') };
    case 'PutMetricAlarm':
      return { kind: 'alarm', name: s('AlarmName') };
    default:
      return undefined;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function applyDeployment(
  m: DeploymentModel,
  aws: AwsCaller,
  progress: Progress,
  tuning: DeployTuning = DEFAULT_TUNING,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  progress.line(`reading what is deployed for ${m.name} in ${m.region}`);
  const state = await readState(m, aws);
  const refs = knownRefs(m, state);
  const diffs = compareState(m, state, refs);

  // Found before any change: a deploy that cannot finish does not start.
  const blocking = diffs.filter(
    (d) => (d.kind === 'secret' || (d.kind === 'cluster' && m.cluster.kind === 'existing')) && !d.field,
  );
  const refused = diffs.flatMap((d) => {
    const why =
      d.kind === 'cluster' && d.field ? clusterRefusal(m, d.field, d.desired, d.deployed) : undefined;
    return why ? [why] : [];
  });
  // A changed plugin file or worker properties: a new one (content-named), and its connectors replaced.
  const changedPlugins = m.plugins.filter((p) =>
    diffs.some((d) => d.kind === 'plugin' && d.name === p.name && d.field.startsWith('location.')),
  );
  const changedWorkers = m.workerConfigurations.filter((w) =>
    diffs.some(
      (d) => d.kind === 'worker configuration' && d.name === w.name && d.field.startsWith('properties.'),
    ),
  );
  const replaceConnectors = new Map<string, string>();
  for (const c of m.connectors) {
    if (!state.connectors.has(c.name)) continue;
    const p = changedPlugins.find((x) => x.logicalId === c.pluginLogicalId);
    const w = changedWorkers.find((x) => x.logicalId === c.workerConfigurationLogicalId);
    const why = [
      ...(p ? [`its custom plugin ${p.name} changed (${p.fileKey})`] : []),
      ...(w ? [`its worker configuration ${w.name} changed`] : []),
    ];
    if (why.length > 0) replaceConnectors.set(c.name, why.join(' and '));
  }
  if (!options.allowReplace)
    for (const [name, why] of replaceConnectors)
      refused.push(
        `connector ${name} would be replaced (deleted, then created) because ${why}: MSK Connect changes neither a plugin, a worker configuration nor a connector's choice of them in place; deploy with --allow-replace to do it`,
      );
  if (blocking.length > 0 || refused.length > 0)
    throw new DeployError(
      `nothing deployed:\n${[
        ...blocking.map((d) =>
          d.kind === 'secret'
            ? `secret ${d.name} does not exist in Secrets Manager (${m.region}); create it first (kflow never reads or writes its value)`
            : `the profile's existing cluster ${m.cluster.arn} was not found`,
        ),
        ...refused,
      ]
        .map((line) => `  ${line}`)
        .join('\n')}`,
    );

  const byResource = new Map<string, Difference[]>();
  for (const d of diffs) {
    const k = `${d.kind}:${d.name}`;
    byResource.set(k, [...(byResource.get(k) ?? []), d]);
  }
  const replaced = (d: Difference): boolean =>
    options.allowReplace === true &&
    ((d.kind === 'plugin' && changedPlugins.some((p) => p.name === d.name)) ||
      (d.kind === 'worker configuration' && changedWorkers.some((w) => w.name === d.name)));
  const result: ApplyResult = {
    changes: [],
    unchanged: 0,
    manual: diffs.filter((d) => d.change === 'manual' && !replaced(d)),
  };
  const plan = buildPlan(m);
  const total = plan.steps.length;
  const waitConnectors = new Set<string>();
  let clusterCreated = false;
  /** The revision UpdateConfiguration made in this deploy, which the cluster must then run. */
  let newConfigurationRevision: number | undefined;
  let taskDefinitionRegistered = false;

  const call = async (
    service: PlanStep['service'] | 'secretsmanager',
    command: string,
    input: Record<string, unknown>,
    resource: string,
  ): Promise<AwsOutput> => {
    const out = await aws.call(service, command, input);
    result.changes.push({ service, command, resource });
    return out;
  };
  const provide = (step: PlanStep, out: AwsOutput): void => {
    for (const [key, path] of Object.entries(step.provides ?? {})) {
      const v = at(out, path);
      if (typeof v === 'string') refs.set(key, v);
    }
  };
  const sdkInput = (step: PlanStep): Record<string, unknown> => {
    const input = resolveRefs(step.input, refs);
    const unresolved = JSON.stringify(input).match(/\{\{[A-Za-z0-9]+\.(arn|bootstrap)\}\}/);
    if (unresolved)
      throw new DeployError(
        `step ${step.step} ${step.command} needs ${unresolved[0]}, which no earlier step provided`,
      );
    // The SDK takes the cluster configuration's properties as bytes; the plan shows them as text.
    if (step.command === 'CreateConfiguration')
      input['ServerProperties'] = new TextEncoder().encode(String(input['ServerProperties']));
    return input;
  };

  const poll = async (
    what: string,
    describe: () => Promise<{ state: string; reason?: string }>,
    done: string,
    failed: string[],
    timeoutMs: number,
  ): Promise<void> => {
    const start = Date.now();
    let delay = tuning.pollInitialMs;
    let last = '';
    for (;;) {
      const { state: now, reason } = await describe();
      if (now !== last) progress.line(formatWait(what, now, Date.now() - start));
      last = now;
      if (now === done) return;
      if (failed.includes(now))
        throw new DeployError(
          `${what} is ${now}${reason ? `: ${reason}` : ''}; fix the cause and deploy again`,
        );
      if (Date.now() - start > timeoutMs)
        throw new DeployError(
          `${what} is still ${now} after ${
            timeoutMs >= 60_000 ? `${Math.round(timeoutMs / 60_000)} min` : `${timeoutMs / 1000} s`
          }; it may still finish: follow it with kflow deploy --status and deploy again once it is ${done}`,
        );
      await sleep(delay);
      delay = Math.min(tuning.pollMaxMs, Math.ceil(delay * 1.5));
    }
  };
  const waitCluster = (arn: string): Promise<void> =>
    poll(
      `cluster ${m.cluster.name}`,
      async () => {
        const r = await aws.call('kafka', 'DescribeClusterV2', { ClusterArn: arn });
        return {
          state: String(at(r, 'ClusterInfo.State')),
          reason: String(at(r, 'ClusterInfo.StateInfo.Message') ?? ''),
        };
      },
      'ACTIVE',
      ['FAILED', 'DELETING'],
      tuning.clusterTimeoutMs,
    );
  const connectorArn = (c: ConnectorModel): string => {
    const arn =
      refs.get(`connector:${c.name}`) ?? String(state.connectors.get(c.name)?.['connectorArn'] ?? '');
    if (!arn) throw new DeployError(`connector ${c.name} has no ARN`);
    return arn;
  };
  const waitConnector = (c: ConnectorModel): Promise<void> =>
    poll(
      `connector ${c.name}`,
      async () => {
        const r = await aws.call('kafkaconnect', 'DescribeConnector', { connectorArn: connectorArn(c) });
        return {
          state: String(r['connectorState']),
          reason: String(at(r, 'stateDescription.message') ?? ''),
        };
      },
      'RUNNING',
      ['FAILED', 'DELETING'],
      tuning.connectorTimeoutMs,
    );

  for (const step of plan.steps) {
    const target = stepTarget(step);
    const label = target ? `${target.kind} ${target.name}` : step.command;
    const own = target ? (byResource.get(`${target.kind}:${target.name}`) ?? []) : [];
    const isMissing = own.some((d) => !d.field && d.change === 'create');
    const updates = own.filter((d) => d.field && d.change === 'update');
    const say = (verb: string): void => progress.line(formatStep(step.step, total, verb, label));

    switch (step.command) {
      case 'GetBootstrapBrokers': {
        const arn = refs.get('Cluster.arn') ?? '';
        if (!clusterCreated && state.cluster && state.cluster.state !== 'ACTIVE') await waitCluster(arn);
        if (!refs.has('Cluster.bootstrap')) {
          const out = await aws.call('kafka', 'GetBootstrapBrokers', { ClusterArn: arn });
          provide(step, out);
          if (!refs.has('Cluster.bootstrap'))
            throw new DeployError(
              `cluster ${m.cluster.name} has no ${Object.values(step.provides ?? {})[0]} bootstrap string: is that authentication enabled?`,
            );
          say('read bootstrap servers of');
        }
        continue;
      }
      case 'CreateClusterV2': {
        if (isMissing) {
          say('create');
          provide(step, await call('kafka', step.command, sdkInput(step), label));
          clusterCreated = true;
          await waitCluster(refs.get('Cluster.arn') ?? '');
        } else if (updates.length > 0 || newConfigurationRevision !== undefined) {
          await updateCluster(
            step,
            updates.map((d) => d.field),
          );
        } else result.unchanged++;
        continue;
      }
      case 'CreateConfiguration': {
        if (isMissing) {
          say('create');
          provide(step, await call('kafka', step.command, sdkInput(step), label));
        } else if (updates.length > 0 && state.configuration) {
          say('add a revision to');
          const out = await call(
            'kafka',
            'UpdateConfiguration',
            { Arn: state.configuration.arn, ServerProperties: sdkInput(step)['ServerProperties'] },
            label,
          );
          newConfigurationRevision = Number(at(out, 'LatestRevision.Revision'));
        } else result.unchanged++;
        continue;
      }
      case 'CreateTopic': {
        if (isMissing || clusterCreated) {
          say('create');
          try {
            await call('kafka', step.command, sdkInput(step), label);
          } catch (err) {
            // Another producer may have created it since the describe: that is what `ifExists: skip` allows.
            if (!(err instanceof AwsCallError && /Conflict|AlreadyExists/.test(err.code))) throw err;
          }
        } else if (updates.length > 0) {
          say('update');
          const partitions = updates.find((d) => d.field === 'partitions');
          const configs = updates.some((d) => d.field.startsWith('configs'));
          const input = sdkInput(step);
          await call(
            'kafka',
            'UpdateTopic',
            {
              ClusterArn: input['ClusterArn'],
              TopicName: input['TopicName'],
              ...(partitions ? { PartitionCount: input['PartitionCount'] } : {}),
              ...(configs ? { Configs: input['Configs'] } : {}),
            },
            label,
          );
        } else result.unchanged++;
        continue;
      }
      case 'CreateRole': {
        if (isMissing) {
          say('create');
          provide(step, await call('iam', step.command, sdkInput(step), label));
        } else if (updates.some((d) => d.field.startsWith('trustPolicy'))) {
          say('update trust policy of');
          const input = sdkInput(step);
          await call(
            'iam',
            'UpdateAssumeRolePolicy',
            { RoleName: input['RoleName'], PolicyDocument: input['AssumeRolePolicyDocument'] },
            label,
          );
        } else result.unchanged++;
        continue;
      }
      case 'PutRolePolicy':
      case 'AttachRolePolicy': {
        const field = step.command === 'PutRolePolicy' ? 'policy' : 'managedPolicies';
        const differs = updates.some(
          (d) => d.field.startsWith(field) && (field === 'policy' || d.desired === step.input['PolicyArn']),
        );
        if (isMissing || differs) {
          say(step.command === 'PutRolePolicy' ? 'put the inline policy of' : 'attach a managed policy to');
          await call('iam', step.command, sdkInput(step), label);
        } else result.unchanged++;
        continue;
      }
      case 'CreateConnector': {
        const c = m.connectors.find((x) => x.name === target?.name);
        if (!c) continue;
        if (isMissing || (options.allowReplace && replaceConnectors.has(c.name))) {
          if (!isMissing) await deleteConnector(c, replaceConnectors.get(c.name) ?? '', say);
          await waitPlugin(c);
          say('create');
          const out = await call('kafkaconnect', step.command, sdkInput(step), label);
          refs.set(`connector:${c.name}`, String(out['connectorArn'] ?? ''));
          waitConnectors.add(c.name);
        } else if (updates.length > 0) {
          await updateConnector(c, updates);
          waitConnectors.add(c.name);
        } else result.unchanged++;
        continue;
      }
      case 'RegisterTaskDefinition': {
        if (isMissing || updates.length > 0) {
          say(isMissing ? 'register' : 'register a new revision of');
          provide(step, await call('ecs', step.command, sdkInput(step), label));
          taskDefinitionRegistered = !isMissing;
        } else result.unchanged++;
        continue;
      }
      case 'CreateService': {
        if (isMissing) {
          say('create');
          await call('ecs', step.command, sdkInput(step), label);
        } else if (updates.length > 0 || taskDefinitionRegistered) {
          say('update');
          const input = sdkInput(step);
          await call(
            'ecs',
            'UpdateService',
            {
              cluster: input['cluster'],
              service: input['serviceName'],
              taskDefinition: input['taskDefinition'],
              desiredCount: input['desiredCount'],
              networkConfiguration: input['networkConfiguration'],
            },
            label,
          );
        } else result.unchanged++;
        continue;
      }
      case 'CreateCustomPlugin':
      case 'CreateWorkerConfiguration': {
        const p = changedPlugins.find((x) => x.name === target?.name);
        const w = changedWorkers.find((x) => x.name === target?.name);
        const fresh = step.command === 'CreateCustomPlugin' ? p : w;
        if (!isMissing && options.allowReplace && fresh) {
          const name = p
            ? contentName(p.name, pluginContent(p))
            : w
              ? contentName(w.name, workerContent(w))
              : '';
          progress.line(formatStep(step.step, total, 'create a new', `${target?.kind ?? ''} ${name}`));
          provide(step, await call(step.service, step.command, { ...sdkInput(step), name }, label));
          continue;
        }
        if (isMissing) {
          say('create');
          provide(step, await call(step.service, step.command, sdkInput(step), label));
        } else result.unchanged++;
        continue;
      }
      default: {
        // Create-only resources (configuration, log group, plugin, worker configuration) and
        // upserts (PutMetricAlarm) run when missing; an alarm also when it differs.
        const upsert = step.command === 'PutMetricAlarm' && updates.length > 0;
        if (isMissing || upsert) {
          say(isMissing ? 'create' : 'update');
          provide(step, await call(step.service, step.command, sdkInput(step), label));
        } else result.unchanged++;
      }
    }
  }

  for (const c of m.connectors) if (waitConnectors.has(c.name)) await waitConnector(c);
  for (const d of result.manual) progress.line(`not changed: ${formatDifference(d)}`);
  return result;

  /**
   * MSK's in-place updates, one per aspect: each reads the cluster's CurrentVersion, starts an
   * update operation and waits for the cluster to be ACTIVE again before the next.
   */
  async function updateCluster(step: PlanStep, fields: string[]): Promise<void> {
    const arn = refs.get('Cluster.arn') ?? '';
    const want = resolveRefs(clusterInput(m), refs)?.['Provisioned'] as Record<string, unknown> | undefined;
    if (!want || !state.cluster) return;
    const conf = state.configuration
      ? { arn: state.configuration.arn, revision: newConfigurationRevision ?? state.configuration.revision }
      : undefined;
    const calls = clusterUpdates(
      want,
      newConfigurationRevision !== undefined ? [...fields, 'configurationRevision'] : fields,
      conf,
    );
    for (const u of calls) {
      // MSK runs one update operation at a time, and each one changes CurrentVersion.
      let current = await aws.call('kafka', 'DescribeClusterV2', { ClusterArn: arn });
      if (at(current, 'ClusterInfo.State') !== 'ACTIVE') {
        await waitCluster(arn);
        current = await aws.call('kafka', 'DescribeClusterV2', { ClusterArn: arn });
      }
      progress.line(formatStep(step.step, total, `${u.command} on`, `cluster ${m.cluster.name}`));
      try {
        await call(
          'kafka',
          u.command,
          { ClusterArn: arn, CurrentVersion: at(current, 'ClusterInfo.CurrentVersion'), ...u.input },
          `cluster ${m.cluster.name}`,
        );
      } catch (err) {
        if (!(err instanceof AwsCallError)) throw err;
        const hint =
          u.command === 'UpdateBrokerStorage'
            ? " (MSK grows a broker's storage at most once every 6 hours; deploy again later)"
            : '';
        throw new DeployError(
          `cluster ${m.cluster.name}: MSK refused ${u.command}: ${err.code}: ${err.message}${hint}`,
        );
      }
      await waitCluster(arn);
    }
  }

  /** Deletes a connector to be created anew, and waits until MSK Connect no longer knows it. */
  async function deleteConnector(c: ConnectorModel, why: string, say: (verb: string) => void): Promise<void> {
    const arn = connectorArn(c);
    progress.line(`replacing connector ${c.name}: ${why}`);
    const now = await aws.call('kafkaconnect', 'DescribeConnector', { connectorArn: arn });
    say('delete');
    await call(
      'kafkaconnect',
      'DeleteConnector',
      { connectorArn: arn, currentVersion: now['currentVersion'] },
      `connector ${c.name}`,
    );
    await poll(
      `connector ${c.name}`,
      async () => {
        try {
          const r = await aws.call('kafkaconnect', 'DescribeConnector', { connectorArn: arn });
          return { state: String(r['connectorState']) };
        } catch (err) {
          if (err instanceof AwsCallError && /NotFound/.test(err.code)) return { state: 'DELETED' };
          throw err;
        }
      },
      'DELETED',
      ['FAILED'],
      tuning.connectorTimeoutMs,
    );
  }

  async function waitPlugin(c: ConnectorModel): Promise<void> {
    const arn = refs.get(`${c.pluginLogicalId}.arn`);
    if (!arn) return;
    const known = [...state.plugins.values()].find((p) => p.arn === arn);
    if (known?.state === 'ACTIVE') return;
    await poll(
      `custom plugin ${m.plugins.find((p) => p.logicalId === c.pluginLogicalId)?.name ?? arn}`,
      async () => {
        const r = await aws.call('kafkaconnect', 'DescribeCustomPlugin', { customPluginArn: arn });
        return {
          state: String(r['customPluginState']),
          reason: String(at(r, 'stateDescription.message') ?? ''),
        };
      },
      'ACTIVE',
      ['CREATE_FAILED', 'DELETING'],
      tuning.connectorTimeoutMs,
    );
  }

  /** MSK Connect takes one change per UpdateConnector: capacity, then the configuration, each after RUNNING. */
  async function updateConnector(c: ConnectorModel, updates: Difference[]): Promise<void> {
    const want = resolveRefs(connectorInput(c, m), refs);
    const parts: [string, Record<string, unknown>][] = [];
    if (updates.some((d) => d.field.startsWith('capacity')))
      parts.push(['capacity', { capacity: want['capacity'] }]);
    if (updates.some((d) => d.field.startsWith('connectorConfiguration.')))
      parts.push(['configuration', { connectorConfiguration: want['connectorConfiguration'] }]);
    for (const [i, [what, body]] of parts.entries()) {
      if (i > 0) await waitConnector(c);
      const now = await aws.call('kafkaconnect', 'DescribeConnector', { connectorArn: connectorArn(c) });
      progress.line(
        formatStep(
          plan.steps.find((s) => s.command === 'CreateConnector' && s.input['connectorName'] === c.name)
            ?.step ?? 0,
          total,
          `update the ${what} of`,
          `connector ${c.name}`,
        ),
      );
      await call(
        'kafkaconnect',
        'UpdateConnector',
        { connectorArn: connectorArn(c), currentVersion: now['currentVersion'], ...body },
        `connector ${c.name}`,
      );
    }
  }
}
