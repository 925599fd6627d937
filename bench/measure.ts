/**
 * Measuring helpers the engine and inspector benches share: the machine a run is on, CPU time
 * of the process, a client whose consumers show every batch to an observer, and one that notes
 * when its consumer receives its first batch (the clock of a workload starts there, not at
 * connect).
 */
import os from 'node:os';
import type { ConsumedBatch, KafkaClient } from '../src/kafka/client';

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAvgAtStart: os.loadavg(),
  };
}

/** CPU seconds of this process so far. */
export const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** The seam's client, with the wall-clock and CPU time of the first batch any consumer of it receives. */
export function stampFirstBatch(client: KafkaClient): {
  client: KafkaClient;
  first: () => number;
  firstCpu: () => number;
} {
  let first = 0;
  let firstCpu = 0;
  const wrapped = observeBatches(client, (batch) => {
    if (first === 0 && batch.records.length > 0) [first, firstCpu] = [performance.now(), cpuNow()];
  });
  return { client: wrapped, first: () => first, firstCpu: () => firstCpu };
}

/**
 * The seam's client, whose consumers show `observe` every batch before their handler gets it. The
 * client is a fresh object over `client`: a bench may wrap its other methods too.
 */
export function observeBatches(client: KafkaClient, observe: (batch: ConsumedBatch) => void): KafkaClient {
  const wrapped: KafkaClient = Object.create(client) as KafkaClient;
  wrapped.consumer = async (opts) => {
    const c = await client.consumer(opts);
    const run = c.run.bind(c);
    c.run = (handler) =>
      run((batch, ctl) => {
        observe(batch);
        return handler(batch, ctl);
      });
    return c;
  };
  return wrapped;
}
