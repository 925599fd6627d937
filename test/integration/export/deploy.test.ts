import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deploy, type DeployOptions } from '../../../src/cli/commands/deploy';
import { startFakeAws, type FakeAws } from '../../support/fake-aws/index';

const root = join(import.meta.dirname, '../../..');
const example = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(root, 'resources/examples', `${name}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
const PROFILE = join(root, 'resources/profiles/production-provisioned.json');
const FAST = { pollInitialMs: 20, pollMaxMs: 100, clusterTimeoutMs: 10_000, connectorTimeoutMs: 10_000 };

interface Ran {
  code: number;
  out: string;
  err: string;
}

let dir: string;
let fake: FakeAws;

async function run(spec: string, opts: Partial<DeployOptions>, profile = PROFILE): Promise<Ran> {
  let out = '';
  let err = '';
  const code = await deploy(
    spec,
    { profile, endpoint: fake.url, ...opts },
    { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } },
    { tuning: FAST },
  );
  return { code, out, err };
}

/** The mysql-cdc example with the Debezium server id set to `serverId`. */
function cdcSpec(serverId: number): string {
  const spec = example('mysql-cdc');
  const nodes = spec['nodes'] as { id: string; config: { database: { serverId: number } } }[];
  nodes.find((n) => n.id === 'orders-cdc')!.config.database.serverId = serverId;
  const file = join(dir, `mysql-cdc-${serverId}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

beforeAll(async () => {
  // The SDK's default provider chain reads these first; nothing here is a real credential.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFAKEFAKEFAKE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake-secret-key-for-the-loopback-fake');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('AWS_PROFILE', '');
  dir = mkdtempSync(join(tmpdir(), 'kflow-deploy-'));
  fake = await startFakeAws({ delayMs: 150 });
  fake.state.secrets.add('production-db');
});

afterAll(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe('kflow deploy against the fake AWS (mysql-cdc on a new provisioned cluster)', () => {
  it('dry run (the default) prints the ordered calls and calls nothing', async () => {
    const r = await run(cdcSpec(184054), {});
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out) as { steps: { command: string }[] };
    expect(plan.steps[0]!.command).toBe('CreateConfiguration');
    expect(plan.steps).toHaveLength(26);
    expect(fake.calls).toEqual([]);
  });

  it('a first deploy creates everything and waits for ACTIVE and RUNNING', async () => {
    const r = await run(cdcSpec(184054), { apply: true });
    expect(r.err).not.toMatch(/kflow deploy:/);
    expect(r.code).toBe(0);
    expect(fake.mutatingCalls()).toEqual([
      'kafka CreateConfiguration',
      'kafka CreateClusterV2',
      'kafka CreateTopic',
      'kafka CreateTopic',
      'logs CreateLogGroup',
      'logs CreateLogGroup',
      'iam CreateRole',
      'iam PutRolePolicy',
      'iam CreateRole',
      'iam PutRolePolicy',
      'iam CreateRole',
      'iam AttachRolePolicy',
      'kafkaconnect CreateCustomPlugin',
      'kafkaconnect CreateWorkerConfiguration',
      'kafkaconnect CreateConnector',
      'ecs RegisterTaskDefinition',
      'ecs CreateService',
      ...Array<string>(8).fill('monitoring PutMetricAlarm'),
    ]);
    expect(r.out).toContain('deployed mysql-cdc: 25 change(s), 0 step(s) unchanged');
    expect(r.err).toContain('waiting for cluster kflow-prod: CREATING');
    expect(r.err).toContain('waiting for cluster kflow-prod: ACTIVE');
    expect(r.err).toContain('waiting for connector mysql-cdc-prod-orders-cdc: RUNNING');

    const s = fake.state;
    const cluster = [...s.clusters.values()][0]!;
    expect(cluster.name).toBe('kflow-prod');
    expect(cluster.state).toBe('ACTIVE');
    expect([...cluster.topics.keys()].sort()).toEqual([
      'mysql.ecommerce.orders',
      'mysql.ecommerce.orders-changes',
    ]);
    expect(cluster.topics.get('mysql.ecommerce.orders')).toEqual({ partitionCount: 6, replicationFactor: 3 });
    expect([...s.configurations.keys()]).toEqual(['mysql-cdc-prod-brokers']);
    expect([...s.logGroups].sort()).toEqual([
      '/kflow/mysql-cdc-prod/connect',
      '/kflow/mysql-cdc-prod/engine',
    ]);
    expect([...s.roles.keys()].sort()).toEqual([
      'mysql-cdc-prod-engine-execution',
      'mysql-cdc-prod-engine-task',
      'mysql-cdc-prod-orders-cdc',
    ]);
    expect(s.roles.get('mysql-cdc-prod-engine-execution')!.attached).toEqual([
      'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    ]);
    expect([...s.plugins.values()].map((p) => [p.body['name'], p.state])).toEqual([
      ['mysql-cdc-prod-debezium-mysql', 'ACTIVE'],
    ]);
    expect([...s.workerConfigurations.keys()]).toEqual(['mysql-cdc-prod-orders-cdc']);
    const connector = s.connectors.get('mysql-cdc-prod-orders-cdc')!;
    expect(connector.state).toBe('RUNNING');
    const config = connector.body['connectorConfiguration'] as Record<string, string>;
    expect(config['database.server.id']).toBe('184054');
    expect(config['database.password']).toBe('${secretManager:production-db:password}');
    // The connector got the ARNs and bootstrap servers of what this deploy created.
    expect(connector.body['serviceExecutionRoleArn']).toBe(s.roles.get('mysql-cdc-prod-orders-cdc')!.arn);
    expect(
      (connector.body['kafkaCluster'] as { apacheKafkaCluster: { bootstrapServers: string } })
        .apacheKafkaCluster.bootstrapServers,
    ).toBe(cluster.bootstrap);
    expect(s.taskDefinitions.get('mysql-cdc-prod-engine')).toHaveLength(1);
    expect(s.services.get('kflow-prod/mysql-cdc-prod-engine')?.['status']).toBe('ACTIVE');
    expect(s.alarms.size).toBe(8);
    // Secrets are checked to exist, never read.
    expect(fake.calls.filter((c) => c.service === 'secretsmanager').map((c) => c.operation)).toEqual([
      'DescribeSecret',
    ]);
  });

  it('a second deploy changes nothing', async () => {
    const before = fake.calls.length;
    const r = await run(cdcSpec(184054), { apply: true });
    expect(r.code).toBe(0);
    expect(fake.calls.slice(before).filter((c) => c.mutating)).toEqual([]);
    expect(r.out).toContain('deployed mysql-cdc: 0 change(s), 25 step(s) unchanged');
  });

  it('--drift finds no difference right after a deploy', async () => {
    const r = await run(cdcSpec(184054), { drift: true });
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('--status shows the cluster, the connector (state, capacity, workers, plugin), the engine and the alarms', async () => {
    const r = await run(cdcSpec(184054), { status: true });
    expect(r.code).toBe(0);
    expect(r.out).toContain('cluster kflow-prod: ACTIVE (PROVISIONED, Kafka 3.8.x, 3 × kafka.m5.large)');
    expect(r.out).toContain('connector mysql-cdc-prod-orders-cdc (node orders-cdc): RUNNING');
    expect(r.out).toContain('capacity: autoscaling, 1 MCU per worker, scale in below 20% CPU, out above 80%');
    expect(r.out).toContain('workers: 1-2 (autoscaling)');
    expect(r.out).toContain('plugin: mysql-cdc-prod-debezium-mysql revision 1 (ACTIVE)');
    expect(r.out).toContain('engine service mysql-cdc-prod-engine: ACTIVE, 1 of 1 tasks running');
    expect(r.out).toContain('alarms: 8 of 8 exist (OK 8)');
  });

  it('a changed connector setting shows in --drift, and the next deploy updates it in place', async () => {
    const changed = cdcSpec(184055);
    const drift = await run(changed, { drift: true });
    expect(drift.code).toBe(1);
    expect(drift.out.trim().split('\n')).toEqual([
      'connector mysql-cdc-prod-orders-cdc (node orders-cdc): connectorConfiguration.database.server.id: deployed 184054, wanted 184055 (deploy updates it)',
    ]);

    const before = fake.calls.length;
    const r = await run(changed, { apply: true });
    expect(r.code).toBe(0);
    const mutating = fake.calls.slice(before).filter((c) => c.mutating);
    expect(mutating.map((c) => c.operation)).toEqual(['UpdateConnector']);
    const update = mutating[0]!.input;
    expect(update['currentVersion']).toBe('V1');
    expect((update['connectorConfiguration'] as Record<string, string>)['database.server.id']).toBe('184055');
    expect(update['capacity']).toBeUndefined();
    expect(r.err).toContain('waiting for connector mysql-cdc-prod-orders-cdc: RUNNING');
    expect((await run(changed, { drift: true })).code).toBe(0);
  });
});

describe('kflow deploy refuses before any change', () => {
  it('when a referenced secret does not exist in Secrets Manager', async () => {
    const other = await startFakeAws({ delayMs: 10 });
    const url = fake.url;
    try {
      let err = '';
      const code = await deploy(
        cdcSpec(184054),
        { profile: PROFILE, endpoint: other.url, apply: true },
        { out: { write: () => true }, err: { write: (s: string) => (err += s) } },
        { tuning: FAST },
      );
      expect(code).toBe(1);
      expect(err).toContain('secret production-db does not exist in Secrets Manager');
      expect(other.mutatingCalls()).toEqual([]);
    } finally {
      await other.stop();
    }
    expect(fake.url).toBe(url);
  });

  it('when --apply and --drift are both given (usage, exit 2)', async () => {
    const r = await run(cdcSpec(184054), { apply: true, drift: true });
    expect(r.code).toBe(2);
  });
});

describe('kflow deploy of an S3 sink on an existing cluster', () => {
  const EXISTING = join(root, 'resources/profiles/existing-cluster.json');
  let s3: FakeAws;
  let saved: FakeAws;

  function s3Spec(flushSize: number): string {
    const spec = example('s3-hourly-archive');
    const nodes = spec['nodes'] as { id: string; config: { flushSize: number } }[];
    nodes.find((n) => n.id === 'lake')!.config.flushSize = flushSize;
    const file = join(dir, `s3-${flushSize}.json`);
    writeFileSync(file, JSON.stringify(spec));
    return file;
  }
  function profileWithWorkers(workers: number): string {
    const p = JSON.parse(readFileSync(EXISTING, 'utf8')) as { connect: { capacity: { workers: number } } };
    p.connect.capacity.workers = workers;
    const file = join(dir, `existing-${workers}.json`);
    writeFileSync(file, JSON.stringify(p));
    return file;
  }

  beforeAll(async () => {
    s3 = await startFakeAws({ delayMs: 50 });
    s3.state.addExistingCluster(
      'arn:aws:kafka:us-east-1:123456789012:cluster/shared-kafka/3f2a1b4c-5d6e-7f80-9a1b-2c3d4e5f6a7b-2',
      'shared-kafka',
      'b-1.sharedkafka.abc123.c2.kafka.us-east-1.amazonaws.com:9098',
    );
    saved = fake;
    fake = s3;
  });
  afterAll(async () => {
    fake = saved;
    await s3.stop();
  });

  it('creates the connector and its topics, then updates flush size and capacity in place', async () => {
    const first = await run(s3Spec(1000), { apply: true }, EXISTING);
    expect(first.code).toBe(0);
    expect(s3.mutatingCalls().filter((c) => !c.endsWith('PutMetricAlarm'))).toEqual([
      'kafka CreateTopic',
      'kafka CreateTopic',
      'logs CreateLogGroup',
      'iam CreateRole',
      'iam PutRolePolicy',
      'kafkaconnect CreateCustomPlugin',
      'kafkaconnect CreateWorkerConfiguration',
      'kafkaconnect CreateConnector',
    ]);
    expect(s3.mutatingCalls().filter((c) => c.endsWith('PutMetricAlarm'))).toHaveLength(8);
    const cluster = [...s3.state.clusters.values()][0]!;
    expect([...cluster.topics.keys()].sort()).toEqual(['purchase-events', 'user-events']);

    const drift = await run(s3Spec(500), { drift: true }, profileWithWorkers(2));
    expect(drift.code).toBe(1);
    expect(drift.out.trim().split('\n')).toEqual([
      'connector s3-hourly-archive-stage-lake (node lake): connectorConfiguration.flush.size: deployed 1000, wanted 500 (deploy updates it)',
      'connector s3-hourly-archive-stage-lake (node lake): capacity.provisionedCapacity.workerCount: deployed 1, wanted 2 (deploy updates it)',
    ]);

    const before = s3.calls.length;
    const r = await run(s3Spec(500), { apply: true }, profileWithWorkers(2));
    expect(r.code).toBe(0);
    const updates = s3.calls.slice(before).filter((c) => c.mutating);
    // MSK Connect takes one change per UpdateConnector: capacity first, then the configuration.
    expect(
      updates.map((c) => Object.keys(c.input).filter((k) => k !== 'connectorArn' && k !== 'currentVersion')),
    ).toEqual([['capacity'], ['connectorConfiguration']]);
    expect(updates[0]!.input['capacity']).toEqual({ provisionedCapacity: { mcuCount: 1, workerCount: 2 } });
    expect((updates[1]!.input['connectorConfiguration'] as Record<string, string>)['flush.size']).toBe('500');
    expect(updates.map((c) => c.input['currentVersion'])).toEqual(['V1', 'V2']);
    expect((await run(s3Spec(500), { drift: true }, profileWithWorkers(2))).code).toBe(0);
  });
});

describe('kflow deploy waits with a time limit', () => {
  it('gives up on a cluster that stays CREATING, saying what to do', async () => {
    const slow = await startFakeAws({ delayMs: 60_000 });
    slow.state.secrets.add('production-db');
    try {
      let err = '';
      const code = await deploy(
        cdcSpec(184054),
        { profile: PROFILE, endpoint: slow.url, apply: true },
        { out: { write: () => true }, err: { write: (s: string) => (err += s) } },
        { tuning: { ...FAST, clusterTimeoutMs: 300 } },
      );
      expect(code).toBe(1);
      expect(err).toContain(
        'cluster kflow-prod is still CREATING after 0.3 s; it may still finish: follow it with kflow deploy --status and deploy again once it is ACTIVE',
      );
      expect(slow.mutatingCalls()).toEqual(['kafka CreateConfiguration', 'kafka CreateClusterV2']);
    } finally {
      await slow.stop();
    }
  });
});
