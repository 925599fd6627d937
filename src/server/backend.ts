/**
 * @module server/backend
 * The backend both shells serve: `createBackend()` composes the services into one `KflowApi`
 * plus the event stream. `kflow web` puts it behind HTTP + WebSocket (`http.ts`); the desktop
 * app behind IPC (`src/main`). Closing it stops every run and tail and the embedded broker.
 */
import path from 'node:path';
import type { KflowApi, ServerEvent } from '../api/index';
import { createConnections } from './connections';
import { createEmbeddedBroker } from './embedded';
import { silentLog, type Log } from './errors';
import { createEventBus } from './events';
import { createExport } from './export';
import { createPipelines } from './pipelines';
import { createRuns } from './runs';
import type { SecretStore } from './secrets';
import { createTopics } from './topics';
import { createTransferFiles, type TransferFiles } from './transfer-jobs';

export interface BackendOptions {
  /** The app's data dir: recent files, connection profiles, the embedded broker's data. */
  dataDir: string;
  secretStore: SecretStore;
  log?: Log;
  /** The shipped examples; `resources/examples` of this checkout by default. */
  examplesDir?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Backend {
  api: KflowApi;
  events: { subscribe(listener: (event: ServerEvent) => void): () => void };
  /** Export and import files (`kflow web` serves them at `/transfers`). */
  transfers: TransferFiles;
  close(): Promise<void>;
}

/** `resources/` next to `src/` and `out/` (both are two levels below the root). */
export const RESOURCES_DIR = path.resolve(import.meta.dirname, '../../resources');

export function dataPaths(dataDir: string) {
  return {
    recent: path.join(dataDir, 'recent.json'),
    profiles: path.join(dataDir, 'connections.json'),
    broker: path.join(dataDir, 'broker'),
    draft: path.join(dataDir, 'draft.json'),
    secrets: path.join(dataDir, 'secrets.json'),
    transfers: path.join(dataDir, 'transfers'),
  };
}

export function createBackend(opts: BackendOptions): Backend {
  const log = opts.log ?? silentLog;
  const paths = dataPaths(opts.dataDir);
  const bus = createEventBus((err) => log.warn('an event listener failed', { error: String(err) }));
  const embedded = createEmbeddedBroker({ dataDir: paths.broker, log });
  const connections = createConnections({
    profilesFile: paths.profiles,
    secrets: opts.secretStore,
    embedded,
    ...(opts.env ? { env: opts.env } : {}),
  });
  const runs = createRuns({ client: (name) => connections.client(name), events: bus, log });
  const transfers = createTransferFiles(paths.transfers);
  const topics = createTopics({ client: (name) => connections.client(name), events: bus, log, transfers });
  const api: KflowApi = {
    pipelines: createPipelines({
      recentFile: paths.recent,
      examplesDir: opts.examplesDir ?? path.join(RESOURCES_DIR, 'examples'),
    }),
    connections: connections.api,
    runs: runs.api,
    topics: topics.api,
    export: createExport({ events: bus, log, ...(opts.env ? { env: opts.env } : {}) }),
  };
  let closing: Promise<void> | undefined;
  return {
    api,
    events: { subscribe: (l) => bus.subscribe(l) },
    transfers,
    close() {
      closing ??= (async () => {
        await topics.close();
        await transfers.close();
        await runs.close();
        await connections.close();
        await embedded.close();
      })();
      return closing;
    },
  };
}
