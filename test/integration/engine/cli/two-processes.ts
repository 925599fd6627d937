// What the tests of two `kflow run` processes of one pipeline share (two-instances, zombie): a
// child broker and the pipeline's spec file, a producer of the test's events spread over the
// input partitions, a read_committed read of an output topic, and the group's owners.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import type { ConsumedRecord, KafkaProducer } from '../../../../src/kafka/client';
import { readToEnd } from '../../../../src/engine/runtime/restore';
import { startCrashEnv, type CrashEnv } from '../crash/crash-helpers';
import { PARTITIONS, spec, type Event } from '../runtime/two-instances';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const parse = <T>(r: ConsumedRecord): T => JSON.parse((r.value as Buffer).toString('utf8')) as T;

export async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export interface TwoProcesses {
  /** The child broker and spec file (set once beforeAll has run). */
  readonly env: CrashEnv;
  /** Sends `events` to the input, `perSend` per request, `gapMs` apart. */
  send(producer: KafkaProducer, events: Event[], perSend: number, gapMs: number): Promise<void>;
  /** Every committed record of `topic`. */
  readAll(topic: string): Promise<ConsumedRecord[]>;
  /** The pipeline's group state and how many members own partitions. */
  groupOwners(): Promise<{ state: string; owners: number }>;
}

/** Starts a child broker for pipeline `name` before the file's tests and stops it after. */
export function useTwoProcesses(name: string): TwoProcesses {
  let started: CrashEnv | undefined;
  beforeAll(async () => {
    started = await startCrashEnv(name);
    writeFileSync(started.specFile, JSON.stringify(spec(name), null, 2));
  });
  afterAll(async () => {
    await started?.close();
  });
  const env = (): CrashEnv => {
    if (!started) throw new Error('the broker is not started yet (use it inside a test)');
    return started;
  };
  return {
    get env() {
      return env();
    },
    async send(producer, events, perSend, gapMs) {
      for (let i = 0; i < events.length; i += perSend) {
        await producer.send(
          events.slice(i, i + perSend).map((e) => ({
            topic: `${name}-in`,
            partition: Number(e.id.slice(1)) % PARTITIONS,
            key: e.category,
            value: JSON.stringify(e),
          })),
        );
        if (gapMs > 0) await sleep(gapMs);
      }
    },
    async readAll(topic) {
      const admin = await env().client.admin();
      const parts = (await admin.describeTopics([topic]))[0]?.partitions.map((p) => p.partition) ?? [];
      const m = await readToEnd(env().client, 'two-read', [{ topic, partitions: parts }], {
        isolation: 'read_committed',
      });
      return [...m.values()].flat();
    },
    async groupOwners() {
      const [g] = await (await env().client.admin()).describeGroups([`kflow-${name}`]).catch(() => []);
      return {
        state: g?.state ?? 'none',
        owners: (g?.members ?? []).filter((m) => m.assignment.some((x) => x.partitions.length > 0)).length,
      };
    },
  };
}
