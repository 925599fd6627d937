// Shared machinery of the sparse .index and .timeindex files: fixed-size big-endian entries,
// appended in key order, searched by binary search for the last entry whose key is <= a target.
//
// The active segment's entries live in memory (appends are frequent, lookups are mostly near the
// tail) and reach the file on flush/roll/close: the index can always be rebuilt from the .log, so
// it needs no write per append. Sealed segments drop the memory copy and search the file with
// positioned reads (about log2(entries) reads of one entry each, served by the page cache), so
// memory does not grow with the amount of data kept.
import fs from 'node:fs';

export abstract class FileIndex {
  protected mem: Buffer | null = Buffer.allocUnsafe(0);
  protected count = 0;
  private flushedCount = 0;
  private fd: number | null = null;

  constructor(
    readonly path: string,
    readonly entryBytes: number,
  ) {}

  /** Loads the entries of an existing file; sealed indexes stay on disk. */
  protected loadFile(sealed: boolean): void {
    const size = fs.statSync(this.path).size;
    this.count = Math.floor(size / this.entryBytes);
    this.flushedCount = this.count;
    if (size !== this.count * this.entryBytes) fs.truncateSync(this.path, this.count * this.entryBytes);
    if (sealed) {
      this.mem = null;
    } else {
      this.mem = Buffer.allocUnsafe(Math.max(1024, this.count * this.entryBytes * 2));
      if (this.count > 0) {
        const fd = fs.openSync(this.path, 'r');
        try {
          fs.readSync(fd, this.mem, 0, this.count * this.entryBytes, 0);
        } finally {
          fs.closeSync(fd);
        }
      }
    }
  }

  get entries(): number {
    return this.count;
  }

  protected entry(i: number): Buffer {
    if (this.mem) return this.mem.subarray(i * this.entryBytes, (i + 1) * this.entryBytes);
    if (this.fd === null) this.fd = fs.openSync(this.path, 'r');
    const buf = Buffer.allocUnsafe(this.entryBytes);
    fs.readSync(this.fd, buf, 0, this.entryBytes, i * this.entryBytes);
    return buf;
  }

  protected abstract keyOf(entry: Buffer): number;

  /** Index of the last entry with key <= target, or -1. */
  protected floorIndex(target: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keyOf(this.entry(mid)) <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  protected lastEntry(): Buffer | null {
    return this.count > 0 ? this.entry(this.count - 1) : null;
  }

  protected push(entry: Buffer): void {
    if (!this.mem) throw new Error(`index ${this.path} is sealed`);
    const need = (this.count + 1) * this.entryBytes;
    if (need > this.mem.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.mem.length * 2));
      this.mem.copy(next, 0, 0, this.count * this.entryBytes);
      this.mem = next;
    }
    entry.copy(this.mem, this.count * this.entryBytes);
    this.count++;
  }

  /** Keeps the first `n` entries. */
  protected truncateEntries(n: number): void {
    if (n >= this.count) return;
    this.count = n;
    if (this.flushedCount > n) {
      fs.truncateSync(this.path, n * this.entryBytes);
      this.flushedCount = n;
    }
  }

  /** Writes entries not yet in the file. */
  flush(): void {
    if (!this.mem || this.flushedCount === this.count) return;
    const fd = fs.openSync(this.path, 'a');
    try {
      fs.writeSync(
        fd,
        this.mem,
        this.flushedCount * this.entryBytes,
        (this.count - this.flushedCount) * this.entryBytes,
      );
    } finally {
      fs.closeSync(fd);
    }
    this.flushedCount = this.count;
  }

  /** Flushes and drops the memory copy: the segment will not be appended to again. */
  seal(): void {
    this.flush();
    this.mem = null;
  }

  /** Makes a sealed index appendable again (truncation turned its segment back into the active one). */
  unseal(): void {
    if (this.mem) return;
    this.closeFd();
    this.loadFile(false);
  }

  /** Starts from scratch (rebuild after recovery or compaction). */
  reset(): void {
    this.closeFd();
    fs.writeFileSync(this.path, Buffer.alloc(0));
    this.mem = Buffer.allocUnsafe(1024);
    this.count = 0;
    this.flushedCount = 0;
  }

  closeFd(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  delete(): void {
    this.closeFd();
    fs.rmSync(this.path, { force: true });
  }
}
