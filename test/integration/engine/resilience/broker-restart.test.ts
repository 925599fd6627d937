// A run survives a broker restart: the broker (a child process with a data directory) is
// stopped mid-run and started again on the same port; the run keeps going and, at-least-once,
// the output holds every expected record (duplicates allowed, none missing).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type KafkaClient } from '../../../../src/kafka/client';
import { embeddedProfile } from '../../../../src/kafka/profile';
import { PipelineRun } from '../../../../src/engine/runtime/runtime';
import { startChildBroker, type ChildBroker } from '../../../support/child-broker';
import { json, produceJson, readTopic, waitFor } from '../runtime/helpers';
import { evenFilterSpec, numbered } from './even-filter';

const dir = mkdtempSync(join(tmpdir(), 'kflow-broker-restart-'));
let broker: ChildBroker | undefined;
let client: KafkaClient | undefined;
let run: PipelineRun | undefined;

afterAll(async () => {
  await run?.stop();
  await client?.close();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const spec = () => evenFilterSpec('restart', 'r-in', 'r-out');

describe('broker restart', () => {
  it('the run continues after the broker is stopped and started again on the same port', async () => {
    broker = await startChildBroker(['--data', dir]);
    const bootstrap = broker.bootstrap;
    const port = bootstrap.slice(bootstrap.lastIndexOf(':') + 1);
    client = await connect(embeddedProfile(bootstrap));
    await (await client.admin()).createTopics([{ name: 'r-in', partitions: 1 }]);
    await produceJson(client, 'r-in', numbered(1, 200));
    run = new PipelineRun({ client, spec: spec(), tickMs: 50, sessionTimeoutMs: 6000 });
    await run.start();
    // 100 even numbers among 1..200.
    await waitFor(async () => (run?.metrics.recordsOut ?? 0) >= 100, 60_000, 'the first output');

    await broker.stop();
    await new Promise((r) => setTimeout(r, 1000));
    broker = await startChildBroker(['--data', dir, '--port', port]);
    expect(broker.bootstrap).toBe(bootstrap);
    await produceJson(client, 'r-in', numbered(201, 400));

    // 200 even numbers among 1..400: every one arrives (at-least-once may repeat some).
    await waitFor(
      async () => {
        const out = await readTopic(client as KafkaClient, 'r-out').catch(() => []);
        return new Set(out.map((r) => (json(r) as { n: number }).n)).size >= 200;
      },
      90_000,
      'the output after the restart',
    );
    const ns = new Set((await readTopic(client, 'r-out')).map((r) => (json(r) as { n: number }).n));
    const expected = Array.from({ length: 200 }, (_, i) => 2 * (i + 1));
    expect([...ns].sort((a, b) => a - b)).toEqual(expected);
    let failed: unknown;
    run.done.catch((e: unknown) => (failed = e));
    await new Promise((r) => setTimeout(r, 10));
    expect(failed).toBeUndefined();
  }, 180_000);
});
