/**
 * The run store: what the app knows about the pipeline run it started. It folds the backend's
 * pushed events (`run.state`, `run.metrics`, `run.log`) for the current run only, keeps bounded
 * histories for the charts, and starts and stops runs through the API.
 *
 * Components subscribe to slices (`useRunStore((s) => s.metrics?.nodes[id])`) so a metrics batch
 * re-renders only what shows metrics, and a log line only the log.
 */
import { create } from 'zustand';
import type {
  ApiClient,
  ConnectionInfo,
  Guarantee,
  RunInfo,
  RunLogLine,
  RunMetricsView,
  RunStartRequest,
  ServerEvent,
} from '../../../api/index';
import { appendMetrics, emptyHistory, pushBounded, type RunHistory } from './history';

/** Log lines kept in memory; older ones are dropped (the log tab says so). */
export const LOG_LINES = 2000;

export interface RunStoreState {
  /** The client `subscribe()` was given; start and stop go through it. */
  client: ApiClient | null;
  connections: ConnectionInfo[];
  /** The connection the next run uses. */
  connection: string;
  guarantee: Guarantee;
  fromBeginning: boolean;
  /** The current (or last) run; events of other runs are ignored. */
  run: RunInfo | null;
  /** The newest metrics batch of the current run. */
  metrics: RunMetricsView | null;
  history: RunHistory;
  log: RunLogLine[];
  /** Lines dropped from the front of `log` because of the bound. */
  logDropped: number;
  /** True between pressing Run and the backend's answer. */
  starting: boolean;
  /** The last failed start or stop, readable. */
  error: string | null;

  /** Wires the client's pushed events into the store, loads connections and adopts a run in progress. Returns the unsubscribe. */
  subscribe(client: ApiClient): () => void;
  setConnection(name: string): void;
  setGuarantee(guarantee: Guarantee): void;
  setFromBeginning(fromBeginning: boolean): void;
  start(spec: RunStartRequest['spec'], specPath?: string | null): Promise<void>;
  stop(): Promise<void>;
  /** Applies one pushed event (exposed for tests and for transports that batch). */
  handle(event: ServerEvent): void;
}

type Data = Omit<
  RunStoreState,
  'subscribe' | 'setConnection' | 'setGuarantee' | 'setFromBeginning' | 'start' | 'stop' | 'handle'
>;

export function initialRunData(): Data {
  return {
    client: null,
    connections: [],
    connection: 'embedded',
    guarantee: 'at-least-once',
    fromBeginning: false,
    run: null,
    metrics: null,
    history: emptyHistory(),
    log: [],
    logDropped: 0,
    starting: false,
    error: null,
  };
}

const ORDER: Record<RunInfo['state'], number> = {
  starting: 0,
  running: 1,
  stopping: 2,
  stopped: 3,
  failed: 3,
};

export function isActive(run: RunInfo | null): boolean {
  return run !== null && (run.state === 'starting' || run.state === 'running' || run.state === 'stopping');
}

/** The later of two views of the same run (an event may overtake the call that started it). */
function later(a: RunInfo | null, b: RunInfo): RunInfo {
  if (!a || a.runId !== b.runId) return b;
  return ORDER[b.state] >= ORDER[a.state] ? b : a;
}

/** The state after one pushed event (pure: the store and its tests use it). */
export function foldEvent(s: Data, event: ServerEvent): Partial<Data> | null {
  switch (event.type) {
    case 'run.state':
      if (s.run?.runId !== event.run.runId) return null;
      return { run: later(s.run, event.run) };
    case 'run.metrics': {
      const m = event.metrics;
      if (s.run?.runId !== m.runId) return null;
      // Batches may arrive out of order over two transports; an older one would move charts back.
      if (s.metrics && m.at < s.metrics.at) return null;
      return { metrics: m, history: appendMetrics(s.history, m) };
    }
    case 'run.log': {
      if (s.run?.runId !== event.line.runId) return null;
      const full = s.log.length >= LOG_LINES;
      return { log: pushBounded(s.log, event.line, LOG_LINES), logDropped: s.logDropped + (full ? 1 : 0) };
    }
    default:
      return null;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function runIdOf(event: ServerEvent): string | null {
  if (event.type === 'run.state') return event.run.runId;
  if (event.type === 'run.metrics') return event.metrics.runId;
  if (event.type === 'run.log') return event.line.runId;
  return null;
}

/** Events that may belong to a run being started: its first events can overtake the answer to `start`. */
const EARLY_EVENTS = 500;

export const useRunStore = create<RunStoreState>()((set, get) => {
  let early: ServerEvent[] = [];
  return {
    ...initialRunData(),

    handle(event) {
      const patch = foldEvent(get(), event);
      if (patch) set(patch);
      else if (get().starting && runIdOf(event) !== null && early.length < EARLY_EVENTS) early.push(event);
    },

    subscribe(client) {
      set({ client });
      const off = client.subscribe((event) => get().handle(event));
      void client.api.connections.list().then(
        (connections) => {
          if (get().client !== client) return;
          const keep = connections.some((c) => c.name === get().connection);
          set({ connections, connection: keep ? get().connection : (connections[0]?.name ?? 'embedded') });
        },
        (e: unknown) => set({ error: `could not list connections: ${message(e)}` }),
      );
      // A window opened (or reloaded) mid-run shows that run rather than nothing.
      void client.api.runs.list().then(
        async (runs) => {
          const active = runs.filter(isActive).sort((a, b) => b.startedAt - a.startedAt)[0];
          if (!active || get().client !== client || get().run) return;
          const snap = await client.api.runs.snapshot(active.runId);
          if (get().run) return;
          let history = emptyHistory();
          if (snap.metrics) history = appendMetrics(history, snap.metrics);
          set({
            run: snap.run,
            metrics: snap.metrics,
            history,
            log: snap.log.slice(-LOG_LINES),
            logDropped: 0,
          });
        },
        () => {},
      );
      return () => {
        off();
        if (get().client === client) set({ client: null });
      };
    },

    setConnection: (connection) => set({ connection }),
    setGuarantee: (guarantee) => set({ guarantee }),
    setFromBeginning: (fromBeginning) => set({ fromBeginning }),

    async start(spec, specPath) {
      const { client, connection, guarantee, fromBeginning, run } = get();
      if (!client) {
        set({ error: 'not connected to the backend' });
        return;
      }
      if (isActive(run) || get().starting) return;
      set({ starting: true, error: null });
      early = [];
      try {
        const started = await client.api.runs.start({
          spec,
          connection,
          guarantee,
          fromBeginning,
          ...(specPath ? { specPath } : {}),
        });
        set({
          run: started,
          metrics: null,
          history: emptyHistory(),
          log: [],
          logDropped: 0,
          starting: false,
        });
        const replay = early.filter((e) => runIdOf(e) === started.runId);
        early = [];
        for (const event of replay) get().handle(event);
      } catch (e) {
        early = [];
        set({ starting: false, error: message(e) });
      }
    },

    async stop() {
      const { client, run } = get();
      if (!client || !run || !isActive(run)) return;
      try {
        const stopped = await client.api.runs.stop(run.runId);
        set({ run: later(get().run, stopped) });
      } catch (e) {
        set({ error: message(e) });
      }
    },
  };
});

/** Back to nothing (tests, or the app switching backends). */
export function resetRunStore(): void {
  useRunStore.setState(initialRunData());
}
