import { InvalidArgumentError, Option, type Command } from 'commander';
import type { KafkaClient } from '../../kafka/client';
import type { StartAt, StopAt } from '../../inspector/read';
import { registerRedrive } from './redrive';

/** Options every topics/groups command takes to reach a cluster. */
export interface ConnectionCliOptions {
  bootstrap?: string;
  profile?: string;
  connections?: string;
  json?: boolean;
  quiet?: boolean;
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option(
      '--bootstrap <host:port>',
      'bootstrap servers, comma-separated (default: the embedded broker at 127.0.0.1:9092)',
    )
    .option('--profile <name>', 'connection profile (secrets from KFLOW_SECRET_* variables)')
    .option(
      '--connections <file>',
      'connections file (default: $KFLOW_CONNECTIONS or ~/.config/kflow/connections.json)',
    )
    .option('--json', 'machine-readable output on stdout')
    .option('-q, --quiet', 'no progress on stderr');
}

/** Connects and checks the cluster answers, so a wrong address fails at once with the stage that failed. */
export async function openClient(opts: ConnectionCliOptions): Promise<KafkaClient> {
  const { connect } = await import('../../kafka/client');
  const { embeddedProfile, findProfile, loadProfiles } = await import('../../kafka/profile');
  if (opts.bootstrap && opts.profile) throw new UsageError('--bootstrap and --profile exclude each other');
  const profile = opts.profile
    ? findProfile(loadProfiles(opts.connections), opts.profile)
    : { ...embeddedProfile(), name: 'cli', bootstrap: (opts.bootstrap ?? '127.0.0.1:9092').split(',') };
  const client = await connect(profile);
  const t = await client.testConnection({ timeoutMs: 8000 });
  if (!t.ok) {
    await client.close();
    throw new Error(`cannot reach ${profile.bootstrap.join(',')}: ${t.error.message}`);
  }
  return client;
}

/** A mistake in the command line found after parsing: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Runs an action with a client; usage mistakes become commander errors (exit 2), others exit 1. */
export async function withClient(
  cmd: Command,
  opts: ConnectionCliOptions,
  fn: (client: KafkaClient) => Promise<void>,
): Promise<void> {
  let client: KafkaClient | undefined;
  try {
    client = await openClient(opts);
    await fn(client);
  } catch (err) {
    if (err instanceof UsageError) cmd.error(`error: ${err.message}`);
    throw err;
  } finally {
    await client?.close();
  }
}

export const jsonText = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x), 2);

export function printJson(v: unknown): void {
  process.stdout.write(`${jsonText(v)}\n`);
}

/** A plain text table: columns padded to their widest cell. */
export function printTable(head: string[], rows: (string | number | bigint | null)[][]): void {
  const cells = [head, ...rows.map((r) => r.map((c) => (c === null ? '-' : String(c))))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const r of cells)
    process.stdout.write(
      `${r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    );
}

/** Progress on stderr at most once a second: a rewritten line on a terminal, plain lines otherwise. */
export function progressWriter(quiet: boolean | undefined) {
  let last = 0;
  const tty = process.stderr.isTTY;
  return {
    update(text: string, force = false) {
      if (quiet) return;
      const now = Date.now();
      if (!force && now - last < 1000) return;
      last = now;
      process.stderr.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
    },
    done() {
      if (!quiet && tty && last > 0) process.stderr.write('\n');
    },
  };
}

export function intArg(name: string, min = 0) {
  return (value: string, prev?: number[] | number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be a whole number${min > 0 ? ` >= ${min}` : ''}.`);
    void prev;
    return n;
  };
}

const collectInt = (name: string) => (value: string, prev: number[] | undefined) => [
  ...(prev ?? []),
  intArg(name)(value),
];
const collect = (value: string, prev: string[] | undefined) => [...(prev ?? []), value];

