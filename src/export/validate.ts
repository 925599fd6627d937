/**
 * @module export/validate
 * Everything that would make AWS refuse a deployment, or make it insecure,
 * found before any call: each problem names the spec node (or the profile)
 * and the field.
 */
import type { z } from 'zod';
import { TOPIC_NAME } from '../nodes/define';
import { findLiteralSecrets } from '../spec/semantics';
import type { PipelineSpec, Problem } from '../spec/types';
import { validateSpec } from '../spec/validate';
import { buildModel, type DeploymentModel } from './model';
import { CLUSTER_NAME, clusterAuth, parseClusterArn, profileSchema, type DeploymentProfile } from './profile';

/** Kafka versions MSK offers for new provisioned clusters (versions past their end of support are refused). */
export const MSK_KAFKA_VERSIONS = [
  '3.6.0',
  '3.7.x',
  '3.7.x.kraft',
  '3.8.x',
  '3.9.x',
  '4.0.x.kraft',
  '4.1.x.kraft',
];
/** Kafka Connect versions MSK Connect runs. */
export const MSK_CONNECT_VERSIONS = ['2.7.1', '3.7.x'];
export const MCU_COUNTS = [1, 2, 4, 8];
export const MAX_WORKERS = 10;
/** MSK Connect names: connectors, plugins and worker configurations. */
const CONNECT_NAME = /^[0-9A-Za-z][0-9A-Za-z-]{0,126}[0-9A-Za-z]$/;
const CONNECTOR_KINDS = new Set(['sink.s3', 'source.cdc.mysql']);

export interface ExportProblem extends Problem {
  /** Which file the problem is in. */
  source: 'spec' | 'profile';
}

export interface ExportCheck {
  ok: boolean;
  problems: ExportProblem[];
  spec?: PipelineSpec;
  profile?: DeploymentProfile;
  model?: DeploymentModel;
}

function zodPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

