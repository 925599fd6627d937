import { InvalidArgumentError, type Command } from 'commander';

interface WebCliOptions {
  port: number;
  data?: string;
  open?: boolean;
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('--port takes 0-65535 (0: any free port)');
  return n;
}

export function registerWeb(program: Command): void {
  program
    .command('web')
    .description('serve the kflow app to your browser on 127.0.0.1 (prints the URL with its access token)')
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', port, 7878)
    .option(
      '--data <dir>',
      'data folder: recent files, connections, the embedded broker (default: per-user data folder)',
    )
    .option('--open', 'open the URL in the default browser')
    .action(async function (this: Command, opts: WebCliOptions) {
      const setCode = (c: number) => this.setOptionValue('__exitCode', c);
      const { existsSync } = await import('node:fs');
      const path = await import('node:path');
      const root = path.resolve(import.meta.dirname, '../../..');
      const staticDir = path.join(root, 'out', 'renderer');
      if (!existsSync(path.join(staticDir, 'index.html'))) {
        process.stderr.write(
          `kflow web: the app is not built (no ${path.join('out', 'renderer', 'index.html')}); run \`npm run build\` first\n`,
        );
        setCode(1);
        return;
      }
      const [{ createBackend }, { startWebServer }, { MemorySecretStore }, { defaultDataDir }] =
        await Promise.all([
          import('../../server/backend'),
          import('../../server/http'),
          import('../../server/secrets'),
          import('../../server/paths'),
        ]);
      const dataDir = opts.data ? path.resolve(opts.data) : defaultDataDir();
      const line = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
        // The stack is for the developer's terminal, never for the page.
        const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
        process.stderr.write(`kflow web: ${level}: ${msg}${extra}\n`);
      };
      const log = { info: line('info'), warn: line('warn'), error: line('error') };
      const backend = createBackend({ dataDir, secretStore: new MemorySecretStore(), log });
      let server;
      try {
        server = await startWebServer({
          api: backend.api,
          events: backend.events,
          transfers: backend.transfers,
          staticDir,
          port: opts.port,
          log,
        });
      } catch (err) {
        await backend.close();
        const code = (err as NodeJS.ErrnoException).code;
        process.stderr.write(
          code === 'EADDRINUSE'
            ? `kflow web: port ${opts.port} on 127.0.0.1 is in use; choose another with --port (0: any free port)\n`
            : `kflow web: cannot listen on 127.0.0.1:${opts.port}: ${(err as Error).message}\n`,
        );
        setCode(1);
        return;
      }
      process.stdout.write(
        `kflow web: open ${server.url}\n` +
          `  (the token in the URL is this session's key: do not share it; data in ${dataDir}; Ctrl-C stops)\n`,
      );
      if (opts.open) await openBrowser(server.url);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      process.stderr.write('kflow web: stopping\n');
      await server.close();
      await backend.close();
    });
}

async function openBrowser(url: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () =>
    process.stderr.write(`kflow web: could not open a browser; open the URL above yourself\n`),
  );
  child.unref();
}
