/**
 * @module export/targets/cloudformation
 * The deployment model as one CloudFormation template (JSON). A new cluster's
 * bootstrap brokers are not an attribute CloudFormation exposes, so they are
 * the parameter BootstrapServers: create the stack with the cluster first,
 * read them with `aws kafka get-bootstrap-brokers`, then update the stack
 * with them: the connectors and the engine are conditional on that parameter.
 * Topics have no CloudFormation resource; they are listed in Metadata and
 * created by the plan's CreateTopic calls.
 */
import {
  bootstrapKind,
  policyDocument,
  propertiesText,
  REF_PATTERN,
  trustPolicy,
  type DeploymentModel,
} from '../model';
import { alarmInput, clusterInput, containerDefinition, connectorInput } from './plan';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function cfnRef(logicalId: string, attr: string, m: DeploymentModel): { whole: Json; sub: string } {
  if (logicalId === 'Cluster' && attr === 'bootstrap')
    return { whole: { Ref: 'BootstrapServers' }, sub: '${BootstrapServers}' };
  if (logicalId === 'Cluster' || logicalId === 'Engine') {
    const id = logicalId === 'Engine' ? 'EngineTaskDefinition' : 'Cluster';
    return { whole: { Ref: id }, sub: `\${${id}}` };
  }
  const att = logicalId.startsWith('Plugin')
    ? 'CustomPluginArn'
    : logicalId.startsWith('Worker')
      ? 'WorkerConfigurationArn'
      : 'Arn';
  void m;
  return { whole: { 'Fn::GetAtt': [logicalId, att] }, sub: `\${${logicalId}.${att}}` };
}