export function checkExport(specValue: unknown, profileValue: unknown): ExportCheck {
  const problems: ExportProblem[] = [];
  const add = (source: 'spec' | 'profile', nodeId: string | null, path: string, message: string): void => {
    problems.push({ source, severity: 'error', nodeId, path, message });
  };

  const specResult = validateSpec(specValue);
  for (const p of specResult.problems) if (p.severity === 'error') problems.push({ ...p, source: 'spec' });

  const literal: Problem[] = [];
  findLiteralSecrets(profileValue, '', null, literal);
  for (const p of literal) problems.push({ ...p, source: 'profile' });
  const parsed = profileSchema.safeParse(profileValue);
  if (!parsed.success) {
    for (const issue of (parsed.error as z.ZodError).issues)
      add('profile', null, zodPath(issue.path), issue.message);
  }
  if (problems.length > 0 || !specResult.spec || !parsed.success) return { ok: false, problems };

  const spec = specResult.spec;
  const profile = parsed.data;
  const connectorNodes = spec.nodes.filter((n) => CONNECTOR_KINDS.has(n.kind));
  const nodeIndex = new Map(spec.nodes.map((n, i) => [n.id, i]));
  const nodePath = (id: string, field: string): string => `nodes[${nodeIndex.get(id) ?? 0}].config.${field}`;

  // Network.
  if (profile.network.subnets.length === 0)
    add(
      'profile',
      null,
      'network.subnets',
      'no subnets: the cluster, connectors and engine need at least two',
    );
  else if (profile.network.subnets.length === 1 && profile.cluster.type !== 'existing')
    add('profile', null, 'network.subnets', 'MSK needs subnets in at least two Availability Zones');
  if (new Set(profile.network.subnets).size !== profile.network.subnets.length)
    add('profile', null, 'network.subnets', 'a subnet is listed twice');
  if (profile.network.securityGroups.length === 0)
    add(
      'profile',
      null,
      'network.securityGroups',
      'no security groups: name the ones that let clients reach the brokers',
    );

  // Cluster.
  const c = profile.cluster;
  if (c.type !== 'existing' && !CLUSTER_NAME.test(c.name))
    add(
      'profile',
      null,
      'cluster.name',
      `"${c.name}" is not an MSK cluster name: letters, digits and -, starting with a letter, at most 64`,
    );
  if (c.type === 'existing') {
    const ids = parseClusterArn(c.arn);
    if (ids && ids.region !== profile.region)
      add(
        'profile',
        null,
        'cluster.arn',
        `the cluster is in ${ids.region} but the profile deploys to ${profile.region}`,
      );
    if (ids && ids.account !== profile.accountId)
      add(
        'profile',
        null,
        'cluster.arn',
        `the cluster belongs to account ${ids.account}, not ${profile.accountId}`,
      );
  }
  if (c.type === 'provisioned') {
    if (!MSK_KAFKA_VERSIONS.includes(c.kafkaVersion))
      add(
        'profile',
        null,
        'cluster.kafkaVersion',
        `Kafka ${c.kafkaVersion} is not offered by MSK for new clusters; use one of ${MSK_KAFKA_VERSIONS.join(', ')}`,
      );
    const n = profile.network.subnets.length;
    if (n > 0 && c.brokers % n !== 0)
      add(
        'profile',
        null,
        'cluster.brokers',
        `${c.brokers} brokers cannot be spread evenly over ${n} subnets; use a multiple of ${n}`,
      );
    if (profile.topics.replicationFactor > c.brokers)
      add(
        'profile',
        null,
        'topics.replicationFactor',
        `replication factor ${profile.topics.replicationFactor} is more than the ${c.brokers} brokers`,
      );
    const a = c.authentication;
    if (!a.iam && !a.scram && !a.tls && !a.unauthenticated)
      add('profile', null, 'cluster.authentication', 'no client authentication is enabled');
    if ((a.iam || a.scram || a.tls) && c.encryption.inTransit === 'PLAINTEXT')
      add(
        'profile',
        null,
        'cluster.encryption.inTransit',
        'IAM, SCRAM and mutual TLS need TLS between clients and brokers; use TLS',
      );
  }
  for (const n of spec.nodes) {
    const rf = n.config['replicationFactor'];
    if (c.type === 'provisioned' && typeof rf === 'number' && rf > c.brokers)
      add(
        'spec',
        n.id,
        nodePath(n.id, 'replicationFactor'),
        `replication factor ${rf} is more than the ${c.brokers} brokers`,
      );
  }

  // Connectors.
  const auth = clusterAuth(profile);
  if (connectorNodes.length > 0) {
    const first = connectorNodes[0]!;
    if (!profile.connect)
      add(
        'profile',
        first.id,
        'connect',
        `node "${first.id}" (${first.kind}) runs on MSK Connect: the profile needs a connect section`,
      );
    if (!auth.iam && !auth.unauthenticated)
      for (const n of connectorNodes)
        add(
          'profile',
          n.id,
          'cluster.authentication',
          `node "${n.id}" (${n.kind}) runs on MSK Connect, which authenticates only with IAM or not at all; the cluster allows only ${[auth.scram ? 'SCRAM' : '', auth.tls ? 'mutual TLS' : ''].filter(Boolean).join(' and ')}: enable iam`,
        );
    const connect = profile.connect;
    if (connect) {
      if (!MSK_CONNECT_VERSIONS.includes(connect.kafkaConnectVersion))
        add(
          'profile',
          null,
          'connect.kafkaConnectVersion',
          `MSK Connect runs Kafka Connect ${MSK_CONNECT_VERSIONS.join(' or ')}, not ${connect.kafkaConnectVersion}`,
        );
      const cap = connect.capacity;
      if (!MCU_COUNTS.includes(cap.mcuCount))
        add(
          'profile',
          null,
          'connect.capacity.mcuCount',
          `${cap.mcuCount} MCUs per worker: MSK Connect allows ${MCU_COUNTS.join(', ')}`,
        );
      const counts: [string, number][] =
        'workers' in cap
          ? [['workers', cap.workers]]
          : [
              ['minWorkers', cap.minWorkers],
              ['maxWorkers', cap.maxWorkers],
            ];
      for (const [field, v] of counts)
        if (v < 1 || v > MAX_WORKERS)
          add(
            'profile',
            null,
            `connect.capacity.${field}`,
            `${v} workers: MSK Connect allows 1 to ${MAX_WORKERS}`,
          );
      if (!('workers' in cap) && cap.minWorkers > cap.maxWorkers)
        add(
          'profile',
          null,
          'connect.capacity.minWorkers',
          `minWorkers ${cap.minWorkers} is more than maxWorkers ${cap.maxWorkers}`,
        );
      if (!('workers' in cap) && cap.scaleInCpuPercent >= cap.scaleOutCpuPercent)
        add(
          'profile',
          null,
          'connect.capacity.scaleInCpuPercent',
          'scale in below the CPU level that scales out',
        );
      for (const n of connectorNodes) {
        const name = `${spec.name}-${profile.name}-${n.id}`;
        if (!CONNECT_NAME.test(name))
          add(
            'spec',
            n.id,
            `nodes[${nodeIndex.get(n.id) ?? 0}].id`,
            `the connector name "${name}" is not letters, digits and - (at most 128); rename the node`,
          );
        if (name.length > 64)
          add(
            'spec',
            n.id,
            `nodes[${nodeIndex.get(n.id) ?? 0}].id`,
            `the IAM role name "${name}" is longer than 64 characters; shorten the pipeline, profile or node name`,
          );
        const tasks = n.config['tasksMax'];
        if (
          n.kind === 'sink.s3' &&
          typeof tasks === 'number' &&
          'workers' in cap &&
          tasks > cap.workers * cap.mcuCount * 8
        )
          add(
            'spec',
            n.id,
            nodePath(n.id, 'tasksMax'),
            `${tasks} tasks do not fit ${cap.workers} worker(s) of ${cap.mcuCount} MCU`,
          );
        if (n.kind === 'sink.s3' && n.config['region'] !== profile.region)
          add(
            'spec',
            n.id,
            nodePath(n.id, 'region'),
            `the bucket is in ${String(n.config['region'])} but the connector runs in ${profile.region}; MSK Connect writes to buckets of its own region`,
          );
      }
    }
  }

  if (problems.length > 0) return { ok: false, problems, spec, profile };
  const model = buildModel(spec, profile);

  // Topics, as the model derives them (handoff and change topics included).
  for (const t of model.topics) {
    const at = t.nodeIds[0] ?? null;
    if (!TOPIC_NAME.test(t.name))
      add(
        'spec',
        at,
        at ? nodePath(at, 'topic') : '',
        `"${t.name}" is not a Kafka topic name: letters, digits, . _ -, at most 249`,
      );
    else if (t.name.startsWith('__'))
      add(
        'spec',
        at,
        at ? nodePath(at, 'topic') : '',
        `"${t.name}" starts with __, which Kafka and MSK reserve for internal topics`,
      );
  }
  const byCollision = new Map<string, string>();
  for (const t of model.topics) {
    const k = t.name.replace(/\./g, '_');
    const other = byCollision.get(k);
    if (other !== undefined && other !== t.name)
      add(
        'spec',
        t.nodeIds[0] ?? null,
        t.nodeIds[0] ? nodePath(t.nodeIds[0], 'topic') : '',
        `topics "${other}" and "${t.name}" differ only in . and _, which collide in Kafka metric names`,
      );
    byCollision.set(k, t.name);
  }
  if (
    model.engine === undefined &&
    spec.nodes.some((n) => !['source.topic', 'sink.topic', 'merge', ...CONNECTOR_KINDS].includes(n.kind)) &&
    !profile.engine
  )
    add(
      'profile',
      null,
      'engine',
      'the pipeline has stream processing nodes, which run as the kflow engine on ECS: the profile needs an engine section',
    );
  for (const r of model.roles)
    if (r.name.length > 64)
      add('profile', null, 'name', `the IAM role name "${r.name}" is longer than 64 characters`);

  return problems.length > 0
    ? { ok: false, problems, spec, profile }
    : { ok: true, problems, spec, profile, model };
}

export function formatExportProblem(specFile: string, profileFile: string, p: ExportProblem): string {
  return `${p.source === 'spec' ? specFile : profileFile}:${p.nodeId ?? '-'}:${p.path || '-'}: ${p.message}`;
}
