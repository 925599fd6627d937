/**
 * The backend over `kflow web`'s HTTP + WebSocket transport with its own embedded broker: every
 * area of the API, called as the page calls it (bearer token, JSON bodies), and run metrics
 * arriving as events.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type {
  ApiResponse,
  ConnectionInfo,
  ExampleInfo,
  GroupView,
  RecentFile,
  ResetStepView,
  RunInfo,
  RunMetricsView,
  ServerEvent,
  SpecDocument,
  TopicListItem,
  TopicRecordView,
  TopicView,
} from '../../../src/api/index';
import { ApiError } from '../../../src/api/index';
import { httpApiClient } from '../../../src/renderer/src/api/http';
import { createBackend, RESOURCES_DIR, type Backend } from '../../../src/server/backend';
import { startWebServer, type WebServer } from '../../../src/server/http';
import { MemorySecretStore } from '../../../src/server/secrets';
import { until } from './helpers';

let dir: string;
let backend: Backend;
let server: WebServer;
const events: ServerEvent[] = [];
let socket: WebSocket;

async function call<T>(method: string, ...params: unknown[]): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ method, params }),
  });
  const body = (await res.json()) as ApiResponse;
  if (!body.ok)
    throw Object.assign(new Error(body.error.message), { code: body.error.code, status: res.status });
  expect(res.status).toBe(200);
  return body.result as T;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kflow-web-'));
  backend = createBackend({ dataDir: join(dir, 'data'), secretStore: new MemorySecretStore() });
  server = await startWebServer({
    api: backend.api,
    events: backend.events,
    staticDir: join(dir, 'static'),
    port: 0,
  });
  socket = new WebSocket(`ws://127.0.0.1:${server.port}/events`, ['kflow', `kflow.token.${server.token}`], {
    origin: `http://127.0.0.1:${server.port}`,
  });
  socket.on('message', (data) => events.push(JSON.parse(String(data)) as ServerEvent));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  expect(socket.protocol).toBe('kflow');
});

afterAll(async () => {
  socket?.close();
  await server?.close();
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kflow web API', () => {
  it('lists the shipped examples and opens one unsaved', async () => {
    const examples = await call<ExampleInfo[]>('pipelines.examples');
    const ids = examples.map((e) => e.id);
    expect(ids).toContain('clickstream-ingest');
    const info = examples.find((e) => e.id === 'clickstream-ingest');
    expect(info?.nodeCount).toBe(3);
    const doc = await call<SpecDocument>('pipelines.openExample', 'clickstream-ingest');
    expect(doc.path).toBeNull();
    expect(doc.spec?.name).toBe('clickstream-ingest');
    expect(doc.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(doc.text).toBe(readFileSync(join(RESOURCES_DIR, 'examples', 'clickstream-ingest.json'), 'utf8'));
    await expect(call('pipelines.openExample', 'nope')).rejects.toMatchObject({
      code: 'not-found',
      status: 404,
    });
  });

  it('validates text and specs, naming where a problem is', async () => {
    const bad = await call<SpecDocument>('pipelines.validate', '{"kflow": 1, "name": "x", "nodes": [');
    expect(bad.spec).toBeNull();
    expect(bad.problems[0]?.severity).toBe('error');
    const created = await call<SpecDocument>('pipelines.create', 'fresh');
    expect(created.spec?.name).toBe('fresh');
    const wrongEdge = await call<SpecDocument>('pipelines.validate', {
      ...created.spec,
      nodes: [
        { id: 'g', kind: 'source.datagen', config: { topic: 't', template: { n: { gen: 'sequence' } } } },
      ],
      edges: [{ from: 'g', to: 'missing' }],
    });
    expect(wrongEdge.problems.some((p) => p.path === 'edges[0].to' && p.severity === 'error')).toBe(true);
  });

  it('saves pretty-printed JSON with a trailing newline, reopens it, and remembers it', async () => {
    const spec = (await call<SpecDocument>('pipelines.openExample', 'clickstream-ingest')).spec;
    const file = join(dir, 'saved', 'clicks.json');
    const saved = await call<SpecDocument>('pipelines.save', file, spec);
    expect(saved.path).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(spec, null, 2)}\n`);
    const opened = await call<SpecDocument>('pipelines.open', file);
    expect(opened.text).toBe(saved.text);
    const recent = await call<RecentFile[]>('pipelines.recent');
    expect(recent[0]).toMatchObject({ path: file, name: 'clickstream-ingest' });
  });

  it('refuses to save a literal secret, a non-.json file or a relative path', async () => {
    const spec = (await call<SpecDocument>('pipelines.openExample', 'clickstream-ingest')).spec;
    const withSecret = {
      ...spec,
      nodes: [...(spec?.nodes ?? []), { id: 'db', kind: 'sink.console', config: { password: 'hunter2' } }],
    };
    const err = await call('pipelines.save', join(dir, 's.json'), withSecret).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid' });
    expect(String((err as Error).message)).toMatch(/literal secret/);
    expect(String((err as Error).message)).not.toContain('hunter2');
    await expect(call('pipelines.save', join(dir, 'evil.sh'), spec)).rejects.toMatchObject({
      code: 'invalid',
    });
    await expect(call('pipelines.save', 'relative.json', spec)).rejects.toMatchObject({ code: 'invalid' });
    await expect(call('pipelines.open', join(dir, 'missing.json'))).rejects.toMatchObject({
      code: 'not-found',
    });
    await expect(call('pipelines.open', '/etc/passwd')).rejects.toMatchObject({ code: 'invalid' });
  });

  it('runs a datagen → topic pipeline on the embedded broker, with rising metrics on the socket', async () => {
    const spec = {
      kflow: 1,
      name: 'web-gen',
      nodes: [
        {
          id: 'gen',
          kind: 'source.datagen',
          config: { topic: 'web-gen-in', rate: 200, key: 'id', template: { id: { gen: 'sequence' } } },
        },
        { id: 'out', kind: 'sink.topic', config: { topic: 'web-gen-out' } },
      ],
      edges: [{ from: 'gen', to: 'out' }],
    };
    const run = await call<RunInfo>('runs.start', { spec, connection: 'embedded' });
    expect(run.state).toBe('running');
    expect(run.topics.map((t) => t.name)).toEqual(expect.arrayContaining(['web-gen-in', 'web-gen-out']));
    const metricsOf = () =>
      events.flatMap((e) => (e.type === 'run.metrics' && e.metrics.runId === run.runId ? [e.metrics] : []));
    // Two batches where the records written went up.
    const rising = await until('rising run.metrics', () => {
      const m = metricsOf().filter((x) => x.recordsOut > 0);
      const first = m[0];
      const later = m.find((x) => first && x.recordsOut > first.recordsOut);
      return first && later ? [first, later] : undefined;
    });
    const [a, b] = rising as [RunMetricsView, RunMetricsView];
    expect(b.recordsOut).toBeGreaterThan(a.recordsOut);
    expect(b.nodes['out']?.in).toBeGreaterThan(0);
    expect(b.edges['gen.out->out.in']?.count).toBeGreaterThan(0);
    const stamps = metricsOf().map((m) => m.at);
    // At most 4 pushes per second: consecutive pushes at least ~250 ms apart.
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! - stamps[i - 1]!).toBeGreaterThanOrEqual(200);
    const snap = await call<{ run: RunInfo; metrics: RunMetricsView | null }>('runs.snapshot', run.runId);
    expect(snap.metrics?.runId).toBe(run.runId);
    const stopped = await call<RunInfo>('runs.stop', run.runId);
    expect(stopped.state).toBe('stopped');
    const states = events.flatMap((e) =>
      e.type === 'run.state' && e.run.runId === run.runId ? [e.run.state] : [],
    );
    expect(states).toEqual(['starting', 'running', 'stopping', 'stopped']);
    expect((await call<RunInfo[]>('runs.list')).find((r) => r.runId === run.runId)?.state).toBe('stopped');
  });

  it('lists, describes, reads and produces on topics (offsets as decimal strings)', async () => {
    const topics = await call<TopicListItem[]>('topics.list');
    const out = topics.find((t) => t.name === 'web-gen-out');
    expect(out).toBeDefined();
    expect(BigInt(out?.records ?? '0')).toBeGreaterThan(0n);
    const view = await call<TopicView>('topics.describe', 'web-gen-out');
    expect(view.partitions.length).toBe(out?.partitions);
    const read = await call<{ records: TopicRecordView[]; reason: string }>('topics.read', {
      topic: 'web-gen-out',
      from: { kind: 'earliest' },
      limit: 5,
    });
    expect(read.records).toHaveLength(5);
    expect(read.reason).toBe('limit');
    expect(read.records[0]?.format).toBe('json');
    expect(read.records[0]?.offset).toMatch(/^\d+$/);
    const produced = await call<{ partition: number; offset: string }>('topics.produce', {
      topic: 'web-manual',
      key: 'k1',
      value: '{"hello":"web"}',
      headers: { source: 'test' },
    });
    expect(produced.offset).toBe('0');
    const back = await call<{ records: TopicRecordView[] }>('topics.read', {
      topic: 'web-manual',
      limit: 10,
    });
    expect(back.records).toEqual([
      {
        partition: produced.partition,
        offset: '0',
        timestamp: expect.any(Number),
        key: 'k1',
        value: '{"hello":"web"}',
        format: 'json',
        headers: { source: 'test' },
      },
    ]);
    await expect(call('topics.describe', 'no-such-topic')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('shows the run’s consumer group and the embedded connection', async () => {
    const groups = await call<GroupView[]>('topics.groups');
    const group = groups.find((g) => g.groupId.includes('web-gen'));
    expect(group).toBeDefined();
    const committed = group?.partitions.find((p) => p.topic === 'web-gen-in');
    expect(committed?.committed).toMatch(/^\d+$/);
    // The run stopped, so its group is empty and may be moved: a dry run changes nothing.
    const steps = await call<ResetStepView[]>('topics.resetOffsets', {
      groupId: group?.groupId,
      topic: 'web-gen-in',
      to: { kind: 'earliest' },
      dryRun: true,
    });
    const inputPartitions = group?.partitions.filter((p) => p.topic === 'web-gen-in') ?? [];
    expect(inputPartitions.length).toBeGreaterThan(0);
    expect(steps.length).toBe(inputPartitions.length);
    expect(steps.every((st) => st.to === '0' && st.from !== null)).toBe(true);
    const after = (await call<GroupView[]>('topics.groups')).find((g) => g.groupId === group?.groupId);
    expect(after?.partitions).toEqual(group?.partitions);
    // The reset itself moves the committed offsets to the log start.
    await call('topics.resetOffsets', {
      groupId: group?.groupId,
      topic: 'web-gen-in',
      to: { kind: 'earliest' },
      dryRun: false,
    });
    const moved = (await call<GroupView[]>('topics.groups')).find((g) => g.groupId === group?.groupId);
    expect(moved?.partitions.filter((p) => p.topic === 'web-gen-in').map((p) => p.committed)).toEqual(
      steps.map(() => '0'),
    );
    const conns = await call<ConnectionInfo[]>('connections.list');
    expect(conns[0]).toMatchObject({ name: 'embedded', kind: 'embedded', auth: 'none', secrets: [] });
    expect(conns[0]?.bootstrap[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    const tested = await call<{ brokers: number }>('connections.test', 'embedded');
    expect(tested.brokers).toBe(1);
  });

  it('exports CloudFormation for an example pipeline and a shipped profile', async () => {
    const targets = await call<{ id: string; file: string }[]>('export.targets');
    expect(targets.map((t) => t.id)).toEqual(['plan', 'cloudformation', 'terraform']);
    const spec = (await call<SpecDocument>('pipelines.openExample', 'clicks-per-category')).spec;
    const profile = JSON.parse(
      readFileSync(join(RESOURCES_DIR, 'profiles', 'serverless.json'), 'utf8'),
    ) as unknown;
    const r = await call<{ ok: boolean; files: Record<string, string> }>('export.render', {
      spec,
      profile,
      target: 'cloudformation',
    });
    expect(r.ok).toBe(true);
    const template = JSON.parse(r.files['template.json'] ?? '{}') as { Resources?: Record<string, unknown> };
    expect(Object.keys(template.Resources ?? {}).length).toBeGreaterThan(0);
    const bad = await call<{ ok: boolean; problems: { path: string }[] }>('export.render', {
      spec,
      profile: {},
      target: 'plan',
    });
    expect(bad.ok).toBe(false);
    expect(bad.problems.length).toBeGreaterThan(0);
  });

  it('saves a connection profile without its secret in the file, and removes it', async () => {
    const info = await call<ConnectionInfo>(
      'connections.save',
      {
        name: 'lab',
        bootstrap: ['127.0.0.1:1'],
        sasl: { mechanism: 'scram-sha-512', username: 'me', password: { secret: 'lab', key: 'password' } },
      },
      { 'lab:password': 's3cret-value' },
    );
    expect(info).toMatchObject({ name: 'lab', kind: 'profile', auth: 'sasl-scram-sha-512' });
    expect(info.secrets).toEqual([{ name: 'lab:password', set: true }]);
    const file = readFileSync(join(dir, 'data', 'connections.json'), 'utf8');
    expect(file).toContain('"lab"');
    expect(file).not.toContain('s3cret-value');
    await expect(
      call('connections.save', {
        name: 'leak',
        bootstrap: ['h:1'],
        sasl: { mechanism: 'plain', username: 'u', password: 'pw' },
      }),
    ).rejects.toMatchObject({ code: 'invalid' });
    await call('connections.remove', 'lab');
    expect((await call<ConnectionInfo[]>('connections.list')).map((c) => c.name)).toEqual(['embedded']);
  });

  it("serves the renderer's HTTP client: typed calls, ApiErrors, and a live tail over the socket", async () => {
    const client = httpApiClient({
      origin: `http://127.0.0.1:${server.port}`,
      token: server.token,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    const examples = await client.api.pipelines.examples();
    expect(examples.length).toBeGreaterThan(0);
    const err = await client.api.runs.snapshot('run-nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'not-found', message: 'no run "run-nope"' });

    const seen: ServerEvent[] = [];
    const unsubscribe = client.subscribe((e) => seen.push(e));
    await call('topics.produce', { topic: 'web-tail', value: 'before' });
    const { tailId } = await client.api.topics.tailStart({ topic: 'web-tail', from: { kind: 'earliest' } });
    await client.api.topics.produce({ topic: 'web-tail', value: '{"n":2}' });
    const values = await until('tailed records', () => {
      const v = seen.flatMap((e) => (e.type === 'topic.records' && e.tailId === tailId ? e.records : []));
      return v.length >= 2 ? v.map((r) => r.value) : undefined;
    });
    expect(values).toEqual(['before', '{"n":2}']);
    await client.api.topics.tailStop(tailId);
    await until('tail end', () => seen.some((e) => e.type === 'topic.tailEnded' && e.tailId === tailId));
    unsubscribe();

    const wrong = httpApiClient({ origin: `http://127.0.0.1:${server.port}`, token: 'wrong' });
    await expect(wrong.api.runs.list()).rejects.toMatchObject({ code: 'connection' });
  });

  it('refuses a tail of a missing topic and lets a ninth tail replace the oldest', async () => {
    await expect(call('topics.tailStart', { topic: 'no-such-topic' })).rejects.toMatchObject({
      code: 'not-found',
    });
    await call('topics.produce', { topic: 'web-many-tails', value: 'x' });
    const ids: string[] = [];
    for (let i = 0; i < 9; i++)
      ids.push((await call<{ tailId: string }>('topics.tailStart', { topic: 'web-many-tails' })).tailId);
    const ended = await until('the oldest tail to end', () =>
      events.find((e) => e.type === 'topic.tailEnded' && e.tailId === ids[0]),
    );
    expect(ended).toMatchObject({ error: 'stopped to make room: at most 8 tails run at once' });
    for (const id of ids.slice(1)) await call('topics.tailStop', id);
    await expect(call('topics.tailStop', ids[0])).rejects.toMatchObject({ code: 'not-found' });
  });
});