function parseTime(s: string): number | undefined {
  if (/^\d{12,}$/.test(s)) return Number(s);
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** earliest | latest | OFFSET | -N (last N per partition) | TIME (ISO-8601 or epoch ms, 12+ digits). */
export function parseStart(s: string): StartAt {
  if (s === 'earliest' || s === 'beginning') return { kind: 'earliest' };
  if (s === 'latest' || s === 'end') return { kind: 'latest' };
  if (/^-\d+$/.test(s)) return { kind: 'last', count: BigInt(s.slice(1)) };
  const t = parseTime(s);
  if (t !== undefined) return { kind: 'time', ms: t };
  if (/^\d+$/.test(s)) return { kind: 'offset', offset: BigInt(s) };
  throw new InvalidArgumentError(
    'use earliest, latest, an offset, -N (the last N records) or a time (2024-05-01T10:00:00Z or epoch ms).',
  );
}

/** end | OFFSET (exclusive) | TIME. */
export function parseStop(s: string): StopAt {
  if (s === 'end' || s === 'latest') return { kind: 'end' };
  const t = parseTime(s);
  if (t !== undefined) return { kind: 'time', ms: t };
  if (/^\d+$/.test(s)) return { kind: 'offset', offset: BigInt(s) };
  throw new InvalidArgumentError('use end, an offset (exclusive) or a time (ISO-8601 or epoch ms).');
}

function parseHeaders(list: string[] | undefined): Record<string, string> | undefined {
  if (!list) return undefined;
  const out: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf('=');
    if (i <= 0) throw new UsageError(`--header "${h}" is not name=value`);
    out[h.slice(0, i)] = h.slice(i + 1);
  }
  return out;
}

/** Aborts on Ctrl-C / SIGTERM, so a tail or a long scan closes its consumer before exiting. */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

interface ReadCliOptions extends ConnectionCliOptions {
  partition?: number[];
  from?: StartAt;
  to?: StopAt;
  filter?: string;
  format: 'auto' | 'json' | 'text' | 'hex' | 'base64';
  max?: number;
  limit?: number;
}

const formatOption = () =>
  new Option('--format <format>', 'how keys and values are shown')
    .choices(['auto', 'json', 'text', 'hex', 'base64'])
    .default('auto');

