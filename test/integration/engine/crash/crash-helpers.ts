// Shared setup of the crash tests: a broker in a child process (it must outlive the pipeline's
// kills), a pipeline run as `kflow run` in another child process killed with SIGKILL and restarted,
// the input produced up front, and brute-force references computed from that input.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connect,
  type ConsumedRecord,
  type KafkaClient,
  type KafkaProducer,
} from '../../../../src/kafka/client';
import { embeddedProfile } from '../../../../src/kafka/profile';
import { readToEnd } from '../../../../src/engine/runtime/restore';
import { startChildBroker, type ChildBroker } from '../../../support/child-broker';
// Deterministic PRNG (mulberry32), so a failing seed can be replayed.
import { seededRandom as rng } from '../../../../src/engine/io/prng';

export { rng };

const ROOT = join(import.meta.dirname, '../../../..');

export const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
export const WINDOW_MS = 1000;
export const CATEGORIES = ['books', 'games', 'music', 'films'];
/** A record far ahead in event time: it closes every window of the real input. */
export const SENTINEL = 'zz-end';
/**
 * With several partitions the sentinel also goes with each real category (see crashAndRestart):
 * its windows lie at or after `T0 + spanMs`, outside the reference.
 */
export const SENTINEL_GROUPS = 1 + CATEGORIES.length;

export interface InputRecord {
  id: string;
  category: string;
  value: number;
  ts: number;
}

/**
 * `n` records over `spanMs` of event time, in event-time order (one partition, no maxOutOfOrder:
 * nothing is late on the first pass, so the reference needs no lateness model), then the sentinel,
 * `sentinelAfterMs` after the last window.
 */
export function makeInput(n: number, spanMs: number, seed: number, sentinelAfterMs = 60_000): InputRecord[] {
  const r = rng(seed);
  const out: InputRecord[] = [];
  for (let i = 0; i < n; i++)
    out.push({
      id: `e${i}`,
      category: CATEGORIES[Math.floor(r() * CATEGORIES.length)] as string,
      value: 1 + Math.floor(r() * 100),
      ts: T0 + Math.floor((i * spanMs) / n),
    });
  out.push({ id: 'sentinel', category: SENTINEL, value: 1, ts: T0 + spanMs + sentinelAfterMs });
  return out;
}

export interface WindowResult {
  category: string;
  window_start: number;
  window_end: number;
  total: number;
  events: number;
}

export const windowKey = (w: { category: string; window_start: number }): string =>
  `${w.window_start}/${w.category}`;

/** Window totals by brute force: every (window, category) of the input but the sentinel's. */
export function referenceWindows(input: InputRecord[]): Map<string, WindowResult> {
  const ref = new Map<string, WindowResult>();
  for (const r of input) {
    if (r.category === SENTINEL) continue;
    const start = r.ts - (r.ts % WINDOW_MS);
    const k = windowKey({ category: r.category, window_start: start });
    const w = ref.get(k) ?? {
      category: r.category,
      window_start: start,
      window_end: start + WINDOW_MS,
      total: 0,
      events: 0,
    };
    w.total += r.value;
    w.events += 1;
    ref.set(k, w);
  }
  return ref;
}

/** The stateless branch's reference: ids passing `value > 50`, with value doubled. */
export function referenceFiltered(input: InputRecord[]): Map<string, number> {
  return new Map(input.filter((r) => r.value > 50).map((r) => [r.id, r.value * 2]));
}

/**
 * The pipeline under test. With `partitions` > 1 its source has that many partitions, so the
 * window's input crosses `<name>-per-second-repartition` (as partial aggregates); with 1 the
 * planner keeps that edge in-process. Through a repartition the window's watermark is the minimum
 * of the source tasks' watermarks (markers), so a task running ahead by the backlog a restart finds
 * makes nothing late; `maxOutOfOrder` (a duration) stays an option.
 */
export function crashSpec(name: string, partitions = 1, maxOutOfOrder?: string): object {
  return {
    kflow: 1,
    name,
    nodes: [
      {
        id: 'raw',
        kind: 'source.topic',
        config: {
          topic: `${name}-in`,
          eventTime: 'ts',
          partitions,
          ...(maxOutOfOrder ? { maxOutOfOrder } : {}),
          fields: { id: 'string', category: 'string', value: 'number', ts: 'timestamp' },
        },
      },
      {
        id: 'per-second',
        kind: 'window.tumbling',
        config: {
          size: '1s',
          groupBy: 'category',
          aggregates: { total: 'sum(value)', events: 'count(*)' },
          emit: 'final',
        },
      },
      { id: 'windows-out', kind: 'sink.topic', config: { topic: `${name}-windows` } },
      { id: 'big', kind: 'filter', config: { where: 'value > 50' } },
      { id: 'doubled', kind: 'map', config: { set: { doubled: 'value * 2' }, drop: ['category', 'ts'] } },
      { id: 'big-out', kind: 'sink.topic', config: { topic: `${name}-big` } },
    ],
    edges: [
      { from: 'raw', to: 'per-second' },
      { from: 'per-second', to: 'windows-out' },
      { from: 'raw', to: 'big' },
      { from: 'big', to: 'doubled' },
      { from: 'doubled', to: 'big-out' },
    ],
  };
}

