// Shared setup of the runtime's integration tests: a broker, a client on it, producing JSON
// inputs and reading a topic to its end.
import { readFileSync } from 'node:fs';
import { startBroker, type RunningBroker } from '../../../../src/broker/index';
import { connect, type ConsumedRecord, type KafkaClient } from '../../../../src/kafka/client';
import { embeddedProfile } from '../../../../src/kafka/profile';
import { readToEnd } from '../../../../src/engine/runtime/restore';
import { PipelineRun, type RunOptions } from '../../../../src/engine/runtime/runtime';
import { WATERMARK_HEADER } from '../../../../src/engine/runtime/watermark-markers';
import type { PipelineSpec } from '../../../../src/spec/types';
import { validateSpec } from '../../../../src/spec/validate';

export interface Env {
  broker: RunningBroker;
  client: KafkaClient;
  close(): Promise<void>;
}

export async function startEnv(dataDir?: string): Promise<Env> {
  const broker = await startBroker({ port: 0, ...(dataDir ? { dataDir } : {}) });
  const client = await connect(embeddedProfile(broker.bootstrap));
  return {
    broker,
    client,
    async close() {
      await client.close();
      await broker.stop();
    },
  };
}

/** An example spec, validated, renamed so tests sharing a broker do not share topics. */
export function example(file: string, rename?: (spec: PipelineSpec) => void): PipelineSpec {
  const raw = JSON.parse(
    readFileSync(new URL(`../../../../resources/examples/${file}`, import.meta.url), 'utf8'),
  ) as PipelineSpec;
  rename?.(raw);
  const r = validateSpec(raw);
  if (!r.ok || !r.spec) throw new Error(JSON.stringify(r.problems));
  return r.spec;
}

export async function produceJson(
  client: KafkaClient,
  topic: string,
  records: Array<{ key?: string; value: unknown; partition?: number; raw?: string }>,
): Promise<void> {
  const producer = await client.producer({ idempotent: true });
  await producer.send(
    records.map((r) => ({
      topic,
      key: r.key ?? null,
      value: r.raw ?? JSON.stringify(r.value),
      ...(r.partition !== undefined ? { partition: r.partition } : {}),
    })),
  );
  await producer.close();
}

/** Every record of a topic now (all partitions), in partition then offset order. */
export async function readTopic(
  client: KafkaClient,
  topic: string,
  partitions = 1,
): Promise<ConsumedRecord[]> {
  const m = await readToEnd(client, 'test-read', [{ topic, partitions: [...Array(partitions).keys()] }]);
  return [...m.values()].flat();
}

export function json(r: ConsumedRecord): unknown {
  return r.value === null ? null : JSON.parse(r.value.toString('utf8'));
}

export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until a repartition topic holds at least `count` data records (committed ones, over its
 * first `partitions` partitions): the upstream tasks' watermark markers share it and do not count.
 */
export async function waitForRecordsCrossed(
  client: KafkaClient,
  topic: string,
  count: number,
  timeoutMs = 20_000,
  partitions = 1,
): Promise<void> {
  await waitFor(
    async () =>
      (await readTopic(client, topic, partitions).catch(() => [])).filter(
        (r) => !(WATERMARK_HEADER in r.headers),
      ).length >= count,
    timeoutMs,
    `${count} records (not markers) in ${topic}`,
  );
}

/** Waits until `topic` holds at least `count` records (high watermarks summed). */
export async function waitForCount(
  client: KafkaClient,
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<void> {
  const admin = await client.admin();
  await waitFor(
    async () => {
      const offs = await admin.topicOffsets(topic).catch(() => []);
      return offs.reduce((a, o) => a + Number(o.high - o.low), 0) >= count;
    },
    timeoutMs,
    `${count} records in ${topic}`,
  );
}

export async function startRun(opts: RunOptions): Promise<PipelineRun> {
  const run = new PipelineRun({ tickMs: 50, ...opts });
  await run.start();
  return run;
}

export const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
export const at = (m: number, s = 0): number => T0 + m * 60_000 + s * 1000;
