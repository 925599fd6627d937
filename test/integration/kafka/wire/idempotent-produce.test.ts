// The wire producer's idempotence against the embedded broker: a produce whose answer never
// arrives (held by a broker hook past the client's request timeout, then appended) is retried
// with the same producer id and sequences, and the log holds each record once; the same send
// without idempotence writes it twice (so the hook does cause the retry). A sequence gap the
// broker refuses makes the producer take a new id and resend. kcat reads the batches.
import { describe, expect, it } from 'vitest';
import { IdempotentProducerState } from '../../../../src/kafka/wire/idempotence';
import { WireSeamProducer } from '../../../../src/kafka/wire-producer';
import { requireTool, run, toolAvailable } from '../../../support/tools';
import { holdProduces, partitionValues, sleep, useHeldProduceBroker } from './held-produce';

const env = useHeldProduceBroker();
const values = (topic: string) => partitionValues(env.client, topic);

const records = (topic: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ topic, partition: 0, value: `r${i}` }));

describe('idempotent wire producer', () => {
  it('writes a batch once when its answer is lost and the retry reaches the broker after the append', async () => {
    const topic = 'idem-lost-answer';
    env.broker.cluster.createTopic(topic, 1);
    // Attempt 1 is appended at 1.2 s, long after the client gave up at 0.4 s; attempt 2 is held
    // until after that, so it arrives as a duplicate of what is already in the log.
    const hold = holdProduces(env.broker, topic, [1200, 2000]);
    const producer = new WireSeamProducer(env.client, {});
    try {
      const metas = await producer.send(records(topic, 5));
      expect(hold.arrivals.length).toBeGreaterThanOrEqual(2);
      // The duplicate is answered with the first copy's offsets.
      expect(metas.map((m) => m.offset)).toEqual([0n, 1n, 2n, 3n, 4n]);
      await producer.send(records(topic, 2).map((r) => ({ ...r, value: `after-${r.value}` })));
    } finally {
      hold.stop();
    }
    await sleep(500);
    expect(await values(topic)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'after-r0', 'after-r1']);
  });

  it('writes a batch once when the retry overtakes the held first attempt', async () => {
    const topic = 'idem-overtaken';
    env.broker.cluster.createTopic(topic, 1);
    // Attempt 1 is held for 1.5 s, the retry goes through at once: the first attempt then arrives
    // as a duplicate of the retry.
    const hold = holdProduces(env.broker, topic, [1500]);
    const producer = new WireSeamProducer(env.client, {});
    try {
      await producer.send(records(topic, 3));
    } finally {
      hold.stop();
    }
    await sleep(1500); // the held attempt has been answered by now
    expect(hold.arrivals.length).toBe(2);
    expect(await values(topic)).toEqual(['r0', 'r1', 'r2']);
  });

  it('writes a retried batch twice without idempotence (what the hook does to a plain producer)', async () => {
    const topic = 'idem-off';
    env.broker.cluster.createTopic(topic, 1);
    const hold = holdProduces(env.broker, topic, [1200, 2000]);
    const producer = new WireSeamProducer(env.client, { idempotent: false });
    try {
      await producer.send(records(topic, 2));
    } finally {
      hold.stop();
    }
    await sleep(500);
    expect(await values(topic)).toEqual(['r0', 'r1', 'r0', 'r1']);
  });

  it('takes a new producer id and resends when the broker refuses its sequence', async () => {
    const topic = 'idem-out-of-order';
    env.broker.cluster.createTopic(topic, 1);
    const state = new IdempotentProducerState();
    const send = (vals: string[]) =>
      env.client.produce(topic, new Map([[0, vals.map((value) => ({ key: null, value }))]]), {
        idempotence: state,
      });
    await send(['a', 'b']);
    const first = await state.ensure(() => Promise.reject(new Error('known already')));
    // Skip 3 sequences, as if batches were lost: the broker expects 2, gets 5.
    state.take(topic, 0, 3);
    const base = await send(['c']);
    expect(base.get(0)).toBe(2n);
    const second = await state.ensure(() => Promise.reject(new Error('known already')));
    expect(second.producerId).not.toBe(first.producerId);
    await send(['d']);
    expect(await values(topic)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses acks 1 with idempotence', () => {
    expect(() => new WireSeamProducer(env.client, { acks: 1, idempotent: true })).toThrow(/acks -1/);
  });
});

const haveKcat = requireTool('kcat', toolAvailable('kcat', ['-V']));

describe.runIf(haveKcat)('idempotent batches read by librdkafka (kcat)', () => {
  it('reads every record of sequence-numbered batches, compressed or not', async () => {
    const topic = 'idem-kcat';
    env.broker.cluster.createTopic(topic, 1);
    const producer = new WireSeamProducer(env.client, { batchBytes: 1024 });
    await producer.send(records(topic, 50));
    const lz4 = new WireSeamProducer(env.client, { compression: 'lz4' });
    await lz4.send(records(topic, 10).map((r) => ({ ...r, value: `z${r.value}` })));
    const c = await run('kcat', [
      '-C',
      '-b',
      env.broker.bootstrap,
      '-t',
      topic,
      '-p',
      '0',
      '-o',
      'beginning',
      '-e',
      '-q',
    ]);
    expect(c.status, c.stderr).toBe(0);
    const expected = [
      ...Array.from({ length: 50 }, (_, i) => `r${i}`),
      ...Array.from({ length: 10 }, (_, i) => `zr${i}`),
    ];
    expect(c.stdout.trim().split('\n')).toEqual(expected);
  });
});
