import type { Command } from 'commander';
import { readFileSync, statSync } from 'node:fs';
import { MAX_SPEC_BYTES } from '../../spec/parse';
import type { Problem } from '../../spec/types';

export interface FileProblems {
  file: string;
  problems: Problem[];
}

/** Reads and validates one spec file; unreadable files become a problem too. */
export async function validateFile(file: string): Promise<FileProblems> {
  let bytes: Uint8Array;
  try {
    // Refuse before reading: a multi-gigabyte file must not be loaded to be refused.
    const size = statSync(file).size;
    if (size > MAX_SPEC_BYTES) {
      return {
        file,
        problems: [
          {
            severity: 'error',
            nodeId: null,
            path: '',
            message: `the file is ${(size / 1048576).toFixed(1)} MB; a spec may be at most ${MAX_SPEC_BYTES / 1048576} MB`,
          },
        ],
      };
    }
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String((err as Error).message);
    return {
      file,
      problems: [{ severity: 'error', nodeId: null, path: '', message: `cannot read the file: ${why}` }],
    };
  }
  // Loaded on use: the validator pulls in zod and the parser, which `kflow broker` does not need.
  const { validateSpecText } = await import('../../spec/validate');
  return { file, problems: validateSpecText(bytes).problems };
}

/** `file:nodeId:path: message`, with `-` for a missing node or path. */
export function formatProblem(file: string, p: Problem): string {
  return `${file}:${p.nodeId ?? '-'}:${p.path || '-'}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check pipeline specs; prints file:node:path: message per problem, exits 1 on any error')
    .argument('<spec...>', 'spec files (.json)')
    .option('--json', 'print the problems as JSON')
    .option('-q, --quiet', 'print errors only, no warnings')
    .action(async function (this: Command, files: string[], opts: { json?: boolean; quiet?: boolean }) {
      const results = await Promise.all(files.map(validateFile));
      let errors = 0;
      for (const r of results) {
        if (opts.quiet) r.problems = r.problems.filter((p) => p.severity === 'error');
        errors += r.problems.filter((p) => p.severity === 'error').length;
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      } else {
        for (const r of results)
          for (const p of r.problems) process.stdout.write(`${formatProblem(r.file, p)}\n`);
        if (results.length > 1 || errors > 0) {
          const bad = results.filter((r) => r.problems.some((p) => p.severity === 'error')).length;
          process.stderr.write(
            `${results.length} spec(s) checked, ${bad} with errors (${errors} error(s))\n`,
          );
        }
      }
      this.setOptionValue('__exitCode', errors > 0 ? 1 : 0);
    });
}
