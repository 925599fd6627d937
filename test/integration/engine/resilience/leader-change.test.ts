// A run survives partition leader changes: on a 3-broker embedded cluster the leadership of the
// input and output partitions moves to other brokers mid-run; the run follows (kafkajs refreshes
// its metadata on NOT_LEADER_OR_FOLLOWER) and the output holds every expected record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../../src/broker/index';
import { connect, type KafkaClient } from '../../../../src/kafka/client';
import { embeddedProfile } from '../../../../src/kafka/profile';
import { PipelineRun } from '../../../../src/engine/runtime/runtime';
import { json, produceJson, readTopic, waitFor } from '../runtime/helpers';
import { evenFilterSpec, numbered } from './even-filter';

let broker: RunningBroker;
let client: KafkaClient;
let run: PipelineRun | undefined;

beforeAll(async () => {
  broker = await startBroker({ port: 0, brokers: 3 });
  client = await connect(embeddedProfile(broker.bootstrap));
});
afterAll(async () => {
  await run?.stop();
  await client?.close();
  await broker?.stop();
});

const spec = () => evenFilterSpec('leaders', 'l-in', 'l-out');

const evens = async () =>
  new Set((await readTopic(client, 'l-out').catch(() => [])).map((r) => (json(r) as { n: number }).n));

describe('partition leader change', () => {
  it('the run follows the input and output partitions to their new leaders', async () => {
    const admin = await client.admin();
    await admin.createTopics([
      { name: 'l-in', partitions: 1 },
      { name: 'l-out', partitions: 1 },
    ]);
    await produceJson(client, 'l-in', numbered(1, 100));
    run = new PipelineRun({ client, spec: spec(), tickMs: 50, sessionTimeoutMs: 6000 });
    await run.start();
    await waitFor(async () => (await evens()).size >= 50, 60_000, 'the first 50 records');

    // Leaders of partition 0 are broker 0 at creation (partition % brokers); move both away.
    const leaderOf = async (t: string) => (await admin.describeTopics([t]))[0]?.partitions[0]?.leader;
    expect(await leaderOf('l-in')).toBe(0);
    broker.cluster.moveLeader('l-in', 0, 1);
    broker.cluster.moveLeader('l-out', 0, 2);
    expect(await leaderOf('l-in')).toBe(1);
    expect(await leaderOf('l-out')).toBe(2);
    await produceJson(client, 'l-in', numbered(101, 200));
    await waitFor(async () => (await evens()).size >= 100, 60_000, 'the records after the move');

    broker.cluster.moveLeader('l-in', 0, 2);
    broker.cluster.moveLeader('l-out', 0, 0);
    await produceJson(client, 'l-in', numbered(201, 300));
    await waitFor(async () => (await evens()).size >= 150, 60_000, 'the records after the second move');

    // Even numbers of 1..300, each at least once.
    expect([...(await evens())].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 150 }, (_, i) => 2 * (i + 1)),
    );
    let failed: unknown;
    run.done.catch((e: unknown) => (failed = e));
    await new Promise((r) => setTimeout(r, 10));
    expect(failed).toBeUndefined();
  }, 180_000);
});
