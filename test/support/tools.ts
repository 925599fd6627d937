/**
 * External tools some suites drive (kcat, python3-kafka, chromium). Locally a
 * missing tool skips the suite with a visible reason; in CI (CI=true) it fails,
 * because .ci/run installs them and a silent skip would hide a broken install.
 */
import { spawnSync } from 'node:child_process';

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
