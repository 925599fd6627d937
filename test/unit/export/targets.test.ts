import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCloudFormation } from '../../../src/export/targets/cloudformation';
import { buildPlan } from '../../../src/export/targets/plan';
import { renderTerraform } from '../../../src/export/targets/terraform';
import { checkExport } from '../../../src/export/validate';

const root = join(import.meta.dirname, '../../..');
const load = (p: string): unknown => JSON.parse(readFileSync(join(root, p), 'utf8')) as unknown;
const kflow = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin/kflow.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });

const count = (xs: string[], x: string): number => xs.filter((y) => y === x).length;

describe('the three targets describe the same resources', () => {
  it.each([
    ['mysql-cdc', 'production-provisioned'],
    ['s3-hourly-archive', 'existing-cluster'],
    ['clicks-per-category', 'serverless'],
  ])('%s with %s', (spec, profile) => {
    const m = checkExport(
      load(`resources/examples/${spec}.json`),
      load(`resources/profiles/${profile}.json`),
    ).model!;
    const plan = buildPlan(m).steps.map((s) => s.command);
    const cfn = buildCloudFormation(m) as { Resources: Record<string, { Type: string }> };
    const types = Object.values(cfn.Resources).map((r) => r.Type);
    const tf = [...renderTerraform(m).matchAll(/^resource "([a-z_]+)"/gm)].map((x) => x[1]!);
    const newCluster = m.cluster.kind === 'existing' ? 0 : 1;
    // [plan command, CloudFormation type, Terraform type, how many the model has]
    const rows: [string, string, string, number][] = [
      [
        'CreateClusterV2',
        m.cluster.kind === 'serverless' ? 'AWS::MSK::ServerlessCluster' : 'AWS::MSK::Cluster',
        m.cluster.kind === 'serverless' ? 'aws_msk_serverless_cluster' : 'aws_msk_cluster',
        newCluster,
      ],
      [
        'CreateConfiguration',
        'AWS::MSK::Configuration',
        'aws_msk_configuration',
        m.cluster.configuration ? 1 : 0,
      ],
      [
        'CreateCustomPlugin',
        'AWS::KafkaConnect::CustomPlugin',
        'aws_mskconnect_custom_plugin',
        m.plugins.length,
      ],
      [
        'CreateWorkerConfiguration',
        'AWS::KafkaConnect::WorkerConfiguration',
        'aws_mskconnect_worker_configuration',
        m.workerConfigurations.length,
      ],
      ['CreateConnector', 'AWS::KafkaConnect::Connector', 'aws_mskconnect_connector', m.connectors.length],
      ['CreateRole', 'AWS::IAM::Role', 'aws_iam_role', m.roles.length],
      ['RegisterTaskDefinition', 'AWS::ECS::TaskDefinition', 'aws_ecs_task_definition', m.engine ? 1 : 0],
      ['CreateService', 'AWS::ECS::Service', 'aws_ecs_service', m.engine ? 1 : 0],
      ['PutMetricAlarm', 'AWS::CloudWatch::Alarm', 'aws_cloudwatch_metric_alarm', m.alarms.length],
    ];
    for (const [cmd, cfnType, tfType, n] of rows) {
      expect([cmd, count(plan, cmd)]).toEqual([cmd, n]);
      expect([cfnType, count(types, cfnType)]).toEqual([cfnType, n]);
      expect([tfType, count(tf, tfType)]).toEqual([tfType, n]);
    }
    // No placeholder survives rendering.
    expect(JSON.stringify(cfn)).not.toMatch(/\{\{/);
    expect(renderTerraform(m)).not.toMatch(/\{\{/);
  });
});

describe('kflow export', () => {
  it('writes the target files under --out', () => {
    const out = mkdtempSync(join(tmpdir(), 'kflow-export-'));
    const r = kflow(
      'export',
      'resources/examples/mysql-cdc.json',
      '--profile',
      'resources/profiles/production-provisioned.json',
      '--target',
      'terraform',
      '--out',
      out,
    );
    expect(r.stderr).toContain('main.tf');
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['engine-pipeline.json', 'main.tf']);
    expect(readFileSync(join(out, 'main.tf'), 'utf8')).toBe(
      readFileSync(join(root, 'test/golden/export/mysql-cdc/main.tf.golden'), 'utf8'),
    );
  });

  it('refuses an inline password, naming the file, node and field, and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kflow-export-'));
    const spec = load('resources/examples/mysql-cdc.json') as { nodes: { config: Record<string, any> }[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
    spec.nodes[0]!.config['database'].password = 'hunter2';
    const file = join(dir, 'cdc.json');
    writeFileSync(file, JSON.stringify(spec));
    const r = kflow(
      'export',
      file,
      '--profile',
      'resources/profiles/production-provisioned.json',
      '--out',
      join(dir, 'out'),
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${file}:orders-cdc:nodes[0].config.database.password: `);
    expect(r.stdout).not.toContain('hunter2');
    expect(readdirSync(dir)).toEqual(['cdc.json']);
  });

  it('rejects an unknown target with exit code 2', () => {
    const r = kflow(
      'export',
      'resources/examples/mysql-cdc.json',
      '--profile',
      'resources/profiles/serverless.json',
      '--target',
      'pulumi',
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--target must be one of plan, cloudformation, terraform');
  });
});

describe('references and literal ${ in one value', () => {
  it('CloudFormation writes Fn::Sub with ${! and Terraform writes $${', () => {
    const m = checkExport(
      load('resources/examples/mysql-cdc.json'),
      load('resources/profiles/production-provisioned.json'),
    ).model!;
    m.connectors[0]!.config['x.mixed'] = '{{Cluster.bootstrap}};${secretManager:a:b}';
    const cfn = buildCloudFormation(m) as {
      Resources: Record<string, { Properties: { ConnectorConfiguration: Record<string, unknown> } }>;
    };
    const cc = cfn.Resources['ConnectorOrdersCdc']!.Properties.ConnectorConfiguration;
    expect(cc['x.mixed']).toEqual({ 'Fn::Sub': '${BootstrapServers};${!secretManager:a:b}' });
    // Alone, a Secrets Manager reference is a plain string: no Fn::Sub, no escaping.
    expect(cc['database.password']).toBe('${secretManager:production-db:password}');
    const tf = renderTerraform(m);
    expect(tf).toContain('"${aws_msk_cluster.cluster.bootstrap_brokers_sasl_iam};$${secretManager:a:b}"');
    expect(tf).toContain('"$${secretManager:production-db:password}"');
  });
});
