/**
 * @module export/deploy/status
 * `kflow deploy --status`: the live state of what the spec deploys, the way
 * the seed's describe_connector showed it (cluster state, connector state,
 * capacity, workers, plugin), from a described state. Pure formatting.
 */
import type { DeploymentModel } from '../model';
import type { AwsOutput } from './aws';
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

export function formatStatus(m: DeploymentModel, s: DeployedState): string[] {
  const out: string[] = [];
  const c = s.cluster;
  if (!c) out.push(`cluster ${m.cluster.name}: ${NOT}`);
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
    out.push(`cluster ${c.name}: ${c.state} (${type}${detail})`);
    const reason = at(info, 'StateInfo.Message');
    if (typeof reason === 'string' && reason) out.push(`  reason: ${reason}`);
    if (s.bootstrap) out.push(`  bootstrap servers: ${s.bootstrap}`);
  }
  if (m.topics.length > 0) {
    const there = m.topics.filter((t) => s.topics.has(t.name)).length;
    out.push(
      `topics: ${there} of ${m.topics.length} exist${
        c?.state === 'ACTIVE' ? '' : ' (topics are described once the cluster is ACTIVE)'
      }`,
    );
  }
  for (const x of m.connectors) {
    const d = s.connectors.get(x.name);
    if (!d) {
      out.push(`connector ${x.name} (node ${x.nodeId}): ${NOT}`);
      continue;
    }
    const { capacity, workers } = capacityText(d['capacity']);
    out.push(`connector ${x.name} (node ${x.nodeId}): ${String(d['connectorState'])}`);
    const why = at(d, 'stateDescription.message');
    if (typeof why === 'string' && why) out.push(`  reason: ${why}`);
    out.push(`  capacity: ${capacity}`);
    out.push(`  workers: ${workers}`);
    const pluginArn = String(at(d, 'plugins.0.customPlugin.customPluginArn') ?? '');
    const plugin = [...s.plugins.entries()].find(([, p]) => p.arn === pluginArn);
    out.push(
      `  plugin: ${plugin ? `${plugin[0]} revision ${String(at(d, 'plugins.0.customPlugin.revision'))} (${plugin[1].state})` : pluginArn || '(none)'}`,
    );
    const wcArn = String(at(d, 'workerConfiguration.workerConfigurationArn') ?? '');
    const wc = [...s.workerConfigurations.entries()].find(([, w]) => w.arn === wcArn);
    out.push(
      `  worker configuration: ${wc ? `${wc[0]} revision ${String(at(d, 'workerConfiguration.revision'))}` : wcArn || '(default)'}`,
    );
    out.push(`  Kafka Connect ${String(d['kafkaConnectVersion'])}, version ${String(d['currentVersion'])}`);
  }
  if (m.engine) {
    const svc = s.service;
    if (!svc) out.push(`engine service ${m.engine.serviceName}: ${NOT}`);
    else
      out.push(
        `engine service ${m.engine.serviceName}: ${String(svc['status'])}, ${String(
          svc['runningCount'] ?? 0,
        )} of ${String(svc['desiredCount'])} tasks running, task definition ${String(svc['taskDefinition'])
          .split('/')
          .pop()}`,
      );
  }
  if (m.alarms.length > 0) {
    const states = new Map<string, number>();
    for (const a of m.alarms) {
      const v = s.alarms.get(a.name)?.['StateValue'];
      if (typeof v === 'string') states.set(v, (states.get(v) ?? 0) + 1);
    }
    const there = m.alarms.filter((a) => s.alarms.has(a.name)).length;
    const summary = [...states.entries()].map(([k, n]) => `${k} ${n}`).join(', ');
    out.push(`alarms: ${there} of ${m.alarms.length} exist${summary ? ` (${summary})` : ''}`);
    for (const a of m.alarms)
      if (s.alarms.get(a.name)?.['StateValue'] === 'ALARM') out.push(`  in ALARM: ${a.name}`);
  }
  return out;
}
