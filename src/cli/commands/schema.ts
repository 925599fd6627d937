import type { Command } from 'commander';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description("print the spec's JSON Schema (for editors: set it as the schema of *.kflow.json files)")
    .action(async () => {
      const { pipelineJsonSchema } = await import('../../spec/json-schema');
      process.stdout.write(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
    });
}
