// kafkajs produce and consume runs. The producer sends batches of `perSend` messages with
// `inFlight` sends outstanding, spreading messages round-robin over the partitions itself (no
// partitioner cost); the consumer is a one-member group reading with eachBatch.
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { cpuSeconds } from './proc';

export function client(bootstrap: string, clientId = 'kflow-bench'): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING });
}

export interface ClientRun {
  seconds: number;
  brokerCpuSeconds: number;
  /** Consumer only: from consumer.run() to the group join (not counted in `seconds`). */
  startupSeconds?: number;
}

export async function kafkajsProduce(o: {
  bootstrap: string;
  topic: string;
  partitions: number;
  valueBytes: number;
  count: number;
  acks: 1 | -1;
  perSend: number;
  inFlight: number;
  brokerPid: number;
}): Promise<ClientRun> {
  const producer: Producer = client(o.bootstrap).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const value = Buffer.alloc(o.valueBytes, 'kflow-bench-value');
    let next = 0;
    let partition = 0;
    const cpu0 = cpuSeconds(o.brokerPid);
    const t0 = performance.now();
    const worker = async () => {
      while (next < o.count) {
        const n = Math.min(o.perSend, o.count - next);
        next += n;
        const messages = Array.from({ length: n }, () => {
          partition = (partition + 1) % o.partitions;
          return { value, partition };
        });
        await producer.send({ topic: o.topic, acks: o.acks, messages });
      }
    };
    await Promise.all(Array.from({ length: o.inFlight }, worker));
    return {
      seconds: (performance.now() - t0) / 1000,
      brokerCpuSeconds: cpuSeconds(o.brokerPid) - cpu0,
    };
  } finally {
    await producer.disconnect();
  }
}

export async function kafkajsConsume(o: {
  bootstrap: string;
  topic: string;
  count: number;
  brokerPid: number;
}): Promise<ClientRun & { bytes: number }> {
  const consumer = client(o.bootstrap).consumer({
    groupId: `bench-${o.topic}-${Date.now()}`,
    maxBytesPerPartition: 1 << 20,
    maxBytes: 50 << 20,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: o.topic, fromBeginning: true });
    let got = 0;
    let bytes = 0;
    // The clock starts when the group is joined: a whole small topic can arrive in the first fetch,
    // so timing from the first batch would measure nothing.
    let joinedAt = 0;
    consumer.on(consumer.events.GROUP_JOIN, () => (joinedAt = performance.now()));
    const cpu0 = cpuSeconds(o.brokerPid);
    const t0 = performance.now();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) bytes += m.value?.length ?? 0;
        got += batch.messages.length;
        if (got >= o.count) finish();
      },
    });
    await done;
    const end = performance.now();
    return {
      seconds: (end - joinedAt) / 1000,
      startupSeconds: (joinedAt - t0) / 1000,
      brokerCpuSeconds: cpuSeconds(o.brokerPid) - cpu0,
      bytes,
    };
  } finally {
    await consumer.disconnect();
  }
}
