// All partition logs under one data directory, one subdirectory per partition: `<topic>-<partition>`
// (Kafka's layout; topic names cannot contain '/', and the partition is after the last '-').
import fs from 'node:fs';
import path from 'node:path';
import { FileLog } from './partition-log';
import { LogError, type LogConfig, type PartitionLog } from './storage';

export class LogManager {
  private logs = new Map<string, FileLog>();
  private timer: NodeJS.Timeout | null = null;

  constructor(readonly dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
  }

  static dirName(topic: string, partition: number): string {
    return `${topic}-${partition}`;
  }

  /** Partitions present on disk, for the broker to reopen at startup. */
  listOnDisk(): { topic: string; partition: number }[] {
    const out: { topic: string; partition: number }[] = [];
    for (const d of fs.readdirSync(this.dataDir, { withFileTypes: true })) {
      const m = /^(.+)-(\d+)$/.exec(d.name);
      if (d.isDirectory() && m) out.push({ topic: m[1]!, partition: Number(m[2]) });
    }
    return out;
  }

  /** Opens (recovering) or creates the log of a partition. */
  open(topic: string, partition: number, config?: Partial<LogConfig>): PartitionLog {
    const key = LogManager.dirName(topic, partition);
    let log = this.logs.get(key);
    if (!log) {
      log = FileLog.open(path.join(this.dataDir, key), { topic, partition, config });
      this.logs.set(key, log);
    } else if (config) {
      log.updateConfig(config);
    }
    return log;
  }

  get(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(LogManager.dirName(topic, partition));
  }

  /** Closes and removes a partition's directory (DeleteTopics). */
  delete(topic: string, partition: number): void {
    const key = LogManager.dirName(topic, partition);
    const log = this.logs.get(key);
    if (log) {
      log.close();
      this.logs.delete(key);
    }
    fs.rmSync(path.join(this.dataDir, key), { recursive: true, force: true });
  }

  /** Runs retention/compaction on every log; errors are collected so one bad log does not stop the rest. */
  runMaintenance(now = Date.now()): { freed: number; errors: LogError[] } {
    let freed = 0;
    const errors: LogError[] = [];
    for (const log of this.logs.values()) {
      try {
        freed += log.runMaintenance(now);
      } catch (err) {
        errors.push(
          new LogError('maintenance failed', { topic: log.topic, partition: log.partition }, { cause: err }),
        );
      }
    }
    return { freed, errors };
  }

  /** Periodic maintenance (log.retention.check.interval.ms) and flush.ms checks; the timer is unref'd. */
  startScheduler(intervalMs = 300_000, onError?: (err: LogError) => void): void {
    this.stopScheduler();
    this.timer = setInterval(() => {
      const { errors } = this.runMaintenance();
      for (const e of errors) onError?.(e);
    }, intervalMs);
    this.timer.unref();
  }

  stopScheduler(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  flushAll(): void {
    for (const log of this.logs.values()) log.flush();
  }

  closeAll(): void {
    this.stopScheduler();
    for (const log of this.logs.values()) log.close();
    this.logs.clear();
  }
}
