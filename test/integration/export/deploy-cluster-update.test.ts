import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deploy, type DeployOptions } from '../../../src/cli/commands/deploy';
import { startFakeAws, type FakeAws } from '../../support/fake-aws/index';

const root = join(import.meta.dirname, '../../..');
const SPEC = join(root, 'resources/examples/mysql-cdc.json');
const FAST = { pollInitialMs: 20, pollMaxMs: 100, clusterTimeoutMs: 10_000, connectorTimeoutMs: 10_000 };

type Obj = Record<string, unknown>;
let dir: string;
let fake: FakeAws;

/** The production profile with `change` applied to its cluster section (and `whole` to all of it). */
function profile(name: string, change: (cluster: Obj) => void, whole?: (p: Obj) => void): string {
  const p = JSON.parse(
    readFileSync(join(root, 'resources/profiles/production-provisioned.json'), 'utf8'),
  ) as Obj;
  change(p['cluster'] as Obj);
  whole?.(p);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(p));
  return file;
}

async function run(
  opts: Partial<DeployOptions>,
  profileFile: string,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await deploy(
    SPEC,
    { profile: profileFile, endpoint: fake.url, ...opts },
    { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } },
    { tuning: FAST },
  );
  return { code, out, err };
}

const grown = (c: Obj): void => {
  c['brokers'] = 6;
  c['ebsVolumeGiB'] = 1000;
  c['enhancedMonitoring'] = 'PER_BROKER';
  (c['serverProperties'] as Obj)['min.insync.replicas'] = '1';
};

beforeAll(async () => {
  // The SDK's default provider chain reads these first; nothing here is a real credential.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFAKEFAKEFAKE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake-secret-key-for-the-loopback-fake');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('AWS_PROFILE', '');
  dir = mkdtempSync(join(tmpdir(), 'kflow-deploy-update-'));
  fake = await startFakeAws({ delayMs: 100 });
  fake.state.secrets.add('production-db');
  const first = await run(
    { apply: true },
    profile('base', () => {}),
  );
  expect(first.err).not.toMatch(/kflow deploy:/);
  expect(first.code).toBe(0);
});

