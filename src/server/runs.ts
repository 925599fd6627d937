/**
 * @module server/runs
 * Pipeline runs started from the UI: one `PipelineRun` each on the client of the chosen
 * connection. The engine's metrics batches become `RunMetricsView`s pushed as `run.metrics`
 * events, at most `maxPushesPerSecond` per run (the newest one always goes out, late rather than
 * never); state changes go out as `run.state`, the run's log as `run.log` (the last 500 lines kept
 * for `snapshot`).
 */
import { randomBytes } from 'node:crypto';
import { dirname, isAbsolute } from 'node:path';
import {
  ApiError,
  type RunInfo,
  type RunLogLine,
  type RunMetricsView,
  type RunsApi,
  type RunStartRequest,
} from '../api/index';
import type { MetricsBatch } from '../engine/metrics/metrics';
import type { PipelineRun, RunOptions } from '../engine/runtime/index';
import type { KafkaClient } from '../kafka/client';
import { validateSpec, type PipelineSpec } from '../spec/index';
import type { Log } from './errors';
import type { EventBus } from './events';
import { metricsView, type EngineBatch } from './metrics-view';

export const LOG_LINES_KEPT = 500;
export const FINISHED_RUNS_KEPT = 20;

export interface RunsOptions {
  client(connection: string): Promise<KafkaClient>;
  events: EventBus;
  log: Log;
  /** 4 by default. */
  maxPushesPerSecond?: number;
  /** Engine metrics interval; 250 ms by default. */
  metricsIntervalMs?: number;
  /** Makes the run (tests inject one); the engine's PipelineRun by default. */
  createRun?: (opts: RunOptions & { sampleEdges?: boolean }) => Promise<RunHandle>;
  now?: () => number;
}

/** The part of PipelineRun this service uses. */
export type RunHandle = Pick<PipelineRun, 'start' | 'stop' | 'done' | 'on'>;

interface Entry {
  info: RunInfo;
  spec: PipelineSpec;
  run: RunHandle | null;
  metrics: RunMetricsView | null;
  log: RunLogLine[];
  lastPush: number;
  pushTimer: ReturnType<typeof setTimeout> | null;
}

export interface Runs {
  api: RunsApi;
  close(): Promise<void>;
}

