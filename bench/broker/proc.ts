// Per-process figures from /proc (Linux): resident memory and CPU time of another process, so the
// broker child and the client tools are measured apart from this script.
import { readFileSync } from 'node:fs';

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on every Linux the bench targets

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** utime + stime of `pid`, in seconds (clock-tick resolution, 10 ms). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing paren are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5) are utime and stime; index 0 here is field 3.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Samples a process's RSS every `intervalMs` until stopped; keeps the max and the last sample. */
export class RssSampler {
  max = 0;
  last = 0;
  private timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): number {
    try {
      this.last = rssBytes(this.pid);
    } catch {
      return this.last; // process gone
    }
    if (this.last > this.max) this.max = this.last;
    return this.last;
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
}

export const MB = 1024 * 1024;
export const GB = 1024 * MB;
