/**
 * External tools some suites drive (kcat, python3-kafka, chromium). Locally a
 * missing tool skips the suite with a visible reason; in CI (CI=true) it fails,
 * because .ci/run installs them and a silent skip would hide a broken install.
 *
 * Never drive a tool with spawnSync against a broker started in the same
 * process: it blocks the event loop the broker serves from. Use `run`.
 */
import { spawn, spawnSync } from 'node:child_process';

export function toolAvailable(command: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0 || (r.error === undefined && r.status !== null && r.status !== 127);
}

/** Returns true when the suite can run; throws in CI when it cannot. */
export function requireTool(name: string, available: boolean): boolean {
  if (available) return true;
  if (process.env['CI'])
    throw new Error(`${name} is required in CI but is not installed; .ci/run should have installed it`);
  console.warn(`skipping: ${name} is not installed (CI installs it)`);
  return false;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without blocking the event loop (an in-process broker must keep
 * serving while the tool talks to it), with a time limit.
 */
export function run(
  command: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
