import { InvalidArgumentError, type Command } from 'commander';
import type { ResetTarget } from '../../inspector/groups';
import type { LagSample, LagTrend } from '../../inspector/lag-history';
import type { KafkaClient } from '../../kafka/client';
import {
  addConnectionOptions,
  intArg,
  printJson,
  printTable,
  withClient,
  type ConnectionCliOptions,
} from './topics';

/** earliest | latest | offset:N | time:ISO-or-ms | shift:±N */
export function parseResetTarget(s: string): ResetTarget {
  if (s === 'earliest') return { kind: 'earliest' };
  if (s === 'latest') return { kind: 'latest' };
  const m = /^(offset|time|shift):(.+)$/.exec(s);
  if (m) {
    const [, kind, v] = m as unknown as [string, string, string];
    if (kind === 'offset' && /^\d+$/.test(v)) return { kind: 'offset', offset: BigInt(v) };
    if (kind === 'shift' && /^[+-]?\d+$/.test(v)) return { kind: 'shift', by: BigInt(v) };
    if (kind === 'time') {
      const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
      if (!Number.isNaN(t)) return { kind: 'time', ms: t };
    }
  }
  throw new InvalidArgumentError(
    'use earliest, latest, offset:N, time:2024-05-01T10:00:00Z (or epoch ms), or shift:-N / shift:+N.',
  );
}

const collect = (value: string, prev: string[] | undefined) => [...(prev ?? []), value];
const collectInt = (value: string, prev: number[] | undefined) => [
  ...(prev ?? []),
  intArg('--partition')(value),
];

export function registerGroups(program: Command): void {
  const groups = program
    .command('groups')
    .description('consumer groups: list, describe, lag, reset offsets, delete');

  addConnectionOptions(
    groups.command('list').description('list consumer groups with state and members'),
  ).action(async function (this: Command, opts: ConnectionCliOptions) {
    await withClient(this, opts, async (client) => {
      const { listGroups } = await import('../../inspector/groups');
      const list = await listGroups(client);
      if (opts.json) printJson(list);
      else
        printTable(
          ['GROUP', 'STATE', 'MEMBERS', 'PROTOCOL'],
          list.map((g) => [g.groupId, g.state, g.members, g.protocolType]),
        );
    });
  });

  addConnectionOptions(
    groups.command('describe').argument('<group>').description('members, their assignments, and lag'),
  ).action(async function (this: Command, groupId: string, opts: ConnectionCliOptions) {
    await withClient(this, opts, async (client) => {
      const { describeGroup } = await import('../../inspector/groups');
      const d = await describeGroup(client, groupId);
      if (opts.json) return printJson(d);
      process.stdout.write(
        `${d.groupId}: ${d.state}, ${d.members.length} member(s), total lag ${d.lag.total}\n`,
      );
      if (d.members.length > 0) {
        printTable(
          ['MEMBER', 'CLIENT', 'HOST', 'ASSIGNMENT'],
          d.members.map((m) => [
            m.memberId,
            m.clientId,
            m.host,
            m.assignment.map((a) => `${a.topic}[${a.partitions.join(',')}]`).join(' '),
          ]),
        );
        process.stdout.write('\n');
      }
      printLag(d.lag.partitions);
    });
  });

  addConnectionOptions(
    groups
      .command('lag')
      .argument('<group>')
      .description('lag per partition and in total; --watch samples it and shows the catch-up rate'),
  )
    .option('-w, --watch', 'sample the lag every --interval seconds until Ctrl-C, one row per sample')
    .option('--interval <s>', 'seconds between samples with --watch', secondsArg('--interval'), 5)
    .option(
      '--window <s>',
      'seconds of history the catch-up rate is computed over',
      secondsArg('--window'),
      60,
    )
    .option('--samples <n>', 'stop after this many samples (implies --watch)', intArg('--samples', 1))
    .action(async function (
      this: Command,
      groupId: string,
      opts: ConnectionCliOptions & { watch?: boolean; interval: number; window: number; samples?: number },
    ) {
      await withClient(this, opts, async (client) => {
        const { groupLag } = await import('../../inspector/groups');
        if (opts.watch || opts.samples !== undefined) return watchLag(client, groupId, opts);
        const lag = await groupLag(client, groupId);
        if (opts.json) return printJson(lag);
        printLag(lag.partitions);
        process.stdout.write(`total lag ${lag.total}\n`);
      });
    });

  addConnectionOptions(
    groups
      .command('reset')
      .argument('<group>')
      .description('reset committed offsets of an Empty group; --dry-run shows the plan, --yes applies it'),
  )
    .requiredOption(
      '--to <target>',
      'earliest, latest, offset:N, time:ISO-or-ms, shift:-N or shift:+N',
      parseResetTarget,
    )
    .option(
      '-t, --topic <topic>',
      'topic to reset, repeatable (default: the topics the group has offsets for)',
      collect,
    )
    .option('--partition <n>', 'partition to reset, repeatable (with one --topic)', collectInt)
    .option('--dry-run', 'show what the reset would commit, change nothing')
    .option('--yes', 'apply the reset')
    .action(async function (
      this: Command,
      groupId: string,
      opts: ConnectionCliOptions & {
        to: ResetTarget;
        topic?: string[];
        partition?: number[];
        dryRun?: boolean;
        yes?: boolean;
      },
    ) {
      if (!opts.dryRun && !opts.yes)
        this.error('error: pass --dry-run to preview the reset or --yes to apply it');
      if (opts.dryRun && opts.yes) this.error('error: --dry-run and --yes exclude each other');
      if (opts.partition && opts.topic?.length !== 1)
        this.error('error: --partition needs exactly one --topic');
      await withClient(this, opts, async (client) => {
        const { resetOffsets, resetPlan } = await import('../../inspector/groups');
        const spec = {
          groupId,
          to: opts.to,
          ...(opts.topic ? { topics: opts.topic } : {}),
          ...(opts.partition ? { partitions: opts.partition } : {}),
        };
        const steps = opts.dryRun ? await resetPlan(client, spec) : await resetOffsets(client, spec);
        if (opts.json) return printJson({ groupId, applied: !opts.dryRun, partitions: steps });
        printTable(
          ['TOPIC', 'PARTITION', 'CURRENT', 'NEW', 'LAG AFTER'],
          steps.map((s) => [s.topic, s.partition, s.current, s.target, s.lag]),
        );
        process.stdout.write(
          opts.dryRun
            ? `dry run: nothing changed (apply with --yes)\n`
            : `reset ${steps.length} partition(s) of ${groupId}\n`,
        );
      });
    });

  addConnectionOptions(
    groups
      .command('delete')
      .argument('<group>')
      .description('delete an Empty group and its offsets (needs --yes)'),
  )
    .option('--yes', 'really delete')
    .action(async function (this: Command, groupId: string, opts: ConnectionCliOptions & { yes?: boolean }) {
      if (!opts.yes) this.error(`error: deleting group ${groupId} needs --yes`);
      await withClient(this, opts, async (client) => {
        const { deleteGroup } = await import('../../inspector/groups');
        await deleteGroup(client, groupId);
        if (opts.json) printJson({ deleted: groupId });
        else process.stdout.write(`deleted group ${groupId}\n`);
      });
    });

  for (const c of groups.commands) c.exitOverride();
  groups.exitOverride();
}

