// Zombie fencing (KIP-447, issue #5): two `kflow run --guarantee exactly-once` processes of one
// pipeline on a child broker split the partitions; the first is SIGSTOPped past its session
// timeout while input keeps coming, the second takes its partitions over, then the first is
// SIGCONTed. Whatever the zombie had open must not be committed: its transaction's offset commit
// carries its old generation and is refused, and it exits with code 3 ("another instance took
// over"). The committed output must equal the brute-force reference of runtime/two-instances.ts:
// every window once with its exact total, every filtered record once.
import { describe, expect, it } from 'vitest';
import { spawnPipeline } from '../crash/crash-helpers';
import {
  N,
  PARTITIONS,
  event,
  judgeFiltered,
  judgeWindows,
  referenceWindows,
  sentinels,
  type WindowOut,
} from '../runtime/two-instances';
import { parse, sleep, until, useTwoProcesses } from './two-processes';

const NAME = 'cli-zombie';
const two = useTwoProcesses(NAME);
const { send, readAll, groupOwners } = two;

describe('a stalled exactly-once instance (zombie)', () => {
  it('is fenced when it wakes after its partitions moved, and nothing is lost or doubled', async () => {
    const env = two.env;
    await (await env.client.admin()).createTopics([{ name: `${NAME}-in`, partitions: PARTITIONS }]);
    const events = Array.from({ length: N }, (_, i) => event(i));
    const third = N / 3;
    const producer = await env.client.producer({ idempotent: true });
    const extra = (id: string) => ['--instance-id', id];
    const a = spawnPipeline(env, 'exactly-once', extra('a'));
    let b: ReturnType<typeof spawnPipeline> | undefined;
    try {
      await until(async () => (await groupOwners()).owners === 1, 60_000, 'A to own the partitions');
      await send(producer, events.slice(0, third), 200, 0);
      b = spawnPipeline(env, 'exactly-once', extra('b'));
      await until(
        async () => {
          const g = await groupOwners();
          return g.state === 'Stable' && g.owners === 2;
        },
        60_000,
        'both processes to own partitions',
      );
      // A stalls in the middle of a stream (records arriving every 50 ms, a transaction every 100 ms).
      const feeding2 = send(producer, events.slice(third, 2 * third), 25, 50);
      await sleep(1500);
      a.child.kill('SIGSTOP');
      // Its session (6 s) expires and B is given every partition.
      await until(
        async () => {
          const g = await groupOwners();
          return g.state === 'Stable' && g.owners === 1;
        },
        60_000,
        'B to own every partition',
      );
      await feeding2;
      await sleep(2000);
      a.child.kill('SIGCONT');
      const feeding3 = send(producer, events.slice(2 * third), 50, 100);
      const zombieExit = await Promise.race([
        a.exited,
        feeding3.then(() => sleep(15_000)).then(() => 'running'),
      ]);
      await feeding3;
      await send(producer, sentinels(), 10, 0);

      const ref = referenceWindows();
      let seen = 0;
      await until(
        async () => {
          const keys = (await readAll(`${NAME}-windows`).catch(() => [])).map((r) => {
            const w = parse<WindowOut>(r);
            return `${w.window_start}/${w.category}`;
          });
          seen = new Set(keys).size;
          return seen >= ref.size;
        },
        180_000,
        'every window',
      ).catch((e: unknown) => {
        throw new Error(`${String(e)}: ${seen} of ${ref.size}; A: ${a.stderr()} B: ${b?.stderr() ?? ''}`);
      });
      await sleep(500);
      b.child.kill('SIGTERM');
      expect(await b.exited, b.stderr()).toBe(0);

      // The zombie was fenced on waking: exit code 3 and the reason.
      expect(zombieExit, a.stderr()).toBe(3);
      expect(a.stderr()).toMatch(/another instance took over: the group kflow-cli-zombie moved/);

      const w = judgeWindows((await readAll(`${NAME}-windows`)).map((r) => parse<WindowOut>(r)));
      expect(w).toEqual({ missing: 0, wrong: 0, duplicated: 0 });
      const big = judgeFiltered(
        (await readAll(`${NAME}-big`)).map((r) => parse<{ id: string; doubled: number }>(r)),
      );
      expect({ missing: big.missing, wrongValues: big.wrongValues, received: big.received }).toEqual({
        missing: [],
        wrongValues: 0,
        received: big.expected,
      });
    } finally {
      await producer.close();
      if (a.child.exitCode === null) {
        a.child.kill('SIGCONT');
        a.child.kill('SIGKILL');
      }
      if (b && b.child.exitCode === null) b.child.kill('SIGKILL');
    }
  }, 400_000);
});
