import { type Command } from 'commander';
import type { RedriveOptions, RedriveReport } from '../../inspector/redrive';
import {
  addConnectionOptions,
  intArg,
  interruptSignal,
  printJson,
  printTable,
  progressWriter,
  UsageError,
  withClient,
  type ConnectionCliOptions,
} from './topics';

interface RedriveCliOptions extends ConnectionCliOptions {
  filter?: string;
  sourceTopic?: string;
  node?: string;
  error?: string;
  to?: string;
  dryRun?: boolean;
  limit?: number;
  fromBeginning?: boolean;
  from?: number;
}

/** The report as people read it: one row per original topic, then skipped and the position. */
export function redriveText(r: RedriveReport): string {
  const lines: string[] = [];
  const verb = r.dryRun ? 'would move' : 'moved';
  const total = r.byTopic.reduce((n, t) => n + t.count, 0);
  lines.push(
    `${r.deadLetterTopic}: scanned ${r.scanned}, ${verb} ${r.dryRun ? total : r.moved}, skipped ${r.skipped.count}` +
      (r.reason === 'end' ? '' : ` (${r.reason === 'limit' ? 'stopped at --limit' : 'cancelled'})`),
  );
  for (const s of r.skipped.first)
    lines.push(
      `  skipped ${r.deadLetterTopic}[${s.partition}]@${s.offset}: ${
        s.reason === 'no-source-topic'
          ? 'no kflow-source-topic header'
          : `topic "${s.sourceTopic}" does not exist`
      }`,
    );
  if (r.skipped.count > r.skipped.first.length)
    lines.push(`  ... and ${r.skipped.count - r.skipped.first.length} more skipped`);
  lines.push(
    `position (${r.group}): ${r.position.map((p) => `${p.partition}:${p.offset}`).join(' ') || '-'}`,
  );
  return `${lines.join('\n')}\n`;
}

/** 0 everything selected moved; 1 cancelled or some records skipped. */
export const redriveExitCode = (r: RedriveReport): number =>
  r.reason === 'cancelled' || r.skipped.count > 0 ? 1 : 0;

export function registerRedrive(topics: Command): void {
  addConnectionOptions(
    topics
      .command('redrive')
      .argument('<dead-letter-topic>')
      .description(
        'move dead letters back to their original topic (kflow-source-topic header) after a fix; ' +
          'remembers what it moved in the group kflow-redrive.<dead-letter-topic>',
      ),
  )
    .option(
      '--filter <expr>',
      "kflow expression over the value, with _key and _headers (e.g. _headers['kflow-error'] LIKE 'timeout%')",
    )
    .option('--source-topic <topic>', 'only dead letters from this original topic')
    .option('--node <node>', 'only dead letters from this pipeline node')
    .option('--error <text>', 'only dead letters whose error contains this text')
    .option('--to <topic>', 'produce to this topic instead of the original one')
    .option('--dry-run', 'count and show samples per original topic; move nothing')
    .option('--limit <n>', 'stop after n matching dead letters', intArg('--limit', 1))
    .option('--from-beginning', 'read the whole dead-letter topic, not only after the last redrive')
    .option('--from <offset>', 'start at this offset in every partition', intArg('--from'))
    .addHelpText(
      'after',
      '\nExit codes: 0 moved, 1 cancelled or some dead letters skipped (no or unknown source topic), 2 bad input.',
    )
    .action(async function (this: Command, topic: string, opts: RedriveCliOptions) {
      if (opts.fromBeginning && opts.from !== undefined)
        this.error('error: --from-beginning and --from exclude each other');
      await withClient(this, opts, async (client) => {
        const { redrive, RedriveInputError } = await import('../../inspector/redrive');
        const progress = progressWriter(opts.quiet);
        const { signal, dispose } = interruptSignal();
        const ro: RedriveOptions = {
          topic,
          selection: {
            ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
            ...(opts.sourceTopic !== undefined ? { sourceTopic: opts.sourceTopic } : {}),
            ...(opts.node !== undefined ? { node: opts.node } : {}),
            ...(opts.error !== undefined ? { error: opts.error } : {}),
          },
          ...(opts.to !== undefined ? { to: opts.to } : {}),
          dryRun: opts.dryRun ?? false,
          ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
          from: opts.fromBeginning
            ? 'earliest'
            : opts.from !== undefined
              ? { offset: BigInt(opts.from) }
              : 'committed',
          signal,
          onProgress: (p) =>
            progress.update(`scanned ${p.scanned}/${p.total}, moved ${p.moved}, skipped ${p.skipped}`),
        };
        try {
          const r = await redrive(client, ro).catch((err: unknown) => {
            if (err instanceof RedriveInputError) throw new UsageError(err.message);
            throw err;
          });
          progress.done();
          if (opts.json) printJson(r);
          else {
            printTable(
              ['ORIGINAL TOPIC', 'COUNT', 'FIRST ERROR'],
              r.byTopic.map((t) => [t.topic, t.count, t.samples[0]?.error ?? null]),
            );
            process.stdout.write(redriveText(r));
          }
          this.setOptionValue('__exitCode', redriveExitCode(r));
        } finally {
          dispose();
        }
      });
    });
}
