/**
 * Deploying from the app: the export service behind `kflow web`'s HTTP + WebSocket transport,
 * its AWS calls sent (through the real SDK clients) to the loopback fake AWS named by
 * KFLOW_AWS_ENDPOINT. A dry run lists the calls and calls nothing; a first apply creates
 * everything with its progress pushed in order; a second changes nothing; status and drift come
 * back as data, with secret values hidden.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type {
  ApiResponse,
  DeployProgressView,
  DeployResultView,
  DeployStatusRow,
  DriftView,
  ServerEvent,
} from '../../../src/api/index';
import type { PipelineSpec } from '../../../src/spec/index';
import { createBackend, RESOURCES_DIR, type Backend } from '../../../src/server/backend';
import { createEventBus } from '../../../src/server/events';
import { createExport } from '../../../src/server/export';
import { startWebServer, type WebServer } from '../../../src/server/http';
import { MemorySecretStore } from '../../../src/server/secrets';
import { startFakeAws, type FakeAws } from '../../support/fake-aws/index';

const FAKE_SECRET_KEY = 'fake-secret-key-for-the-loopback-fake';
const FAST = { pollInitialMs: 20, pollMaxMs: 100, clusterTimeoutMs: 10_000, connectorTimeoutMs: 10_000 };
const CONNECTOR = 'mysql-cdc-prod-orders-cdc';

const profile = JSON.parse(
  readFileSync(join(RESOURCES_DIR, 'profiles', 'production-provisioned.json'), 'utf8'),
) as Record<string, unknown>;

/** The mysql-cdc example with the Debezium server id set to `serverId`. */
function cdcSpec(serverId: number): PipelineSpec {
  const spec = JSON.parse(readFileSync(join(RESOURCES_DIR, 'examples', 'mysql-cdc.json'), 'utf8')) as {
    nodes: { id: string; config: { database: { serverId: number } } }[];
  };
  spec.nodes.find((n) => n.id === 'orders-cdc')!.config.database.serverId = serverId;
  return spec as unknown as PipelineSpec;
}

let dir: string;
let fake: FakeAws;
let backend: Backend;
let server: WebServer;
let socket: WebSocket;
const events: ServerEvent[] = [];
/** Every response body the page received, to check no secret crossed. */
const bodies: string[] = [];

async function call<T>(method: string, ...params: unknown[]): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ method, params }),
  });
  const text = await res.text();
  bodies.push(text);
  const body = JSON.parse(text) as ApiResponse;
  if (!body.ok) throw Object.assign(new Error(body.error.message), body.error);
  return body.result as T;
}

