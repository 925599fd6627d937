// The wire producer's pipelining against the embedded broker: the next sends leave while the first
// one's answer is pending (up to 5 in flight), and when the first one's answer is lost (held by a
// broker hook past the client's request timeout, which also loses the later ones on the same
// connection) every batch is resent with its sequences: the log holds each record once, in call
// order. The hook handles produces one after the other, as a Kafka broker handles a connection's
// requests (the next one is read once the previous one is answered).
import { describe, expect, it } from 'vitest';
import { WireClient } from '../../../../src/kafka/wire/index';
import { WireSeamProducer } from '../../../../src/kafka/wire-producer';
import { holdProduces, partitionValues, sleep, useHeldProduceBroker } from './held-produce';

const env = useHeldProduceBroker();
const values = (topic: string) => partitionValues(env.client, topic);

const batch = (topic: string, name: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ topic, partition: 0, value: `${name}${i}` }));

describe('pipelined wire producer', () => {
  it('sends the next batches while the first is unanswered, and resends all in order once after a lost answer', async () => {
    const topic = 'pipe-lost-first';
    env.broker.cluster.createTopic(topic, 1);
    // Request 1 is held for 1.2 s, past the client's 0.4 s timeout: the connection is given up
    // with requests 2-4 on it, which the broker handles after 1; the resends arrive as duplicates
    // of what is in the log by then.
    const watch = holdProduces(env.broker, topic, [1200], { inOrder: true });
    const producer = new WireSeamProducer(env.client, {});
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
    env.broker.cluster.createTopic(topic, 1);
    // Each request is held 100 ms: 8 sends, 5 of them in flight at first, then one per answer.
    const watch = holdProduces(
      env.broker,
      topic,
      Array.from({ length: 8 }, () => 100),
      { inOrder: true },
    );
    const patient = new WireClient({ bootstrap: [env.broker.bootstrap], requestTimeoutMs: 10_000 });
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
