import type { Command } from 'commander';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineSpec } from '../../spec/types';
import { formatProblem } from './validate';

export const EXAMPLES_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../resources/examples');

/** One line per node: what a person reading the canvas would say. */
export async function describePipeline(spec: PipelineSpec): Promise<string[]> {
  const { getNodeKind } = await import('../../nodes/index');
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
    .action(async function (this: Command, opts: { dir: string }) {
      const { validateSpecText } = await import('../../spec/validate');
      const files = readdirSync(opts.dir)
        .filter((f) => f.endsWith('.json'))
        .sort();
      let errors = 0;
      for (const f of files) {
        const result = validateSpecText(readFileSync(join(opts.dir, f)));
        for (const p of result.problems) process.stdout.write(`${formatProblem(f, p)}\n`);
        errors += result.problems.filter((p) => p.severity === 'error').length;
        if (result.spec) process.stdout.write(`${(await describePipeline(result.spec)).join('\n')}\n\n`);
      }
      process.stdout.write(`${files.length} example pipelines, ${errors} error(s)\n`);
      this.setOptionValue('__exitCode', errors > 0 ? 1 : 0);
    });
}
