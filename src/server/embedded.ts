/**
 * @module server/embedded
 * The `embedded` connection: kflow's own broker, started on first use on a free 127.0.0.1 port
 * with its data under the app data dir, so topics survive a restart of the app.
 */
import type { RunningBroker } from '../broker/index';
import type { Log } from './errors';

export interface EmbeddedBroker {
  /** Starts the broker if needed; resolves with its `host:port`. */
  bootstrap(): Promise<string>;
  /** `host:port` when running, else null. */
  running(): string | null;
  close(): Promise<void>;
}

export function createEmbeddedBroker(opts: { dataDir: string; log: Log }): EmbeddedBroker {
  let starting: Promise<RunningBroker> | undefined;
  let broker: RunningBroker | undefined;
  let closed = false;
  return {
    bootstrap() {
      if (closed) return Promise.reject(new Error('the backend is shutting down'));
      starting ??= (async () => {
        const [{ startBroker }, { pino }] = await Promise.all([import('../broker/index'), import('pino')]);
        const b = await startBroker({
          host: '127.0.0.1',
          port: 0,
          dataDir: opts.dataDir,
          logger: pino({ level: 'error', base: { component: 'broker' } }, pino.destination(2)),
        });
        broker = b;
        opts.log.info('embedded broker started', { bootstrap: b.bootstrap, dataDir: opts.dataDir });
        return b;
      })();
      // A failed start is not cached: the next use tries again.
      starting.catch(() => (starting = undefined));
      return starting.then((b) => b.bootstrap);
    },
    running: () => broker?.bootstrap ?? null,
    async close() {
      closed = true;
      const b = await starting?.catch(() => undefined);
      await b?.stop();
      broker = undefined;
    },
  };
}
