/**
 * @module export/targets/plan
 * The deployment as the ordered AWS API calls that make it, each with its
 * exact input. A value that only exists once an earlier call has run (a new
 * cluster's ARN, a plugin's ARN) is written `{{LogicalId.attr}}`; `refs` says
 * which step's output it is.
 */
import {
  bootstrapKind,
  policyDocument,
  propertiesText,
  trustPolicy,
  type AlarmModel,
  type ConnectorModel,
  type DeploymentModel,
} from '../model';

export interface PlanStep {
  /** 1-based position. */
  step: number;
  service: 'kafka' | 'kafkaconnect' | 'iam' | 'logs' | 'ecs' | 'cloudwatch';
  command: string;
  /** The SDK input; byte fields (CreateConfiguration.ServerProperties) as UTF-8 text. */
  input: Record<string, unknown>;
  /** `skip`: the resource may already exist (a topic other producers use); a conflict is not a failure. */
  ifExists?: 'skip';
  /** `{{LogicalId.attr}}` values this step's response provides. */
  provides?: Record<string, string>;
}

export interface Plan {
  pipeline: string;
  region: string;
  steps: PlanStep[];
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export function connectorInput(c: ConnectorModel, m: DeploymentModel): Record<string, unknown> {
  return {
    connectorName: c.name,
    connectorDescription: `kflow ${m.name}: node ${c.nodeId} (${c.connectorKind})`,
    kafkaConnectVersion: c.kafkaConnectVersion,
    capacity:
      c.capacity.kind === 'provisioned'
        ? { provisionedCapacity: { mcuCount: c.capacity.mcuCount, workerCount: c.capacity.workers } }
        : {
            autoScaling: {
              mcuCount: c.capacity.mcuCount,
              minWorkerCount: c.capacity.minWorkers,
              maxWorkerCount: c.capacity.maxWorkers,
              scaleInPolicy: { cpuUtilizationPercentage: c.capacity.scaleInCpuPercent },
              scaleOutPolicy: { cpuUtilizationPercentage: c.capacity.scaleOutCpuPercent },
            },
          },
    connectorConfiguration: c.config,
    kafkaCluster: {
      apacheKafkaCluster: {
        bootstrapServers: m.cluster.bootstrapServers,
        vpc: { subnets: m.subnets, securityGroups: m.securityGroups },
      },
    },
    kafkaClusterClientAuthentication: { authenticationType: c.authentication },
    kafkaClusterEncryptionInTransit: { encryptionType: c.encryptionInTransit },
    plugins: [{ customPlugin: { customPluginArn: `{{${c.pluginLogicalId}.arn}}`, revision: 1 } }],
    serviceExecutionRoleArn: `{{${c.roleLogicalId}.arn}}`,
    workerConfiguration: { workerConfigurationArn: `{{${c.workerConfigurationLogicalId}.arn}}`, revision: 1 },
    logDelivery: { workerLogDelivery: { cloudWatchLogs: { enabled: true, logGroup: c.logGroup } } },
    tags: m.tags,
  };
}

export function clusterInput(m: DeploymentModel): Record<string, unknown> | undefined {
  const c = m.cluster;
  if (c.kind === 'serverless')
    return {
      ClusterName: c.name,
      Serverless: {
        VpcConfigs: [{ SubnetIds: m.subnets, SecurityGroupIds: m.securityGroups }],
        ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
      },
      Tags: m.tags,
    };
  const p = c.provisioned;
  if (c.kind !== 'provisioned' || !p) return undefined;
  const auth = p.authentication;
  const provisioned: Record<string, unknown> = {
    KafkaVersion: p.kafkaVersion,
    NumberOfBrokerNodes: p.brokers,
    BrokerNodeGroupInfo: {
      InstanceType: p.brokerType,
      ClientSubnets: m.subnets,
      SecurityGroups: m.securityGroups,
      StorageInfo: { EbsStorageInfo: { VolumeSize: p.ebsVolumeGiB } },
    },
    ClientAuthentication: {
      Sasl: { Iam: { Enabled: auth.iam }, Scram: { Enabled: auth.scram } },
      Tls: auth.tls
        ? { Enabled: true, CertificateAuthorityArnList: auth.tls.certificateAuthorityArns }
        : { Enabled: false },
      Unauthenticated: { Enabled: auth.unauthenticated },
    },
    EncryptionInfo: {
      ...(p.encryption.atRestKmsKeyArn
        ? { EncryptionAtRest: { DataVolumeKMSKeyId: p.encryption.atRestKmsKeyArn } }
        : {}),
      EncryptionInTransit: { ClientBroker: p.encryption.inTransit, InCluster: p.encryption.inCluster },
    },
    EnhancedMonitoring: p.enhancedMonitoring,
  };
  if (c.configuration)
    provisioned['ConfigurationInfo'] = { Arn: '{{ClusterConfiguration.arn}}', Revision: 1 };
  if (p.openMonitoring)
    provisioned['OpenMonitoring'] = {
      Prometheus: {
        JmxExporter: { EnabledInBroker: p.openMonitoring.jmxExporter },
        NodeExporter: { EnabledInBroker: p.openMonitoring.nodeExporter },
      },
    };
  if (p.logging) {
    const l = p.logging;
    provisioned['LoggingInfo'] = {
      BrokerLogs: {
        CloudWatchLogs: l.cloudWatch
          ? { Enabled: true, LogGroup: l.cloudWatch.logGroup }
          : { Enabled: false },
        Firehose: l.firehose
          ? { Enabled: true, DeliveryStream: l.firehose.deliveryStream }
          : { Enabled: false },
        S3: l.s3
          ? { Enabled: true, Bucket: l.s3.bucket, ...(l.s3.prefix ? { Prefix: l.s3.prefix } : {}) }
          : { Enabled: false },
      },
    };
  }
  return { ClusterName: c.name, Provisioned: provisioned, Tags: m.tags };
}

export function containerDefinition(m: DeploymentModel): Record<string, unknown> | undefined {
  const e = m.engine;
  if (!e) return undefined;
  return {
    name: 'kflow',
    image: e.image,
    essential: true,
    command: e.command,
    environment: e.environment.map(([name, value]) => ({ name, value })),
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': e.logGroup, 'awslogs-region': m.region, 'awslogs-stream-prefix': 'kflow' },
    },
  };
}