afterAll(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe('kflow deploy updates the MSK cluster in place', () => {
  it('--drift shows each changed cluster setting as one deploy updates', async () => {
    const r = await run({ drift: true }, profile('grown', grown));
    expect(r.code).toBe(1);
    expect(r.out.trim().split('\n').sort()).toEqual([
      // Two alarms per broker (model.ts): the three new brokers get theirs.
      ...[4, 5, 6].map((b) => `alarm mysql-cdc-prod cpu user broker ${b}: not deployed (deploy creates it)`),
      ...[4, 5, 6].map((b) => `alarm mysql-cdc-prod disk used broker ${b}: not deployed (deploy creates it)`),
      'cluster kflow-prod: BrokerNodeGroupInfo.StorageInfo.EbsStorageInfo.VolumeSize: deployed 500, wanted 1000 (deploy updates it)',
      'cluster kflow-prod: EnhancedMonitoring: deployed PER_TOPIC_PER_BROKER, wanted PER_BROKER (deploy updates it)',
      'cluster kflow-prod: NumberOfBrokerNodes: deployed 3, wanted 6 (deploy updates it)',
      'configuration mysql-cdc-prod-brokers: serverProperties.min.insync.replicas: deployed 2, wanted 1 (deploy updates it)',
    ]);
  });

  it('--apply sends one update per kind, each with the CurrentVersion the last one left, then nothing', async () => {
    const file = profile('grown', grown);
    const before = fake.calls.length;
    const r = await run({ apply: true }, file);
    expect(r.err).not.toMatch(/kflow deploy:/);
    expect(r.code).toBe(0);
    const mutating = fake.calls.slice(before).filter((c) => c.mutating);
    expect(mutating.map((c) => c.operation)).toEqual([
      'UpdateConfiguration',
      'UpdateClusterConfiguration',
      'UpdateBrokerStorage',
      'UpdateBrokerCount',
      'UpdateMonitoring',
      ...Array<string>(6).fill('PutMetricAlarm'),
    ]);
    const [conf, clusterConf, storage, count, monitoring] = mutating.map((c) => c.input);
    const arn = [...fake.state.clusters.keys()][0]!;
    const confArn = fake.state.configurations.get('mysql-cdc-prod-brokers')!.arn;
    // Bytes on the wire: the SDK sends the properties base64-encoded.
    expect(Buffer.from(String(conf!['serverProperties']), 'base64').toString('utf8')).toContain(
      'min.insync.replicas=1',
    );
    expect(clusterConf).toEqual({
      clusterArn: arn,
      currentVersion: 'K1',
      configurationInfo: { arn: confArn, revision: 2 },
    });
    expect(storage).toEqual({
      clusterArn: arn,
      currentVersion: 'K2',
      targetBrokerEBSVolumeInfo: [{ kafkaBrokerNodeId: 'All', volumeSizeGB: 1000 }],
    });
    expect(count).toEqual({ clusterArn: arn, currentVersion: 'K3', targetNumberOfBrokerNodes: 6 });
    expect(monitoring).toMatchObject({
      clusterArn: arn,
      currentVersion: 'K4',
      enhancedMonitoring: 'PER_BROKER',
    });
    expect(r.err).toContain('waiting for cluster kflow-prod: UPDATING');
    expect(fake.state.clusters.get(arn)!.state).toBe('ACTIVE');
    expect(fake.state.clusters.get(arn)!.currentVersion).toBe('K5');

    const again = fake.calls.length;
    const second = await run({ apply: true }, file);
    expect(second.code).toBe(0);
    expect(fake.calls.slice(again).filter((c) => c.mutating)).toEqual([]);
    expect((await run({ drift: true }, file)).code).toBe(0);
  });

  it('refuses fewer brokers or smaller volumes before any call, naming the profile field', async () => {
    const before = fake.calls.length;
    const r = await run(
      { apply: true },
      profile('shrunk', (c) => {
        c['brokers'] = 3;
        c['ebsVolumeGiB'] = 800;
      }),
    );
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(
      "cluster kflow-prod has 6 brokers and the profile's cluster.brokers asks for 3: MSK cannot remove brokers",
    );
    expect(r.err).toContain(
      "the profile's cluster.ebsVolumeGiB asks for 800: MSK can only grow broker storage",
    );
    expect(fake.calls.slice(before).filter((c) => c.mutating)).toEqual([]);
  });

  it('refuses a broker count that is not a multiple of the subnets', async () => {
    const before = fake.calls.length;
    const r = await run(
      { apply: true },
      profile('uneven', (c) => {
        c['brokers'] = 7;
        c['ebsVolumeGiB'] = 1000;
        c['enhancedMonitoring'] = 'PER_BROKER';
        (c['serverProperties'] as Obj)['min.insync.replicas'] = '1';
      }),
    );
    expect(r.code).not.toBe(0);
    // The export's validation refuses it, before deploy reads anything.
    expect(r.out + r.err).toContain('7 brokers cannot be spread evenly over 3 subnets');
    expect(fake.calls.slice(before).filter((c) => c.mutating)).toEqual([]);
  });

  it('the fake answers a stale CurrentVersion with BadRequestException, as MSK does', async () => {
    const { KafkaClient, UpdateBrokerTypeCommand } = await import('@aws-sdk/client-kafka');
    const client = new KafkaClient({ region: 'us-east-1', endpoint: fake.url });
    const arn = [...fake.state.clusters.keys()][0]!;
    await expect(
      client.send(
        new UpdateBrokerTypeCommand({
          ClusterArn: arn,
          CurrentVersion: 'K1',
          TargetInstanceType: 'kafka.m5.xlarge',
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadRequestException' });
    client.destroy();
  });
});

describe('kflow deploy replaces a connector whose custom plugin changed, only with --allow-replace', () => {
  const NEW_FILE = 'plugins/debezium-connector-mysql-2.7.4-with-msk-config-provider.zip';
  const newPlugin = (): string =>
    profile('new-plugin', grown, (p) => {
      (p['connect'] as Obj)['plugins'] = { debeziumMysql: NEW_FILE };
    });

  it('--drift says --allow-replace resolves the changed plugin file', async () => {
    const r = await run({ drift: true }, newPlugin());
    expect(r.code).toBe(1);
    const line = r.out
      .split('\n')
      .find((l) => l.startsWith('plugin mysql-cdc-prod-debezium-mysql: location.fileKey:'));
    expect(line).toMatch(/\(deploy --allow-replace makes a new one and replaces the connectors using it\)$/);
  });

  it('without --allow-replace, stops before any call and names the connector and why', async () => {
    const before = fake.calls.length;
    const r = await run({ apply: true }, newPlugin());
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(
      `connector mysql-cdc-prod-orders-cdc would be replaced (deleted, then created) because its custom plugin mysql-cdc-prod-debezium-mysql changed (${NEW_FILE})`,
    );
    expect(r.err).toContain('--allow-replace');
    expect(fake.calls.slice(before).filter((c) => c.mutating)).toEqual([]);
  });

  it('with --allow-replace, creates a content-named plugin, deletes and creates the connector, then changes nothing', async () => {
    const file = newPlugin();
    const oldArn = fake.state.connectors.get('mysql-cdc-prod-orders-cdc')!.arn;
    const before = fake.calls.length;
    const r = await run({ apply: true, allowReplace: true }, file);
    expect(r.err).not.toMatch(/kflow deploy:/);
    expect(r.code).toBe(0);
    const mutating = fake.calls.slice(before).filter((c) => c.mutating);
    expect(mutating.map((c) => c.operation)).toEqual([
      'CreateCustomPlugin',
      'DeleteConnector',
      'CreateConnector',
    ]);
    const [plugin, del, create] = mutating.map((c) => c.input);
    expect(String(plugin!['name'])).toMatch(/^mysql-cdc-prod-debezium-mysql-[0-9a-f]{8}$/);
    expect(plugin!['location']).toMatchObject({ s3Location: { fileKey: NEW_FILE } });
    expect(del).toEqual({ connectorArn: oldArn, currentVersion: 'V1' });
    const newPluginArn = fake.state.plugins.get(String(plugin!['name']))!.arn;
    expect(create!['plugins']).toEqual([{ customPlugin: { customPluginArn: newPluginArn, revision: 1 } }]);
    expect(fake.state.connectors.get('mysql-cdc-prod-orders-cdc')!.state).toBe('RUNNING');

    const again = fake.calls.length;
    expect((await run({ apply: true, allowReplace: true }, file)).code).toBe(0);
    expect(fake.calls.slice(again).filter((c) => c.mutating)).toEqual([]);
    expect((await run({ drift: true }, file)).code).toBe(0);
  });
});
