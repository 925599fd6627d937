import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExport } from '../../../src/export/validate';
import type { DeploymentModel } from '../../../src/export/model';

const root = join(import.meta.dirname, '../../..');
const load = (p: string): unknown => JSON.parse(readFileSync(join(root, p), 'utf8')) as unknown;
function model(spec: string, profile: string): DeploymentModel {
  const r = checkExport(load(`resources/examples/${spec}.json`), load(`resources/profiles/${profile}.json`));
  if (!r.model) throw new Error(JSON.stringify(r.problems));
  return r.model;
}

describe('export model', () => {
  it('maps sink.s3 to the Confluent S3 sink reading the merged topics directly', () => {
    const m = model('s3-hourly-archive', 'existing-cluster');
    expect(m.connectors).toHaveLength(1);
    const c = m.connectors[0]!;
    // By hand from the example: 1h = 3600000 ms, 1m = 60000 ms; merge of two topic sources needs no engine.
    expect(c.config).toEqual({
      'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
      'tasks.max': '2',
      topics: 'purchase-events,user-events',
      's3.bucket.name': 'my-data-lake-bucket',
      's3.region': 'us-east-1',
      'topics.dir': 'topics',
      'storage.class': 'io.confluent.connect.s3.storage.S3Storage',
      'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
      'flush.size': '1000',
      'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner',
      'path.format': "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
      'partition.duration.ms': '3600000',
      locale: 'en-US',
      timezone: 'UTC',
      'timestamp.extractor': 'Record',
      'rotate.interval.ms': '60000',
    });
    expect(m.engine).toBeUndefined();
    expect(c.name).toBe('s3-hourly-archive-stage-lake');
    expect(c.capacity).toEqual({ kind: 'provisioned', mcuCount: 1, workers: 1 });
    expect(c.authentication).toBe('IAM');
    expect(c.encryptionInTransit).toBe('TLS');
    // Existing cluster: its real uuid scopes the IAM resources.
    const role = m.roles.find((r) => r.logicalId === c.roleLogicalId)!;
    const read = role.statements.find((s) => s.Sid === 'ReadTopics')!;
    expect(read.Resource).toEqual([
      'arn:aws:kafka:us-east-1:123456789012:topic/shared-kafka/3f2a1b4c-5d6e-7f80-9a1b-2c3d4e5f6a7b-2/purchase-events',
      'arn:aws:kafka:us-east-1:123456789012:topic/shared-kafka/3f2a1b4c-5d6e-7f80-9a1b-2c3d4e5f6a7b-2/user-events',
    ]);
    const objects = role.statements.find((s) => s.Sid === 'S3Objects')!;
    expect(objects.Action).toContain('s3:PutObject');
    expect(objects.Resource).toEqual(['arn:aws:s3:::my-data-lake-bucket/topics/*']);
    expect(role.statements.some((s) => s.Action.some((a) => a.startsWith('secretsmanager:')))).toBe(false);
    expect(role.statements.flatMap((s) => s.Resource).some((r) => r === '*')).toBe(false);
  });

  it('maps source.cdc.mysql to Debezium 2.x names with the password from Secrets Manager', () => {
    const m = model('mysql-cdc', 'production-provisioned');
    const c = m.connectors[0]!;
    expect(c.config['connector.class']).toBe('io.debezium.connector.mysql.MySqlConnector');
    expect(c.config['topic.prefix']).toBe('mysql');
    expect(c.config['database.server.name']).toBeUndefined();
    expect(c.config['database.include.list']).toBe('ecommerce,analytics');
    expect(c.config['table.include.list']).toBe('ecommerce.orders');
    expect(c.config['database.server.id']).toBe('184054');
    expect(c.config['database.password']).toBe('${secretManager:production-db:password}');
    expect(c.config['schema.history.internal.kafka.bootstrap.servers']).toBe('{{Cluster.bootstrap}}');
    expect(c.config['schema.history.internal.kafka.topic']).toBe('mysql-cdc.orders-cdc.schema-history');
    expect(c.config['schema.history.internal.producer.sasl.mechanism']).toBe('AWS_MSK_IAM');
    expect(c.capacity).toEqual({
      kind: 'autoscaling',
      mcuCount: 1,
      minWorkers: 1,
      maxWorkers: 2,
      scaleInCpuPercent: 20,
      scaleOutCpuPercent: 80,
    });
    const worker = m.workerConfigurations.find((w) => w.logicalId === c.workerConfigurationLogicalId)!;
    expect(Object.fromEntries(worker.properties)).toMatchObject({
      'config.providers': 'secretManager',
      'config.providers.secretManager.class':
        'com.amazonaws.kafka.config.providers.SecretsManagerConfigProvider',
      'config.providers.secretManager.param.region': 'us-east-1',
    });
    const role = m.roles.find((r) => r.logicalId === c.roleLogicalId)!;
    expect(role.statements.find((s) => s.Sid === 'Secrets')).toEqual({
      Sid: 'Secrets',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:production-db-??????'],
    });
    // The change topic is <prefix>.<database>.<table>; the engine reads it and runs the filter.
    expect(m.topics.map((t) => t.name)).toEqual(['mysql.ecommerce.orders', 'mysql.ecommerce.orders-changes']);
    expect(m.engine?.spec.nodes.map((n) => [n.id, n.kind])).toEqual([
      ['orders-cdc', 'source.topic'],
      ['not-reads', 'filter'],
      ['changes', 'sink.topic'],
    ]);
    expect(m.engine?.image).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/kflow:0.1.0');
    // 3 brokers: a disk and a CPU alarm each; one engine group on one topic: max and sum lag.
    expect(m.alarms.map((a) => a.metric).sort()).toEqual([
      'CpuUser',
      'CpuUser',
      'CpuUser',
      'KafkaDataLogsDiskUsed',
      'KafkaDataLogsDiskUsed',
      'KafkaDataLogsDiskUsed',
      'MaxOffsetLag',
      'SumOffsetLag',
    ]);
    const json = JSON.stringify(m);
    expect(json).not.toContain('hunter');
    expect(m.cluster.configuration?.serverProperties).toBe(
      'auto.create.topics.enable=false\ndefault.replication.factor=3\nmin.insync.replicas=2\n',
    );
  });

  it('routes a sink.s3 behind processing through a handoff topic the engine writes', () => {
    const spec = load('resources/examples/clicks-per-category.json') as {
      nodes: { id: string; kind: string; config: Record<string, unknown> }[];
    };
    spec.nodes[2] = {
      id: 'out',
      kind: 'sink.s3',
      config: { bucket: 'my-lake', region: 'us-east-1', rotateInterval: '10m' },
    };
    const r = checkExport(spec, load('resources/profiles/serverless.json'));
    expect(r.problems).toEqual([]);
    const m = r.model!;
    expect(m.connectors[0]!.config['topics']).toBe('clicks-per-category.out.in');
    expect(m.connectors[0]!.config['rotate.interval.ms']).toBe('600000');
    expect(m.engine?.spec.nodes.find((n) => n.id === 'out')).toEqual({
      id: 'out',
      kind: 'sink.topic',
      config: { topic: 'clicks-per-category.out.in' },
    });
    expect(m.topics.find((t) => t.name === 'clicks-per-category.out.in')?.replicationFactor).toBe(3);
  });
});
