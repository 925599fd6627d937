import { create } from 'zustand';
import type {
  ApiClient,
  ConnectionInfo,
  EdgeKey,
  Guarantee,
  RunInfo,
  RunLogLine,
  RunMetricsView,
  RunStartRequest,
} from '../../../api/index';

export interface RunStoreState {
  client: ApiClient | null;
  connections: ConnectionInfo[];
  connection: string;
  guarantee: Guarantee;
  fromBeginning: boolean;
  run: RunInfo | null;
  metrics: RunMetricsView | null;
  log: RunLogLine[];
  error: string | null;
  subscribe(client: ApiClient): () => void;
  start(spec: RunStartRequest['spec']): Promise<void>;
  stop(): Promise<void>;
}

// Stub: the real store lands in the next commit.
export const useRunStore = create<RunStoreState>()(() => ({
  client: null,
  connections: [],
  connection: 'embedded',
  guarantee: 'at-least-once',
  fromBeginning: false,
  run: null,
  metrics: null,
  log: [],
  error: null,
  subscribe: () => () => {},
  start: async () => {},
  stop: async () => {},
}));

export type { EdgeKey };
