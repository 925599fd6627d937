// kcat (librdkafka 2.x) against the embedded broker: an independent client
// proving wire compatibility. CI installs kcat; locally a missing kcat skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/index';
import { requireTool, run, toolAvailable } from '../support/tools';

const haveKcat = requireTool('kcat', toolAvailable('kcat', ['-V']));

const kcat = (args: string[], input?: string) => run('kcat', args, input === undefined ? {} : { input });

describe.runIf(haveKcat)('kcat compatibility', () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    broker = await startBroker({ port: 0, defaultPartitions: 3 });
  });
  afterAll(async () => {
    await broker.stop();
  });

  it('lists metadata with -L', async () => {
    broker.cluster.createTopic('listed', 4);
    const r = await kcat(['-L', '-b', broker.bootstrap, '-t', 'listed']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`broker 0 at ${broker.bootstrap}`);
    expect(r.stdout).toMatch(/topic "listed" with 4 partitions/);
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])(
    'produces and consumes keys, values and headers with %s compression',
    async (codec) => {
      const topic = `kcat-${codec}`;
      const lines = Array.from({ length: 50 }, (_, i) => `key${i}\tvalue-${i}-${'x'.repeat(i * 10)}`).join(
        '\n',
      );
      const p = await kcat(
        [
          '-P',
          '-b',
          broker.bootstrap,
          '-t',
          topic,
          '-p',
          '0',
          '-K',
          '\t',
          '-z',
          codec,
          '-H',
          'source=kcat',
          '-H',
          `codec=${codec}`,
        ],
        `${lines}\n`,
      );
      expect(p.status, p.stderr).toBe(0);
      const c = await kcat([
        '-C',
        '-b',
        broker.bootstrap,
        '-t',
        topic,
        '-p',
        '0',
        '-o',
        'beginning',
        '-e',
        '-q',
        '-f',
        '%o %k %s %h\n',
      ]);
      expect(c.status, c.stderr).toBe(0);
      const got = c.stdout.trim().split('\n');
      expect(got).toHaveLength(50);
      got.forEach((line, i) =>
        expect(line).toBe(`${i} key${i} value-${i}-${'x'.repeat(i * 10)} source=kcat,codec=${codec}`),
      );
    },
  );
});
