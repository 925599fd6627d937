/**
 * @module export/deploy/state
 * What is deployed now, read with describe/list/get calls only: the state the
 * drift comparison and the apply loop start from. Resources are found by the
 * names the model gives them. Secrets are only checked to exist
 * (DescribeSecret); their values are never read.
 */
import { bootstrapKind, type DeploymentModel } from '../model';
import { isNotFound, type AwsCaller, type AwsOutput } from './aws';
import { contentName, pluginContent, workerContent } from './replace';

export interface DeployedCluster {
  arn: string;
  name: string;
  /** CREATING, ACTIVE, UPDATING, FAILED, ... */
  state: string;
  /** DescribeClusterV2's ClusterInfo. */
  info: AwsOutput;
}

export interface DeployedTopic {
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface DeployedRole {
  arn: string;
  trust: unknown;
  /** The inline policy `kflow`, parsed; undefined when the role has none. */
  policy?: unknown;
  managedPolicyArns: string[];
}

export interface DeployedPlugin {
  /** The profile's name, or the content-derived name of a replacement (replace.ts). */
  name: string;
  arn: string;
  state: string;
  revision: number;
  bucketArn: string;
  fileKey: string;
}

export interface DeployedWorkerConfiguration {
  name: string;
  arn: string;
  state: string;
  revision: number;
  /** The properties file, decoded. */
  properties: string;
}

export interface DeployedState {
  cluster?: DeployedCluster;
  /** The bootstrap string clients use, once the cluster is ACTIVE. */
  bootstrap?: string;
  configuration?: { arn: string; revision: number; serverProperties: string; kafkaVersions: string[] };
  topics: Map<string, DeployedTopic>;
  logGroups: Set<string>;
  roles: Map<string, DeployedRole>;
  plugins: Map<string, DeployedPlugin>;
  workerConfigurations: Map<string, DeployedWorkerConfiguration>;
  /** DescribeConnector outputs by connector name. */
  connectors: Map<string, AwsOutput>;
  /** DescribeTaskDefinition's taskDefinition (latest ACTIVE revision of the family). */
  taskDefinition?: AwsOutput;
  /** DescribeServices' service, unless it is INACTIVE (deleted). */
  service?: AwsOutput;
  /** DescribeAlarms' MetricAlarms by name. */
  alarms: Map<string, AwsOutput>;
  /** Whether each referenced Secrets Manager secret exists. */
  secrets: Map<string, boolean>;
}

/** `a.b.c` of a described object. */
export function at(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const list = (v: unknown): AwsOutput[] => (Array.isArray(v) ? (v as AwsOutput[]) : []);

/** Runs a describe call; a not-found answer is `undefined`, any other error propagates. */
async function maybe(p: Promise<AwsOutput>): Promise<AwsOutput | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Every page of a list call, following `NextToken`/`nextToken`. */
async function pages(
  fetch: (token: string | undefined) => Promise<AwsOutput>,
  items: string,
): Promise<AwsOutput[]> {
  const out: AwsOutput[] = [];
  let token: string | undefined;
  for (let i = 0; i < 100; i++) {
    const r = await fetch(token);
    out.push(...list(r[items]));
    token = str(r['NextToken'] ?? r['nextToken']) || undefined;
    if (!token) break;
  }
  return out;
}

// IAM returns policy documents URL-encoded.
function policyJson(doc: unknown): unknown {
  const s = str(doc);
  if (!s) return undefined;
  try {
    return JSON.parse(decodeURIComponent(s)) as unknown;
  } catch {
    return s;
  }
}

const BOOTSTRAP_FIELD = {
  iam: 'BootstrapBrokerStringSaslIam',
  tls: 'BootstrapBrokerStringTls',
  plaintext: 'BootstrapBrokerString',
} as const;

export const bootstrapField = (m: DeploymentModel): string => BOOTSTRAP_FIELD[bootstrapKind(m.cluster)];

/** The log groups the deployment writes to (connectors' and the engine's). */
export function logGroupsOf(m: DeploymentModel): string[] {
  return [
    ...new Set([...m.connectors.map((c) => c.logGroup), ...(m.engine ? [m.engine.logGroup] : [])]),
  ].sort();
}

async function readCluster(m: DeploymentModel, aws: AwsCaller): Promise<DeployedCluster | undefined> {
  const c = m.cluster;
  let arn = c.kind === 'existing' ? c.arn : '';
  if (!arn) {
    const found = await pages(
      (NextToken) => aws.call('kafka', 'ListClustersV2', { ClusterNameFilter: c.name, NextToken }),
      'ClusterInfoList',
    );
    arn = str(found.find((x) => x['ClusterName'] === c.name && x['State'] !== 'DELETING')?.['ClusterArn']);
    if (!arn) return undefined;
  }
  const r = await maybe(aws.call('kafka', 'DescribeClusterV2', { ClusterArn: arn }));
  const info = r?.['ClusterInfo'] as AwsOutput | undefined;
  if (!info) return undefined;
  return { arn, name: str(info['ClusterName']), state: str(info['State']), info };
}

export async function readState(m: DeploymentModel, aws: AwsCaller): Promise<DeployedState> {
  const s: DeployedState = {
    topics: new Map(),
    logGroups: new Set(),
    roles: new Map(),
    plugins: new Map(),
    workerConfigurations: new Map(),
    connectors: new Map(),
    alarms: new Map(),
    secrets: new Map(),
  };

  if (m.cluster.configuration) {
    const name = m.cluster.configuration.name;
    const all = await pages(
      (NextToken) => aws.call('kafka', 'ListConfigurations', { NextToken }),
      'Configurations',
    );
    const conf = all.find((x) => x['Name'] === name && x['State'] !== 'DELETING');
    if (conf) {
      const arn = str(conf['Arn']);
      const revision = num(at(conf, 'LatestRevision.Revision'));
      const rev = await aws.call('kafka', 'DescribeConfigurationRevision', { Arn: arn, Revision: revision });
      const bytes = rev['ServerProperties'];
      s.configuration = {
        arn,
        revision,
        serverProperties: bytes instanceof Uint8Array ? new TextDecoder().decode(bytes) : str(bytes),
        kafkaVersions: (conf['KafkaVersions'] as string[] | undefined) ?? [],
      };
    }
  }

  s.cluster = await readCluster(m, aws);
  if (s.cluster?.state === 'ACTIVE') {
    if (m.cluster.kind === 'existing') s.bootstrap = m.cluster.bootstrapServers;
    else {
      const b = await aws.call('kafka', 'GetBootstrapBrokers', { ClusterArn: s.cluster.arn });
      s.bootstrap = str(b[bootstrapField(m)]) || undefined;
    }
    for (const t of m.topics) {
      const r = await maybe(
        aws.call('kafka', 'DescribeTopic', { ClusterArn: s.cluster.arn, TopicName: t.name }),
      );
      if (!r) continue;
      let configs: Record<string, string> = {};
      const raw = str(r['Configs']);
      if (raw) {
        try {
          configs = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Record<string, string>;
        } catch {
          configs = {};
        }
      }
      s.topics.set(t.name, {
        partitions: num(r['PartitionCount']),
        replicationFactor: num(r['ReplicationFactor']),
        configs,
      });
    }
  }

  for (const g of logGroupsOf(m)) {
    const r = await aws.call('logs', 'DescribeLogGroups', { logGroupNamePrefix: g });
    if (list(r['logGroups']).some((x) => x['logGroupName'] === g)) s.logGroups.add(g);
  }

  for (const role of m.roles) {
    const r = await maybe(aws.call('iam', 'GetRole', { RoleName: role.name }));
    if (!r) continue;
    const policy = await maybe(
      aws.call('iam', 'GetRolePolicy', { RoleName: role.name, PolicyName: 'kflow' }),
    );
    const attached = await pages(
      (Marker) => aws.call('iam', 'ListAttachedRolePolicies', { RoleName: role.name, Marker }),
      'AttachedPolicies',
    );
    s.roles.set(role.name, {
      arn: str(at(r, 'Role.Arn')),
      trust: policyJson(at(r, 'Role.AssumeRolePolicyDocument')),
      ...(policy ? { policy: policyJson(policy['PolicyDocument']) } : {}),
      managedPolicyArns: attached.map((a) => str(a['PolicyArn'])).sort(),
    });
  }

  for (const p of m.plugins) {
    const found = await pages(
      (nextToken) => aws.call('kafkaconnect', 'ListCustomPlugins', { namePrefix: p.name, nextToken }),
      'customPlugins',
    );
    const live = found.filter((f) => f['customPluginState'] !== 'DELETING');
    const replacement = contentName(p.name, pluginContent(p));
    const x = live.find((f) => f['name'] === replacement) ?? live.find((f) => f['name'] === p.name);
    if (!x) continue;
    s.plugins.set(p.name, {
      name: str(x['name']),
      arn: str(x['customPluginArn']),
      state: str(x['customPluginState']),
      revision: num(at(x, 'latestRevision.revision')),
      bucketArn: str(at(x, 'latestRevision.location.s3Location.bucketArn')),
      fileKey: str(at(x, 'latestRevision.location.s3Location.fileKey')),
    });
  }

  for (const w of m.workerConfigurations) {
    const found = await pages(
      (nextToken) => aws.call('kafkaconnect', 'ListWorkerConfigurations', { namePrefix: w.name, nextToken }),
      'workerConfigurations',
    );
    const live = found.filter((f) => f['workerConfigurationState'] !== 'DELETING');
    const replacement = contentName(w.name, workerContent(w));
    const x = live.find((f) => f['name'] === replacement) ?? live.find((f) => f['name'] === w.name);
    if (!x) continue;
    const arn = str(x['workerConfigurationArn']);
    const d = await aws.call('kafkaconnect', 'DescribeWorkerConfiguration', { workerConfigurationArn: arn });
    s.workerConfigurations.set(w.name, {
      name: str(x['name']),
      arn,
      state: str(d['workerConfigurationState']),
      revision: num(at(d, 'latestRevision.revision')),
      properties: Buffer.from(str(at(d, 'latestRevision.propertiesFileContent')), 'base64').toString('utf8'),
    });
  }

  for (const c of m.connectors) {
    const found = await pages(
      (nextToken) => aws.call('kafkaconnect', 'ListConnectors', { connectorNamePrefix: c.name, nextToken }),
      'connectors',
    );
    const x = found.find((f) => f['connectorName'] === c.name && f['connectorState'] !== 'DELETING');
    if (!x) continue;
    s.connectors.set(
      c.name,
      await aws.call('kafkaconnect', 'DescribeConnector', { connectorArn: str(x['connectorArn']) }),
    );
  }
  for (const secret of new Set(m.connectors.flatMap((c) => c.secrets.map((x) => x.secret)))) {
    const r = await maybe(aws.call('secretsmanager', 'DescribeSecret', { SecretId: secret }));
    s.secrets.set(secret, r !== undefined && !r['DeletedDate']);
  }

  if (m.engine) {
    const e = m.engine;
    try {
      const r = await aws.call('ecs', 'DescribeTaskDefinition', { taskDefinition: e.family });
      s.taskDefinition = r['taskDefinition'] as AwsOutput | undefined;
    } catch (err) {
      // ECS answers a family it does not know with a ClientException.
      if (!isNotFound(err) && !(err instanceof Error && /ClientException/.test(err.message))) throw err;
    }
    const r = await maybe(
      aws.call('ecs', 'DescribeServices', { cluster: e.ecsCluster, services: [e.serviceName] }),
    );
    const svc = list(r?.['services']).find((x) => x['serviceName'] === e.serviceName);
    if (svc && svc['status'] !== 'INACTIVE') s.service = svc;
  }

  const names = m.alarms.map((a) => a.name);
  for (let i = 0; i < names.length; i += 100) {
    const r = await aws.call('cloudwatch', 'DescribeAlarms', { AlarmNames: names.slice(i, i + 100) });
    for (const a of list(r['MetricAlarms'])) s.alarms.set(str(a['AlarmName']), a);
  }
  return s;
}

/** The `{{LogicalId.attr}}` values the deployed state already provides. */
export function knownRefs(m: DeploymentModel, s: DeployedState): Map<string, string> {
  const refs = new Map<string, string>();
  if (m.cluster.kind === 'existing') {
    refs.set('Cluster.arn', m.cluster.arn);
    refs.set('Cluster.bootstrap', m.cluster.bootstrapServers);
  } else if (s.cluster) refs.set('Cluster.arn', s.cluster.arn);
  if (s.bootstrap) refs.set('Cluster.bootstrap', s.bootstrap);
  if (s.configuration) refs.set('ClusterConfiguration.arn', s.configuration.arn);
  for (const r of m.roles) {
    const d = s.roles.get(r.name);
    if (d) refs.set(`${r.logicalId}.arn`, d.arn);
  }
  for (const p of m.plugins) {
    const d = s.plugins.get(p.name);
    if (d) refs.set(`${p.logicalId}.arn`, d.arn);
  }
  for (const w of m.workerConfigurations) {
    const d = s.workerConfigurations.get(w.name);
    if (d) refs.set(`${w.logicalId}.arn`, d.arn);
  }
  const td = s.taskDefinition?.['taskDefinitionArn'];
  if (m.engine && typeof td === 'string') refs.set(`${m.engine.logicalId}.arn`, td);
  return refs;
}

/** Replaces the `{{LogicalId.attr}}` references it knows in every string of a value. */
export function resolveRefs<T>(value: T, refs: Map<string, string>): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string')
      return v.replace(
        /\{\{([A-Za-z0-9]+\.(?:arn|bootstrap))\}\}/g,
        (all, key: string) => refs.get(key) ?? all,
      );
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Uint8Array) return v;
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