async function until<T>(what: string, fn: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const progressOf = (deployId: string): DeployProgressView[] =>
  events.flatMap((e) =>
    e.type === 'deploy.progress' && e.progress.deployId === deployId ? [e.progress] : [],
  );

const doneOf = (deployId: string): Promise<DeployResultView> =>
  until(`deploy.done of ${deployId}`, () => {
    const e = events.find((x) => x.type === 'deploy.done' && x.result.deployId === deployId);
    return e?.type === 'deploy.done' ? e.result : undefined;
  });

async function deploy(spec: PipelineSpec, mode: 'dry-run' | 'apply'): Promise<DeployResultView> {
  const { deployId } = await call<{ deployId: string }>('export.deploy', { spec, profile, mode });
  return doneOf(deployId);
}

beforeAll(async () => {
  // The SDK's default provider chain reads these; nothing here is a real credential.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFAKEFAKEFAKE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', FAKE_SECRET_KEY);
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('AWS_PROFILE', '');
  dir = mkdtempSync(join(tmpdir(), 'kflow-app-deploy-'));
  fake = await startFakeAws({ delayMs: 150 });
  fake.state.secrets.add('production-db');
  backend = createBackend({ dataDir: join(dir, 'data'), secretStore: new MemorySecretStore() });
  // The backend's own export service, with fast polling: the fake is ready in 150 ms, not minutes.
  const bus = createEventBus();
  const api = {
    ...backend.api,
    export: createExport({ events: bus, env: { KFLOW_AWS_ENDPOINT: fake.url }, tuning: FAST }),
  };
  server = await startWebServer({ api, events: bus, staticDir: join(dir, 'static'), port: 0 });
  socket = new WebSocket(`ws://127.0.0.1:${server.port}/events`, ['kflow', `kflow.token.${server.token}`], {
    origin: `http://127.0.0.1:${server.port}`,
  });
  socket.on('message', (data) => events.push(JSON.parse(String(data)) as ServerEvent));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
});

afterAll(async () => {
  socket?.close();
  await server?.close();
  await backend?.close();
  await fake?.stop();
  rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe('deploying from the app against the fake AWS (mysql-cdc on a new provisioned cluster)', () => {
  it('a dry run lists the ordered calls, naming the node of the connector, and calls nothing', async () => {
    const r = await deploy(cdcSpec(184054), 'dry-run');
    expect(r.ok).toBe(true);
    expect(r.mode).toBe('dry-run');
    const calls = r.calls ?? [];
    expect(calls.map((c) => c.step)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    // The calls `kflow deploy --apply` makes on an empty account (test/integration/export/deploy.test.ts).
    expect(
      calls.filter((c) => c.command !== 'GetBootstrapBrokers').map((c) => `${c.service} ${c.command}`),
    ).toEqual([
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
      ...Array<string>(8).fill('cloudwatch PutMetricAlarm'),
    ]);
    expect(calls[1]).toMatchObject({ command: 'CreateClusterV2', resource: 'kflow-prod', nodeId: null });
    expect(calls.find((c) => c.command === 'CreateConnector')).toMatchObject({
      resource: CONNECTOR,
      nodeId: 'orders-cdc',
    });
    expect(calls.find((c) => c.resource === 'mysql.ecommerce.orders')?.nodeId).toBe('orders-cdc');
    expect(fake.calls).toEqual([]);
  });

  it('refuses a profile without subnets before any call, naming the field', async () => {
    const bad = { ...profile, network: { securityGroups: ['sg-0a1b2c3d4e5f60001'] } };
    const err = await call('export.deploy', { spec: cdcSpec(184054), profile: bad, mode: 'apply' }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'invalid' });
    const problems = (err as { problems: { path: string; nodeId: string | null }[] }).problems;
    expect(problems.map((p) => p.path)).toContain('profile.network.subnets');
    await expect(
      call('export.deploy', { spec: cdcSpec(184054), profile, mode: 'destroy' }),
    ).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('params[0].mode') });
    expect(fake.calls).toEqual([]);
  });

  it('a first apply creates everything, pushing its progress in order, and a second apply meanwhile is refused', async () => {
    const { deployId } = await call<{ deployId: string }>('export.deploy', {
      spec: cdcSpec(184054),
      profile,
      mode: 'apply',
    });
    await expect(
      call('export.deploy', { spec: cdcSpec(184054), profile, mode: 'apply' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    const r = await doneOf(deployId);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.changes).toHaveLength(25);
    expect(r.changes[0]).toEqual({
      service: 'kafka',
      command: 'CreateConfiguration',
      resource: 'configuration mysql-cdc-prod-brokers',
    });
    expect(r.unchanged).toBe(0);
    expect(r.manual).toEqual([]);

    const progress = progressOf(deployId);
    expect(progress[0]?.message).toBe('reading what is deployed for mysql-cdc in us-east-1');
    expect(progress.every((p) => p.total === 26)).toBe(true);
    // Steps are announced in plan order, and `done` never goes back.
    const steps = progress.flatMap((p) => (p.step === null ? [] : [p.step]));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps[0]).toBe(1);
    const done = progress.map((p) => p.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(progress.find((p) => p.step === 2)).toMatchObject({
      message: '[2/26] create cluster kflow-prod',
      resource: 'cluster kflow-prod',
      nodeId: null,
      done: 2,
    });
    const created = progress.findIndex((p) => p.step === 2);
    const waiting = progress.findIndex((p) =>
      p.message.startsWith('  waiting for cluster kflow-prod: CREATING'),
    );
    const active = progress.findIndex((p) =>
      p.message.startsWith('  waiting for cluster kflow-prod: ACTIVE'),
    );
    expect(created).toBeGreaterThanOrEqual(0);
    expect(waiting).toBeGreaterThan(created);
    expect(active).toBeGreaterThan(waiting);
    expect(progress[waiting]?.resource).toBe('cluster kflow-prod');
    expect(progress.find((p) => p.message.includes(`create connector ${CONNECTOR}`))?.nodeId).toBe(
      'orders-cdc',
    );
    expect(progress.at(-1)?.message).toMatch(new RegExp(`^ {2}waiting for connector ${CONNECTOR}: RUNNING`));
    // The end arrives after every line of the deploy.
    const doneAt = events.findIndex((e) => e.type === 'deploy.done' && e.result.deployId === deployId);
    const lastLine = events.findLastIndex(
      (e) => e.type === 'deploy.progress' && e.progress.deployId === deployId,
    );
    expect(doneAt).toBeGreaterThan(lastLine);
    expect(fake.state.connectors.get(CONNECTOR)?.state).toBe('RUNNING');
  });

  it('a second apply changes nothing', async () => {
    const before = fake.calls.length;
    const r = await deploy(cdcSpec(184054), 'apply');
    expect(r.ok).toBe(true);
    expect(r.changes).toEqual([]);
    expect(r.unchanged).toBe(25);
    expect(fake.calls.slice(before).filter((c) => c.mutating)).toEqual([]);
  });

  it('status comes back as rows: the cluster, the connector with its node, the engine and the alarms', async () => {
    const rows = await call<DeployStatusRow[]>('export.status', { spec: cdcSpec(184054), profile });
    expect(rows.find((r) => r.kind === 'cluster')).toMatchObject({
      name: 'kflow-prod',
      state: 'ACTIVE',
      summary: 'PROVISIONED, Kafka 3.8.x, 3 × kafka.m5.large',
    });
    const connector = rows.find((r) => r.kind === 'connector');
    expect(connector).toMatchObject({ name: CONNECTOR, nodeId: 'orders-cdc', state: 'RUNNING' });
    expect(connector?.details).toContainEqual({ label: 'workers', value: '1-2 (autoscaling)' });
    expect(rows.find((r) => r.kind === 'engine service')?.state).toBe('ACTIVE');
    expect(rows.find((r) => r.kind === 'alarms')).toMatchObject({ state: '8 of 8 exist', summary: 'OK 8' });
  });

  it('drift is empty right after the deploy, and names a changed connector setting with its node', async () => {
    expect(await call<DriftView[]>('export.drift', { spec: cdcSpec(184054), profile })).toEqual([]);
    expect(await call<DriftView[]>('export.drift', { spec: cdcSpec(184055), profile })).toEqual([
      {
        kind: 'connector',
        name: CONNECTOR,
        nodeId: 'orders-cdc',
        field: 'connectorConfiguration.database.server.id',
        deployed: '184054',
        wanted: '184055',
        change: 'update',
      },
    ]);
  });

  it('hides a password someone typed into the deployed connector by hand, and never sends the credentials', async () => {
    const config = fake.state.connectors.get(CONNECTOR)!.body['connectorConfiguration'] as Record<
      string,
      string
    >;
    config['database.password'] = 'hunter2-typed-by-hand';
    const drift = await call<DriftView[]>('export.drift', { spec: cdcSpec(184054), profile });
    expect(drift).toEqual([
      {
        kind: 'connector',
        name: CONNECTOR,
        nodeId: 'orders-cdc',
        field: 'connectorConfiguration.database.password',
        deployed: '(hidden)',
        wanted: '${secretManager:production-db:password}',
        change: 'update',
      },
    ]);
    const seen = [...bodies, ...events.map((e) => JSON.stringify(e))].join('\n');
    expect(seen).not.toContain('hunter2');
    expect(seen).not.toContain(FAKE_SECRET_KEY);
    expect(seen).not.toContain('AKIDFAKEFAKEFAKE');
  });
});
