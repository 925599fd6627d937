/**
 * @module broker/handlers/config-resources
 * What DescribeConfigs, AlterConfigs and IncrementalAlterConfigs share: Kafka's
 * resource type and config source codes, and the read-only broker configs an
 * embedded broker reports (derived from its BrokerOptions, so they tell the
 * truth about this process).
 */
import type { Cluster } from '../cluster';
import { DEFAULT_BROKER_OPTIONS, type BrokerOptions } from '../config';
import { DEFAULT_LOG_CONFIG } from '../log/storage';
import { ErrorCode } from '../../protocol/errors';
import { ConfigType } from '../topic-config';

/** Kafka's ConfigResource.Type codes. */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

/** Kafka's ConfigEntry.ConfigSource codes. */
export const ConfigSource = { DYNAMIC_TOPIC_CONFIG: 1, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5 } as const;

export interface BrokerConfig {
  name: string;
  value: string;
  type: ConfigType;
  doc: string;
  /** False when the broker was started with a non-default value (reported as STATIC_BROKER_CONFIG). */
  isDefault: boolean;
}

type Row = [
  name: string,
  value: string | number | boolean,
  type: ConfigType,
  doc: string,
  option?: keyof BrokerOptions,
];

export function brokerConfigs(cluster: Cluster, nodeId: number): BrokerConfig[] {
  const o = cluster.options;
  const rows: Row[] = [
    ['broker.id', nodeId, ConfigType.INT, 'Node id of this broker identity.'],
    [
      'auto.create.topics.enable',
      o.autoCreateTopics,
      ConfigType.BOOLEAN,
      'Create a topic when a client first asks for it.',
      'autoCreateTopics',
    ],
    [
      'num.partitions',
      o.defaultPartitions,
      ConfigType.INT,
      'Partitions of an auto-created topic.',
      'defaultPartitions',
    ],
    ['default.replication.factor', 1, ConfigType.INT, 'Replication factor of an auto-created topic.'],
    ['delete.topic.enable', true, ConfigType.BOOLEAN, 'Whether DeleteTopics may delete topics.'],
    ['log.dirs', `${o.dataDir}/logs`, ConfigType.STRING, 'Directory holding the partition logs.'],
    ['log.retention.ms', DEFAULT_LOG_CONFIG.retentionMs, ConfigType.LONG, 'Default retention.ms of topics.'],
    [
      'log.retention.bytes',
      DEFAULT_LOG_CONFIG.retentionBytes,
      ConfigType.LONG,
      'Default retention.bytes of topics.',
    ],
    [
      'log.segment.bytes',
      DEFAULT_LOG_CONFIG.segmentBytes,
      ConfigType.INT,
      'Default segment.bytes of topics.',
    ],
    [
      'log.cleanup.policy',
      DEFAULT_LOG_CONFIG.cleanupPolicy.join(','),
      ConfigType.LIST,
      'Default cleanup.policy of topics.',
    ],
    [
      'log.retention.check.interval.ms',
      o.maintenanceIntervalMs,
      ConfigType.LONG,
      'Interval between retention and compaction runs.',
      'maintenanceIntervalMs',
    ],
    [
      'message.max.bytes',
      DEFAULT_LOG_CONFIG.maxMessageBytes,
      ConfigType.INT,
      'Default max.message.bytes of topics.',
    ],
    [
      'socket.request.max.bytes',
      o.maxRequestBytes,
      ConfigType.INT,
      'Largest request the broker accepts.',
      'maxRequestBytes',
    ],
    [
      'group.initial.rebalance.delay.ms',
      o.groupInitialRebalanceDelayMs,
      ConfigType.INT,
      'How long a new group waits for more members before its first rebalance.',
      'groupInitialRebalanceDelayMs',
    ],
    ['offsets.topic.replication.factor', 1, ConfigType.SHORT, 'Replication factor of __consumer_offsets.'],
    [
      'transaction.state.log.replication.factor',
      1,
      ConfigType.SHORT,
      'Replication factor of __transaction_state.',
    ],
    ['transaction.state.log.min.isr', 1, ConfigType.INT, 'min.insync.replicas of __transaction_state.'],
    ['min.insync.replicas', 1, ConfigType.INT, 'Default min.insync.replicas of topics.'],
  ];
  return rows.map(([name, value, type, doc, option]) => ({
    name,
    value: String(value),
    type,
    doc,
    isDefault: option === undefined || o[option] === DEFAULT_BROKER_OPTIONS[option],
  }));
}

/** The broker identity a BROKER resource names ("" is the cluster-wide default), or undefined if none. */
export function brokerOfResource(cluster: Cluster, resourceName: string): number | undefined {
  if (resourceName === '') return cluster.controllerId;
  if (!/^\d+$/.test(resourceName)) return undefined;
  const id = Number(resourceName);
  return cluster.nodes.some((n) => n.nodeId === id) ? id : undefined;
}

interface AlterResource {
  resourceType: number;
  resourceName: string;
}

/**
 * Why an AlterConfigs / IncrementalAlterConfigs resource cannot be altered
 * (named twice in the request, a broker, an unknown type), or undefined for a
 * topic that may be. `all` is the request's whole resource list.
 */
export function alterRefusal(
  r: AlterResource,
  all: readonly AlterResource[],
): { code: number; message: string } | undefined {
  if (all.filter((o) => o.resourceType === r.resourceType && o.resourceName === r.resourceName).length > 1) {
    return {
      code: ErrorCode.INVALID_REQUEST,
      message: `resource "${r.resourceName}" appears more than once in the request`,
    };
  }
  if (r.resourceType === ResourceType.BROKER) {
    return {
      code: ErrorCode.INVALID_REQUEST,
      message: 'broker configs of the embedded broker are read-only (set them through startBroker options)',
    };
  }
  if (r.resourceType !== ResourceType.TOPIC) {
    return {
      code: ErrorCode.INVALID_REQUEST,
      message: `resource type ${r.resourceType} cannot be altered; use TOPIC (2)`,
    };
  }
  return undefined;
}
