/**
 * @module export/deploy/cluster-update
 * How a difference in a provisioned MSK cluster is resolved in place: MSK
 * changes one aspect per call (broker count, storage, broker type, Kafka
 * version, monitoring and logging, security, configuration), each an update
 * operation the cluster must finish (back to ACTIVE) before the next starts,
 * each naming the cluster's CurrentVersion. Some changes MSK cannot make at
 * all (fewer brokers, smaller volumes, other subnets, encryption at rest or
 * between brokers): those stay differences deploy reports and refuses. Pure.
 */
import type { DeploymentModel } from '../model';
import type { Change } from './drift';

/** One MSK update call, without `ClusterArn` and `CurrentVersion` (read just before it is sent). */
export interface ClusterUpdate {
  command:
    | 'UpdateClusterKafkaVersion'
    | 'UpdateClusterConfiguration'
    | 'UpdateBrokerType'
    | 'UpdateBrokerStorage'
    | 'UpdateBrokerCount'
    | 'UpdateMonitoring'
    | 'UpdateSecurity';
  input: Record<string, unknown>;
}

const COUNT = 'NumberOfBrokerNodes';
const TYPE = 'BrokerNodeGroupInfo.InstanceType';
const STORAGE = 'BrokerNodeGroupInfo.StorageInfo.EbsStorageInfo.VolumeSize';
const MONITORING = /^(EnhancedMonitoring|OpenMonitoring|LoggingInfo)(\.|$)/;
const AUTH = /^ClientAuthentication(\.|$)/;
const CLIENT_BROKER = 'EncryptionInfo.EncryptionInTransit.ClientBroker';
const CONFIGURATION = /^configuration(Arn|Revision)$/;

/**
 * What deploy does about one differing field of a provisioned cluster
 * (fields as drift names them, from the CreateClusterV2 input).
 */
export function clusterFieldChange(field: string, desired: unknown, deployed: unknown): Change {
  const grows = Number(desired) > Number(deployed);
  if (field === COUNT || field === STORAGE) return grows ? 'update' : 'manual';
  if (field === TYPE || field === 'kafkaVersion' || field === CLIENT_BROKER) return 'update';
  if (MONITORING.test(field) || AUTH.test(field) || CONFIGURATION.test(field)) return 'update';
  // Subnets, security groups, encryption at rest and between brokers: MSK has no update for them.
  return 'manual';
}

/** A cluster difference deploy refuses before any call, with what to do instead. */
export function clusterRefusal(
  m: DeploymentModel,
  field: string,
  desired: string,
  deployed: string,
): string | undefined {
  const c = m.cluster;
  if (field === COUNT) {
    const want = Number(desired);
    if (want < Number(deployed))
      return `cluster ${c.name} has ${deployed} brokers and the profile's cluster.brokers asks for ${want}: MSK cannot remove brokers from a cluster; set cluster.brokers to ${deployed} or more (or deploy to a new cluster)`;
    // A count that is not a multiple of the subnets is refused earlier, by the export's validation.
  }
  if (field === STORAGE && Number(desired) < Number(deployed))
    return `cluster ${c.name}'s broker volumes are ${deployed} GiB and the profile's cluster.ebsVolumeGiB asks for ${desired}: MSK can only grow broker storage; set cluster.ebsVolumeGiB to ${deployed} or more`;
  return undefined;
}

/**
 * The calls that take the cluster from the differing `fields` to `want`
 * (the CreateClusterV2 `Provisioned` input, references resolved), in the
 * order they are sent: the software first, then the brokers, then the rest.
 * `configuration` is the revision of kflow's configuration the cluster should run.
 */
export function clusterUpdates(
  want: Record<string, unknown>,
  fields: string[],
  configuration?: { arn: string; revision: number },
): ClusterUpdate[] {
  const has = (test: (f: string) => boolean): boolean => fields.some(test);
  const get = (path: string): unknown =>
    path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], want);
  const out: ClusterUpdate[] = [];
  const confInfo = configuration ? { Arn: configuration.arn, Revision: configuration.revision } : undefined;
  if (has((f) => f === 'kafkaVersion'))
    out.push({
      command: 'UpdateClusterKafkaVersion',
      input: {
        TargetKafkaVersion: want['KafkaVersion'],
        ...(confInfo ? { ConfigurationInfo: confInfo } : {}),
      },
    });
  else if (confInfo && has((f) => CONFIGURATION.test(f)))
    out.push({ command: 'UpdateClusterConfiguration', input: { ConfigurationInfo: confInfo } });
  if (has((f) => f === TYPE))
    out.push({ command: 'UpdateBrokerType', input: { TargetInstanceType: get(TYPE) } });
  if (has((f) => f === STORAGE))
    out.push({
      command: 'UpdateBrokerStorage',
      // "All": every broker gets the new size, as the profile has one size for all.
      input: { TargetBrokerEBSVolumeInfo: [{ KafkaBrokerNodeId: 'All', VolumeSizeGB: get(STORAGE) }] },
    });
  if (has((f) => f === COUNT))
    out.push({ command: 'UpdateBrokerCount', input: { TargetNumberOfBrokerNodes: want[COUNT] } });
  if (has((f) => MONITORING.test(f)))
    out.push({
      command: 'UpdateMonitoring',
      input: {
        EnhancedMonitoring: want['EnhancedMonitoring'],
        ...(want['OpenMonitoring'] ? { OpenMonitoring: want['OpenMonitoring'] } : {}),
        ...(want['LoggingInfo'] ? { LoggingInfo: want['LoggingInfo'] } : {}),
      },
    });
  const auth = has((f) => AUTH.test(f));
  const transit = has((f) => f === CLIENT_BROKER);
  if (auth || transit)
    out.push({
      command: 'UpdateSecurity',
      input: {
        ...(auth ? { ClientAuthentication: want['ClientAuthentication'] } : {}),
        ...(transit ? { EncryptionInfo: { EncryptionInTransit: { ClientBroker: get(CLIENT_BROKER) } } } : {}),
      },
    });
  return out;
}
