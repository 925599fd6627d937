import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Kafka from '@aws-sdk/client-kafka';
import * as KafkaConnect from '@aws-sdk/client-kafkaconnect';
import { describe, expect, it } from 'vitest';
import { buildPlan, type PlanStep } from '../../../src/export/targets/plan';
import { checkExport } from '../../../src/export/validate';
import { recordingConfig, type Recorded } from '../../support/sdk-recorder';

const root = join(import.meta.dirname, '../../..');
const load = (p: string): unknown => JSON.parse(readFileSync(join(root, p), 'utf8')) as unknown;

async function send(step: PlanStep, sink: Recorded[]): Promise<Recorded> {
  const input = { ...step.input };
  if (step.command === 'CreateConfiguration')
    input['ServerProperties'] = new TextEncoder().encode(String(input['ServerProperties']));
  const mod = (step.service === 'kafka' ? Kafka : KafkaConnect) as unknown as Record<
    string,
    new (i: unknown) => unknown
  >;
  const Command = mod[`${step.command}Command`];
  if (!Command) throw new Error(`no SDK command ${step.command}`);
  const client =
    step.service === 'kafka'
      ? new Kafka.KafkaClient(recordingConfig(sink))
      : new KafkaConnect.KafkaConnectClient(recordingConfig(sink));
  await (client as { send: (c: unknown) => Promise<unknown> }).send(new Command(input));
  return sink[sink.length - 1]!;
}

function planFor(spec: string, profile: string) {
  const r = checkExport(load(`resources/examples/${spec}.json`), load(`resources/profiles/${profile}.json`));
  if (!r.model) throw new Error(JSON.stringify(r.problems));
  return buildPlan(r.model);
}

