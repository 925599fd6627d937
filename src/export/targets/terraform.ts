/**
 * @module export/targets/terraform
 * The deployment model as a Terraform module (HCL, AWS provider 5.x). Resource
 * references replace the `{{X.attr}}` placeholders, so Terraform orders the
 * creation itself. Topics have no resource in the AWS provider; they are a
 * local value (`local.kflow_topics`) created by the plan's CreateTopic calls.
 */
import {
  bootstrapKind,
  policyDocument,
  propertiesText,
  REF_PATTERN,
  trustPolicy,
  type DeploymentModel,
} from '../model';
import { containerDefinition } from './plan';

/** A nested block; repeated blocks are arrays of these. */
class Block {
  constructor(readonly body: Body) {}
}
/** An HCL expression written as it is (a reference or a function call). */
class Raw {
  constructor(readonly text: string) {}
}
type Value = string | number | boolean | Raw | Value[] | { [k: string]: Value };
type Body = [string, Value | Block | Block[] | undefined][];
const block = (body: Body): Block => new Block(body);

const snake = (id: string): string =>
  id
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();

function tfRef(logicalId: string, attr: string, m: DeploymentModel): string {
  if (logicalId === 'Cluster') {
    const res =
      m.cluster.kind === 'serverless' ? 'aws_msk_serverless_cluster.cluster' : 'aws_msk_cluster.cluster';
    if (attr === 'arn') return `${res}.arn`;
    const k = bootstrapKind(m.cluster);
    return `${res}.${k === 'iam' ? 'bootstrap_brokers_sasl_iam' : k === 'tls' ? 'bootstrap_brokers_tls' : 'bootstrap_brokers'}`;
  }
  if (logicalId === 'ClusterConfiguration') return 'aws_msk_configuration.cluster.arn';
  if (logicalId === 'Engine') return 'aws_ecs_task_definition.engine.arn';
  if (logicalId.startsWith('Plugin')) return `aws_mskconnect_custom_plugin.${snake(logicalId)}.arn`;
  if (logicalId.startsWith('Worker')) return `aws_mskconnect_worker_configuration.${snake(logicalId)}.arn`;
  return `aws_iam_role.${snake(logicalId)}.arn`;
}

function str(s: string, m: DeploymentModel): string {
  const matches = [...s.matchAll(REF_PATTERN)];
  const first = matches[0];
  if (first && matches.length === 1 && first[0] === s) return tfRef(first[1]!, first[2]!, m);
  // ${ and %{ start templates in HCL strings; a Secrets Manager reference must stay literal.
  const escaped = JSON.stringify(s).replace(/\$\{/g, '$$$${').replace(/%\{/g, '%%{');
  return escaped.replace(REF_PATTERN, (_a, id: string, attr: string) => `\${${tfRef(id, attr, m)}}`);
}

function value(v: Value, m: DeploymentModel, indent: string): string {
  if (v instanceof Raw) return v.text;
  if (typeof v === 'string') return str(v, m);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => value(x, m, indent)).join(', ')}]`;
  const entries = Object.entries(v);
  if (entries.length === 0) return '{}';
  const inner = `${indent}  `;
  const width = Math.max(...entries.map(([k]) => JSON.stringify(k).length));
  return `{\n${entries
    .map(([k, x]) => `${inner}${JSON.stringify(k).padEnd(width)} = ${value(x, m, inner)}`)
    .join('\n')}\n${indent}}`;
}

function body(b: Body, m: DeploymentModel, indent: string): string {
  const lines: string[] = [];
  const attrs = b.filter(
    ([, v]) => v !== undefined && !(v instanceof Block) && !(Array.isArray(v) && v[0] instanceof Block),
  );
  const width = Math.max(0, ...attrs.map(([k]) => k.length));
  for (const [k, v] of b) {
    if (v === undefined) continue;
    if (v instanceof Block) lines.push(`${indent}${k} {\n${body(v.body, m, `${indent}  `)}${indent}}`);
    else if (Array.isArray(v) && v[0] instanceof Block)
      for (const x of v as Block[])
        lines.push(`${indent}${k} {\n${body(x.body, m, `${indent}  `)}${indent}}`);
    else lines.push(`${indent}${k.padEnd(width)} = ${value(v as Value, m, indent)}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

function resource(type: string, name: string, b: Body, m: DeploymentModel): string {
  return `resource "${type}" "${name}" {\n${body(b, m, '  ')}}\n`;
}

