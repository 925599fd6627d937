import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerEvent } from '../../../src/api/index';
import type { KafkaClient } from '../../../src/kafka/client';
import { silentLog } from '../../../src/server/errors';
import { createEventBus } from '../../../src/server/events';
import { createRuns, FINISHED_RUNS_KEPT, LOG_LINES_KEPT, type RunHandle } from '../../../src/server/runs';

const spec = {
  kflow: 1,
  name: 'gen',
  nodes: [
    {
      id: 'g',
      kind: 'source.datagen',
      config: { topic: 'in', rate: 10, template: { n: { gen: 'sequence' } } },
    },
    { id: 'out', kind: 'sink.topic', config: { topic: 'out' } },
  ],
  edges: [{ from: 'g', to: 'out' }],
};

class FakeRun extends EventEmitter {
  stopped = false;
  private resolve!: () => void;
  readonly done = new Promise<void>((r) => (this.resolve = r));
  log: { info(m: string): void; warn(m: string): void } | undefined;
  async start() {
    return { dlqTopic: 'gen-dlq', lateTopics: {}, tasks: [{}], groupId: 'kflow-gen', topics: [] } as never;
  }
  async stop() {
    this.stopped = true;
    this.resolve();
  }
  metrics(at: number, out: number) {
    this.emit('metrics', {
      at,
      nodes: { g: { in: 0, out, late: 0, errors: 0, stateEntries: 0, stateBytes: 0, inRate: 0 } },
      recordsIn: out,
      recordsOut: out,
      inRate: 0,
      outRate: 0,
      lag: 0,
      samples: {},
    });
  }
}

describe('runs', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  async function setup() {
    const bus = createEventBus();
    const events: ServerEvent[] = [];
    bus.subscribe((e) => events.push(e));
    let run: FakeRun | undefined;
    const runs = createRuns({
      client: async () => ({}) as KafkaClient,
      events: bus,
      log: silentLog,
      now: () => Date.now(),
      createRun: async (o) => {
        run = new FakeRun();
        run.log = o.log;
        return run as unknown as RunHandle;
      },
    });
    const info = await runs.api.start({ spec: spec as never });
    return { runs, events, info, run: run as FakeRun };
  }

  it('pushes at most 4 metrics events per second, the newest one last', async () => {
    const { events, run } = await setup();
    for (let i = 1; i <= 20; i++) {
      run.metrics(Date.now(), i);
      vi.advanceTimersByTime(50); // 20 batches over 1 s
    }
    vi.advanceTimersByTime(300);
    const pushed = events.filter((e) => e.type === 'run.metrics');
    // Pushes at t = 0, 250, 500, 750, 1000: five over 1.05 s, never two within 250 ms.
    expect(pushed.length).toBe(5);
    const last = pushed[pushed.length - 1];
    expect(last?.type === 'run.metrics' && last.metrics.nodes['g']?.out).toBe(20);
  });

  it('reports state changes and stops', async () => {
    const { runs, events, info, run } = await setup();
    expect(info.state).toBe('running');
    const stopped = await runs.api.stop(info.runId);
    expect(run.stopped).toBe(true);
    expect(stopped.state).toBe('stopped');
    expect(
      events.filter((e) => e.type === 'run.state').map((e) => e.type === 'run.state' && e.run.state),
    ).toEqual(['starting', 'running', 'stopping', 'stopped']);
  });

  it(`keeps the last ${LOG_LINES_KEPT} log lines`, async () => {
    const { runs, info, run } = await setup();
    for (let i = 0; i < 600; i++) run.log?.info(`line ${i}`);
    const snap = await runs.api.snapshot(info.runId);
    expect(snap.log).toHaveLength(LOG_LINES_KEPT);
    expect(snap.log[LOG_LINES_KEPT - 1]?.message).toBe('line 599');
    expect(snap.log[0]?.message).toBe('line 100');
  });

  it('refuses an invalid spec with its problems and a second run of a running pipeline', async () => {
    const { runs } = await setup();
    await expect(
      runs.api.start({ spec: { ...spec, edges: [{ from: 'g', to: 'nowhere' }] } as never }),
    ).rejects.toMatchObject({
      code: 'invalid',
    });
    await expect(runs.api.start({ spec: spec as never })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('stops a run that is asked to stop while it is still starting', async () => {
    const bus = createEventBus();
    const states: string[] = [];
    bus.subscribe((e) => e.type === 'run.state' && states.push(e.run.state));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const run = new FakeRun();
    const runs = createRuns({
      client: async () => {
        await gate;
        return {} as KafkaClient;
      },
      events: bus,
      log: silentLog,
      createRun: async () => run as unknown as RunHandle,
    });
    const started = runs.api.start({ spec: spec as never });
    await vi.advanceTimersByTimeAsync(0);
    const [info] = await runs.api.list();
    expect((await runs.api.stop(info!.runId)).state).toBe('stopping');
    release();
    expect((await started).state).toBe('stopped');
    expect(run.stopped).toBe(true);
    expect(states).toEqual(['starting', 'stopping', 'stopped']);
  });

  it("resolves file paths against the spec's folder when the page names its file", async () => {
    const seen: { specDir?: string | undefined; sampleEdges?: boolean | undefined }[] = [];
    const runs = createRuns({
      client: async () => ({}) as KafkaClient,
      events: createEventBus(),
      log: silentLog,
      createRun: async (o) => {
        seen.push({ specDir: o.specDir, sampleEdges: o.sampleEdges });
        return new FakeRun() as unknown as RunHandle;
      },
    });
    await runs.api.start({ spec: spec as never, specPath: '/work/specs/gen.json' });
    await runs.api.start({ spec: { ...spec, name: 'gen-2' } as never, specPath: 'relative/gen.json' });
    expect(seen).toEqual([
      { specDir: '/work/specs', sampleEdges: true },
      { specDir: undefined, sampleEdges: true },
    ]);
  });

  it(`keeps the last ${FINISHED_RUNS_KEPT} finished runs`, async () => {
    const runs = createRuns({
      client: async () => ({}) as KafkaClient,
      events: createEventBus(),
      log: silentLog,
      createRun: async () => new FakeRun() as unknown as RunHandle,
    });
    const ids: string[] = [];
    for (let i = 0; i < FINISHED_RUNS_KEPT + 5; i++) {
      const info = await runs.api.start({ spec: spec as never });
      ids.push(info.runId);
      await runs.api.stop(info.runId);
    }
    // 25 runs finished; the 5 oldest are forgotten.
    expect((await runs.api.list()).map((r) => r.runId)).toEqual(ids.slice(5));
    await expect(runs.api.snapshot(ids[0]!)).rejects.toMatchObject({ code: 'not-found' });
  });
});
