import { InvalidArgumentError, type Command } from 'commander';
import type { ResetTarget } from '../../inspector/groups';
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
    groups.command('lag').argument('<group>').description('lag per partition and in total'),
  ).action(async function (this: Command, groupId: string, opts: ConnectionCliOptions) {
    await withClient(this, opts, async (client) => {
      const { groupLag } = await import('../../inspector/groups');
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
