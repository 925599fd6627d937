// End-to-end latency at a fixed rate: a kafkajs producer stamps each record with its send time
// (performance.timeOrigin + now(), sub-millisecond) and a kafkajs consumer in this same process
// (same clock) records now - stamp. Both share this process's event loop, which the figures
// include; the broker runs in its own process.
import { client } from './kafkajs';

export interface LatencyResult {
  ratePerSec: number;
  seconds: number;
  valueBytes: number;
  sent: number;
  received: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

const now = () => performance.timeOrigin + performance.now();

export async function endToEndLatency(o: {
  bootstrap: string;
  topic: string;
  ratePerSec: number;
  seconds: number;
  valueBytes: number;
  warmupSeconds: number;
}): Promise<LatencyResult> {
  const kafka = client(o.bootstrap, 'kflow-bench-latency');
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `latency-${Date.now()}`, maxWaitTimeInMs: 500 });
  await Promise.all([producer.connect(), consumer.connect()]);
  const samples: number[] = [];
  let received = 0;
  let sent = 0;
  try {
    await consumer.subscribe({ topic: o.topic, fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    const warmupEnd = { at: Infinity };
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const t = now();
        for (const m of batch.messages) {
          const stamp = Number(m.value!.toString('latin1', 0, 20));
          received++;
          if (stamp >= warmupEnd.at) samples.push(t - stamp);
        }
      },
    });
    await joined;
    // A first record so the consumer's position is set before the timed run.
    await producer.send({ topic: o.topic, acks: 1, messages: [{ value: stampValue(now(), o.valueBytes) }] });
    await new Promise((r) => setTimeout(r, 1000));
    received = 0;
    const t0 = now();
    warmupEnd.at = t0 + o.warmupSeconds * 1000;
    const total = o.ratePerSec * (o.seconds + o.warmupSeconds);
    const sends: Promise<unknown>[] = [];
    // Every 2 ms, send what is due by the wall clock; a late tick sends more, keeping the rate.
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor(((now() - t0) / 1000) * o.ratePerSec));
        if (due > sent) {
          const n = due - sent;
          sent = due;
          const messages = Array.from({ length: n }, () => ({ value: stampValue(now(), o.valueBytes) }));
          sends.push(producer.send({ topic: o.topic, acks: 1, messages }));
        }
        if (sent >= total) resolve();
        else setTimeout(tick, 2);
      };
      tick();
    });
    await Promise.all(sends);
    const deadline = Date.now() + 10_000;
    while (received < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  } finally {
    await Promise.all([producer.disconnect(), consumer.disconnect()]);
  }
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? NaN;
  return {
    ratePerSec: o.ratePerSec,
    seconds: o.seconds,
    valueBytes: o.valueBytes,
    sent,
    received,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    p999Ms: q(0.999),
    maxMs: samples[samples.length - 1] ?? NaN,
  };
}

/** A value of `bytes` bytes starting with the send time in ms, space-padded to 20 characters. */
function stampValue(ms: number, bytes: number): Buffer {
  const b = Buffer.alloc(Math.max(bytes, 20), 0x20);
  b.write(ms.toFixed(3), 'latin1');
  return b;
}
