/**
 * @module export/deploy/drift
 * The deployment model (what the spec and profile say) against the described
 * state (what AWS has): every difference, naming the resource, the field and
 * both values, and what `kflow deploy --apply` does about it. Pure.
 *
 * A field is compared only where the model sets it: AWS adds defaults of its
 * own (a described cluster has more than was asked for) and those are not
 * drift. A connector's configuration is the exception: it is compared key by
 * key both ways, since a key added by hand changes what the connector does.
 */
import { policyDocument, propertiesText, trustPolicy, type DeploymentModel } from '../model';
import { alarmInput, clusterInput, connectorInput, containerDefinition } from '../targets/plan';
import { clusterFieldChange } from './cluster-update';
import { at, logGroupsOf, resolveRefs, type DeployedState } from './state';

export type ResourceKind =
  | 'cluster'
  | 'configuration'
  | 'topic'
  | 'log group'
  | 'role'
  | 'plugin'
  | 'worker configuration'
  | 'connector'
  | 'secret'
  | 'task definition'
  | 'service'
  | 'alarm';

/**
 * What deploy does about a difference: `create` a missing resource, `update`
 * it in place, or nothing (`manual`: AWS has no in-place update for it, or
 * kflow does not change it; the message says what to do).
 */
export type Change = 'create' | 'update' | 'manual';

export interface Difference {
  kind: ResourceKind;
  name: string;
  /** Dotted path of the field (`connectorConfiguration.flush.size`); empty when the whole resource is missing. */
  field: string;
  desired: string;
  deployed: string;
  change: Change;
  /** The spec node the resource comes from, when there is one. */
  nodeId?: string;
}

export const MISSING = '(not deployed)';

const show = (v: unknown): string =>
  v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v);

interface Leaf {
  field: string;
  desired: unknown;
  deployed: unknown;
}

/**
 * Where `deployed` differs from `desired`, leaf by leaf, under `prefix`.
 * Keys only the deployed side has are ignored; an unset deployed flag equals a
 * desired `false`, an unset list an empty one.
 */
export function leafDiffs(prefix: string, desired: unknown, deployed: unknown): Leaf[] {
  const join = (k: string): string => (prefix ? `${prefix}.${k}` : k);
  if (Array.isArray(desired)) {
    const d = Array.isArray(deployed) ? deployed : [];
    if (desired.length === 0 && deployed === undefined) return [];
    if (desired.every((x) => typeof x !== 'object' || x === null)) {
      return JSON.stringify(desired) === JSON.stringify(d) ? [] : [{ field: prefix, desired, deployed }];
    }
    if (desired.length !== d.length) return [{ field: prefix, desired, deployed }];
    return desired.flatMap((x, i) => leafDiffs(`${prefix}[${i}]`, x, d[i]));
  }
  if (desired !== null && typeof desired === 'object') {
    // An unset deployed object is compared leaf by leaf, so `{ Enabled: false }` matches it.
    if (deployed === undefined || deployed === null)
      return Object.entries(desired).flatMap(([k, v]) =>
        v === undefined ? [] : leafDiffs(join(k), v, undefined),
      );
    if (typeof deployed !== 'object') return [{ field: prefix, desired, deployed }];
    return Object.entries(desired).flatMap(([k, v]) =>
      v === undefined ? [] : leafDiffs(join(k), v, (deployed as Record<string, unknown>)[k]),
    );
  }
  if (desired === deployed) return [];
  if (desired === false && deployed === undefined) return [];
  return [{ field: prefix, desired, deployed }];
}

/** A string map compared key by key both ways (a connector's configuration). */
function mapDiffs(prefix: string, desired: Record<string, string>, deployed: unknown): Leaf[] {
  const d = (deployed && typeof deployed === 'object' ? deployed : {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(desired), ...Object.keys(d)])].sort();
  return keys
    .filter((k) => desired[k] !== d[k])
    .map((k) => ({ field: `${prefix}.${k}`, desired: desired[k], deployed: d[k] }));
}

function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

