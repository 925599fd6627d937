// The wire producer's pipelining against the embedded broker: the next sends leave while the first
// one's answer is pending (up to 5 in flight), and when the first one's answer is lost (held by a
// broker hook past the client's request timeout, which also loses the later ones on the same
// connection) every batch is resent with its sequences: the log holds each record once, in call
// order. The hook handles produces one after the other, as a Kafka broker handles a connection's
// requests (the next one is read once the previous one is answered).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../../src/broker/index';
import { ApiKey } from '../../../../src/protocol/generated/index';
import { readBatchHeader } from '../../../../src/protocol/records/batch';
import { WireClient } from '../../../../src/kafka/wire/index';
import { WireSeamProducer } from '../../../../src/kafka/wire-producer';

let broker: RunningBroker;
let wire: WireClient;
beforeAll(async () => {
  broker = await startBroker({ port: 0 });
  wire = new WireClient({ bootstrap: [broker.bootstrap], requestTimeoutMs: 400 });
});
afterAll(async () => {
  wire?.close();
  await broker?.stop();
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Arrival {
  baseSequence: number;
  /** Produce requests to the topic answered when this one arrived. */
  answeredBefore: number;
}

/**
 * Notes the base sequence of each produce to `topic` (partition 0) as it arrives, and holds the
 * n-th one for delays[n] ms; each one waits for the previous ones to be handled.
 */
function watchProduces(topic: string, delays: number[]): { arrivals: Arrival[]; stop: () => void } {
  const arrivals: Arrival[] = [];
  let answered = 0;
  let previous: Promise<void> = Promise.resolve();
  const stop = broker.onRequest(async (header, request) => {
    if (header.apiKey !== ApiKey.Produce) return;
    const req = request as { topicData: { name: string; partitionData: { records: Buffer | null }[] }[] };
    const t = req.topicData[0];
    if (t?.name !== topic) return;
    const records = t.partitionData[0]?.records;
    if (!records) return;
    const n = arrivals.length;
    arrivals.push({ baseSequence: readBatchHeader(records).baseSequence, answeredBefore: answered });
    const delay = delays[n] ?? 0;
    const mine = previous.then(() => sleep(delay));
    previous = mine;
    await mine;
    answered++;
  });
  return { arrivals, stop };
}

async function values(topic: string): Promise<string[]> {
  const out: string[] = [];
  const end = (await wire.listOffsets(topic, 'latest')).get(0) ?? 0n;
  if (end === 0n) return out;
  await wire.read({
    topic,
    ranges: [{ partition: 0, from: 0n, to: end }],
    isolation: 'read_uncommitted',
    onBatch: (b) => {
      for (const r of b.records) out.push(r.value?.toString() ?? '');
    },
  });
  return out;
}

const batch = (topic: string, name: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ topic, partition: 0, value: `${name}${i}` }));

describe('pipelined wire producer', () => {
  it('sends the next batches while the first is unanswered, and resends all in order once after a lost answer', async () => {
    const topic = 'pipe-lost-first';
    broker.cluster.createTopic(topic, 1);
    // Request 1 is held for 1.2 s, past the client's 0.4 s timeout: the connection is given up
    // with requests 2-4 on it, which the broker handles after 1; the resends arrive as duplicates
    // of what is in the log by then.
    const watch = watchProduces(topic, [1200]);
    const producer = new WireSeamProducer(wire, {});
    try {
      await Promise.all([
        producer.write(batch(topic, 'a', 3)),
        producer.write(batch(topic, 'b', 2)),
        producer.write(batch(topic, 'c', 4)),
        producer.write(batch(topic, 'd', 1)),
      ]);
    } finally {
      watch.stop();
    }
    // Pipelined: the four batches (sequences 0, 3, 5, 9) reached the broker before any answer.
    expect(watch.arrivals.slice(0, 4)).toEqual([
      { baseSequence: 0, answeredBefore: 0 },
      { baseSequence: 3, answeredBefore: 0 },
      { baseSequence: 5, answeredBefore: 0 },
      { baseSequence: 9, answeredBefore: 0 },
    ]);
    await sleep(1000); // the held original has been handled
    expect(await values(topic)).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'c0', 'c1', 'c2', 'c3', 'd0']);
  });

  it('has at most 5 requests in flight', async () => {
    const topic = 'pipe-limit';
    broker.cluster.createTopic(topic, 1);
    // Each request is held 100 ms: 8 sends, 5 of them in flight at first, then one per answer.
    const watch = watchProduces(
      topic,
      Array.from({ length: 8 }, () => 100),
    );
    const patient = new WireClient({ bootstrap: [broker.bootstrap], requestTimeoutMs: 10_000 });
    const producer = new WireSeamProducer(patient, {});
    try {
      await Promise.all(Array.from({ length: 8 }, (_, i) => producer.write(batch(topic, `s${i}-`, 1))));
    } finally {
      watch.stop();
      patient.close();
    }
    // Request i arrives with i earlier ones, of which at most 4 unanswered.
    expect(watch.arrivals.slice(0, 5).map((a) => a.answeredBefore)).toEqual([0, 0, 0, 0, 0]);
    expect(watch.arrivals.map((a, i) => i - a.answeredBefore <= 4)).toEqual(Array(8).fill(true));
    expect(await values(topic)).toEqual(Array.from({ length: 8 }, (_, i) => `s${i}-0`));
  });
});
