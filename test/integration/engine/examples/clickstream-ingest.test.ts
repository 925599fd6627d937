// clickstream-ingest.json on the embedded broker: datagen → user-events → map → console.
//
// The example's datagen is unseeded and endless, so two test copies:
//  - its source replaced by a topic source on user-events reading a fixture file, so every
//    console line is derived by hand (the datagen's own path through the topic is the other test);
//  - the datagen as is plus `seed` and `count` (and a higher rate, to finish quickly): the events
//    it produced to user-events are read back and each must appear on the console, mapped.
// The map is stateless, so out-of-order times pass through in input order and nothing is late.
import { afterEach, beforeAll, afterAll, describe, expect, it, vi } from 'vitest';
import { example, json, readTopic, startEnv, startRun, waitFor, type Env } from '../runtime/helpers';
import { jsonLines, produceLines } from './fixtures';

let env: Env;
beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Captures what sink.console prints (it writes to process.stdout). */
function captureConsole(): string[] {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    const text = String(chunk);
    // pretty lines: `<ISO time>  <key>  <JSON value>`
    if (/^\d{4}-\d\d-\d\dT[^ ]+ {2}\S+ {2}\{/.test(text)) lines.push(text.replace(/\n$/, ''));
    else return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    return true;
  }) as typeof process.stdout.write);
  return lines;
}

function parsePretty(line: string): { time: string; key: string; value: unknown } {
  const [time, key, ...rest] = line.split('  ');
  return { time: time ?? '', key: key ?? '', value: JSON.parse(rest.join('  ')) as unknown };
}

type Event = { id: string; action: string; user_id: string; amount: number; timestamp: string };
const events = jsonLines<Event>('clickstream-user-events.jsonl');

// test/fixtures/engine/clickstream-user-events.jsonl → console (time = event time, key = id,
// amount dropped, summary = 'Processing event: ' + action + ' for user ' + user_id):
//
//  time          key     action    user_id  summary
//  12:00:00.000  user-1  login     48213    Processing event: login for user 48213
//  12:00:01.500  user-2  purchase  48213    Processing event: purchase for user 48213
//  12:00:03.000  user-3  login     10007    Processing event: login for user 10007
//  12:00:02.250  user-4  logout    48213    Processing event: logout for user 48213   (out of order)
//  11:59:00.000  user-5  logout    10007    Processing event: logout for user 10007   (a minute early)
const table: Array<[string, string, string, string]> = [
  ['12:00:00.000', 'user-1', 'login', '48213'],
  ['12:00:01.500', 'user-2', 'purchase', '48213'],
  ['12:00:03.000', 'user-3', 'login', '10007'],
  ['12:00:02.250', 'user-4', 'logout', '48213'],
  ['11:59:00.000', 'user-5', 'logout', '10007'],
];

describe('clickstream-ingest on the broker', () => {
  it('prints each event of a fixture file, described, without amount', async () => {
    const spec = example('clickstream-ingest.json', (s) => {
      s.name = 'clickstream-fixture';
      const i = s.nodes.findIndex((n) => n.id === 'events');
      s.nodes[i] = {
        id: 'events',
        kind: 'source.topic',
        config: {
          topic: 'user-events-fixture',
          eventTime: 'timestamp',
          fields: {
            id: 'string',
            action: 'string',
            user_id: 'string',
            amount: 'number',
            timestamp: 'timestamp',
          },
        },
        ui: { x: 0, y: 0 },
      };
    });
    await (await env.client.admin()).createTopics([{ name: 'user-events-fixture', partitions: 1 }]);
    const printed = captureConsole();
    const run = await startRun({ client: env.client, spec });
    await produceLines(
      env.client,
      'user-events-fixture',
      events.map((e) => ({ key: e.id, value: e })),
    );
    await waitFor(() => Promise.resolve(printed.length >= table.length), 20_000, 'console lines');
    await run.stop();
    await run.done;
    vi.restoreAllMocks();

    expect(printed.map(parsePretty)).toEqual(
      table.map(([time, key, action, user_id], i) => ({
        time: `2024-01-01T${time}Z`,
        key,
        value: {
          id: key,
          action,
          user_id,
          timestamp: events[i]?.timestamp,
          summary: `Processing event: ${action} for user ${user_id}`,
        },
      })),
    );
  });

  it('with a seed and a count, prints every generated event it produced to user-events, mapped', async () => {
    const COUNT = 40;
    const spec = example('clickstream-ingest.json', (s) => {
      const src = s.nodes.find((n) => n.id === 'events');
      if (src) Object.assign(src.config, { seed: 42, count: COUNT, rate: 2000 });
    });
    const printed = captureConsole();
    const run = await startRun({ client: env.client, spec });
    await waitFor(() => Promise.resolve(printed.length >= COUNT), 20_000, 'console lines');
    await run.stop();
    await run.done;
    vi.restoreAllMocks();

    const produced = await readTopic(env.client, 'user-events');
    expect(produced.length).toBe(COUNT);
    // The datagen keys by id, `user-{seq}`: user-0 … user-39 (or from 1), each once.
    const ids = produced.map((r) => r.key?.toString() ?? '');
    expect(new Set(ids).size).toBe(COUNT);
    for (const id of ids) expect(id).toMatch(/^user-\d+$/);
    expect(printed.map(parsePretty)).toEqual(
      produced.map((r) => {
        const e = json(r) as Event;
        expect(['login', 'purchase', 'logout']).toContain(e.action);
        expect(e.amount).toBeGreaterThanOrEqual(1);
        return {
          time: new Date(Number(r.timestamp)).toISOString(),
          key: e.id,
          value: {
            id: e.id,
            action: e.action,
            user_id: e.user_id,
            timestamp: e.timestamp,
            summary: `Processing event: ${e.action} for user ${e.user_id}`,
          },
        };
      }),
    );
  });
});
