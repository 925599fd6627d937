// Two `kflow run` processes of one pipeline (one group, their own --instance-id) on a child
// broker: the second starts mid-stream and the partitions split, the first gets SIGTERM
// mid-stream and hands its partitions over (flush and commit first). The committed output must
// match the brute-force reference of runtime/two-instances.ts.
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

const NAME = 'cli-two';
const two = useTwoProcesses(NAME);
const { send, readAll, groupOwners } = two;

describe('two kflow run processes, exactly-once', () => {
  it('split the partitions, hand them over on SIGTERM, and write every result once', async () => {
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
      const feeding2 = send(producer, events.slice(third, 2 * third), 50, 100);
      await until(
        async () => {
          const g = await groupOwners();
          return g.state === 'Stable' && g.owners === 2;
        },
        60_000,
        'both processes to own partitions',
      );
      await feeding2;

      const feeding3 = send(producer, events.slice(2 * third), 50, 100);
      await sleep(1000);
      a.child.kill('SIGTERM');
      expect(await a.exited, a.stderr()).toBe(0);
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
        throw new Error(`${String(e)}: ${seen} of ${ref.size}; B: ${b?.stderr() ?? ''}`);
      });
      await sleep(500);
      b.child.kill('SIGTERM');
      expect(await b.exited, b.stderr()).toBe(0);

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
      if (a.child.exitCode === null) a.child.kill('SIGKILL');
      if (b && b.child.exitCode === null) b.child.kill('SIGKILL');
    }
  }, 400_000);
});
