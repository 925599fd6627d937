/**
 * @module engine/metrics
 * Run metrics: the in-process event stream (`run.on('metrics', batch)`), a Prometheus endpoint
 * on its own prom-client registry, and the terminal progress of `kflow run`.
 */
import { createServer, type Server } from 'node:http';
import { Gauge, Registry } from 'prom-client';
import type { PipelineRun } from '../runtime/runtime';
import type { MetricsBatch } from './metrics';

export { RunMetrics, type MetricsBatch, type NodeMetrics } from './metrics';

/** A registry whose gauges read the run's latest metrics batch at scrape time. */
export function runRegistry(run: PipelineRun): Registry {
  const registry = new Registry();
  const latest = (): MetricsBatch | undefined => run.metrics.latest;
  const node = (name: string, help: string, pick: (n: MetricsBatch['nodes'][string]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pipeline', 'node'],
      registers: [registry],
      collect() {
        const b = latest();
        if (!b) return;
        for (const [id, n] of Object.entries(b.nodes)) this.set({ pipeline: b.pipeline, node: id }, pick(n));
      },
    });
  node('kflow_node_records_in', 'records into a node', (n) => n.in);
  node('kflow_node_records_out', 'records out of a node', (n) => n.out);
  node('kflow_node_late_records', 'records sent to a late port', (n) => n.late);
  node('kflow_node_errors', 'dead-lettered records', (n) => n.errors);
  node('kflow_node_state_entries', 'entries in the node state', (n) => n.stateEntries);
  node('kflow_node_state_bytes', 'approximate bytes of the node state', (n) => n.stateBytes);
  new Gauge({
    name: 'kflow_source_lag',
    help: 'records behind the high watermark per input partition',
    labelNames: ['pipeline', 'partition'],
    registers: [registry],
    collect() {
      const b = latest();
      if (!b) return;
      for (const [p, lag] of Object.entries(b.lagByPartition))
        this.set({ pipeline: b.pipeline, partition: p }, lag);
    },
  });
  new Gauge({
    name: 'kflow_processing_ms_per_record',
    help: 'mean processing time per record over the last interval',
    labelNames: ['pipeline'],
    registers: [registry],
    collect() {
      const b = latest();
      if (b) this.set({ pipeline: b.pipeline }, b.processingMsPerRecord);
    },
  });
  return registry;
}

export async function serveMetrics(run: PipelineRun, port: number): Promise<Server> {
  const registry = runRegistry(run);
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry
      .metrics()
      .then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text))
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

/** One line per second on stderr (text) or one JSON line per second on stdout (json). */
export function startProgress(run: PipelineRun, mode: 'text' | 'json'): { stop(): void } {
  let last = 0;
  const onMetrics = (b: MetricsBatch) => {
    if (b.at - last < 1000) return;
    last = b.at;
    if (mode === 'json') process.stdout.write(`${JSON.stringify(b)}\n`);
    else
      process.stderr.write(
        `${new Date(b.at).toISOString().slice(11, 19)} in ${b.recordsIn} out ${b.recordsOut}  ${b.inRate.toFixed(0)}/s in, ${b.outRate.toFixed(0)}/s out  lag ${b.lag}  tasks ${b.tasks}\n`,
      );
  };
  run.on('metrics', onMetrics);
  return { stop: () => run.off('metrics', onMetrics) };
}