const BOOTSTRAP_FIELD = {
  iam: 'BootstrapBrokerStringSaslIam',
  tls: 'BootstrapBrokerStringTls',
  plaintext: 'BootstrapBrokerString',
} as const;

export function buildPlan(m: DeploymentModel): Plan {
  const steps: Omit<PlanStep, 'step'>[] = [];
  const c = m.cluster;
  if (c.configuration)
    steps.push({
      service: 'kafka',
      command: 'CreateConfiguration',
      input: {
        Name: c.configuration.name,
        KafkaVersions: [c.provisioned?.kafkaVersion],
        ServerProperties: c.configuration.serverProperties,
      },
      provides: { 'ClusterConfiguration.arn': 'Arn' },
    });
  const cluster = clusterInput(m);
  if (cluster) {
    steps.push({
      service: 'kafka',
      command: 'CreateClusterV2',
      input: cluster,
      provides: { 'Cluster.arn': 'ClusterArn' },
    });
    steps.push({
      service: 'kafka',
      command: 'GetBootstrapBrokers',
      input: { ClusterArn: c.arn },
      provides: { 'Cluster.bootstrap': BOOTSTRAP_FIELD[bootstrapKind(c)] },
    });
  }
  for (const t of m.topics) {
    const configs = Object.keys(t.configs).length > 0 ? { Configs: b64(JSON.stringify(t.configs)) } : {};
    steps.push({
      service: 'kafka',
      command: 'CreateTopic',
      ifExists: 'skip',
      input: {
        ClusterArn: c.arn,
        TopicName: t.name,
        PartitionCount: t.partitions,
        ReplicationFactor: t.replicationFactor,
        ...configs,
      },
    });
  }
  const logGroups = [
    ...new Set([...m.connectors.map((x) => x.logGroup), ...(m.engine ? [m.engine.logGroup] : [])]),
  ];
  for (const g of logGroups.sort())
    steps.push({ service: 'logs', command: 'CreateLogGroup', input: { logGroupName: g, tags: m.tags } });
  for (const r of m.roles) {
    steps.push({
      service: 'iam',
      command: 'CreateRole',
      input: {
        RoleName: r.name,
        AssumeRolePolicyDocument: JSON.stringify(trustPolicy(r)),
        Tags: Object.entries(m.tags).map(([Key, Value]) => ({ Key, Value })),
      },
      provides: { [`${r.logicalId}.arn`]: 'Role.Arn' },
    });
    if (r.statements.length > 0)
      steps.push({
        service: 'iam',
        command: 'PutRolePolicy',
        input: { RoleName: r.name, PolicyName: 'kflow', PolicyDocument: JSON.stringify(policyDocument(r)) },
      });
    for (const arn of r.managedPolicyArns)
      steps.push({
        service: 'iam',
        command: 'AttachRolePolicy',
        input: { RoleName: r.name, PolicyArn: arn },
      });
  }
  for (const p of m.plugins)
    steps.push({
      service: 'kafkaconnect',
      command: 'CreateCustomPlugin',
      input: {
        name: p.name,
        contentType: 'ZIP',
        location: { s3Location: { bucketArn: p.bucketArn, fileKey: p.fileKey } },
        tags: m.tags,
      },
      provides: { [`${p.logicalId}.arn`]: 'customPluginArn' },
    });
  for (const w of m.workerConfigurations)
    steps.push({
      service: 'kafkaconnect',
      command: 'CreateWorkerConfiguration',
      input: { name: w.name, propertiesFileContent: b64(propertiesText(w)), tags: m.tags },
      provides: { [`${w.logicalId}.arn`]: 'workerConfigurationArn' },
    });
  for (const x of m.connectors)
    steps.push({ service: 'kafkaconnect', command: 'CreateConnector', input: connectorInput(x, m) });
  if (m.engine) {
    const e = m.engine;
    steps.push({
      service: 'ecs',
      command: 'RegisterTaskDefinition',
      input: {
        family: e.family,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: e.cpu,
        memory: e.memory,
        taskRoleArn: `{{${e.taskRoleLogicalId}.arn}}`,
        executionRoleArn: `{{${e.executionRoleLogicalId}.arn}}`,
        containerDefinitions: [containerDefinition(m)],
      },
      provides: { 'Engine.arn': 'taskDefinition.taskDefinitionArn' },
    });
    steps.push({
      service: 'ecs',
      command: 'CreateService',
      input: {
        serviceName: e.serviceName,
        cluster: e.ecsCluster,
        taskDefinition: '{{Engine.arn}}',
        desiredCount: e.desiredCount,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: m.subnets,
            securityGroups: m.securityGroups,
            assignPublicIp: 'DISABLED',
          },
        },
      },
    });
  }
  for (const a of m.alarms)
    steps.push({
      service: 'cloudwatch',
      command: 'PutMetricAlarm',
      input: alarmInput(a),
    });
  return { pipeline: m.name, region: m.region, steps: steps.map((s, i) => ({ step: i + 1, ...s })) };
}

/** PutMetricAlarm's input; the CloudFormation alarm and the drift check use the same properties. */
export function alarmInput(a: AlarmModel) {
  return {
    AlarmName: a.name,
    Namespace: 'AWS/Kafka',
    MetricName: a.metric,
    Dimensions: a.dimensions.map(([Name, Value]) => ({ Name, Value })),
    Statistic: a.statistic,
    Period: a.periodSeconds,
    EvaluationPeriods: a.evaluationPeriods,
    Threshold: a.threshold,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    AlarmActions: a.actions,
  };
}

export function renderPlan(p: Plan): string {
  return `${JSON.stringify(p, null, 2)}\n`;
}