const jsonencode = (v: unknown): Raw => new Raw(`jsonencode(${hclLiteral(v, '  ')})`);
/** A JSON value as an HCL expression, for jsonencode(). */
function hclLiteral(v: unknown, indent: string): string {
  if (typeof v === 'string') return JSON.stringify(v).replace(/\$\{/g, '$$$${').replace(/%\{/g, '%%{');
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${v.map((x) => `${inner}${hclLiteral(x, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (v && typeof v === 'object') {
    const inner = `${indent}  `;
    const e = Object.entries(v).filter(([, x]) => x !== undefined);
    if (e.length === 0) return '{}';
    return `{\n${e.map(([k, x]) => `${inner}${JSON.stringify(k)} = ${hclLiteral(x, inner)}`).join('\n')}\n${indent}}`;
  }
  return 'null';
}

export function renderTerraform(m: DeploymentModel): string {
  const out: string[] = [
    `# kflow pipeline ${m.name} on Amazon MSK (generated by kflow export; do not edit by hand)\n`,
    'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = ">= 5.0"\n    }\n  }\n}\n',
    `provider "aws" {\n  region = "${m.region}"\n}\n`,
    `locals {\n  tags = ${value(m.tags, m, '  ')}\n  kflow_topics = ${hclLiteral(
      m.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions,
        replication_factor: t.replicationFactor,
        configs: t.configs,
      })),
      '  ',
    )}\n}\n`,
  ];
  const tags = new Raw('local.tags');
  const c = m.cluster;
  const p = c.provisioned;
  if (c.configuration && p)
    out.push(
      resource(
        'aws_msk_configuration',
        'cluster',
        [
          ['name', c.configuration.name],
          ['kafka_versions', [p.kafkaVersion]],
          ['server_properties', c.configuration.serverProperties],
        ],
        m,
      ),
    );
  if (c.kind === 'provisioned' && p) {
    const a = p.authentication;
    const l = p.logging;
    out.push(
      resource(
        'aws_msk_cluster',
        'cluster',
        [
          ['cluster_name', c.name],
          ['kafka_version', p.kafkaVersion],
          ['number_of_broker_nodes', p.brokers],
          ['enhanced_monitoring', p.enhancedMonitoring],
          ['tags', tags],
          [
            'broker_node_group_info',
            block([
              ['instance_type', p.brokerType],
              ['client_subnets', m.subnets],
              ['security_groups', m.securityGroups],
              ['storage_info', block([['ebs_storage_info', block([['volume_size', p.ebsVolumeGiB]])]])],
            ]),
          ],
          [
            'client_authentication',
            block([
              ['unauthenticated', a.unauthenticated],
              [
                'sasl',
                block([
                  ['iam', a.iam],
                  ['scram', a.scram],
                ]),
              ],
              [
                'tls',
                a.tls ? block([['certificate_authority_arns', a.tls.certificateAuthorityArns]]) : undefined,
              ],
            ]),
          ],
          [
            'encryption_info',
            block([
              ['encryption_at_rest_kms_key_arn', p.encryption.atRestKmsKeyArn],
              [
                'encryption_in_transit',
                block([
                  ['client_broker', p.encryption.inTransit],
                  ['in_cluster', p.encryption.inCluster],
                ]),
              ],
            ]),
          ],
          [
            'configuration_info',
            c.configuration
              ? block([
                  ['arn', '{{ClusterConfiguration.arn}}'],
                  ['revision', new Raw('aws_msk_configuration.cluster.latest_revision')],
                ])
              : undefined,
          ],
          [
            'open_monitoring',
            p.openMonitoring
              ? block([
                  [
                    'prometheus',
                    block([
                      ['jmx_exporter', block([['enabled_in_broker', p.openMonitoring.jmxExporter]])],
                      ['node_exporter', block([['enabled_in_broker', p.openMonitoring.nodeExporter]])],
                    ]),
                  ],
                ])
              : undefined,
          ],
          [
            'logging_info',
            l
              ? block([
                  [
                    'broker_logs',
                    block([
                      [
                        'cloudwatch_logs',
                        l.cloudWatch
                          ? block([
                              ['enabled', true],
                              ['log_group', l.cloudWatch.logGroup],
                            ])
                          : undefined,
                      ],
                      [
                        'firehose',
                        l.firehose
                          ? block([
                              ['enabled', true],
                              ['delivery_stream', l.firehose.deliveryStream],
                            ])
                          : undefined,
                      ],
                      [
                        's3',
                        l.s3
                          ? block([
                              ['enabled', true],
                              ['bucket', l.s3.bucket],
                              ['prefix', l.s3.prefix],
                            ])
                          : undefined,
                      ],
                    ]),
                  ],
                ])
              : undefined,
          ],
        ],
        m,
      ),
    );
  } else if (c.kind === 'serverless') {
    out.push(
      resource(
        'aws_msk_serverless_cluster',
        'cluster',
        [
          ['cluster_name', c.name],
          ['tags', tags],
          [
            'vpc_config',
            block([
              ['subnet_ids', m.subnets],
              ['security_group_ids', m.securityGroups],
            ]),
          ],
          ['client_authentication', block([['sasl', block([['iam', block([['enabled', true]])]])]])],
        ],
        m,
      ),
    );
  }
  const logGroups = [
    ...new Set([...m.connectors.map((x) => x.logGroup), ...(m.engine ? [m.engine.logGroup] : [])]),
  ].sort();
  logGroups.forEach((g, i) =>
    out.push(
      resource(
        'aws_cloudwatch_log_group',
        `log_group_${i + 1}`,
        [
          ['name', g],
          ['retention_in_days', 30],
          ['tags', tags],
        ],
        m,
      ),
    ),
  );
  for (const r of m.roles) {
    const id = snake(r.logicalId);
    out.push(
      resource(
        'aws_iam_role',
        id,
        [
          ['name', r.name],
          ['assume_role_policy', jsonencode(trustPolicy(r))],
          ['tags', tags],
        ],
        m,
      ),
    );
    if (r.statements.length > 0)
      out.push(
        resource(
          'aws_iam_role_policy',
          id,
          [
            ['name', 'kflow'],
            ['role', new Raw(`aws_iam_role.${id}.id`)],
            ['policy', jsonencode(policyDocument(r))],
          ],
          m,
        ),
      );
    r.managedPolicyArns.forEach((arn, i) =>
      out.push(
        resource(
          'aws_iam_role_policy_attachment',
          `${id}_${i + 1}`,
          [
            ['role', new Raw(`aws_iam_role.${id}.name`)],
            ['policy_arn', arn],
          ],
          m,
        ),
      ),
    );
  }
  for (const pl of m.plugins)
    out.push(
      resource(
        'aws_mskconnect_custom_plugin',
        snake(pl.logicalId),
        [
          ['name', pl.name],
          ['content_type', 'ZIP'],
          [
            'location',
            block([
              [
                's3',
                block([
                  ['bucket_arn', pl.bucketArn],
                  ['file_key', pl.fileKey],
                ]),
              ],
            ]),
          ],
        ],
        m,
      ),
    );
  for (const w of m.workerConfigurations)
    out.push(
      resource(
        'aws_mskconnect_worker_configuration',
        snake(w.logicalId),
        [
          ['name', w.name],
          ['properties_file_content', propertiesText(w)],
        ],
        m,
      ),
    );
  for (const x of m.connectors) {
    const cap = x.capacity;
    out.push(
      resource(
        'aws_mskconnect_connector',
        snake(x.logicalId),
        [
          ['name', x.name],
          ['description', `kflow ${m.name}: node ${x.nodeId} (${x.connectorKind})`],
          ['kafkaconnect_version', x.kafkaConnectVersion],
          ['service_execution_role_arn', `{{${x.roleLogicalId}.arn}}`],
          ['connector_configuration', x.config],
          ['tags', tags],
          [
            'capacity',
            block([
              cap.kind === 'provisioned'
                ? [
                    'provisioned_capacity',
                    block([
                      ['mcu_count', cap.mcuCount],
                      ['worker_count', cap.workers],
                    ]),
                  ]
                : [
                    'autoscaling',
                    block([
                      ['mcu_count', cap.mcuCount],
                      ['min_worker_count', cap.minWorkers],
                      ['max_worker_count', cap.maxWorkers],
                      ['scale_in_policy', block([['cpu_utilization_percentage', cap.scaleInCpuPercent]])],
                      ['scale_out_policy', block([['cpu_utilization_percentage', cap.scaleOutCpuPercent]])],
                    ]),
                  ],
            ]),
          ],
          [
            'kafka_cluster',
            block([
              [
                'apache_kafka_cluster',
                block([
                  ['bootstrap_servers', m.cluster.bootstrapServers],
                  [
                    'vpc',
                    block([
                      ['security_groups', m.securityGroups],
                      ['subnets', m.subnets],
                    ]),
                  ],
                ]),
              ],
            ]),
          ],
          ['kafka_cluster_client_authentication', block([['authentication_type', x.authentication]])],
          ['kafka_cluster_encryption_in_transit', block([['encryption_type', x.encryptionInTransit]])],
          [
            'plugin',
            block([
              [
                'custom_plugin',
                block([
                  ['arn', `{{${x.pluginLogicalId}.arn}}`],
                  [
                    'revision',
                    new Raw(`aws_mskconnect_custom_plugin.${snake(x.pluginLogicalId)}.latest_revision`),
                  ],
                ]),
              ],
            ]),
          ],
          [
            'worker_configuration',
            block([
              ['arn', `{{${x.workerConfigurationLogicalId}.arn}}`],
              [
                'revision',
                new Raw(
                  `aws_mskconnect_worker_configuration.${snake(x.workerConfigurationLogicalId)}.latest_revision`,
                ),
              ],
            ]),
          ],
          [
            'log_delivery',
            block([
              [
                'worker_log_delivery',
                block([
                  [
                    'cloudwatch_logs',
                    block([
                      ['enabled', true],
                      ['log_group', x.logGroup],
                    ]),
                  ],
                ]),
              ],
            ]),
          ],
          [
            'depends_on',
            new Raw(`[${logGroups.map((_, i) => `aws_cloudwatch_log_group.log_group_${i + 1}`).join(', ')}]`),
          ],
        ],
        m,
      ),
    );
  }
  if (m.engine) {
    const e = m.engine;
    const container = containerDefinition(m) as Record<string, unknown>;
    const env = e.environment.map(([name, v]) => ({ name, value: v }));
    out.push(
      resource(
        'aws_ecs_task_definition',
        'engine',
        [
          ['family', e.family],
          ['requires_compatibilities', ['FARGATE']],
          ['network_mode', 'awsvpc'],
          ['cpu', e.cpu],
          ['memory', e.memory],
          ['task_role_arn', `{{${e.taskRoleLogicalId}.arn}}`],
          ['execution_role_arn', `{{${e.executionRoleLogicalId}.arn}}`],
          ['tags', tags],
          [
            'container_definitions',
            new Raw(
              `jsonencode(${hclLiteral([{ ...container, environment: env }], '  ').replace(
                /"\{\{Cluster\.bootstrap\}\}"/g,
                tfRef('Cluster', 'bootstrap', m),
              )})`,
            ),
          ],
        ],
        m,
      ),
    );
    out.push(
      resource(
        'aws_ecs_service',
        'engine',
        [
          ['name', e.serviceName],
          ['cluster', e.ecsCluster],
          ['task_definition', '{{Engine.arn}}'],
          ['desired_count', e.desiredCount],
          ['launch_type', 'FARGATE'],
          ['tags', tags],
          [
            'network_configuration',
            block([
              ['subnets', m.subnets],
              ['security_groups', m.securityGroups],
              ['assign_public_ip', false],
            ]),
          ],
        ],
        m,
      ),
    );
  }
  for (const a of m.alarms)
    out.push(
      resource(
        'aws_cloudwatch_metric_alarm',
        snake(a.logicalId.replace(/^Alarm/, '')),
        [
          ['alarm_name', a.name],
          ['namespace', 'AWS/Kafka'],
          ['metric_name', a.metric],
          ['dimensions', Object.fromEntries(a.dimensions)],
          ['statistic', a.statistic],
          ['period', a.periodSeconds],
          ['evaluation_periods', a.evaluationPeriods],
          ['threshold', a.threshold],
          ['comparison_operator', 'GreaterThanThreshold'],
          ['treat_missing_data', 'notBreaching'],
          ['alarm_actions', a.actions],
        ],
        m,
      ),
    );
  if (c.kind !== 'existing')
    out.push(
      `output "cluster_arn" {\n  value = ${tfRef('Cluster', 'arn', m)}\n}\n`,
      `output "bootstrap_brokers" {\n  value = ${tfRef('Cluster', 'bootstrap', m)}\n}\n`,
    );
  return out.join('\n');
}
