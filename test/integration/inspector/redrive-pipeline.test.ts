// Redrive of dead letters a real pipeline wrote: the clicks example dead-letters a value that is
// not JSON; redrive puts it back on the pipeline's input with the engine's headers stripped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redrive } from '../../../src/inspector/redrive';
import type { PipelineSpec } from '../../../src/spec/types';
import {
  at,
  example,
  produceJson,
  readTopic,
  startEnv,
  startRun,
  waitForCount,
  type Env,
} from '../engine/runtime/helpers';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.close();
});

function clicks(name: string): PipelineSpec {
  return example('clicks-per-category.json', (s) => {
    s.name = name;
    for (const n of s.nodes) if (typeof n.config['topic'] === 'string') n.config['topic'] = `${name}-${n.id}`;
  });
}

describe('redrive after a pipeline run', { timeout: 200_000 }, () => {
  it('moves the dead letter back to the input it came from, headers stripped', async () => {
    const admin = await env.client.admin();
    await admin.createTopics([{ name: 'rd-raw', partitions: 1 }]);
    const run = await startRun({ client: env.client, spec: clicks('rd') });
    await produceJson(env.client, 'rd-raw', [
      { key: 'bad', value: null, raw: '{not json' },
      { value: { category: 'books', value: 1, ts: at(0) } },
    ]);
    await waitForCount(env.client, 'rd.dlq', 1);
    await run.stop();

    const preview = await redrive(env.client, { topic: 'rd.dlq', dryRun: true });
    expect(preview.byTopic.map((t) => [t.topic, t.count, t.samples[0]?.node])).toEqual([
      ['rd-raw', 1, 'raw'],
    ]);
    expect(preview.byTopic[0]?.samples[0]?.error).toMatch(/not valid JSON/);

    const r = await redrive(env.client, { topic: 'rd.dlq' });
    expect(r.moved).toBe(1);
    const raw = await readTopic(env.client, 'rd-raw');
    // The two produced records, then the redriven one at offset 2.
    expect(raw.length).toBe(3);
    const back = raw[2]!;
    expect([back.key?.toString(), back.value?.toString()]).toEqual(['bad', '{not json']);
    expect(back.timestamp).toBe(raw[0]!.timestamp);
    expect(Object.keys(back.headers).filter((k) => k.startsWith('kflow-'))).toEqual([]);
    expect((await redrive(env.client, { topic: 'rd.dlq' })).moved).toBe(0);
  });
});
