/**
 * @module cli
 * The `kflow` command: argument parsing only; every command calls the same
 * modules the desktop app uses.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { registerValidate } from './commands/validate';
import { registerDemo } from './commands/demo';
import { registerSchema } from './commands/schema';
import { registerBroker } from './commands/broker';
import { registerRun } from './commands/run';
import { registerExport } from './commands/export';
import { registerDeploy } from './commands/deploy';
import { registerTopics } from './commands/topics';
import { registerGroups } from './commands/groups';
import { registerWeb } from './commands/web';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('kflow')
    .description('Design, run and deploy Kafka stream pipelines.')
    .version(version(), '-v, --version', 'print the kflow version')
    .helpOption('-h, --help', 'show help for a command')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      'after',
      '\nRun `kflow <command> --help` for the options of a command. Docs: docs/README.md',
    );
  registerValidate(program);
  registerDemo(program);
  registerSchema(program);
  registerBroker(program);
  registerRun(program);
  registerExport(program);
  registerDeploy(program);
  registerTopics(program);
  registerGroups(program);
  registerWeb(program);
  return program;
}

/** Runs the CLI and returns the exit code (it never calls process.exit itself). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  let code = 0;
  program.exitOverride();
  for (const cmd of program.commands) cmd.exitOverride();
  program.hook('postAction', (_this, action) => {
    const c = action.getOptionValue('__exitCode') as number | undefined;
    if (typeof c === 'number') code = c;
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage mistakes with 2, as Unix tools do.
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`kflow: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return code;
}