export function createRuns(opts: RunsOptions): Runs {
  const now = opts.now ?? Date.now;
  const minGap = 1000 / (opts.maxPushesPerSecond ?? 4);
  const runs = new Map<string, Entry>();
  const createRun =
    opts.createRun ??
    (async (o: RunOptions & { sampleEdges?: boolean }) => {
      const { PipelineRun } = await import('../engine/runtime/index');
      return new PipelineRun(o);
    });

  const setState = (e: Entry, patch: Partial<RunInfo>) => {
    e.info = { ...e.info, ...patch };
    opts.events.emit({ type: 'run.state', run: e.info });
    if (e.info.state === 'stopped' || e.info.state === 'failed') forgetOldRuns();
  };

  const addLog = (e: Entry, level: RunLogLine['level'], message: string) => {
    const line: RunLogLine = { runId: e.info.runId, at: now(), level, message };
    e.log.push(line);
    if (e.log.length > LOG_LINES_KEPT) e.log.splice(0, e.log.length - LOG_LINES_KEPT);
    opts.events.emit({ type: 'run.log', line });
  };

  const push = (e: Entry) => {
    if (e.pushTimer || !e.metrics) return;
    const wait = e.lastPush + minGap - now();
    const send = () => {
      e.pushTimer = null;
      e.lastPush = now();
      if (e.metrics) opts.events.emit({ type: 'run.metrics', metrics: e.metrics });
    };
    if (wait <= 0) send();
    else e.pushTimer = setTimeout(send, wait);
  };

  const onMetrics = (e: Entry, batch: MetricsBatch, plan: { dlqTopic: string; lateTopics: string[] }) => {
    e.metrics = metricsView(batch as EngineBatch, {
      runId: e.info.runId,
      edges: e.spec.edges,
      previous: e.metrics,
      deadLetterTopic: plan.dlqTopic,
      lateTopics: plan.lateTopics,
    });
    push(e);
  };

  // A run's failure is the user's to read (a missing topic, a refused connection): its message,
  // never its stack.
  const describe = (err: unknown): string =>
    err instanceof Error
      ? err.message
      : 'the run stopped on an internal error; the kflow log has the details';

  // Finished runs stay listed (with their last metrics and log) until there are too many.
  const forgetOldRuns = () => {
    const finished = [...runs.values()].filter(
      (r) => r.info.state === 'stopped' || r.info.state === 'failed',
    );
    for (const r of finished.slice(0, Math.max(0, finished.length - FINISHED_RUNS_KEPT)))
      runs.delete(r.info.runId);
  };

  const get = (runId: string): Entry => {
    const e = runs.get(runId);
    if (!e) throw new ApiError('not-found', `no run "${runId}"`);
    return e;
  };

  const api: RunsApi = {
    async start(req: RunStartRequest) {
      const checked = validateSpec(req.spec);
      if (!checked.ok || !checked.spec) {
        const errors = checked.problems.filter((p) => p.severity === 'error');
        throw new ApiError(
          'invalid',
          `runs.start: pipeline "${String(req.spec.name)}" has ${errors.length} error(s); the first: ${
            errors[0] ? `${errors[0].path || '(spec)'}: ${errors[0].message}` : 'unknown'
          }`,
          checked.problems,
        );
      }
      const spec = checked.spec;
      const busy = [...runs.values()].find(
        (r) => r.info.pipeline === spec.name && (r.info.state === 'starting' || r.info.state === 'running'),
      );
      if (busy)
        throw new ApiError(
          'conflict',
          `runs.start: pipeline "${spec.name}" is already running (${busy.info.runId}); stop it first`,
        );
      const connection = req.connection ?? 'embedded';
      const runId = `run-${randomBytes(6).toString('hex')}`;
      const e: Entry = {
        info: { runId, pipeline: spec.name, connection, state: 'starting', startedAt: now(), topics: [] },
        spec,
        run: null,
        metrics: null,
        log: [],
        lastPush: Number.NEGATIVE_INFINITY,
        pushTimer: null,
      };
      runs.set(runId, e);
      opts.events.emit({ type: 'run.state', run: e.info });
      try {
        const client = await opts.client(connection);
        const run = await createRun({
          client,
          spec,
          guarantee: req.guarantee ?? 'at-least-once',
          ...(req.fromBeginning ? { fromBeginning: true } : {}),
          ...(req.specPath && isAbsolute(req.specPath) ? { specDir: dirname(req.specPath) } : {}),
          metricsIntervalMs: opts.metricsIntervalMs ?? 250,
          sampleEdges: true,
          log: {
            info: (msg, fields) => addLog(e, 'info', withFields(msg, fields)),
            warn: (msg, fields) => addLog(e, 'warn', withFields(msg, fields)),
          },
        });
        e.run = run;
        const planned = { dlqTopic: '', lateTopics: [] as string[] };
        run.on('metrics', (batch: MetricsBatch) => onMetrics(e, batch, planned));
        const plan = await run.start();
        if (e.info.state === 'stopping') {
          // Stopped while starting: stop() left the run to us, as stopping a half-started run races.
          await run.stop();
          setState(e, { state: 'stopped', stoppedAt: now() });
          return e.info;
        }
        planned.dlqTopic = plan.dlqTopic;
        planned.lateTopics = Object.values(plan.lateTopics);
        addLog(e, 'info', `running on ${connection}: ${plan.tasks.length} task(s), group ${plan.groupId}`);
        setState(e, {
          state: 'running',
          topics: plan.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions,
            internal: t.role === 'repartition' || t.role === 'changelog',
          })),
        });
        run.done.then(
          () => {
            if (e.info.state !== 'failed') setState(e, { state: 'stopped', stoppedAt: now() });
          },
          (err: unknown) => {
            opts.log.warn('run failed', { runId, error: String((err as Error)?.message ?? err) });
            addLog(e, 'error', describe(err));
            setState(e, { state: 'failed', stoppedAt: now(), error: describe(err) });
          },
        );
        return e.info;
      } catch (err) {
        await e.run?.stop().catch(() => undefined);
        addLog(e, 'error', describe(err));
        setState(e, { state: 'failed', stoppedAt: now(), error: describe(err) });
        throw err;
      }
    },

    async stop(runId) {
      const e = get(runId);
      if (e.info.state === 'stopped' || e.info.state === 'failed' || e.info.state === 'stopping')
        return e.info;
      if (e.info.state === 'starting') {
        // start() sees this once the run is up and stops it then.
        setState(e, { state: 'stopping' });
        return e.info;
      }
      setState(e, { state: 'stopping' });
      await e.run?.stop();
      // The metrics of the final flush go out now, not after the throttle's delay.
      if (e.pushTimer) {
        clearTimeout(e.pushTimer);
        e.pushTimer = null;
      }
      if (e.metrics) opts.events.emit({ type: 'run.metrics', metrics: e.metrics });
      // The run may have failed while stopping (its done handler set that); otherwise it stopped.
      const after: RunInfo = e.info;
      if (after.state === 'stopping') setState(e, { state: 'stopped', stoppedAt: now() });
      return e.info;
    },

    async list() {
      return [...runs.values()].map((e) => e.info);
    },

    async snapshot(runId) {
      const e = get(runId);
      return { run: e.info, metrics: e.metrics, log: [...e.log] };
    },
  };

  return {
    api,
    async close() {
      await Promise.all(
        [...runs.values()].map(async (e) => {
          if (e.pushTimer) clearTimeout(e.pushTimer);
          e.pushTimer = null;
          await e.run?.stop().catch(() => undefined);
        }),
      );
    },
  };
}

function withFields(msg: string, fields?: Record<string, unknown>): string {
  if (!fields || Object.keys(fields).length === 0) return msg;
  return `${msg} ${Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ')}`;
}