/** Turns `{{X.attr}}` placeholders into Ref, GetAtt or Fn::Sub. */
function resolve(v: unknown, m: DeploymentModel): Json {
  if (typeof v === 'string') {
    const matches = [...v.matchAll(REF_PATTERN)];
    if (matches.length === 0) return v;
    const first = matches[0]!;
    if (matches.length === 1 && first[0] === v) return cfnRef(first[1]!, first[2]!, m).whole;
    // Literal ${ (a Secrets Manager reference) must be written ${! inside Fn::Sub.
    const escaped = v.replace(/\$\{/g, '${!');
    return {
      'Fn::Sub': escaped.replace(REF_PATTERN, (_all, id: string, attr: string) => cfnRef(id, attr, m).sub),
    };
  }
  if (Array.isArray(v)) return v.map((x) => resolve(x, m));
  if (v && typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = resolve(x, m);
    return out;
  }
  return v as Json;
}

/** The plan's camelCase API shapes in CloudFormation's PascalCase. */
function pascalKeys(
  v: unknown,
  keep: (path: string[]) => boolean = () => false,
  path: string[] = [],
): unknown {
  if (Array.isArray(v)) return v.map((x) => pascalKeys(x, keep, path));
  if (v && typeof v === 'object') {
    if (keep(path)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      out[k[0]!.toUpperCase() + k.slice(1)] = pascalKeys(x, keep, [...path, k]);
    return out;
  }
  return v;
}

const tagList = (tags: Record<string, string>): Json =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export function buildCloudFormation(m: DeploymentModel): Json {
  const resources: Record<string, unknown> = {};
  const parameters: Record<string, Json> = {};
  const c = m.cluster;
  if (c.configuration)
    resources['ClusterConfiguration'] = {
      Type: 'AWS::MSK::Configuration',
      Properties: {
        Name: c.configuration.name,
        KafkaVersionsList: [c.provisioned?.kafkaVersion ?? ''],
        ServerProperties: c.configuration.serverProperties,
      },
    };
  const ci = clusterInput(m);
  if (ci && c.kind === 'provisioned') {
    const p = ci['Provisioned'] as Record<string, unknown>;
    const info = p['BrokerNodeGroupInfo'] as Record<string, unknown>;
    const storage = info['StorageInfo'] as { EbsStorageInfo: unknown };
    resources['Cluster'] = {
      Type: 'AWS::MSK::Cluster',
      Properties: {
        ClusterName: c.name,
        KafkaVersion: p['KafkaVersion'],
        NumberOfBrokerNodes: p['NumberOfBrokerNodes'],
        BrokerNodeGroupInfo: { ...info, StorageInfo: { EBSStorageInfo: storage.EbsStorageInfo } },
        ClientAuthentication: p['ClientAuthentication'],
        EncryptionInfo: p['EncryptionInfo'],
        EnhancedMonitoring: p['EnhancedMonitoring'],
        ConfigurationInfo: p['ConfigurationInfo'],
        OpenMonitoring: p['OpenMonitoring'],
        LoggingInfo: p['LoggingInfo'],
        Tags: m.tags,
      },
    };
  } else if (ci) {
    resources['Cluster'] = {
      Type: 'AWS::MSK::ServerlessCluster',
      Properties: {
        ClusterName: c.name,
        VpcConfigs: [{ SubnetIds: m.subnets, SecurityGroups: m.securityGroups }],
        ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
        Tags: m.tags,
      },
    };
  }
  if (ci)
    parameters['BootstrapServers'] = {
      Type: 'String',
      Default: '',
      Description: `the new cluster's ${bootstrapKind(c).toUpperCase()} bootstrap brokers (aws kafka get-bootstrap-brokers), set on the second deploy`,
    };

  const logGroups = [
    ...new Set([...m.connectors.map((x) => x.logGroup), ...(m.engine ? [m.engine.logGroup] : [])]),
  ].sort();
  logGroups.forEach((g, i) => {
    resources[`LogGroup${i + 1}`] = {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: g, RetentionInDays: 30 },
    };
  });
  for (const r of m.roles)
    resources[r.logicalId] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: r.name,
        AssumeRolePolicyDocument: trustPolicy(r),
        ...(r.statements.length > 0
          ? { Policies: [{ PolicyName: 'kflow', PolicyDocument: policyDocument(r) }] }
          : {}),
        ...(r.managedPolicyArns.length > 0 ? { ManagedPolicyArns: r.managedPolicyArns } : {}),
        Tags: tagList(m.tags),
      },
    };
  for (const p of m.plugins)
    resources[p.logicalId] = {
      Type: 'AWS::KafkaConnect::CustomPlugin',
      Properties: {
        Name: p.name,
        ContentType: 'ZIP',
        Location: { S3Location: { BucketArn: p.bucketArn, FileKey: p.fileKey } },
        Tags: tagList(m.tags),
      },
    };
  for (const w of m.workerConfigurations)
    resources[w.logicalId] = {
      Type: 'AWS::KafkaConnect::WorkerConfiguration',
      Properties: {
        Name: w.name,
        PropertiesFileContent: Buffer.from(propertiesText(w), 'utf8').toString('base64'),
        Tags: tagList(m.tags),
      },
    };
  for (const x of m.connectors) {
    const input = connectorInput(x, m);
    const props = pascalKeys(
      input,
      (path) => path[0] === 'connectorConfiguration' || path[0] === 'tags',
    ) as Record<string, unknown>;
    delete props['Tags'];
    resources[x.logicalId] = {
      Type: 'AWS::KafkaConnect::Connector',
      ...(ci ? { Condition: 'HasBootstrapServers' } : {}),
      DependsOn: logGroups.map((_, i) => `LogGroup${i + 1}`),
      Properties: { ...props, Tags: tagList(m.tags) },
    };
  }
  if (m.engine) {
    const e = m.engine;
    const container = pascalKeys(
      containerDefinition(m),
      (path) => path[0] === 'logConfiguration' && path[1] === 'options',
    ) as Record<string, unknown>;
    resources['EngineTaskDefinition'] = {
      Type: 'AWS::ECS::TaskDefinition',
      ...(ci ? { Condition: 'HasBootstrapServers' } : {}),
      Properties: {
        Family: e.family,
        RequiresCompatibilities: ['FARGATE'],
        NetworkMode: 'awsvpc',
        Cpu: e.cpu,
        Memory: e.memory,
        TaskRoleArn: `{{${e.taskRoleLogicalId}.arn}}`,
        ExecutionRoleArn: `{{${e.executionRoleLogicalId}.arn}}`,
        ContainerDefinitions: [container],
        Tags: tagList(m.tags),
      },
    };
    resources['EngineService'] = {
      Type: 'AWS::ECS::Service',
      ...(ci ? { Condition: 'HasBootstrapServers' } : {}),
      Properties: {
        ServiceName: e.serviceName,
        Cluster: e.ecsCluster,
        TaskDefinition: '{{Engine.arn}}',
        DesiredCount: e.desiredCount,
        LaunchType: 'FARGATE',
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            Subnets: m.subnets,
            SecurityGroups: m.securityGroups,
            AssignPublicIp: 'DISABLED',
          },
        },
        Tags: tagList(m.tags),
      },
    };
  }
  for (const a of m.alarms)
    resources[a.logicalId] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: alarmInput(a),
    };
  const template: Record<string, unknown> = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `kflow pipeline ${m.name} on Amazon MSK (generated by kflow export)`,
    Metadata: {
      'kflow:topics': m.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions,
        replicationFactor: t.replicationFactor,
        configs: t.configs,
      })),
    },
  };
  if (Object.keys(parameters).length > 0) {
    template['Parameters'] = parameters;
    // First deploy: cluster, roles, plugins; the connectors and the engine once the brokers are known.
    template['Conditions'] = {
      HasBootstrapServers: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'BootstrapServers' }, ''] }] },
    };
  }
  template['Resources'] = resources;
  if (c.kind !== 'existing') template['Outputs'] = { ClusterArn: { Value: '{{Cluster.arn}}' } };
  return resolve(template, m);
}

export function renderCloudFormation(m: DeploymentModel): string {
  return `${JSON.stringify(buildCloudFormation(m), null, 2)}\n`;
}
