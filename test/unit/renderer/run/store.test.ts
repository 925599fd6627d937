import { beforeEach, describe, expect, it } from 'vitest';
import { fakeApiClient } from '../../../support/fake-api';
import { appendMetrics, emptyHistory, pushBounded } from '../../../../src/renderer/src/run/history';
import { LOG_LINES, resetRunStore, useRunStore } from '../../../../src/renderer/src/run/store';
import { HISTORY_POINTS } from '../../../../src/renderer/src/run/index';
import type { PipelineSpec } from '../../../../src/spec/types';
import { metrics, nodeStats, runInfo } from './fixtures';

const spec: PipelineSpec = { kflow: 1, name: 'clicks', nodes: [], edges: [] } as unknown as PipelineSpec;

beforeEach(() => resetRunStore());

describe('pushBounded', () => {
  it('appends and keeps only the last max entries', () => {
    expect(pushBounded([1, 2], 3, 3)).toEqual([1, 2, 3]);
    expect(pushBounded([1, 2, 3], 4, 3)).toEqual([2, 3, 4]);
    const a = [1];
    expect(pushBounded(a, 2, 3)).not.toBe(a);
    expect(a).toEqual([1]);
  });
});

describe('appendMetrics', () => {
  it('aligns every series with the batches, a gap where a node was missing', () => {
    let h = emptyHistory();
    h = appendMetrics(h, metrics('r', 1, { nodes: { a: nodeStats({ rate: 5 }) }, lag: 7 }));
    h = appendMetrics(h, metrics('r', 2, { nodes: { b: nodeStats({ rate: 2, stateEntries: 9 }) }, lag: 3 }));
    expect(h.at).toEqual([1, 2]);
    expect(h.lag).toEqual([7, 3]);
    expect(h.nodes.a?.rate).toEqual([5, null]);
    expect(h.nodes.b?.rate).toEqual([null, 2]);
    expect(h.nodes.b?.stateEntries).toEqual([null, 9]);
  });
});

describe('run store', () => {
  it('starts a run with the chosen options and folds its state, metrics and log', async () => {
    const client = fakeApiClient();
    useRunStore.getState().subscribe(client);
    useRunStore.getState().setGuarantee('exactly-once');
    useRunStore.getState().setFromBeginning(true);
    await useRunStore.getState().start(spec);
    const start = client.calls.find((c) => c.method === 'runs.start');
    expect(start?.params[0]).toEqual({
      spec,
      connection: 'embedded',
      guarantee: 'exactly-once',
      fromBeginning: true,
    });
    expect(useRunStore.getState().run?.runId).toBe('run-1');

    client.emit({
      type: 'run.metrics',
      metrics: metrics('run-1', 10, { nodes: { parse: nodeStats({ in: 4 }) } }),
    });
    client.emit({ type: 'run.log', line: { runId: 'run-1', at: 11, level: 'warn', message: 'slow' } });
    client.emit({ type: 'run.state', run: runInfo('run-1', 'stopping') });
    const s = useRunStore.getState();
    expect(s.metrics?.nodes.parse?.in).toBe(4);
    expect(s.history.at).toEqual([10]);
    expect(s.log.map((l) => l.message)).toEqual(['slow']);
    expect(s.run?.state).toBe('stopping');

    await useRunStore.getState().stop();
    expect(useRunStore.getState().run?.state).toBe('stopped');
  });

  it('ignores events of other runs and metrics older than the newest', () => {
    useRunStore.setState({ run: runInfo('mine') });
    const { handle } = useRunStore.getState();
    handle({ type: 'run.metrics', metrics: metrics('other', 5, { recordsIn: 99 }) });
    handle({ type: 'run.log', line: { runId: 'other', at: 5, level: 'info', message: 'not mine' } });
    handle({ type: 'run.state', run: runInfo('other', 'failed') });
    expect(useRunStore.getState().metrics).toBeNull();
    expect(useRunStore.getState().log).toEqual([]);
    expect(useRunStore.getState().run?.runId).toBe('mine');
    expect(useRunStore.getState().run?.state).toBe('running');

    handle({ type: 'run.metrics', metrics: metrics('mine', 20, { recordsIn: 2 }) });
    handle({ type: 'run.metrics', metrics: metrics('mine', 10, { recordsIn: 1 }) });
    expect(useRunStore.getState().metrics?.recordsIn).toBe(2);
    expect(useRunStore.getState().history.at).toEqual([20]);
  });

  it('keeps at most HISTORY_POINTS points and LOG_LINES lines, counting the dropped lines', () => {
    useRunStore.setState({ run: runInfo('r') });
    const { handle } = useRunStore.getState();
    for (let i = 0; i < HISTORY_POINTS + 5; i++)
      handle({ type: 'run.metrics', metrics: metrics('r', i, { nodes: { a: nodeStats({ rate: i }) } }) });
    const h = useRunStore.getState().history;
    expect(h.at.length).toBe(120);
    expect(h.at[0]).toBe(5);
    expect(h.nodes.a?.rate.length).toBe(120);
    expect(h.nodes.a?.rate.at(-1)).toBe(124);

    for (let i = 0; i < LOG_LINES + 3; i++)
      handle({ type: 'run.log', line: { runId: 'r', at: i, level: 'info', message: `line ${i}` } });
    const s = useRunStore.getState();
    expect(s.log.length).toBe(2000);
    expect(s.log[0]?.message).toBe('line 3');
    expect(s.logDropped).toBe(3);
  });

  it('applies a new run’s events that arrive before the answer to start', async () => {
    let release: () => void = () => {};
    const client = fakeApiClient({
      runs: {
        start: () =>
          new Promise((resolve) => {
            release = () => resolve(runInfo('r9', 'starting'));
          }),
      },
    });
    useRunStore.getState().subscribe(client);
    const started = useRunStore.getState().start(spec);
    client.emit({ type: 'run.state', run: runInfo('r9', 'running') });
    client.emit({ type: 'run.metrics', metrics: metrics('r9', 1, { recordsIn: 3 }) });
    release();
    await started;
    expect(useRunStore.getState().run?.state).toBe('running');
    expect(useRunStore.getState().metrics?.recordsIn).toBe(3);
  });

  it('says why a start failed', async () => {
    const client = fakeApiClient({
      runs: {
        start: async () => {
          throw new Error('broker unreachable at localhost:9092');
        },
      },
    });
    useRunStore.getState().subscribe(client);
    await useRunStore.getState().start(spec);
    expect(useRunStore.getState().error).toBe('broker unreachable at localhost:9092');
    expect(useRunStore.getState().starting).toBe(false);
  });

  it('adopts a run in progress when subscribing mid-run', async () => {
    const client = fakeApiClient({
      runs: {
        list: async () => [runInfo('old', 'stopped'), runInfo('live', 'running')],
        snapshot: async (runId) => ({
          run: runInfo(runId),
          metrics: metrics(runId, 50, { recordsIn: 42 }),
          log: [{ runId, at: 49, level: 'info', message: 'started' }],
        }),
      },
    });
    useRunStore.getState().subscribe(client);
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    const s = useRunStore.getState();
    expect(s.run?.runId).toBe('live');
    expect(s.metrics?.recordsIn).toBe(42);
    expect(s.log.map((l) => l.message)).toEqual(['started']);
  });
});