export function registerTopics(program: Command): void {
  const topics = program
    .command('topics')
    .description('browse, search, produce, export and import topic records');

  addConnectionOptions(topics.command('list').description('list topics with partitions and record counts'))
    .option('--internal', 'include internal topics (__consumer_offsets, ...)')
    .action(async function (this: Command, opts: ConnectionCliOptions & { internal?: boolean }) {
      await withClient(this, opts, async (client) => {
        const { listTopics } = await import('../../inspector/topics');
        const list = await listTopics(client, { internal: opts.internal ?? false });
        if (opts.json) printJson(list);
        else
          printTable(
            ['TOPIC', 'PARTITIONS', 'RECORDS'],
            list.map((t) => [t.name, t.partitions, t.records]),
          );
      });
    });

  addConnectionOptions(
    topics
      .command('describe')
      .argument('<topic>')
      .description('partitions, leaders, replicas and offsets of a topic'),
  ).action(async function (this: Command, topic: string, opts: ConnectionCliOptions) {
    await withClient(this, opts, async (client) => {
      const { describeTopic } = await import('../../inspector/topics');
      const d = await describeTopic(client, topic);
      if (opts.json) return printJson(d);
      process.stdout.write(`${d.name}: ${d.partitions.length} partition(s), ${d.records} record(s)\n`);
      printTable(
        ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOW', 'HIGH', 'RECORDS'],
        d.partitions.map((p) => [
          p.partition,
          p.leader,
          p.replicas.join(','),
          p.isr.join(','),
          p.low,
          p.high,
          p.records,
        ]),
      );
    });
  });

  addConnectionOptions(topics.command('create').argument('<topic>').description('create a topic'))
    .option('-p, --partitions <n>', 'partitions (default: the broker default)', intArg('--partitions', 1))
    .option(
      '-r, --replication-factor <n>',
      'replicas (default: the broker default)',
      intArg('--replication-factor', 1),
    )
    .option('-c, --config <name=value>', 'topic configuration, repeatable (cleanup.policy=compact)', collect)
    .action(async function (
      this: Command,
      topic: string,
      opts: ConnectionCliOptions & { partitions?: number; replicationFactor?: number; config?: string[] },
    ) {
      await withClient(this, opts, async (client) => {
        const { createTopic } = await import('../../inspector/topics');
        await createTopic(client, {
          name: topic,
          ...(opts.partitions !== undefined ? { partitions: opts.partitions } : {}),
          ...(opts.replicationFactor !== undefined ? { replicationFactor: opts.replicationFactor } : {}),
          ...(opts.config ? { config: parseHeaders(opts.config) ?? {} } : {}),
        });
        if (opts.json) printJson({ created: topic });
        else process.stdout.write(`created ${topic}\n`);
      });
    });

  addConnectionOptions(
    topics.command('delete').argument('<topics...>').description('delete topics (needs --yes)'),
  )
    .option('--yes', 'really delete')
    .action(async function (this: Command, names: string[], opts: ConnectionCliOptions & { yes?: boolean }) {
      if (!opts.yes) this.error(`error: deleting ${names.join(', ')} needs --yes`);
      await withClient(this, opts, async (client) => {
        const { deleteTopics } = await import('../../inspector/topics');
        await deleteTopics(client, names);
        if (opts.json) printJson({ deleted: names });
        else process.stdout.write(`deleted ${names.join(', ')}\n`);
      });
    });

  const readOptions = (cmd: Command, defFrom: string) =>
    addConnectionOptions(cmd)
      .option('--partition <n>', 'partition to read, repeatable (default: all)', collectInt('--partition'))
      .option(
        '--from <pos>',
        `start: earliest, latest, OFFSET, -N (last N), or a time (ISO-8601, epoch ms); default ${defFrom}`,
        parseStart,
      )
      .option(
        '--filter <expr>',
        "keep records where the expression is true, e.g. \"status = 'failed' AND _key LIKE 'eu%'\"",
      )
      .addOption(formatOption());

  readOptions(
    topics
      .command('tail')
      .argument('<topic>')
      .description('follow a topic (Ctrl-C stops); one record per line with --json'),
    'latest',
  )
    .option('-n, --max <n>', 'stop after this many records', intArg('--max', 1))
    .action(async function (this: Command, topic: string, opts: ReadCliOptions) {
      await withClient(this, opts, async (client) => {
        const { readTopic } = await import('../../inspector/read');
        const { displayRecord, renderRecord } = await import('../../inspector/format');
        const { signal, dispose } = interruptSignal();
        try {
          await readTopic(client, {
            topic,
            ...(opts.partition ? { partitions: opts.partition } : {}),
            from: opts.from ?? { kind: 'latest' },
            to: { kind: 'never' },
            ...(opts.filter ? { filter: opts.filter } : {}),
            ...(opts.max ? { limit: opts.max } : {}),
            signal,
            onRecords: (rs) => {
              let out = '';
              for (const r of rs) {
                const d = displayRecord(r, opts.format);
                out += opts.json ? `${JSON.stringify(d)}\n` : renderRecord(d);
              }
              process.stdout.write(out);
            },
          });
        } finally {
          dispose();
        }
      });
    });

  readOptions(
    topics.command('search').argument('<topic>').description('scan a bounded range for matching records'),
    'earliest',
  )
    .option(
      '--to <pos>',
      'stop: end (the end when the search starts), OFFSET (exclusive) or a time; default end',
      parseStop,
    )
    .option('-l, --limit <n>', 'stop after this many matches', intArg('--limit', 1), 100)
    .action(async function (this: Command, topic: string, opts: ReadCliOptions) {
      await withClient(this, opts, async (client) => {
        const { readTopic } = await import('../../inspector/read');
        const { displayRecord, renderRecord } = await import('../../inspector/format');
        const progress = progressWriter(opts.quiet);
        const { signal, dispose } = interruptSignal();
        const found: ReturnType<typeof displayRecord>[] = [];
        try {
          const r = await readTopic(client, {
            topic,
            ...(opts.partition ? { partitions: opts.partition } : {}),
            from: opts.from ?? { kind: 'earliest' },
            to: opts.to ?? { kind: 'end' },
            ...(opts.filter ? { filter: opts.filter } : {}),
            limit: opts.limit ?? 100,
            signal,
            onRecords: (rs) => {
              for (const rec of rs) {
                const d = displayRecord(rec, opts.format);
                found.push(d);
                if (!opts.json) process.stdout.write(renderRecord(d));
              }
            },
            onProgress: (p) =>
              progress.update(
                `scanned ${p.scanned}${p.total !== null ? ` of ${p.total}` : ''}, ${p.matched} match(es)`,
              ),
          });
          progress.done();
          if (opts.json)
            printJson({ records: found, scanned: r.scanned, matched: r.matched, reason: r.reason });
          else if (!opts.quiet)
            process.stderr.write(
              `${r.matched} match(es) in ${r.scanned} record(s) scanned${r.reason === 'limit' ? ` (stopped at --limit ${opts.limit})` : r.reason === 'cancelled' ? ' (cancelled)' : ''}\n`,
            );
        } finally {
          dispose();
        }
      });
    });

  addConnectionOptions(
    topics
      .command('produce')
      .argument('<topic>')
      .description(
        'produce one record, many from a JSONL file (the export format), or --count records from templates',
      ),
  )
    .option('-k, --key <key>', 'record key')
    .option('-V, --value <value>', 'record value (text; use --file for bytes)')
    .option('-H, --header <name=value>', 'header, repeatable', collect)
    .option('--partition <n>', 'partition (default: by key)', intArg('--partition'))
    .option('--timestamp <ms>', 'timestamp in epoch ms (default: now)', intArg('--timestamp'))
    .option(
      '-f, --file <file>',
      'JSONL records, "-" for stdin; each line {"key"?, "value", "headers"?, "partition"?, "timestamp"?}',
    )
    .option(
      '--count <n>',
      'generate n records: --key, --value and headers are templates ({{seq}}, {{uuid}}, {{choice:a|b}}, {{int:1-9}}, {{now}}, {{iso}})',
      intArg('--count'),
    )
    .option('--rate <n>', 'with --count: records per second (default: as fast as possible)', intArg('--rate'))
    .action(async function (
      this: Command,
      topic: string,
      opts: ConnectionCliOptions & {
        key?: string;
        value?: string;
        header?: string[];
        partition?: number;
        timestamp?: number;
        file?: string;
        count?: number;
        rate?: number;
      },
    ) {
      if ((opts.value === undefined) === (opts.file === undefined))
        this.error('error: give either --value or --file');
      if (opts.count !== undefined && opts.file !== undefined)
        this.error('error: --count needs --value, not --file');
      if (opts.rate !== undefined && opts.count === undefined) this.error('error: --rate needs --count');
      await withClient(this, opts, async (client) => {
        if (opts.count !== undefined) {
          const { produceGenerated } = await import('../../inspector/generate');
          const headers = parseHeaders(opts.header);
          const records = await produceGenerated(client, {
            topic,
            value: opts.value ?? '',
            ...(opts.key !== undefined ? { key: opts.key } : {}),
            ...(headers ? { headers } : {}),
            count: opts.count,
            ...(opts.rate !== undefined ? { rate: opts.rate } : {}),
          });
          if (opts.json) printJson({ records });
          else process.stdout.write(`produced ${records} record(s) to ${topic}\n`);
          return;
        }
        if (opts.file !== undefined) {
          const { importTopic } = await import('../../inspector/transfer');
          const r = await importTopic(client, opts.file === '-' ? process.stdin : opts.file, {
            topic,
            partitioning: 'preserve',
          });
          if (opts.json) printJson(r);
          else process.stdout.write(`produced ${r.records} record(s) to ${topic}\n`);
          return;
        }
        const { produceRecord } = await import('../../inspector/transfer');
        const headers = parseHeaders(opts.header);
        const meta = await produceRecord(client, {
          topic,
          value: opts.value ?? null,
          ...(opts.key !== undefined ? { key: opts.key } : {}),
          ...(headers ? { headers } : {}),
          ...(opts.partition !== undefined ? { partition: opts.partition } : {}),
          ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}),
        });
        if (opts.json) printJson(meta);
        else process.stdout.write(`${meta.topic}[${meta.partition}]@${meta.offset}\n`);
      });
    });

  readOptions(
    topics
      .command('export')
      .argument('<topic>')
      .description('write a range of records to JSONL, bytes preserved (base64 when not UTF-8)'),
    'earliest',
  )
    .option('--to <pos>', 'stop: end, OFFSET (exclusive) or a time; default end', parseStop)
    .option('-o, --out <file>', 'output file; "-" or omitted for stdout')
    .action(async function (this: Command, topic: string, opts: ReadCliOptions & { out?: string }) {
      await withClient(this, opts, async (client) => {
        const { exportTopic } = await import('../../inspector/transfer');
        const progress = progressWriter(opts.quiet);
        const { signal, dispose } = interruptSignal();
        try {
          const toStdout = opts.out === undefined || opts.out === '-';
          const r = await exportTopic(client, toStdout ? process.stdout : opts.out!, {
            topic,
            ...(opts.partition ? { partitions: opts.partition } : {}),
            from: opts.from ?? { kind: 'earliest' },
            to: opts.to ?? { kind: 'end' },
            ...(opts.filter ? { filter: opts.filter } : {}),
            signal,
            onProgress: (p) =>
              progress.update(`exported ${p.matched}${p.total !== null ? ` of ${p.total}` : ''} record(s)`),
          });
          progress.done();
          if (!opts.quiet)
            process.stderr.write(
              `exported ${r.records} record(s) from ${topic}${r.reason === 'cancelled' ? ' (cancelled)' : ''}\n`,
            );
          if (r.reason === 'cancelled') this.setOptionValue('__exitCode', 1);
        } finally {
          dispose();
        }
      });
    });

  addConnectionOptions(
    topics
      .command('import')
      .argument('<topic>')
      .description('produce a JSONL export into a topic (copy; replay with --pace original)'),
  )
    .requiredOption('-i, --in <file>', 'JSONL file, "-" for stdin')
    .addOption(
      new Option(
        '--partitioning <mode>',
        'preserve: keep partitions the target has, by key otherwise; key: by key',
      )
        .choices(['preserve', 'key'])
        .default('preserve'),
    )
    .addOption(
      new Option('--timestamps <mode>', 'keep the exported timestamps or stamp now')
        .choices(['preserve', 'now'])
        .default('preserve'),
    )
    .addOption(
      new Option(
        '--pace <pace>',
        'fast: as fast as the broker takes them; original: replay with the gaps between the exported timestamps',
      )
        .choices(['fast', 'original'])
        .default('fast'),
    )
    .option(
      '--speed <factor>',
      'with --pace original: 10 replays ten times faster, 0.5 at half speed',
      (v: string) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a number above 0, e.g. 10');
        return n;
      },
      1,
    )
    .action(async function (
      this: Command,
      topic: string,
      opts: ConnectionCliOptions & {
        in: string;
        partitioning: 'preserve' | 'key';
        timestamps: 'preserve' | 'now';
        pace: 'fast' | 'original';
        speed: number;
      },
    ) {
      await withClient(this, opts, async (client) => {
        const { importTopic } = await import('../../inspector/transfer');
        const progress = progressWriter(opts.quiet);
        const { signal, dispose } = interruptSignal();
        try {
          const r = await importTopic(client, opts.in === '-' ? process.stdin : opts.in, {
            topic,
            partitioning: opts.partitioning,
            timestamps: opts.timestamps,
            pace: opts.pace,
            speed: opts.speed,
            signal,
            onProgress: (p) => progress.update(`imported ${p.records} record(s)`),
          });
          progress.done();
          if (opts.json) printJson(r);
          else
            process.stdout.write(
              `imported ${r.records} record(s) into ${topic}${r.cancelled ? ' (cancelled)' : ''}\n`,
            );
          if (r.cancelled) this.setOptionValue('__exitCode', 1);
        } finally {
          dispose();
        }
      });
    });

  registerRedrive(topics);

  for (const c of topics.commands) c.exitOverride();
  topics.exitOverride();
}
