/**
 * @module broker/metrics
 * Per-API request counters and latency histograms (Prometheus, via prom-client),
 * in a registry of the broker's own so several brokers in one process (tests)
 * do not mix their numbers.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { getApi } from '../protocol/generated/index';

export class BrokerMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'kflow_broker_requests_total',
    help: 'Requests handled, by API and outcome.',
    labelNames: ['api', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'kflow_broker_request_seconds',
    help: 'Time from a request arriving to its response being ready, by API.',
    labelNames: ['api'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly connections = new Counter({
    name: 'kflow_broker_connections_total',
    help: 'Client connections accepted.',
    registers: [this.registry],
  });

  observe(apiKey: number, seconds: number, outcome: 'ok' | 'error'): void {
    const api = getApi(apiKey)?.name ?? String(apiKey);
    this.requests.inc({ api, outcome });
    this.latency.observe({ api }, seconds);
  }

  /** Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
