/**
 * @module export/deploy/status
 * `kflow deploy --status`: the live state of what the spec deploys, the way
 * the seed's describe_connector showed it (cluster state, connector state,
 * capacity, workers, plugin), from a described state: as rows (the app's
 * table) and as the lines the CLI prints. Pure.
 */
import type { DeploymentModel } from '../model';
import type { AwsOutput } from './aws';
import { redact } from './progress';
import { at, type DeployedState } from './state';

const NOT = '(not deployed)';

function capacityText(capacity: unknown): { capacity: string; workers: string } {
  const auto = at(capacity, 'autoScaling') as AwsOutput | undefined;
  if (auto)
    return {
      capacity: `autoscaling, ${String(auto['mcuCount'])} MCU per worker, scale in below ${String(
        at(auto, 'scaleInPolicy.cpuUtilizationPercentage'),
      )}% CPU, out above ${String(at(auto, 'scaleOutPolicy.cpuUtilizationPercentage'))}%`,
      workers: `${String(auto['minWorkerCount'])}-${String(auto['maxWorkerCount'])} (autoscaling)`,
    };
  const fixed = at(capacity, 'provisionedCapacity') as AwsOutput | undefined;
  if (fixed)
    return {
      capacity: `provisioned, ${String(fixed['mcuCount'])} MCU per worker`,
      workers: String(fixed['workerCount']),
    };
  return { capacity: '(unknown)', workers: '(unknown)' };
}

/** One resource of the status: a head line (`kind name (node n): state (summary)`) and detail lines. */
export interface StatusRow {
  kind: string;
  name: string;
  nodeId: string | null;
  state: string;
  summary: string;
  details: { label: string | null; value: string }[];
}

/** The status as data (the app shows it as a table); detail values pass through `redact`. */
export function statusRows(m: DeploymentModel, s: DeployedState): StatusRow[] {
  const rows: StatusRow[] = [];
  const row = (
    kind: string,
    name: string,
    state: string,
    more: Partial<Pick<StatusRow, 'nodeId' | 'summary'>> & { details?: [string | null, unknown][] } = {},
  ): void => {
    rows.push({
      kind,
      name,
      nodeId: more.nodeId ?? null,
      state,
      summary: more.summary ?? '',
      details: (more.details ?? []).map(([label, v]) => ({ label, value: redact(label ?? '', String(v)) })),
    });
  };
  const c = s.cluster;
  if (!c) row('cluster', m.cluster.name, NOT);
  else {
    const info = c.info;
    const type = String(
      info['ClusterType'] ?? (m.cluster.kind === 'serverless' ? 'SERVERLESS' : 'PROVISIONED'),
    );
    const detail =
      type === 'PROVISIONED'
        ? `, Kafka ${String(at(info, 'Provisioned.CurrentBrokerSoftwareInfo.KafkaVersion'))}, ${String(
            at(info, 'Provisioned.NumberOfBrokerNodes'),
          )} × ${String(at(info, 'Provisioned.BrokerNodeGroupInfo.InstanceType'))}`
        : '';
    const details: [string, unknown][] = [];
    const reason = at(info, 'StateInfo.Message');
    if (typeof reason === 'string' && reason) details.push(['reason', reason]);
    if (s.bootstrap) details.push(['bootstrap servers', s.bootstrap]);
    row('cluster', c.name, c.state, { summary: `${type}${detail}`, details });
  }
  if (m.topics.length > 0) {
    const there = m.topics.filter((t) => s.topics.has(t.name)).length;
    row('topics', '', `${there} of ${m.topics.length} exist`, {
      summary: c?.state === 'ACTIVE' ? '' : 'topics are described once the cluster is ACTIVE',
    });
  }
  for (const x of m.connectors) {
    const d = s.connectors.get(x.name);
    if (!d) {
      row('connector', x.name, NOT, { nodeId: x.nodeId });
      continue;
    }
    const { capacity, workers } = capacityText(d['capacity']);
    const details: [string | null, unknown][] = [];
    const why = at(d, 'stateDescription.message');
    if (typeof why === 'string' && why) details.push(['reason', why]);
    details.push(['capacity', capacity], ['workers', workers]);
    const pluginArn = String(at(d, 'plugins.0.customPlugin.customPluginArn') ?? '');
    const plugin = [...s.plugins.entries()].find(([, p]) => p.arn === pluginArn);
    details.push([
      'plugin',
      plugin
        ? `${plugin[0]} revision ${String(at(d, 'plugins.0.customPlugin.revision'))} (${plugin[1].state})`
        : pluginArn || '(none)',
    ]);
    const wcArn = String(at(d, 'workerConfiguration.workerConfigurationArn') ?? '');
    const wc = [...s.workerConfigurations.entries()].find(([, w]) => w.arn === wcArn);
    details.push([
      'worker configuration',
      wc ? `${wc[0]} revision ${String(at(d, 'workerConfiguration.revision'))}` : wcArn || '(default)',
    ]);
    details.push([
      null,
      `Kafka Connect ${String(d['kafkaConnectVersion'])}, version ${String(d['currentVersion'])}`,
    ]);
    row('connector', x.name, String(d['connectorState']), { nodeId: x.nodeId, details });
  }
  if (m.engine) {
    const svc = s.service;
    if (!svc) row('engine service', m.engine.serviceName, NOT);
    else
      row('engine service', m.engine.serviceName, String(svc['status']), {
        summary: `${String(svc['runningCount'] ?? 0)} of ${String(
          svc['desiredCount'],
        )} tasks running, task definition ${String(svc['taskDefinition']).split('/').pop()}`,
      });
  }
  if (m.alarms.length > 0) {
    const states = new Map<string, number>();
    for (const a of m.alarms) {
      const v = s.alarms.get(a.name)?.['StateValue'];
      if (typeof v === 'string') states.set(v, (states.get(v) ?? 0) + 1);
    }
    const there = m.alarms.filter((a) => s.alarms.has(a.name)).length;
    row('alarms', '', `${there} of ${m.alarms.length} exist`, {
      summary: [...states.entries()].map(([k, n]) => `${k} ${n}`).join(', '),
      details: m.alarms
        .filter((a) => s.alarms.get(a.name)?.['StateValue'] === 'ALARM')
        .map((a): [string, unknown] => ['in ALARM', a.name]),
    });
  }
  return rows;
}

/** A row as `kflow deploy --status` prints it; the engine's summary reads on after a comma. */
export function formatStatusRow(r: StatusRow): string[] {
  const summary = !r.summary ? '' : r.kind === 'engine service' ? `, ${r.summary}` : ` (${r.summary})`;
  return [
    `${r.kind}${r.name ? ` ${r.name}` : ''}${r.nodeId ? ` (node ${r.nodeId})` : ''}: ${r.state}${summary}`,
    ...r.details.map((d) => `  ${d.label ? `${d.label}: ` : ''}${d.value}`),
  ];
}

export function formatStatus(m: DeploymentModel, s: DeployedState): string[] {
  return statusRows(m, s).flatMap(formatStatusRow);
}
