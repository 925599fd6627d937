// An exactly-once run whose transactional id is taken over (another producer of
// `kflow-<pipeline>-<instance>` initialises, as a second instance started with the same
// --instance-id would): its next transaction is fenced, the run stops with InstanceFencedError
// (no hang), drops its tasks, and nothing of the fenced transaction is committed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceFencedError } from '../../../../src/engine/runtime/runtime';
import { ProducerFencedError } from '../../../../src/kafka/errors';
import { at, example, produceJson, startEnv, startRun, waitFor, type Env } from './helpers';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.close();
});

describe('exactly-once run fenced by a newer producer of its transactional id', () => {
  it('stops with InstanceFencedError, drops its tasks, commits nothing of the fenced transaction', async () => {
    const name = 'fenced-eos';
    const spec = example('clicks-per-category.json', (s) => {
      s.name = name;
      for (const n of s.nodes)
        if (typeof n.config['topic'] === 'string') n.config['topic'] = `${name}-${n.id}`;
    });
    const admin = await env.client.admin();
    await admin.createTopics([{ name: `${name}-raw`, partitions: 1 }]);
    const run = await startRun({ client: env.client, spec, guarantee: 'exactly-once', instanceId: 'x' });
    const committed = async () =>
      Number((await admin.groupOffsets(`kflow-${name}`, [`${name}-raw`]))[0]?.offset ?? -1n);
    const click = (category: string, value: number, ts: number) => ({ value: { category, value, ts } });

    await produceJson(env.client, `${name}-raw`, [click('books', 5, at(0, 10)), click('games', 3, at(1))]);
    await waitFor(async () => (await committed()) === 2, 20_000, 'the first two clicks committed');
    expect(run.taskIds()).toEqual(['0_0']);

    // What a second instance with the same id does first: InitProducerId, which bumps the epoch.
    const usurper = await env.client.producer({ fast: true, transactionalId: `kflow-${name}-x` });
    await produceJson(env.client, `${name}-raw`, [click('books', 2, at(4, 50))]);

    const err = await Promise.race([
      run.done.then(
        () => new Error('the run ended without an error'),
        (e: unknown) => e,
      ),
      new Promise((r) => setTimeout(() => r(new Error('the run did not stop within 20 s')), 20_000)),
    ]);
    expect(err).toBeInstanceOf(InstanceFencedError);
    const fenced = err as InstanceFencedError;
    expect(fenced.message).toMatch(/^another instance took over: a producer with the same transactional id/);
    expect(fenced.transactionalId).toBe(`kflow-${name}-x`);
    expect(fenced.cause).toBeInstanceOf(ProducerFencedError);
    expect((fenced.cause as ProducerFencedError).fencedBy).toBe('producer-epoch');
    // The tasks' in-memory state is gone: the new owner restores from the changelog.
    expect(run.taskIds()).toEqual([]);
    // The fenced transaction's input position was not committed.
    expect(await committed()).toBe(2);
    await run.stop();
    await usurper.close();
  }, 60_000);
});
