/**
 * @module broker
 * kflow's embedded Kafka-compatible broker.
 *
 * ```ts
 * const broker = await startBroker({ port: 0, dataDir: '/tmp/kflow' });
 * // kafkajs: new Kafka({ brokers: [broker.bootstrap] })
 * await broker.stop();
 * ```
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { Cluster } from './cluster';
import { DEFAULT_BROKER_OPTIONS, type BrokerOptions } from './config';
import type { RequestHook } from './connection';
import './handlers/index';
import { LogManager } from './log/log-manager';
import { BrokerMetrics } from './metrics';
import { closeListener, listen, type Listener } from './server';

export interface RunningBroker {
  /** `host:port` of the first broker identity, for clients' bootstrap list. */
  readonly bootstrap: string;
  /** Every broker identity's address. */
  readonly brokers: { nodeId: number; host: string; port: number }[];
  readonly cluster: Cluster;
  readonly metrics: BrokerMetrics;
  readonly dataDir: string;
  /** Adds a hook run before every request's handler (tests: observe, delay or fail requests). */
  onRequest(hook: RequestHook): () => void;
  /** Closes connections and listeners and the logs; deletes the data directory when it was temporary. */
  stop(): Promise<void>;
}

export type StartBrokerOptions = Partial<BrokerOptions>;

export async function startBroker(opts: StartBrokerOptions = {}): Promise<RunningBroker> {
  const options: BrokerOptions = { ...DEFAULT_BROKER_OPTIONS, ...opts };
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kflow-broker-'));
  const logger: Logger =
    options.logger ??
    pino({ level: process.env['KFLOW_BROKER_LOG'] ?? 'warn', base: { component: 'broker' } });
  const logs = new LogManager(path.join(dataDir, 'logs'));
  const metrics = new BrokerMetrics();
  const cluster = new Cluster({ ...options, dataDir }, logs, logger);
  const hooks: RequestHook[] = [];
  const listeners: Listener[] = [];
  try {
    for (let nodeId = 0; nodeId < Math.max(1, options.brokers); nodeId++) {
      // The first identity takes the requested port; the others take free ones (or the following ports).
      const port = nodeId === 0 || options.port === 0 ? options.port : options.port + nodeId;
      const l = await listen(cluster, nodeId, port, logger, metrics, hooks);
      listeners.push(l);
      cluster.nodes.push({ nodeId, host: options.host, port: l.port, rack: null });
    }
  } catch (err) {
    await Promise.all(listeners.map(closeListener));
    cluster.close();
    throw err;
  }
  logs.startScheduler(options.maintenanceIntervalMs, (err) =>
    logger.error({ err: err.message }, 'log maintenance failed'),
  );
  let stopped = false;
  const first = listeners[0] as Listener;
  return {
    bootstrap: `${first.host}:${first.port}`,
    brokers: cluster.nodes.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
    cluster,
    metrics,
    dataDir,
    onRequest(hook) {
      hooks.push(hook);
      return () => {
        const i = hooks.indexOf(hook);
        if (i >= 0) hooks.splice(i, 1);
      };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      logs.stopScheduler();
      await Promise.all(listeners.map(closeListener));
      cluster.close();
      if (temporary) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type { BrokerOptions } from './config';
