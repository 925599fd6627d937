/**
 * @module export/model
 * Maps a validated pipeline spec and a deployment profile to one typed
 * deployment model: every AWS resource the pipeline needs, with its exact
 * settings. The targets (plan, CloudFormation, Terraform) only render this
 * model, so they describe the same resources by construction.
 *
 * References between resources are placeholders `{{LogicalId.attr}}` inside
 * strings (attr: arn, bootstrap); each target turns them into its own syntax
 * (a step output, Fn::Sub/GetAtt, a Terraform reference).
 */
import { parseDuration } from '../spec/duration';
import type { PipelineSpec, SpecNode } from '../spec/types';
import { clusterAuth, parseClusterArn, type DeploymentProfile, type ProvisionedCluster } from './profile';

export const ref = (logicalId: string, attr: 'arn' | 'bootstrap'): string => `{{${logicalId}.${attr}}}`;
export const REF_PATTERN = /\{\{([A-Za-z0-9]+)\.(arn|bootstrap)\}\}/g;

export interface SecretReference {
  secret: string;
  key: string;
}

export interface TopicModel {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
  /** The spec nodes that read or write it. */
  nodeIds: string[];
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface RoleModel {
  logicalId: string;
  name: string;
  service: 'kafkaconnect.amazonaws.com' | 'ecs-tasks.amazonaws.com';
  statements: PolicyStatement[];
  /** Managed policies attached as they are (the ECS execution role). */
  managedPolicyArns: string[];
}

export interface PluginModel {
  logicalId: string;
  name: string;
  bucketArn: string;
  fileKey: string;
}

export interface WorkerConfigurationModel {
  logicalId: string;
  name: string;
  /** connect-distributed.properties lines, in order. */
  properties: [string, string][];
}

export type CapacityModel =
  | { kind: 'provisioned'; mcuCount: number; workers: number }
  | {
      kind: 'autoscaling';
      mcuCount: number;
      minWorkers: number;
      maxWorkers: number;
      scaleInCpuPercent: number;
      scaleOutCpuPercent: number;
    };

export interface ConnectorModel {
  logicalId: string;
  nodeId: string;
  name: string;
  connectorKind: 'sink.s3' | 'source.cdc.mysql';
  kafkaConnectVersion: string;
  capacity: CapacityModel;
  config: Record<string, string>;
  pluginLogicalId: string;
  workerConfigurationLogicalId: string;
  roleLogicalId: string;
  authentication: 'IAM' | 'NONE';
  encryptionInTransit: 'TLS' | 'PLAINTEXT';
  logGroup: string;
  secrets: SecretReference[];
}

export interface EngineModel {
  logicalId: string;
  family: string;
  serviceName: string;
  ecsCluster: string;
  image: string;
  cpu: string;
  memory: string;
  desiredCount: number;
  taskRoleLogicalId: string;
  executionRoleLogicalId: string;
  logGroup: string;
  command: string[];
  environment: [string, string][];
  /** The spec the engine runs: connector nodes replaced by the topics they read or write. */
  spec: PipelineSpec;
}

export interface AlarmModel {
  logicalId: string;
  name: string;
  metric: 'MaxOffsetLag' | 'SumOffsetLag' | 'KafkaDataLogsDiskUsed' | 'CpuUser';
  dimensions: [string, string][];
  statistic: 'Maximum' | 'Average';
  threshold: number;
  periodSeconds: number;
  evaluationPeriods: number;
  actions: string[];
}

export interface ClusterModel {
  logicalId: 'Cluster';
  kind: 'provisioned' | 'serverless' | 'existing';
  name: string;
  arn: string;
  bootstrapServers: string;
  /** The cluster's uuid in IAM resource ARNs: `*` until a new cluster exists. */
  uuid: string;
  provisioned?: ProvisionedCluster;
  configuration?: { logicalId: 'ClusterConfiguration'; name: string; serverProperties: string };
  /** Broker ids for the per-broker disk alarms (provisioned clusters). */
  brokerIds: number[];
}

export interface DeploymentModel {
  name: string;
  region: string;
  accountId: string;
  tags: Record<string, string>;
  subnets: string[];
  securityGroups: string[];
  cluster: ClusterModel;
  topics: TopicModel[];
  plugins: PluginModel[];
  workerConfigurations: WorkerConfigurationModel[];
  roles: RoleModel[];
  connectors: ConnectorModel[];
  engine?: EngineModel;
  alarms: AlarmModel[];
}

const CONNECTOR_KINDS = new Set(['sink.s3', 'source.cdc.mysql']);

/** `lake` → `Lake`, `orders-cdc` → `OrdersCdc`: CloudFormation logical ids are alphanumeric. */
export function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function isSecretRef(v: unknown): v is SecretReference {
  return typeof v === 'object' && v !== null && typeof (v as { secret?: unknown }).secret === 'string';
}

/** The reference MSK Connect's Secrets Manager config provider resolves at run time. */
export function secretPlaceholder(s: SecretReference): string {
  return `\${secretManager:${s.secret}:${s.key}}`;
}

const ms = (d: unknown): number | undefined => {
  if (typeof d === 'number') return d;
  if (typeof d !== 'string') return undefined;
  const r = parseDuration(d);
  return r.ok ? r.ms : undefined;
};

interface Edge {
  from: string;
  to: string;
}
const nodeOf = (end: string): string => end.split('.')[0] ?? end;

/**
 * The topics a sink connector can read directly: when everything upstream of
 * it is topic sources joined by merges, the connector reads those topics and
 * the engine is not involved.
 */
function directTopics(spec: PipelineSpec, nodeId: string, edges: Edge[]): string[] | undefined {
  const byId = new Map(spec.nodes.map((n) => [n.id, n]));
  const out: string[] = [];
  const visit = (id: string): boolean => {
    const n = byId.get(id);
    if (!n) return false;
    if (n.kind === 'source.topic') {
      out.push(String(n.config['topic']));
      return true;
    }
    if (n.kind !== 'merge' && id !== nodeId) return false;
    const ins = edges.filter((e) => nodeOf(e.to) === id).map((e) => nodeOf(e.from));
    return ins.length > 0 && ins.every(visit);
  };
  return visit(nodeId) ? [...new Set(out)].sort() : undefined;
}

export const handoffTopic = (spec: PipelineSpec, nodeId: string): string => `${spec.name}.${nodeId}.in`;

function cdcTopic(n: SpecNode): string {
  return `${String(n.config['topicPrefix'])}.${String(n.config['table'])}`;
}

export function buildModel(spec: PipelineSpec, profile: DeploymentProfile): DeploymentModel {
  const name = spec.name;
  const prefix = `${name}-${profile.name}`;
  const tags = { 'kflow:pipeline': name, 'kflow:profile': profile.name, ...profile.tags };
  const cluster = clusterModel(profile, prefix);
  const edges = spec.edges;
  const topics = new Map<string, TopicModel>();
  const addTopic = (topic: string, nodeId: string, node?: SpecNode): void => {
    const t = topics.get(topic) ?? {
      name: topic,
      partitions: profile.topics.partitions,
      replicationFactor: cluster.kind === 'serverless' ? 3 : profile.topics.replicationFactor,
      configs: {},
      nodeIds: [],
    };
    if (node) {
      const p = node.config['partitions'];
      if (typeof p === 'number') t.partitions = p;
      const rf = node.config['replicationFactor'];
      if (typeof rf === 'number') t.replicationFactor = rf;
      const tc = node.config['topicConfig'];
      if (tc && typeof tc === 'object') Object.assign(t.configs, tc as Record<string, string>);
    }
    if (!t.nodeIds.includes(nodeId)) t.nodeIds.push(nodeId);
    topics.set(topic, t);
  };

  const connectorNodes = spec.nodes.filter((n) => CONNECTOR_KINDS.has(n.kind));
  const engineSpecNodes: SpecNode[] = [];
  const connectorReads = new Map<string, string[]>();
  // Nodes that only exist to feed connectors directly (topic sources and merges): left out of the engine.
  const consumedByConnectors = new Set<string>();
  for (const n of connectorNodes) {
    if (n.kind !== 'sink.s3') continue;
    const direct = directTopics(spec, n.id, edges);
    if (direct) {
      connectorReads.set(n.id, direct);
      const mark = (id: string): void => {
        consumedByConnectors.add(id);
        for (const e of edges) if (nodeOf(e.to) === id) mark(nodeOf(e.from));
      };
      mark(n.id);
    } else {
      connectorReads.set(n.id, [handoffTopic(spec, n.id)]);
    }
  }

  for (const n of spec.nodes) {
    if (n.kind === 'source.topic' || n.kind === 'sink.topic') addTopic(String(n.config['topic']), n.id, n);
    if (n.kind === 'source.cdc.mysql') addTopic(cdcTopic(n), n.id);
    if (n.kind === 'sink.s3') for (const t of connectorReads.get(n.id) ?? []) addTopic(t, n.id);
  }

  // The engine's spec: connector nodes swapped for the topics between them and the engine.
  for (const n of spec.nodes) {
    const feedsOnlyConnectors =
      consumedByConnectors.has(n.id) &&
      edges.filter((e) => nodeOf(e.from) === n.id).every((e) => consumedByConnectors.has(nodeOf(e.to)));
    if (feedsOnlyConnectors) continue;
    if (n.kind === 'source.cdc.mysql')
      engineSpecNodes.push({ id: n.id, kind: 'source.topic', config: { topic: cdcTopic(n) } });
    else if (n.kind === 'sink.s3')
      engineSpecNodes.push({ id: n.id, kind: 'sink.topic', config: { topic: handoffTopic(spec, n.id) } });
    else engineSpecNodes.push({ id: n.id, kind: n.kind, config: n.config });
  }
  const engineIds = new Set(engineSpecNodes.map((n) => n.id));
  const engineEdges = edges.filter((e) => engineIds.has(nodeOf(e.from)) && engineIds.has(nodeOf(e.to)));
  const needsEngine = engineSpecNodes.some((n) => n.kind !== 'source.topic' && n.kind !== 'sink.topic');

  const plugins: PluginModel[] = [];
  const workerConfigurations: WorkerConfigurationModel[] = [];
  const roles: RoleModel[] = [];
  const connectors: ConnectorModel[] = [];
  const connect = profile.connect;
  const auth = clusterAuth(profile);
  const connectAuth: 'IAM' | 'NONE' = auth.iam ? 'IAM' : 'NONE';
  const inTransit: 'TLS' | 'PLAINTEXT' =
    cluster.kind === 'provisioned' && cluster.provisioned?.encryption.inTransit === 'PLAINTEXT'
      ? 'PLAINTEXT'
      : connectAuth === 'IAM' || cluster.kind !== 'provisioned'
        ? 'TLS'
        : cluster.provisioned?.encryption.inTransit === 'TLS'
          ? 'TLS'
          : 'PLAINTEXT';
  const kafkaArn = (kind: 'cluster' | 'topic' | 'group' | 'transactional-id', rest?: string): string =>
    `arn:aws:kafka:${profile.region}:${profile.accountId}:${kind}/${cluster.name}/${cluster.uuid}${rest ? `/${rest}` : ''}`;

  if (connect) {
    const pluginBucketArn = `arn:aws:s3:::${connect.pluginBucket}`;
    const usedKinds = [...new Set(connectorNodes.map((n) => n.kind))].sort();
    for (const kind of usedKinds) {
      const s3 = kind === 'sink.s3';
      plugins.push({
        logicalId: s3 ? 'PluginS3Sink' : 'PluginDebeziumMysql',
        name: `${prefix}-${s3 ? 's3-sink' : 'debezium-mysql'}`,
        bucketArn: pluginBucketArn,
        fileKey: s3 ? connect.plugins.s3Sink : connect.plugins.debeziumMysql,
      });
    }
    for (const n of connectorNodes) {
      const id = pascal(n.id);
      const secrets: SecretReference[] = [];
      const config =
        n.kind === 'sink.s3'
          ? s3SinkConfig(n, connectorReads.get(n.id) ?? [])
          : debeziumConfig(n, cluster.bootstrapServers, connectAuth, secrets, spec);
      const workerConfigurationLogicalId = `Worker${id}`;
      const properties: [string, string][] = [
        ['key.converter', 'org.apache.kafka.connect.storage.StringConverter'],
        ['value.converter', 'org.apache.kafka.connect.storage.StringConverter'],
      ];
      if (n.kind === 'source.cdc.mysql') {
        properties[0] = ['key.converter', 'org.apache.kafka.connect.json.JsonConverter'];
        properties[1] = ['value.converter', 'org.apache.kafka.connect.json.JsonConverter'];
        properties.push(
          ['key.converter.schemas.enable', 'false'],
          ['value.converter.schemas.enable', 'false'],
        );
      } else {
        properties[1] = ['value.converter', 'org.apache.kafka.connect.json.JsonConverter'];
        properties.push(['value.converter.schemas.enable', 'false']);
      }
      if (secrets.length > 0) {
        properties.push(
          ['config.providers', 'secretManager'],
          [
            'config.providers.secretManager.class',
            'com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider',
          ],
          ['config.providers.secretManager.param.region', profile.region],
        );
      }
      workerConfigurations.push({
        logicalId: workerConfigurationLogicalId,
        name: `${prefix}-${n.id}`,
        properties,
      });

      const readTopics = n.kind === 'sink.s3' ? (connectorReads.get(n.id) ?? []) : [];
      const writeTopics =
        n.kind === 'source.cdc.mysql'
          ? [`${String(n.config['topicPrefix'])}.*`, schemaHistoryTopic(spec, n)]
          : [];
      const statements: PolicyStatement[] = [
        {
          Sid: 'Cluster',
          Effect: 'Allow',
          Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
          Resource: [kafkaArn('cluster')],
        },
      ];
      // MSK Connect's own offset, config and status topics: __amazon_msk_connect_<type>_<connector>_<id>.
      const connectTopics = [`__amazon_msk_connect_*_${connectorName(prefix, n)}_*`].map((t) =>
        kafkaArn('topic', t),
      );
      if (readTopics.length > 0)
        statements.push({
          Sid: 'ReadTopics',
          Effect: 'Allow',
          Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
          Resource: readTopics.map((t) => kafkaArn('topic', t)),
        });
      statements.push({
        Sid: 'WriteTopics',
        Effect: 'Allow',
        Action: [
          'kafka-cluster:CreateTopic',
          'kafka-cluster:DescribeTopic',
          'kafka-cluster:ReadData',
          'kafka-cluster:WriteData',
        ],
        Resource: [...writeTopics.map((t) => kafkaArn('topic', t)), ...connectTopics],
      });
      statements.push({
        Sid: 'Groups',
        Effect: 'Allow',
        Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
        Resource: [
          kafkaArn('group', `connect-${connectorName(prefix, n)}`),
          kafkaArn('group', `__amazon_msk_connect_*`),
        ],
      });
      if (n.kind === 'sink.s3') {
        const bucket = String(n.config['bucket']);
        statements.push(
          {
            Sid: 'S3Bucket',
            Effect: 'Allow',
            Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
            Resource: [`arn:aws:s3:::${bucket}`],
          },
          {
            Sid: 'S3Objects',
            Effect: 'Allow',
            Action: ['s3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:PutObject'],
            Resource: [`arn:aws:s3:::${bucket}/${String(n.config['prefix'] ?? 'topics')}/*`],
          },
        );
      }
      if (secrets.length > 0)
        statements.push({
          Sid: 'Secrets',
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue'],
          Resource: [...new Set(secrets.map((s) => s.secret))]
            .sort()
            .map((s) => `arn:aws:secretsmanager:${profile.region}:${profile.accountId}:secret:${s}-??????`),
        });
      const roleLogicalId = `Role${id}`;
      roles.push({
        logicalId: roleLogicalId,
        name: `${prefix}-${n.id}`.slice(0, 64),
        service: 'kafkaconnect.amazonaws.com',
        statements,
        managedPolicyArns: [],
      });
      connectors.push({
        logicalId: `Connector${id}`,
        nodeId: n.id,
        name: connectorName(prefix, n),
        connectorKind: n.kind as ConnectorModel['connectorKind'],
        kafkaConnectVersion: connect.kafkaConnectVersion,
        capacity:
          'workers' in connect.capacity
            ? { kind: 'provisioned', mcuCount: connect.capacity.mcuCount, workers: connect.capacity.workers }
            : { kind: 'autoscaling', ...connect.capacity },
        config,
        pluginLogicalId: n.kind === 'sink.s3' ? 'PluginS3Sink' : 'PluginDebeziumMysql',
        workerConfigurationLogicalId,
        roleLogicalId,
        authentication: connectAuth,
        encryptionInTransit: inTransit,
        logGroup: connect.logGroup ?? `/kflow/${prefix}/connect`,
        secrets,
      });
    }
  }

  let engine: EngineModel | undefined;
  if (needsEngine && profile.engine) {
    const e = profile.engine;
    const engineSpec: PipelineSpec = {
      kflow: spec.kflow,
      name: spec.name,
      nodes: engineSpecNodes,
      edges: engineEdges,
    };
    const topicsUsed = engineSpecNodes
      .filter((n) => n.kind === 'source.topic' || n.kind === 'sink.topic')
      .map((n) => String(n.config['topic']));
    roles.push({
      logicalId: 'RoleEngineTask',
      name: `${prefix}-engine-task`,
      service: 'ecs-tasks.amazonaws.com',
      statements: [
        {
          Sid: 'Cluster',
          Effect: 'Allow',
          Action: ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
          Resource: [kafkaArn('cluster')],
        },
        {
          Sid: 'Topics',
          Effect: 'Allow',
          Action: [
            'kafka-cluster:CreateTopic',
            'kafka-cluster:DescribeTopic',
            'kafka-cluster:ReadData',
            'kafka-cluster:WriteData',
          ],
          // The engine's own internal topics (state, repartition, dead letters) carry the pipeline name.
          Resource: [...new Set([...topicsUsed, `${spec.name}*`])].sort().map((t) => kafkaArn('topic', t)),
        },
        {
          Sid: 'Groups',
          Effect: 'Allow',
          Action: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
          Resource: [kafkaArn('group', engineGroup(spec))],
        },
        {
          Sid: 'TransactionalIds',
          Effect: 'Allow',
          Action: ['kafka-cluster:AlterTransactionalId', 'kafka-cluster:DescribeTransactionalId'],
          Resource: [kafkaArn('transactional-id', `${engineGroup(spec)}-*`)],
        },
      ],
      managedPolicyArns: [],
    });
    roles.push({
      logicalId: 'RoleEngineExecution',
      name: `${prefix}-engine-execution`,
      service: 'ecs-tasks.amazonaws.com',
      statements: [],
      managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'],
    });
    engine = {
      logicalId: 'Engine',
      family: `${prefix}-engine`,
      serviceName: `${prefix}-engine`,
      ecsCluster: e.ecsCluster,
      image: e.image,
      cpu: e.cpu,
      memory: e.memory,
      desiredCount: e.desiredCount,
      taskRoleLogicalId: 'RoleEngineTask',
      executionRoleLogicalId: 'RoleEngineExecution',
      logGroup: `/kflow/${prefix}/engine`,
      // The image runs `kflow`; the pipeline travels in the task definition, so no volume is needed.
      command: [
        'sh',
        '-c',
        'printf %s "$KFLOW_PIPELINE" > /tmp/pipeline.json && exec kflow run /tmp/pipeline.json --bootstrap "$KFLOW_BOOTSTRAP"',
      ],
      environment: [
        ['KFLOW_AUTH', auth.iam ? 'aws-iam' : 'none'],
        ['KFLOW_BOOTSTRAP', cluster.bootstrapServers],
        ['KFLOW_PIPELINE', JSON.stringify(engineSpec)],
        ['KFLOW_REGION', profile.region],
      ],
      spec: engineSpec,
    };
  }

  const actions = profile.alarms.snsTopicArn ? [profile.alarms.snsTopicArn] : [];
  const alarms: AlarmModel[] = [];
  const groups: [string, string][] = [];
  for (const c of connectors)
    if (c.connectorKind === 'sink.s3')
      for (const t of connectorReads.get(c.nodeId) ?? []) groups.push([`connect-${c.name}`, t]);
  if (engine)
    for (const n of engine.spec.nodes)
      if (n.kind === 'source.topic') groups.push([engineGroup(spec), String(n.config['topic'])]);
  for (const [group, topic] of groups) {
    const gid = pascal(`${group}-${topic}`);
    const dims: [string, string][] = [
      ['Cluster Name', cluster.name],
      ['Consumer Group', group],
      ['Topic', topic],
    ];
    alarms.push(
      {
        logicalId: `AlarmMaxLag${gid}`,
        name: `${prefix} max lag ${group} ${topic}`,
        metric: 'MaxOffsetLag',
        dimensions: dims,
        statistic: 'Maximum',
        threshold: profile.alarms.maxOffsetLag,
        periodSeconds: 300,
        evaluationPeriods: 3,
        actions,
      },
      {
        logicalId: `AlarmSumLag${gid}`,
        name: `${prefix} total lag ${group} ${topic}`,
        metric: 'SumOffsetLag',
        dimensions: dims,
        statistic: 'Maximum',
        threshold: profile.alarms.sumOffsetLag,
        periodSeconds: 300,
        evaluationPeriods: 3,
        actions,
      },
    );
  }
  for (const b of cluster.brokerIds) {
    const dims: [string, string][] = [
      ['Cluster Name', cluster.name],
      ['Broker ID', String(b)],
    ];
    alarms.push(
      {
        logicalId: `AlarmDiskBroker${b}`,
        name: `${prefix} disk used broker ${b}`,
        metric: 'KafkaDataLogsDiskUsed',
        dimensions: dims,
        statistic: 'Maximum',
        threshold: profile.alarms.diskUsedPercent,
        periodSeconds: 300,
        evaluationPeriods: 1,
        actions,
      },
      {
        logicalId: `AlarmCpuBroker${b}`,
        name: `${prefix} cpu user broker ${b}`,
        metric: 'CpuUser',
        dimensions: dims,
        statistic: 'Average',
        threshold: profile.alarms.cpuUserPercent,
        periodSeconds: 300,
        evaluationPeriods: 3,
        actions,
      },
    );
  }

  return {
    name,
    region: profile.region,
    accountId: profile.accountId,
    tags,
    subnets: [...profile.network.subnets],
    securityGroups: [...profile.network.securityGroups],
    cluster,
    topics: [...topics.values()].sort((a, b) => a.name.localeCompare(b.name)),
    plugins,
    workerConfigurations,
    roles,
    connectors,
    ...(engine ? { engine } : {}),
    alarms,
  };
}

/** The engine's consumer group (the planner's `kflow-<pipeline>`); transactional ids extend it. */
function engineGroup(spec: PipelineSpec): string {
  return `kflow-${spec.name}`;
}

function connectorName(prefix: string, n: SpecNode): string {
  return `${prefix}-${n.id}`;
}

function schemaHistoryTopic(spec: PipelineSpec, n: SpecNode): string {
  return `${spec.name}.${n.id}.schema-history`;
}

function clusterModel(profile: DeploymentProfile, prefix: string): ClusterModel {
  const c = profile.cluster;
  if (c.type === 'existing') {
    const ids = parseClusterArn(c.arn);
    return {
      logicalId: 'Cluster',
      kind: 'existing',
      name: ids?.name ?? '',
      arn: c.arn,
      bootstrapServers: c.bootstrapServers,
      uuid: ids?.uuid ?? '*',
      brokerIds: Array.from({ length: c.brokers ?? 0 }, (_, i) => i + 1),
    };
  }
  const base = {
    logicalId: 'Cluster' as const,
    name: c.name,
    arn: ref('Cluster', 'arn'),
    bootstrapServers: ref('Cluster', 'bootstrap'),
    uuid: '*',
  };
  if (c.type === 'serverless') return { ...base, kind: 'serverless', brokerIds: [] };
  const model: ClusterModel = {
    ...base,
    kind: 'provisioned',
    provisioned: c,
    brokerIds: Array.from({ length: c.brokers }, (_, i) => i + 1),
  };
  if (c.serverProperties && Object.keys(c.serverProperties).length > 0)
    model.configuration = {
      logicalId: 'ClusterConfiguration',
      name: `${prefix}-brokers`,
      serverProperties: Object.entries(c.serverProperties)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    };
  return model;
}

const TIMESTAMP_EXTRACTORS: Record<string, string> = {
  record: 'Record',
  field: 'RecordField',
  wallclock: 'Wallclock',
};

function s3SinkConfig(n: SpecNode, topics: string[]): Record<string, string> {
  const c = n.config;
  const p = (c['partitioner'] ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {
    'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
    'tasks.max': String(c['tasksMax'] ?? 1),
    topics: topics.join(','),
    's3.bucket.name': String(c['bucket']),
    's3.region': String(c['region']),
    'topics.dir': String(c['prefix'] ?? 'topics'),
    'storage.class': 'io.confluent.connect.s3.storage.S3Storage',
    'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
    'flush.size': String(c['flushSize'] ?? 1000),
  };
  const type = String(p['type'] ?? 'time');
  if (type === 'time') {
    out['partitioner.class'] = 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner';
    out['path.format'] = String(p['pathFormat']);
    out['partition.duration.ms'] = String(ms(p['partitionDuration']) ?? 3_600_000);
    out['locale'] = String(p['locale'] ?? 'en-US');
    out['timezone'] = String(p['timezone'] ?? 'UTC');
    out['timestamp.extractor'] = TIMESTAMP_EXTRACTORS[String(p['timestamp'] ?? 'record')] ?? 'Record';
    if (p['timestampField'] !== undefined) out['timestamp.field'] = String(p['timestampField']);
  } else if (type === 'field') {
    out['partitioner.class'] = 'io.confluent.connect.storage.partitioner.FieldPartitioner';
    out['partition.field.name'] = ((p['fields'] as string[] | undefined) ?? []).join(',');
  } else {
    out['partitioner.class'] = 'io.confluent.connect.storage.partitioner.DefaultPartitioner';
  }
  const rotate = ms(c['rotateInterval']);
  if (rotate !== undefined) out['rotate.interval.ms'] = String(rotate);
  const schedule = ms(c['rotateScheduleInterval']);
  if (schedule !== undefined) out['rotate.schedule.interval.ms'] = String(schedule);
  return out;
}

/** Kafka client settings for IAM authentication, under a prefix (producer., consumer., ...). */
function iamClient(prefix: string): Record<string, string> {
  return {
    [`${prefix}security.protocol`]: 'SASL_SSL',
    [`${prefix}sasl.mechanism`]: 'AWS_MSK_IAM',
    [`${prefix}sasl.jaas.config`]: 'software.amazon.msk.auth.iam.IAMLoginModule required;',
    [`${prefix}sasl.client.callback.handler.class`]: 'software.amazon.msk.auth.iam.IAMClientCallbackHandler',
  };
}

function debeziumConfig(
  n: SpecNode,
  bootstrap: string,
  auth: 'IAM' | 'NONE',
  secrets: SecretReference[],
  spec: PipelineSpec,
): Record<string, string> {
  const c = n.config;
  const db = (c['database'] ?? {}) as Record<string, unknown>;
  const include = (db['include'] ?? {}) as { databases?: string[]; tables?: string[] };
  const password = db['password'];
  let pw = '';
  if (isSecretRef(password)) {
    const s = { secret: password.secret, key: password.key ?? 'password' } as SecretReference;
    secrets.push(s);
    pw = secretPlaceholder(s);
  }
  const tables = [...new Set([String(c['table']), ...(include.tables ?? [])])];
  const out: Record<string, string> = {
    'connector.class': 'io.debezium.connector.mysql.MySqlConnector',
    'tasks.max': '1',
    'database.hostname': String(db['hostname']),
    'database.port': String(db['port'] ?? 3306),
    'database.user': String(db['user']),
    'database.password': pw,
    'database.server.id': String(db['serverId']),
    'topic.prefix': String(c['topicPrefix']),
    'database.include.list': (include.databases ?? []).join(','),
    'table.include.list': tables.join(','),
    'include.schema.changes': 'false',
    'schema.history.internal.kafka.bootstrap.servers': bootstrap,
    'schema.history.internal.kafka.topic': schemaHistoryTopic(spec, n),
  };
  if (auth === 'IAM') {
    Object.assign(out, iamClient('schema.history.internal.producer.'));
    Object.assign(out, iamClient('schema.history.internal.consumer.'));
  }
  return out;
}

/** Which of the cluster's bootstrap strings clients use: IAM when enabled, else TLS, else plaintext. */
export function bootstrapKind(cluster: ClusterModel): 'iam' | 'tls' | 'plaintext' {
  if (cluster.kind !== 'provisioned' || !cluster.provisioned) return 'iam';
  const p = cluster.provisioned;
  if (p.authentication.iam) return 'iam';
  return p.encryption.inTransit === 'PLAINTEXT' ? 'plaintext' : 'tls';
}

/** connect-distributed.properties text of a worker configuration. */
export function propertiesText(w: WorkerConfigurationModel): string {
  return w.properties.map(([k, v]) => `${k}=${v}\n`).join('');
}

/** The IAM policy document of a role. */
export function policyDocument(r: RoleModel): { Version: '2012-10-17'; Statement: PolicyStatement[] } {
  return { Version: '2012-10-17', Statement: r.statements };
}

export function trustPolicy(r: RoleModel): object {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: r.service }, Action: 'sts:AssumeRole' }],
  };
}
