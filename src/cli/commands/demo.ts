import type { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getNodeKind } from '../../nodes/index';
import { validateFile, formatProblem } from './validate';
import type { PipelineSpec } from '../../spec/types';
import { validateSpecText } from '../../spec/validate';
import { readFileSync } from 'node:fs';

export const EXAMPLES_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../resources/examples');

/** One line per node in graph order: what a person reading the canvas would say. */
export function describePipeline(spec: PipelineSpec): string[] {
  const lines = [`${spec.name}: ${spec.description ?? ''}`.trimEnd()];
  for (const node of spec.nodes) {
    const def = getNodeKind(node.kind);
    const into = spec.edges.filter((e) => e.from.split('.')[0] === node.id).map((e) => e.to);
    const arrow = into.length ? ` → ${into.join(', ')}` : '';
    lines.push(`  ${node.id} (${def?.title ?? node.kind})${arrow}`);
  }
  return lines;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description("check and describe the seed's example pipelines (running them arrives with the engine)")
    .option('--dir <dir>', 'examples directory', EXAMPLES_DIR)
    .action(function (this: Command, opts: { dir: string }) {
      const files = readdirSync(opts.dir)
        .filter((f) => f.endsWith('.json'))
        .sort();
      let errors = 0;
      for (const f of files) {
        const file = join(opts.dir, f);
        const { problems } = validateFile(file);
        for (const p of problems) process.stdout.write(`${formatProblem(f, p)}\n`);
        errors += problems.filter((p) => p.severity === 'error').length;
        const result = validateSpecText(readFileSync(file));
        if (result.spec) process.stdout.write(`${describePipeline(result.spec).join('\n')}\n\n`);
      }
      process.stdout.write(`${files.length} example pipelines, ${errors} error(s)\n`);
      this.setOptionValue('__exitCode', errors > 0 ? 1 : 0);
    });
}