function printLag(
  partitions: {
    topic: string;
    partition: number;
    committed: bigint | null;
    high: bigint;
    lag: bigint;
    owner: string | null;
  }[],
) {
  printTable(
    ['TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG', 'OWNER'],
    partitions.map((p) => [p.topic, p.partition, p.committed, p.high, p.lag, p.owner]),
  );
}

function secondsArg(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0.1)
      throw new InvalidArgumentError(`${name} must be a number of seconds >= 0.1.`);
    return n;
  };
}

const grouped = (n: number) => Math.round(n).toLocaleString('en-US');

/** A duration a person reads at a glance: 45 s, 12 min, 3.5 h, 2.1 d. */
export function humanSeconds(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

export const LAG_WATCH_HEAD = `${'TIME'.padEnd(8)}  ${'TOTAL LAG'.padStart(12)}  ${'CHANGE'.padStart(10)}  ${'RATE/S'.padStart(9)}  CATCH-UP`;

/**
 * One row of `groups lag --watch`: the sample's time (UTC), its total lag, the change since the
 * previous sample, the trend's rate (negative: catching up) and what the rate means.
 */
export function lagWatchRow(sample: LagSample, previous: LagSample | undefined, trend: LagTrend): string {
  const time = new Date(sample.at).toISOString().slice(11, 19);
  const change =
    previous === undefined
      ? '-'
      : `${sample.total >= previous.total ? '+' : ''}${grouped(Number(sample.total - previous.total))}`;
  const rate =
    trend.ratePerSec === null ? '-' : `${trend.ratePerSec > 0 ? '+' : ''}${trend.ratePerSec.toFixed(1)}`;
  const outlook =
    trend.state === 'caught-up'
      ? 'caught up'
      : trend.state === 'catching-up'
        ? `in ${humanSeconds(trend.secondsToZero!)}`
        : trend.state === 'falling-behind'
          ? 'falling behind'
          : trend.state === 'steady'
            ? 'not moving'
            : '-';
  return `${time.padEnd(8)}  ${grouped(Number(sample.total)).padStart(12)}  ${change.padStart(10)}  ${rate.padStart(9)}  ${outlook}`;
}

/** Samples a group's lag until Ctrl-C (or --samples), printing each sample with the trend so far. */
async function watchLag(
  client: KafkaClient,
  groupId: string,
  opts: ConnectionCliOptions & { interval: number; window: number; samples?: number },
): Promise<void> {
  const { groupLag } = await import('../../inspector/groups');
  const { LagHistory, sampleOf } = await import('../../inspector/lag-history');
  const history = new LagHistory({ capacity: 10_000, windowMs: opts.window * 1000 });
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    if (!opts.json)
      process.stdout.write(
        `lag of group ${groupId}, every ${opts.interval} s (Ctrl-C stops)\n${LAG_WATCH_HEAD}\n`,
      );
    let previous: LagSample | undefined;
    for (let n = 0; !ac.signal.aborted && (opts.samples === undefined || n < opts.samples); n++) {
      if (n > 0) {
        await new Promise<void>((res) => {
          const t = setTimeout(res, opts.interval * 1000);
          ac.signal.addEventListener('abort', () => (clearTimeout(t), res()), { once: true });
        });
        if (ac.signal.aborted) break;
      }
      const lag = await groupLag(client, groupId);
      const sample = sampleOf(lag, Date.now());
      history.add(groupId, sample);
      const trend = history.trend(groupId);
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify({ groupId, groupState: lag.state, at: sample.at, total: sample.total, partitions: sample.partitions, ...trend }, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))}\n`,
        );
      else process.stdout.write(`${lagWatchRow(sample, previous, trend)}\n`);
      previous = sample;
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