describe('plan steps through the real SDK commands', () => {
  it('serializes every MSK and MSK Connect step of mysql-cdc on a new cluster', async () => {
    const plan = planFor('mysql-cdc', 'production-provisioned');
    const sink: Recorded[] = [];
    const sent = new Map<string, Recorded[]>();
    for (const s of plan.steps.filter((x) => x.service === 'kafka' || x.service === 'kafkaconnect')) {
      const r = await send(s, sink);
      sent.set(s.command, [...(sent.get(s.command) ?? []), r]);
    }
    expect([...sent.keys()]).toEqual([
      'CreateConfiguration',
      'CreateClusterV2',
      'GetBootstrapBrokers',
      'CreateTopic',
      'CreateCustomPlugin',
      'CreateWorkerConfiguration',
      'CreateConnector',
    ]);

    const conf = sent.get('CreateConfiguration')![0]!;
    expect(conf.method).toBe('POST');
    expect(conf.path).toBe('/v1/configurations');
    expect(conf.body['name']).toBe('mysql-cdc-prod-brokers');
    expect(conf.body['kafkaVersions']).toEqual(['3.8.x']);
    expect(Buffer.from(String(conf.body['serverProperties']), 'base64').toString('utf8')).toBe(
      'auto.create.topics.enable=false\ndefault.replication.factor=3\nmin.insync.replicas=2\n',
    );

    const cluster = sent.get('CreateClusterV2')![0]!;
    expect(cluster.path).toBe('/api/v2/clusters');
    expect(cluster.body['clusterName']).toBe('kflow-prod');
    const prov = cluster.body['provisioned'] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(prov['kafkaVersion']).toBe('3.8.x');
    expect(prov['numberOfBrokerNodes']).toBe(3);
    expect(prov['brokerNodeGroupInfo']).toEqual({
      instanceType: 'kafka.m5.large',
      clientSubnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003'],
      securityGroups: ['sg-0a1b2c3d4e5f60001'],
      storageInfo: { ebsStorageInfo: { volumeSize: 500 } },
    });
    expect(prov['clientAuthentication']).toEqual({
      sasl: { iam: { enabled: true }, scram: { enabled: false } },
      tls: { enabled: false },
      unauthenticated: { enabled: false },
    });
    expect(prov['encryptionInfo']).toEqual({
      encryptionAtRest: {
        dataVolumeKMSKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      },
      encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
    });
    expect(prov['enhancedMonitoring']).toBe('PER_TOPIC_PER_BROKER');
    expect(prov['openMonitoring']).toEqual({
      prometheus: { jmxExporter: { enabledInBroker: true }, nodeExporter: { enabledInBroker: true } },
    });
    expect(prov['loggingInfo']).toEqual({
      brokerLogs: {
        cloudWatchLogs: { enabled: true, logGroup: '/msk/kflow-prod' },
        firehose: { enabled: false },
        s3: { enabled: false },
      },
    });
    expect(prov['configurationInfo']).toEqual({ arn: '{{ClusterConfiguration.arn}}', revision: 1 });

    expect(sent.get('GetBootstrapBrokers')![0]!.method).toBe('GET');
    expect(sent.get('GetBootstrapBrokers')![0]!.path).toBe('/v1/clusters/{{Cluster.arn}}/bootstrap-brokers');

    const topics = sent.get('CreateTopic')!;
    expect(topics.map((t) => [t.path, t.body])).toEqual([
      [
        '/v1/clusters/{{Cluster.arn}}/topics',
        { topicName: 'mysql.ecommerce.orders', partitionCount: 6, replicationFactor: 3 },
      ],
      [
        '/v1/clusters/{{Cluster.arn}}/topics',
        { topicName: 'mysql.ecommerce.orders-changes', partitionCount: 6, replicationFactor: 3 },
      ],
    ]);

    const plugin = sent.get('CreateCustomPlugin')![0]!;
    expect(plugin.path).toBe('/v1/custom-plugins');
    expect(plugin.body).toEqual({
      name: 'mysql-cdc-prod-debezium-mysql',
      contentType: 'ZIP',
      location: {
        s3Location: {
          bucketArn: 'arn:aws:s3:::my-kflow-artifacts',
          fileKey: 'plugins/debezium-connector-mysql-2.7.3-with-msk-config-provider.zip',
        },
      },
      tags: { 'kflow:pipeline': 'mysql-cdc', 'kflow:profile': 'prod' },
    });

    const worker = sent.get('CreateWorkerConfiguration')![0]!;
    expect(worker.path).toBe('/v1/worker-configurations');
    expect(worker.body['name']).toBe('mysql-cdc-prod-orders-cdc');
    const props = Buffer.from(String(worker.body['propertiesFileContent']), 'base64').toString('utf8');
    expect(props.split('\n')).toEqual([
      'key.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable=false',
      'value.converter.schemas.enable=false',
      'config.providers=secretManager',
      'config.providers.secretManager.class=com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider',
      'config.providers.secretManager.param.region=us-east-1',
      '',
    ]);

    const conn = sent.get('CreateConnector')![0]!;
    expect(conn.method).toBe('POST');
    expect(conn.path).toBe('/v1/connectors');
    const b = conn.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(b['connectorName']).toBe('mysql-cdc-prod-orders-cdc');
    expect(b['kafkaConnectVersion']).toBe('3.7.x');
    expect(b['capacity']).toEqual({
      autoScaling: {
        mcuCount: 1,
        minWorkerCount: 1,
        maxWorkerCount: 2,
        scaleInPolicy: { cpuUtilizationPercentage: 20 },
        scaleOutPolicy: { cpuUtilizationPercentage: 80 },
      },
    });
    expect(b['kafkaCluster']).toEqual({
      apacheKafkaCluster: {
        bootstrapServers: '{{Cluster.bootstrap}}',
        vpc: {
          subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002', 'subnet-0a1b2c3d4e5f60003'],
          securityGroups: ['sg-0a1b2c3d4e5f60001'],
        },
      },
    });
    expect(b['kafkaClusterClientAuthentication']).toEqual({ authenticationType: 'IAM' });
    expect(b['kafkaClusterEncryptionInTransit']).toEqual({ encryptionType: 'TLS' });
    expect(b['plugins']).toEqual([
      { customPlugin: { customPluginArn: '{{PluginDebeziumMysql.arn}}', revision: 1 } },
    ]);
    expect(b['serviceExecutionRoleArn']).toBe('{{RoleOrdersCdc.arn}}');
    expect(b['workerConfiguration']).toEqual({
      workerConfigurationArn: '{{WorkerOrdersCdc.arn}}',
      revision: 1,
    });
    expect(b['logDelivery']).toEqual({
      workerLogDelivery: { cloudWatchLogs: { enabled: true, logGroup: '/kflow/mysql-cdc-prod/connect' } },
    });
    const cc = b['connectorConfiguration'] as Record<string, string>;
    expect(cc['database.password']).toBe('${secretManager:production-db:password}');
    expect(cc['topic.prefix']).toBe('mysql');
    expect(cc['database.hostname']).toBe('mydb.cluster-xyz.us-east-1.rds.amazonaws.com');
    expect(cc['database.port']).toBe('3306');
    expect(cc['database.user']).toBe('kafka_user');
  });

  it('serializes an existing-cluster S3 sink connector with literal bootstrap servers and fixed capacity', async () => {
    const plan = planFor('s3-hourly-archive', 'existing-cluster');
    expect(plan.steps.some((s) => s.command === 'CreateClusterV2')).toBe(false);
    const step = plan.steps.find((s) => s.command === 'CreateConnector')!;
    const r = await send(step, []);
    const b = r.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(b['capacity']).toEqual({ provisionedCapacity: { mcuCount: 1, workerCount: 1 } });
    expect(b['kafkaCluster']['apacheKafkaCluster']['bootstrapServers']).toBe(
      'b-1.sharedkafka.abc123.c2.kafka.us-east-1.amazonaws.com:9098,b-2.sharedkafka.abc123.c2.kafka.us-east-1.amazonaws.com:9098',
    );
    expect(b['connectorConfiguration']['s3.bucket.name']).toBe('my-data-lake-bucket');
    expect(b['connectorConfiguration']['partition.duration.ms']).toBe('3600000');
  });

  it('serializes a serverless CreateClusterV2', async () => {
    const plan = planFor('clicks-per-category', 'serverless');
    const r = await send(
      plan.steps.find((s) => s.command === 'CreateClusterV2')!,
      [],
    );
    expect(r.body).toEqual({
      clusterName: 'kflow-dev',
      serverless: {
        vpcConfigs: [
          {
            subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
            securityGroupIds: ['sg-0a1b2c3d4e5f60001'],
          },
        ],
        clientAuthentication: { sasl: { iam: { enabled: true } } },
      },
      tags: { 'kflow:pipeline': 'clicks-per-category', 'kflow:profile': 'dev' },
    });
  });
});
