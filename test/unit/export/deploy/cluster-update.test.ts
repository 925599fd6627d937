import * as Kafka from '@aws-sdk/client-kafka';
import { describe, expect, it } from 'vitest';
import { clusterFieldChange, clusterUpdates } from '../../../../src/export/deploy/cluster-update';
import { recordingConfig, type Recorded } from '../../../support/sdk-recorder';

const ARN = 'arn:aws:kafka:us-east-1:123456789012:cluster/kflow-prod/abc-2';
const CONF = 'arn:aws:kafka:us-east-1:123456789012:configuration/p-brokers/def-2';

const WANT = {
  KafkaVersion: '3.9.x',
  NumberOfBrokerNodes: 6,
  BrokerNodeGroupInfo: {
    InstanceType: 'kafka.m5.xlarge',
    StorageInfo: { EbsStorageInfo: { VolumeSize: 1000 } },
  },
  ClientAuthentication: { Sasl: { Iam: { Enabled: true }, Scram: { Enabled: true } } },
  EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
  EnhancedMonitoring: 'PER_BROKER',
  OpenMonitoring: {
    Prometheus: { JmxExporter: { EnabledInBroker: true }, NodeExporter: { EnabledInBroker: false } },
  },
};

describe('cluster updates', () => {
  it('one call per kind, software first, each serialised by the real SDK with the member names MSK expects', async () => {
    const updates = clusterUpdates(
      WANT,
      [
        'NumberOfBrokerNodes',
        'kafkaVersion',
        'BrokerNodeGroupInfo.InstanceType',
        'BrokerNodeGroupInfo.StorageInfo.EbsStorageInfo.VolumeSize',
        'EnhancedMonitoring',
        'ClientAuthentication.Sasl.Scram.Enabled',
        'EncryptionInfo.EncryptionInTransit.ClientBroker',
      ],
      { arn: CONF, revision: 3 },
    );
    expect(updates.map((u) => u.command)).toEqual([
      'UpdateClusterKafkaVersion',
      'UpdateBrokerType',
      'UpdateBrokerStorage',
      'UpdateBrokerCount',
      'UpdateMonitoring',
      'UpdateSecurity',
    ]);
    const sink: Recorded[] = [];
    const client = new Kafka.KafkaClient(recordingConfig(sink));
    const mod = Kafka as unknown as Record<string, new (i: unknown) => unknown>;
    for (const u of updates)
      await client.send(
        new mod[`${u.command}Command`]!({ ClusterArn: ARN, CurrentVersion: 'K7', ...u.input }) as never,
      );
    expect(sink).toEqual([
      {
        method: 'PUT',
        path: `/v1/clusters/${ARN}/version`,
        body: {
          currentVersion: 'K7',
          targetKafkaVersion: '3.9.x',
          configurationInfo: { arn: CONF, revision: 3 },
        },
      },
      {
        method: 'PUT',
        path: `/v1/clusters/${ARN}/nodes/type`,
        body: { currentVersion: 'K7', targetInstanceType: 'kafka.m5.xlarge' },
      },
      {
        method: 'PUT',
        path: `/v1/clusters/${ARN}/nodes/storage`,
        body: {
          currentVersion: 'K7',
          targetBrokerEBSVolumeInfo: [{ kafkaBrokerNodeId: 'All', volumeSizeGB: 1000 }],
        },
      },
      {
        method: 'PUT',
        path: `/v1/clusters/${ARN}/nodes/count`,
        body: { currentVersion: 'K7', targetNumberOfBrokerNodes: 6 },
      },
      {
        method: 'PUT',
        path: `/v1/clusters/${ARN}/monitoring`,
        body: {
          currentVersion: 'K7',
          enhancedMonitoring: 'PER_BROKER',
          openMonitoring: {
            prometheus: { jmxExporter: { enabledInBroker: true }, nodeExporter: { enabledInBroker: false } },
          },
        },
      },
      {
        method: 'PATCH',
        path: `/v1/clusters/${ARN}/security`,
        body: {
          currentVersion: 'K7',
          clientAuthentication: { sasl: { iam: { enabled: true }, scram: { enabled: true } } },
          encryptionInfo: { encryptionInTransit: { clientBroker: 'TLS' } },
        },
      },
    ]);
    client.destroy();
  });

  it('a new configuration revision alone is UpdateClusterConfiguration', () => {
    expect(clusterUpdates(WANT, ['configurationRevision'], { arn: CONF, revision: 2 })).toEqual([
      { command: 'UpdateClusterConfiguration', input: { ConfigurationInfo: { Arn: CONF, Revision: 2 } } },
    ]);
  });

  it('what MSK cannot do is left to the user', () => {
    expect(clusterFieldChange('NumberOfBrokerNodes', 6, 3)).toBe('update');
    expect(clusterFieldChange('NumberOfBrokerNodes', 3, 6)).toBe('manual');
    expect(clusterFieldChange('BrokerNodeGroupInfo.StorageInfo.EbsStorageInfo.VolumeSize', 100, 500)).toBe(
      'manual',
    );
    expect(clusterFieldChange('BrokerNodeGroupInfo.ClientSubnets', ['a'], ['b'])).toBe('manual');
    expect(clusterFieldChange('EncryptionInfo.EncryptionInTransit.InCluster', false, true)).toBe('manual');
    expect(clusterFieldChange('LoggingInfo.BrokerLogs.S3.Enabled', true, false)).toBe('update');
  });
});
