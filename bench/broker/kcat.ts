// kcat (librdkafka) produce and consume runs against the broker child. Records come from a file of
// newline-separated values (`kcat -P -l`); kcat's CPU comes from /usr/bin/time, the broker's from
// /proc before and after, so both can be reported per GB.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { cpuSeconds, GB, MB } from './proc';

/** Writes `count` records of exactly `valueBytes` bytes (printable, so `\n` delimits them). */
export function writeRecordFile(path: string, valueBytes: number, count: number): void {
  const line = Buffer.alloc(valueBytes + 1, 'abcdefghijklmnopqrstuvwxyz0123456789');
  line[valueBytes] = 0x0a;
  const perChunk = Math.max(1, Math.floor((4 * MB) / line.length));
  const chunk = Buffer.concat(Array.from({ length: perChunk }, () => line));
  const fd = openSync(path, 'w');
  try {
    for (let left = count; left > 0; left -= perChunk) {
      const n = Math.min(left, perChunk);
      writeSync(fd, chunk, 0, n * line.length);
    }
  } finally {
    closeSync(fd);
  }
}

export interface ToolRun {
  seconds: number;
  /** utime + stime of the tool (from /usr/bin/time). */
  toolCpuSeconds: number;
  toolMaxRssBytes: number;
  brokerCpuSeconds: number;
}

/** Runs `kcat args` under /usr/bin/time without blocking this process's event loop. */
async function timedKcat(args: string[], brokerPid: number): Promise<ToolRun> {
  const timeFile = `/tmp/kflow-bench-time-${process.pid}`;
  const cpu0 = cpuSeconds(brokerPid);
  const t0 = performance.now();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%U %S %M', 'kcat', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.once('error', reject);
    child.once('exit', (c) => resolve({ code: c, stderr: err }));
  });
  const seconds = (performance.now() - t0) / 1000;
  const brokerCpuSeconds = cpuSeconds(brokerPid) - cpu0;
  if (code !== 0) throw new Error(`kcat ${args.join(' ')} exited with ${code}: ${stderr.slice(0, 2000)}`);
  // librdkafka reports delivery failures on stderr while kcat may still exit 0.
  if (/fail|error/i.test(stderr)) throw new Error(`kcat reported errors: ${stderr.slice(0, 2000)}`);
  const [user, sys, maxKb] = readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number);
  rmSync(timeFile, { force: true });
  return {
    seconds,
    toolCpuSeconds: (user ?? 0) + (sys ?? 0),
    toolMaxRssBytes: (maxKb ?? 0) * 1024,
    brokerCpuSeconds,
  };
}

export interface KcatProduceOptions {
  bootstrap: string;
  topic: string;
  file: string;
  acks: 1 | -1;
  batchBytes: number;
  brokerPid: number;
}

export function kcatProduce(o: KcatProduceOptions): Promise<ToolRun> {
  return timedKcat(
    [
      '-P',
      '-b',
      o.bootstrap,
      '-t',
      o.topic,
      '-z',
      'none',
      '-X',
      `acks=${o.acks === -1 ? 'all' : '1'}`,
      '-X',
      'linger.ms=5',
      '-X',
      `batch.size=${o.batchBytes}`,
      '-l',
      o.file,
    ],
    o.brokerPid,
  );
}

/**
 * Reads the whole topic (all partitions) from the beginning and exits at its end; output is
 * discarded. fetch.wait.max.ms=100 (default 500) only shortens the final empty long poll that
 * tells librdkafka it reached the end, a fixed cost that is not throughput.
 */
export function kcatConsume(o: { bootstrap: string; topic: string; brokerPid: number }): Promise<ToolRun> {
  return timedKcat(
    ['-C', '-b', o.bootstrap, '-t', o.topic, '-X', 'fetch.wait.max.ms=100', '-e', '-o', 'beginning', '-q'],
    o.brokerPid,
  );
}

export function perGb(cpuSeconds: number, bytes: number): number {
  return cpuSeconds / (bytes / GB);
}
