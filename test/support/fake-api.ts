/**
 * An in-memory `ApiClient` for component tests: every method answers from memory (validation
 * is the real validator), `emit()` pushes a ServerEvent to subscribers, `calls` records what was
 * called. Override any method: `fakeApiClient({ runs: { start: async () => … } })`.
 */
import {
  ApiError,
  type ApiClient,
  type ApiMethod,
  type KflowApi,
  type RunInfo,
  type ServerEvent,
  type SpecDocument,
} from '../../src/api/index';
import { validateSpec, validateSpecText, type PipelineSpec } from '../../src/spec/index';

export type ApiOverrides = { [A in keyof KflowApi]?: Partial<KflowApi[A]> };

export interface FakeApiClient extends ApiClient {
  emit(event: ServerEvent): void;
  /** Every call in order, as the transports would send it. */
  calls: { method: ApiMethod; params: unknown[] }[];
  /** Files the fake `pipelines.save` wrote, by path. */
  files: Map<string, string>;
}

export function fakeApiClient(overrides: ApiOverrides = {}): FakeApiClient {
  const listeners = new Set<(event: ServerEvent) => void>();
  const files = new Map<string, string>();
  const runs = new Map<string, RunInfo>();
  const emit = (event: ServerEvent): void => {
    for (const listener of [...listeners]) listener(event);
  };
  const document = (path: string | null, text: string): SpecDocument => {
    const result = validateSpecText(text);
    return { path, text, spec: result.spec ?? null, problems: result.problems };
  };
  const defaults: KflowApi = {
    pipelines: {
      create: async (name = 'untitled') => document(null, pretty({ kflow: 1, name, nodes: [], edges: [] })),
      open: async (path) => {
        const text = files.get(path);
        if (text === undefined) throw new ApiError('not-found', `no file at ${path}`);
        return document(path, text);
      },
      save: async (path, spec) => {
        files.set(path, pretty(spec));
        return document(path, pretty(spec));
      },
      validate: async (specOrText) => {
        if (typeof specOrText === 'string') return document(null, specOrText);
        const result = validateSpec(specOrText);
        return { path: null, text: pretty(specOrText), spec: result.spec ?? null, problems: result.problems };
      },
      examples: async () => [],
      openExample: async (id) => {
        throw new ApiError('not-found', `no example ${id}`);
      },
      recent: async () => [],
    },
    connections: {
      list: async () => [{ name: 'embedded', kind: 'embedded', bootstrap: [], auth: 'none', secrets: [] }],
      save: async () => {
        throw new ApiError('invalid', 'the fake API does not save connections');
      },
      remove: async () => {},
      test: async () => ({ brokers: 1, topics: 0, ms: 1 }),
    },
    runs: {
      start: async (req) => {
        const run: RunInfo = {
          runId: `run-${runs.size + 1}`,
          pipeline: req.spec.name,
          connection: req.connection ?? 'embedded',
          state: 'running',
          startedAt: Date.now(),
          topics: [],
        };
        runs.set(run.runId, run);
        emit({ type: 'run.state', run });
        return run;
      },
      stop: async (runId) => {
        const run = runs.get(runId);
        if (!run) throw new ApiError('not-found', `no run ${runId}`);
        const stopped: RunInfo = { ...run, state: 'stopped', stoppedAt: Date.now() };
        runs.set(runId, stopped);
        emit({ type: 'run.state', run: stopped });
        return stopped;
      },
      list: async () => [...runs.values()],
      snapshot: async (runId) => {
        const run = runs.get(runId);
        if (!run) throw new ApiError('not-found', `no run ${runId}`);
        return { run, metrics: null, log: [] };
      },
    },
    topics: {
      list: async () => [],
      describe: async (topic) => {
        throw new ApiError('not-found', `no topic ${topic}`);
      },
      read: async () => ({ records: [], scanned: 0, reason: 'end' }),
      produce: async () => ({ partition: 0, offset: '0' }),
      groups: async () => [],
      resetOffsets: async () => [],
      tailStart: async () => ({ tailId: 'tail-1' }),
      tailStop: async () => {},
      create: async (req) => ({ name: req.name, partitions: [], config: {}, configs: [] }),
      delete: async () => {},
      addPartitions: async (req) => ({ name: req.topic, partitions: [], config: {} }),
      configs: async () => [],
      alterConfigs: async () => [],
      deleteGroup: async () => {},
      produceTemplate: async () => ({ jobId: 'job-1' }),
      jobStop: async () => {},
      redrivePreview: async (req) => ({
        deadLetterTopic: req.topic,
        dryRun: true,
        group: `kflow-redrive.${req.topic}`,
        scanned: 0,
        byTopic: [],
        moved: 0,
        skipped: { count: 0, first: [] },
        reason: 'end',
        started: [],
        position: [],
      }),
      redrive: async () => ({ jobId: 'job-1' }),
      exportStart: async () => ({ jobId: 'job-1' }),
      importStart: async () => ({ jobId: 'job-1' }),
    },
    export: {
      targets: async () => [
        { id: 'plan', label: 'Plan', file: 'plan.json' },
        { id: 'cloudformation', label: 'CloudFormation', file: 'template.json' },
        { id: 'terraform', label: 'Terraform', file: 'main.tf' },
      ],
      render: async () => ({ ok: true, files: {} }),
      deploy: async () => ({ deployId: 'deploy-1' }),
      status: async () => [],
      drift: async () => [],
    },
  };
  const calls: FakeApiClient['calls'] = [];
  const api = {} as Record<string, Record<string, (...params: unknown[]) => Promise<unknown>>>;
  for (const area of Object.keys(defaults) as (keyof KflowApi)[]) {
    const merged = { ...defaults[area], ...overrides[area] } as Record<
      string,
      (...p: unknown[]) => Promise<unknown>
    >;
    api[area] = {};
    for (const [name, fn] of Object.entries(merged)) {
      api[area][name] = (...params: unknown[]) => {
        calls.push({ method: `${area}.${name}` as ApiMethod, params });
        return fn(...params);
      };
    }
  }
  return {
    api: api as unknown as KflowApi,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit,
    calls,
    files,
  };
}

function pretty(spec: PipelineSpec): string {
  return `${JSON.stringify(spec, null, 2)}\n`;
}
