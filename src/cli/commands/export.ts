import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readJson } from '../read-json';
import { join } from 'node:path';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'turn a spec and a deployment profile into an AWS plan, a CloudFormation template or a Terraform module',
    )
    .argument('<spec>', 'spec file (.json)')
    .requiredOption('--profile <file>', 'deployment profile (.json), see docs/export.md')
    .option('--target <target>', 'plan | cloudformation | terraform', 'plan')
    .option('--out <dir>', 'write the files to this directory instead of printing the main one')
    .action(async function (
      this: Command,
      specFile: string,
      opts: { profile: string; target: string; out?: string },
    ) {
      // Loaded on use, like validate: other commands need none of this.
      const { exportPipeline, TARGETS } = await import('../../export/index');
      const { formatExportProblem } = await import('../../export/validate');
      if (!(TARGETS as readonly string[]).includes(opts.target)) {
        process.stderr.write(`kflow export: --target must be one of ${TARGETS.join(', ')}\n`);
        this.setOptionValue('__exitCode', 2);
        return;
      }
      const r = exportPipeline(
        readJson(specFile, 'spec'),
        readJson(opts.profile, 'profile'),
        opts.target as (typeof TARGETS)[number],
      );
      if (!r.ok) {
        for (const p of r.problems)
          process.stdout.write(`${formatExportProblem(specFile, opts.profile, p)}\n`);
        process.stderr.write(`nothing exported: ${r.problems.length} problem(s)\n`);
        this.setOptionValue('__exitCode', 1);
        return;
      }
      const names = Object.keys(r.files);
      if (opts.out) {
        mkdirSync(opts.out, { recursive: true });
        for (const n of names) writeFileSync(join(opts.out, n), r.files[n] ?? '');
        process.stderr.write(`wrote ${names.map((n) => join(opts.out ?? '', n)).join(', ')}\n`);
      } else {
        process.stdout.write(r.files[names[0] ?? ''] ?? '');
      }
      this.setOptionValue('__exitCode', 0);
    });
}
