import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPipeline } from '../../../src/export/index';
import { formatCfnProblem, validateTemplate } from '../../support/cfn-spec';

// The example pipelines with the profiles of the golden files.
const CASES: [string, string][] = [
  ['s3-hourly-archive', 'existing-cluster'],
  ['mysql-cdc', 'production-provisioned'],
  ['clicks-per-category', 'serverless'],
];

const root = join(import.meta.dirname, '../../..');
const load = (p: string): unknown => JSON.parse(readFileSync(join(root, p), 'utf8')) as unknown;

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, any> }> }; // eslint-disable-line @typescript-eslint/no-explicit-any

function template(spec: string, profile: string): Template {
  const r = exportPipeline(
    load(`resources/examples/${spec}.json`),
    load(`resources/profiles/${profile}.json`),
    'cloudformation',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return JSON.parse(r.files['template.json']!) as Template;
}

describe('CloudFormation templates against the CloudFormation resource specification', () => {
  for (const [spec, profile] of CASES)
    it(`${spec} with ${profile}: zero problems`, () => {
      const t = template(spec, profile);
      expect(Object.keys(t.Resources).length).toBeGreaterThan(0);
      expect(validateTemplate(t).map(formatCfnProblem)).toEqual([]);
    });

  it('refuses an unknown property, a missing required one and a wrong type, naming resource and property', () => {
    const t = template('mysql-cdc', 'production-provisioned');
    const connector = t.Resources['ConnectorOrdersCdc']!.Properties;
    connector['MaxWorkers'] = 3; // no such property
    delete connector['KafkaConnectVersion']; // required
    connector['Capacity']['AutoScaling']['McuCount'] = 'one'; // an integer
    const cluster = t.Resources['Cluster']!.Properties;
    cluster['NumberOfBrokerNodes'] = true; // an integer
    cluster['EnhancedMonitoring'] = 'EVERYTHING'; // not an allowed value
    t.Resources['RoleOrdersCdc']!.Properties['AssumeRolePolicyDocument'] = { Ref: 'NoSuchThing' };
    const problems = validateTemplate(t).map(formatCfnProblem);
    expect(problems).toEqual(
      expect.arrayContaining([
        'ConnectorOrdersCdc: Properties.MaxWorkers: AWS::KafkaConnect::Connector has no property MaxWorkers',
        'ConnectorOrdersCdc: Properties.KafkaConnectVersion: AWS::KafkaConnect::Connector requires KafkaConnectVersion',
        'ConnectorOrdersCdc: Properties.Capacity.AutoScaling.McuCount: must be an integer, not "one"',
        'Cluster: Properties.NumberOfBrokerNodes: must be an integer, not true',
        'RoleOrdersCdc: Properties.AssumeRolePolicyDocument: Ref to NoSuchThing, which is no resource, parameter or pseudo parameter',
      ]),
    );
    expect(problems.some((p) => p.startsWith('Cluster: Properties.EnhancedMonitoring: must be one of'))).toBe(
      true,
    );
    expect(problems).toHaveLength(6);
  });

  it('refuses an unknown resource type and a GetAtt of an attribute the type does not have', () => {
    const t = template('s3-hourly-archive', 'existing-cluster');
    const ids = Object.keys(t.Resources);
    const someRole = ids.find((id) => t.Resources[id]!.Type === 'AWS::IAM::Role')!;
    t.Resources['Extra'] = { Type: 'AWS::MSK::Clustr', Properties: {} };
    t.Resources['ConnectorLake']!.Properties['ServiceExecutionRoleArn'] = {
      'Fn::GetAtt': [someRole, 'Rolename'],
    };
    expect(validateTemplate(t).map(formatCfnProblem)).toEqual([
      'Extra: Type: unknown resource type AWS::MSK::Clustr',
      `ConnectorLake: Properties.ServiceExecutionRoleArn: Fn::GetAtt ${someRole}.Rolename: AWS::IAM::Role has no attribute Rolename`,
    ]);
  });
});
