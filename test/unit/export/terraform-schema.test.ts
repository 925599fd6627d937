import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPipeline } from '../../../src/export/index';
import { formatTfProblem, validateModule } from '../../support/terraform-schema';

// The example pipelines with the profiles of the golden files.
const CASES: [string, string][] = [
  ['s3-hourly-archive', 'existing-cluster'],
  ['mysql-cdc', 'production-provisioned'],
  ['clicks-per-category', 'serverless'],
];

const root = join(import.meta.dirname, '../../..');
const load = (p: string): unknown => JSON.parse(readFileSync(join(root, p), 'utf8')) as unknown;

function module(spec: string, profile: string): string {
  const r = exportPipeline(
    load(`resources/examples/${spec}.json`),
    load(`resources/profiles/${profile}.json`),
    'terraform',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.files['main.tf']!;
}

describe('Terraform modules: HCL parser and the AWS provider schema', () => {
  for (const [spec, profile] of CASES)
    it(`${spec} with ${profile}: parses, and uses only arguments the provider defines`, async () => {
      const text = module(spec, profile);
      expect(text).toMatch(/resource "aws_/);
      expect((await validateModule(text)).map(formatTfProblem)).toEqual([]);
    });

  it('refuses an unknown argument, a missing required one, a wrong literal type and an undeclared reference', async () => {
    let text = module('s3-hourly-archive', 'existing-cluster');
    text = text.replace(/kafkaconnect_version\s+=/, 'kafka_connect_version =');
    text = text.replace(/worker_count = 1\n/, 'worker_count = "one"\n');
    text = text.replace(
      /(resource "aws_mskconnect_custom_plugin" "plugin_s3_sink" \{\n)/,
      '$1  bucket_arn = "x"\n',
    );
    text = text.replace('aws_iam_role.role_lake.arn', 'aws_iam_role.role_lakes.arn');
    expect((await validateModule(text)).map(formatTfProblem)).toEqual([
      'aws_mskconnect_connector.connector_lake: kafkaconnect_version: required argument kafkaconnect_version is missing',
      'aws_mskconnect_connector.connector_lake: capacity.provisioned_capacity.worker_count: must be a number, not "one"',
      'aws_mskconnect_connector.connector_lake: kafka_connect_version: the AWS provider defines no argument kafka_connect_version here',
      'aws_mskconnect_custom_plugin.plugin_s3_sink: bucket_arn: the AWS provider defines no argument bucket_arn here',
      'aws_iam_role.role_lakes: referenced but not declared',
    ]);
  });

  it('refuses text that is not HCL', async () => {
    const problems = await validateModule('resource "aws_iam_role" "x" {\n  name = \n}\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^HCL does not parse/);
  });
});