export function compareState(m: DeploymentModel, s: DeployedState, refs: Map<string, string>): Difference[] {
  const out: Difference[] = [];
  const add = (
    kind: ResourceKind,
    name: string,
    leaves: Leaf[],
    change: Change | ((l: Leaf) => Change),
    nodeId?: string,
  ): void => {
    for (const l of leaves)
      out.push({
        kind,
        name,
        field: l.field,
        desired: show(l.desired),
        deployed: show(l.deployed),
        change: typeof change === 'function' ? change(l) : change,
        ...(nodeId ? { nodeId } : {}),
      });
  };
  const missing = (kind: ResourceKind, name: string, change: Change = 'create', nodeId?: string): void => {
    out.push({
      kind,
      name,
      field: '',
      desired: 'exists',
      deployed: MISSING,
      change,
      ...(nodeId ? { nodeId } : {}),
    });
  };

  // The cluster: changed in place where MSK can (cluster-update.ts), one aspect per update operation.
  const c = m.cluster;
  if (c.configuration) {
    const d = s.configuration;
    if (!d) missing('configuration', c.configuration.name);
    else
      add(
        'configuration',
        c.configuration.name,
        [
          ...mapDiffs(
            'serverProperties',
            parseProperties(c.configuration.serverProperties),
            parseProperties(d.serverProperties),
          ),
          ...leafDiffs('kafkaVersions', [c.provisioned?.kafkaVersion], d.kafkaVersions),
        ],
        // A new revision (UpdateConfiguration) that the cluster then runs; its Kafka versions are fixed.
        (l) => (l.field.startsWith('serverProperties.') ? 'update' : 'manual'),
      );
  }
  if (!s.cluster) missing('cluster', c.name, c.kind === 'existing' ? 'manual' : 'create');
  else {
    const info = s.cluster.info;
    const leaves: Leaf[] = [];
    if (!['ACTIVE', 'CREATING', 'UPDATING'].includes(s.cluster.state))
      leaves.push({ field: 'state', desired: 'ACTIVE', deployed: s.cluster.state });
    const input = resolveRefs(clusterInput(m), refs);
    if (input && 'Provisioned' in input) {
      const { KafkaVersion, ConfigurationInfo, ...rest } = input['Provisioned'] as Record<string, unknown>;
      leaves.push(
        ...leafDiffs(
          'kafkaVersion',
          KafkaVersion,
          at(info, 'Provisioned.CurrentBrokerSoftwareInfo.KafkaVersion'),
        ),
      );
      if (ConfigurationInfo) {
        const arn = (ConfigurationInfo as { Arn: string }).Arn;
        const runs = at(info, 'Provisioned.CurrentBrokerSoftwareInfo.ConfigurationArn');
        leaves.push(...leafDiffs('configurationArn', arn, runs));
        // kflow's configuration is kflow's: the cluster runs its latest revision.
        if (s.configuration && runs === s.configuration.arn)
          leaves.push(
            ...leafDiffs(
              'configurationRevision',
              s.configuration.revision,
              at(info, 'Provisioned.CurrentBrokerSoftwareInfo.ConfigurationRevision'),
            ),
          );
      }
      leaves.push(...leafDiffs('', rest, info['Provisioned']));
      add('cluster', c.name, leaves, (l) =>
        l.field === 'state' ? 'manual' : clusterFieldChange(l.field, l.desired, l.deployed),
      );
    } else {
      // A serverless cluster has no in-place update kflow makes (MSK changes only its connectivity).
      if (input && 'Serverless' in input)
        leaves.push(...leafDiffs('', input['Serverless'], info['Serverless']));
      add('cluster', c.name, leaves, 'manual');
    }
  }

  // Topics can only be described on an ACTIVE cluster; before that they are all to create.
  for (const t of m.topics) {
    const d = s.topics.get(t.name);
    const nodeId = t.nodeIds[0];
    if (!d) {
      missing('topic', t.name, 'create', nodeId);
      continue;
    }
    const leaves = [
      ...leafDiffs('partitions', t.partitions, d.partitions),
      ...leafDiffs('replicationFactor', t.replicationFactor, d.replicationFactor),
      ...leafDiffs('configs', t.configs, d.configs),
    ];
    // Kafka adds partitions but never removes them, and cannot change the replication factor in place.
    add(
      'topic',
      t.name,
      leaves,
      (l) =>
        l.field === 'replicationFactor' ||
        (l.field === 'partitions' && Number(l.desired) < Number(l.deployed))
          ? 'manual'
          : 'update',
      nodeId,
    );
  }

  for (const g of logGroupsOf(m)) if (!s.logGroups.has(g)) missing('log group', g);

  for (const r of m.roles) {
    const d = s.roles.get(r.name);
    if (!d) {
      missing('role', r.name);
      continue;
    }
    const leaves = [
      ...leafDiffs('trustPolicy', trustPolicy(r), d.trust),
      ...(r.statements.length > 0 ? leafDiffs('policy', resolveRefs(policyDocument(r), refs), d.policy) : []),
    ];
    for (const arn of r.managedPolicyArns)
      if (!d.managedPolicyArns.includes(arn))
        leaves.push({ field: 'managedPolicies', desired: arn, deployed: d.managedPolicyArns });
    add('role', r.name, leaves, 'update');
  }

  for (const p of m.plugins) {
    const d = s.plugins.get(p.name);
    if (!d) {
      missing('plugin', p.name);
      continue;
    }
    const leaves = [
      ...leafDiffs('location.bucketArn', p.bucketArn, d.bucketArn),
      ...leafDiffs('location.fileKey', p.fileKey, d.fileKey),
    ];
    if (d.state === 'CREATE_FAILED') leaves.push({ field: 'state', desired: 'ACTIVE', deployed: d.state });
    add('plugin', p.name, leaves, 'manual');
  }

  for (const w of m.workerConfigurations) {
    const d = s.workerConfigurations.get(w.name);
    if (!d) missing('worker configuration', w.name);
    else
      add(
        'worker configuration',
        w.name,
        mapDiffs('properties', parseProperties(propertiesText(w)), parseProperties(d.properties)),
        'manual',
      );
  }

  for (const secret of [...new Set(m.connectors.flatMap((x) => x.secrets.map((y) => y.secret)))].sort())
    if (s.secrets.get(secret) !== true) missing('secret', secret, 'manual');

  for (const x of m.connectors) {
    const d = s.connectors.get(x.name);
    if (!d) {
      missing('connector', x.name, 'create', x.nodeId);
      continue;
    }
    const want = resolveRefs(connectorInput(x, m), refs);
    const leaves: Leaf[] = [];
    if (d['connectorState'] === 'FAILED')
      leaves.push({ field: 'state', desired: 'RUNNING', deployed: 'FAILED' });
    leaves.push(
      ...mapDiffs(
        'connectorConfiguration',
        want['connectorConfiguration'] as Record<string, string>,
        d['connectorConfiguration'],
      ),
    );
    leaves.push(...leafDiffs('capacity', want['capacity'], d['capacity']));
    for (const k of [
      'kafkaConnectVersion',
      'kafkaCluster',
      'kafkaClusterClientAuthentication',
      'kafkaClusterEncryptionInTransit',
      'serviceExecutionRoleArn',
      'logDelivery',
    ])
      leaves.push(...leafDiffs(k, want[k], d[k]));
    leaves.push(
      ...leafDiffs(
        'plugins[0].customPluginArn',
        at(want, 'plugins.0.customPlugin.customPluginArn'),
        at(d, 'plugins.0.customPlugin.customPluginArn'),
      ),
      ...leafDiffs(
        'workerConfiguration.workerConfigurationArn',
        at(want, 'workerConfiguration.workerConfigurationArn'),
        at(d, 'workerConfiguration.workerConfigurationArn'),
      ),
    );
    // MSK Connect updates a connector's configuration and capacity in place; the rest needs a new connector.
    add(
      'connector',
      x.name,
      leaves,
      (l) =>
        l.field.startsWith('connectorConfiguration.') || l.field.startsWith('capacity') ? 'update' : 'manual',
      x.nodeId,
    );
  }

  if (m.engine) {
    const e = m.engine;
    const td = s.taskDefinition;
    if (!td) missing('task definition', e.family);
    else {
      const want = resolveRefs(
        {
          cpu: e.cpu,
          memory: e.memory,
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          taskRoleArn: `{{${e.taskRoleLogicalId}.arn}}`,
          executionRoleArn: `{{${e.executionRoleLogicalId}.arn}}`,
          containerDefinitions: [containerDefinition(m)],
        },
        refs,
      );
      add('task definition', e.family, leafDiffs('', want, td), 'update');
    }
    const svc = s.service;
    if (!svc) missing('service', e.serviceName);
    else {
      const leaves = [
        ...leafDiffs('desiredCount', e.desiredCount, svc['desiredCount']),
        ...leafDiffs(
          'networkConfiguration.awsvpcConfiguration.subnets',
          m.subnets,
          at(svc, 'networkConfiguration.awsvpcConfiguration.subnets'),
        ),
        ...leafDiffs(
          'networkConfiguration.awsvpcConfiguration.securityGroups',
          m.securityGroups,
          at(svc, 'networkConfiguration.awsvpcConfiguration.securityGroups'),
        ),
      ];
      // A task definition that differs gets a new revision, which the service then runs.
      if (td && svc['taskDefinition'] !== td['taskDefinitionArn'])
        leaves.push({
          field: 'taskDefinition',
          desired: td['taskDefinitionArn'],
          deployed: svc['taskDefinition'],
        });
      add('service', e.serviceName, leaves, 'update');
    }
  }

  for (const a of m.alarms) {
    const d = s.alarms.get(a.name);
    if (!d) {
      missing('alarm', a.name);
      continue;
    }
    add('alarm', a.name, leafDiffs('', alarmSettings(a), d), 'update');
  }
  return out;
}

/** The alarm's settings as PutMetricAlarm takes them, without its name (the name is how it was found). */
function alarmSettings(a: DeploymentModel['alarms'][number]) {
  const { AlarmName: _name, ...settings } = alarmInput(a);
  return settings;
}
