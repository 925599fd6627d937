// Two instances of one pipeline in one consumer group: a second instance joins mid-stream and
// the partitions split, then the first stops mid-stream and the second takes everything over.
// On each rebalance the instance giving up partitions flushes and commits first (kafkajs has no
// onPartitionsRevoked: src/kafka/kafkajs-rebalance.ts), and window state moving to the other
// instance is restored there from the changelog. The reference is brute force over the input:
// every window total exact; every filtered record once (exactly-once) or at least once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../../../src/kafka/client';
import { connect } from '../../../../src/kafka/client';
import { embeddedProfile } from '../../../../src/kafka/profile';
import { readToEnd } from '../../../../src/engine/runtime/restore';
import type { PipelineRun } from '../../../../src/engine/runtime/runtime';
import { startEnv, startRun, waitFor, type Env } from './helpers';
import {
  N,
  PARTITIONS,
  event,
  judgeFiltered,
  judgeWindows,
  referenceWindows,
  sentinels,
  spec,
  type Event,
  type WindowOut,
} from './two-instances';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function produce(name: string, events: Event[], perSend: number, gapMs: number): Promise<void> {
  const producer = await env.client.producer({ idempotent: true });
  try {
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
  } finally {
    await producer.close();
  }
}

async function readAll(topic: string, isolation: 'read_committed' | 'read_uncommitted') {
  const admin = await env.client.admin();
  const parts = (await admin.describeTopics([topic]))[0]?.partitions.map((p) => p.partition) ?? [];
  const m = await readToEnd(env.client, 'multi-read', [{ topic, partitions: parts }], { isolation });
  return [...m.values()].flat();
}

const parse = <T>(r: ConsumedRecord): T => JSON.parse((r.value as Buffer).toString('utf8')) as T;

describe.each(['at-least-once', 'exactly-once'] as const)('two instances, %s', (guarantee) => {
  it('split the partitions, hand them over on join and on stop, and lose or double nothing', async () => {
    const name = guarantee === 'exactly-once' ? 'multi-eos' : 'multi-alo';
    const admin = await env.client.admin();
    await admin.createTopics([{ name: `${name}-in`, partitions: PARTITIONS }]);
    const s = spec(name);
    const events = Array.from({ length: N }, (_, i) => event(i));
    const third = N / 3;
    // Each instance has its own client (as two processes would) and its own transactional id.
    const clientA = await connect(embeddedProfile(env.broker.bootstrap));
    const clientB = await connect(embeddedProfile(env.broker.bootstrap));
    // A long commit interval keeps seconds of exactly-once output open in a transaction, so a
    // hand-over that did not commit it first would show as duplicates.
    const common = { spec: s, guarantee, sessionTimeoutMs: 6000, commitIntervalMs: 3000 };
    let a: PipelineRun | undefined;
    let b: PipelineRun | undefined;
    try {
      await produce(name, events.slice(0, third), 200, 0);
      a = await startRun({ ...common, client: clientA, instanceId: 'a' });
      await waitFor(async () => (a as PipelineRun).metrics.recordsIn >= third, 60_000, 'A reads slice 1');

      // B joins while slice 2 trickles in: A flushes and commits, then the partitions split.
      b = await startRun({ ...common, client: clientB, instanceId: 'b' });
      const feeding2 = produce(name, events.slice(third, 2 * third), 50, 100);
      let split = false;
      await waitFor(
        async () => {
          const [g] = await admin.describeGroups([`kflow-${name}`]);
          const owners = (g?.members ?? []).filter((m) => m.assignment.some((x) => x.partitions.length > 0));
          split ||= g?.state === 'Stable' && owners.length === 2;
          return split && (b as PipelineRun).metrics.recordsIn > 0;
        },
        60_000,
        'both instances to own partitions and B to read',
      );
      await feeding2;

      // A stops while slice 3 trickles in: B takes its partitions and restores their window state.
      const feeding3 = produce(name, events.slice(2 * third), 50, 100);
      await sleep(1000);
      const aIn = a.metrics.recordsIn;
      await a.stop();
      await a.done;
      await feeding3;
      await produce(name, sentinels(), 10, 0);

      const ref = referenceWindows();
      const isolation = guarantee === 'exactly-once' ? 'read_committed' : 'read_uncommitted';
      await waitFor(
        async () => {
          const out = await readAll(`${name}-windows`, isolation).catch(() => []);
          const keys = out.map((r) => {
            const w = parse<WindowOut>(r);
            return `${w.window_start}/${w.category}`;
          });
          return new Set(keys).size >= ref.size;
        },
        90_000,
        'every window',
      );
      await sleep(500);
      const bIn = b.metrics.recordsIn;
      await b.stop();
      await b.done;

      // Both did part of the work (the window reads every record a second time, from the repartition).
      expect(aIn).toBeGreaterThan(0);
      expect(bIn).toBeGreaterThan(0);

      const windows = (await readAll(`${name}-windows`, isolation)).map((r) => parse<WindowOut>(r));
      const w = judgeWindows(windows);
      // A graceful hand-over commits what was processed first: totals are exact with either
      // guarantee; with at-least-once a window may come out twice, never with another total.
      expect({ missing: w.missing, wrong: w.wrong }).toEqual({ missing: 0, wrong: 0 });
      if (guarantee === 'exactly-once') expect(w.duplicated).toBe(0);

      const big = judgeFiltered(
        (await readAll(`${name}-big`, isolation)).map((r) => parse<{ id: string; doubled: number }>(r)),
      );
      expect({ missing: big.missing, wrongValues: big.wrongValues }).toEqual({ missing: [], wrongValues: 0 });
      if (guarantee === 'exactly-once') expect(big.received).toBe(big.expected);
    } finally {
      await a?.stop();
      await b?.stop();
      await clientA.close();
      await clientB.close();
    }
  }, 240_000);
});