export interface CrashEnv {
  broker: ChildBroker;
  client: KafkaClient;
  dir: string;
  specFile: string;
  close(): Promise<void>;
}

export async function startCrashEnv(name: string, partitions = 1, maxOutOfOrder?: string): Promise<CrashEnv> {
  const dir = mkdtempSync(join(tmpdir(), `kflow-${name}-`));
  const broker = await startChildBroker(['--data', join(dir, 'broker')]);
  const client = await connect(embeddedProfile(broker.bootstrap));
  const specFile = join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(crashSpec(name, partitions, maxOutOfOrder), null, 2));
  return {
    broker,
    client,
    dir,
    specFile,
    async close() {
      // A failed test may leave a run up: it must not outlive the suite.
      for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await client.close().catch(() => undefined);
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function createInputTopic(client: KafkaClient, topic: string, partitions = 1): Promise<void> {
  await (await client.admin()).createTopics([{ name: topic, partitions }]);
}

/**
 * Where a record goes. One partition: keyed by category, as before. Several: keyed by id and dealt
 * round robin by its index (`e<i>` → i mod partitions), so every (window, category) group has
 * records in every partition and only the repartition brings them together. The sentinel goes to
 * the partition it is given (`crashAndRestart` sends one copy to each, so every partition's
 * watermark passes the input's last window).
 */
function placement(r: InputRecord, partitions: number): { key: string; partition?: number } {
  if (partitions === 1) return { key: r.category };
  const i = Number(r.id.slice(1));
  return { key: r.id, partition: Number.isInteger(i) ? i % partitions : 0 };
}

/** Produces `records` in order, `perSend` at a time, `gapMs` apart: input arriving while the run works. */
export async function trickle(
  producer: KafkaProducer,
  topic: string,
  records: InputRecord[],
  perSend: number,
  gapMs: number,
  partitions = 1,
): Promise<void> {
  for (let i = 0; i < records.length; i += perSend) {
    await producer.send(
      records
        .slice(i, i + perSend)
        .map((r) => ({ topic, ...placement(r, partitions), value: JSON.stringify(r), timestamp: r.ts })),
    );
    if (i + perSend < records.length) await sleep(gapMs);
  }
}

const live = new Set<ChildProcess>();

export interface PipelineProcess {
  child: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code, or the signal's name. */
  exited: Promise<number | string>;
}

export function spawnPipeline(
  env: CrashEnv,
  guarantee: 'at-least-once' | 'exactly-once',
  extra: string[] = [],
): PipelineProcess {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/kflow.js'),
      'run',
      env.specFile,
      '--bootstrap',
      env.broker.bootstrap,
      '--guarantee',
      guarantee,
      '--quiet',
      // The broker's minimum: a restart waits for the killed instance's session to expire.
      '--session-timeout',
      '6',
      ...extra,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, stderr: () => stderr, exited };
}

/** Sum of the group's committed offsets over `topics` (absent ones count 0). */
export async function committedTotal(client: KafkaClient, group: string, topics: string[]): Promise<bigint> {
  const admin = await client.admin();
  let sum = 0n;
  for (const t of topics) {
    const offs = await admin.groupOffsets(group, [t]).catch(() => []);
    for (const o of offs) if (o.offset > 0n) sum += o.offset;
  }
  return sum;
}

export interface CrashLog {
  /** Per kill: ms from spawn to the run's assignment and to its first commit, then to the kill. */
  kills: Array<{ assignedMs: number; consumingMs: number; killAfterMs: number; exit: number | string }>;
  finalExit: number | string;
  finalStderr: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the pipeline `kills` times, each killed with SIGKILL at a random time 0.3–2 s after it
 * started consuming (it was assigned the partitions, restored and committed a batch), then once
 * more with
 * `--until-idle` to drain.
 *
 * The input is not all there up front: a run reads 20,000 records in about a second, so every
 * kill after the first would hit an idle pipeline, and how long a run takes to start depends on
 * the machine's load. Instead run i gets the i-th slice of the input (in event-time order),
 * trickled in from the moment it is assigned, so each kill lands while records flow through the
 * source, the repartition topic and the window (or while the window's state is restored). The
 * sentinel that closes the last windows is produced before the drain.
 */
export async function crashAndRestart(
  env: CrashEnv,
  name: string,
  guarantee: 'at-least-once' | 'exactly-once',
  input: InputRecord[],
  opts: { kills: number; seed: number; untilIdleS: number; partitions?: number },
): Promise<CrashLog> {
  const r = rng(opts.seed);
  const partitions = opts.partitions ?? 1;
  const group = `kflow-${name}`;
  const inTopic = `${name}-in`;
  const topics = [inTopic, `${name}-per-second-repartition`];
  const log: CrashLog = { kills: [], finalExit: -1, finalStderr: '' };
  const body = input.filter((x) => x.category !== SENTINEL);
  const slice = Math.ceil(body.length / opts.kills);
  const admin = await env.client.admin();
  const members = new Set<string>();
  const producer = await env.client.producer({ idempotent: true });
  try {
    for (let i = 0; i < opts.kills; i++) {
      const t0 = Date.now();
      const p = spawnPipeline(env, guarantee);
      let exitedEarly: number | string | undefined;
      void p.exited.then((c) => (exitedEarly = c));
      let startedMs: number | null = null;
      // The killed instance stays a member until its session expires: wait for a new one alone.
      while (exitedEarly === undefined && Date.now() - t0 < 120_000) {
        const [g] = await admin.describeGroups([group]).catch(() => []);
        const m = g?.members;
        if (g?.state === 'Stable' && m?.length === 1 && m[0] && !members.has(m[0].memberId)) {
          members.add(m[0].memberId);
          startedMs = Date.now() - t0;
          break;
        }
        await sleep(50);
      }
      if (exitedEarly !== undefined || startedMs === null)
        throw new Error(`run ${i + 1} did not start (${String(exitedEarly)}): ${p.stderr()}`);
      const before = await committedTotal(env.client, group, topics);
      const feeding = trickle(producer, inTopic, body.slice(i * slice, (i + 1) * slice), 50, 100, partitions);
      // Then the run restores its state and commits its first batch: it is consuming.
      const assignedAt = Date.now();
      while (exitedEarly === undefined && Date.now() - assignedAt < 60_000) {
        if ((await committedTotal(env.client, group, topics)) > before) break;
        await sleep(50);
      }
      const consumingMs = Date.now() - t0;
      const killAfterMs = Math.round(300 + r() * 1700);
      await sleep(killAfterMs);
      if (exitedEarly !== undefined)
        throw new Error(`run ${i + 1} exited on its own (${String(exitedEarly)}): ${p.stderr()}`);
      p.child.kill('SIGKILL');
      log.kills.push({ assignedMs: startedMs, consumingMs, killAfterMs, exit: await p.exited });
      await feeding;
      if (process.env['KFLOW_CRASH_DEBUG'])
        console.error(
          `kill ${i + 1}: assigned ${startedMs} ms, consuming ${consumingMs} ms, killed ${killAfterMs} ms later, committed ${await committedTotal(env.client, group, topics)}`,
        );
    }
    const sentinels = input.filter((x) => x.category === SENTINEL);
    if (partitions === 1) await trickle(producer, inTopic, sentinels, 1, 0);
    else {
      // Through the repartition each window task sees only its own groups, so the sentinel goes
      // with its own category and each real one (so it reaches every window task), and
      // only once the drain has committed all of the input: earlier, its jump in event time
      // would make the records of source tasks still behind late.
      const drain = spawnPipeline(env, guarantee, ['--until-idle', String(opts.untilIdleS)]);
      const t0 = Date.now();
      while (drain.child.exitCode === null && Date.now() - t0 < 120_000) {
        if ((await committedTotal(env.client, group, [inTopic])) >= BigInt(body.length)) break;
        await sleep(50);
      }
      for (let p = 0; p < partitions; p++)
        await producer.send(
          sentinels.flatMap((x) =>
            [SENTINEL, ...CATEGORIES].map((category) => ({
              topic: inTopic,
              key: x.id,
              partition: p,
              value: JSON.stringify({ ...x, category }),
              timestamp: x.ts,
            })),
          ),
        );
      log.finalExit = await drain.exited;
      log.finalStderr = drain.stderr();
      return log;
    }
  } finally {
    await producer.close();
  }
  const t0 = Date.now();
  const last = spawnPipeline(env, guarantee, ['--until-idle', String(opts.untilIdleS)]);
  log.finalExit = await last.exited;
  log.finalStderr = last.stderr();
  if (process.env['KFLOW_CRASH_DEBUG']) console.error(`final run: ${Date.now() - t0} ms`);
  return log;
}

export async function readAll(
  client: KafkaClient,
  topic: string,
  isolation: 'read_committed' | 'read_uncommitted',
): Promise<ConsumedRecord[]> {
  const offs = await (await client.admin()).topicOffsets(topic);
  const partitions = offs.map((o) => o.partition);
  const m = await readToEnd(client, 'crash-test-read', [{ topic, partitions }], { isolation });
  return [...m.values()].flat();
}

export function parse<T>(r: ConsumedRecord): T {
  return JSON.parse((r.value as Buffer).toString('utf8')) as T;
}

/** Records in a topic, 0 when the topic does not exist. */
export async function countRecords(client: KafkaClient, topic: string): Promise<number> {
  const offs = await (await client.admin()).topicOffsets(topic).catch(() => []);
  return offs.reduce((a, o) => a + Number(o.high - o.low), 0);
}

/** Groups results by (window, category), in output order. */
export function byWindow(results: WindowResult[]): Map<string, WindowResult[]> {
  const m = new Map<string, WindowResult[]>();
  for (const w of results) {
    const list = m.get(windowKey(w));
    if (list) list.push(w);
    else m.set(windowKey(w), [w]);
  }
  return m;
}
