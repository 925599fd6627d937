// .timeindex: sparse map from timestamp to offset, for ListOffsets by time and retention.ms.
//
//   entry (12 bytes): | timestamp int64 | relativeOffset int32 |
//   (T, O) means: the largest timestamp among the segment's records up to offset O is T, and it is
//   the record at O that carries it. Entries are added alongside offset index entries, only when
//   the running maximum grew, so timestamps are strictly increasing in the file. The last entry's
//   timestamp is the segment's largest timestamp (retention.ms reads it on open).
import fs from 'node:fs';
import { readInt64, writeInt64 } from '../../protocol/records/batch';
import { FileIndex } from './file-index';

const ENTRY = 12;

export class TimeIndex extends FileIndex {
  private scratch = Buffer.alloc(ENTRY);

  constructor(
    path: string,
    readonly baseOffset: number,
  ) {
    super(path, ENTRY);
  }

  static open(path: string, baseOffset: number, sealed: boolean, nextOffset: number): TimeIndex | null {
    const idx = new TimeIndex(path, baseOffset);
    if (!fs.existsSync(path)) return null;
    idx.loadFile(sealed);
    const last = idx.last();
    if (last && last.offset >= nextOffset) return null;
    return idx;
  }

  static create(path: string, baseOffset: number): TimeIndex {
    const idx = new TimeIndex(path, baseOffset);
    idx.reset();
    return idx;
  }

  protected keyOf(entry: Buffer): number {
    return readInt64(entry, 0);
  }

  /** Adds (timestamp, offset) when timestamp is newer than the last entry. */
  maybeAppend(timestamp: number, offset: number): void {
    const last = this.lastEntry();
    if (last && readInt64(last, 0) >= timestamp) return;
    writeInt64(this.scratch, 0, timestamp);
    this.scratch.writeInt32BE(offset - this.baseOffset, 8);
    this.push(this.scratch);
  }

  last(): { timestamp: number; offset: number } | null {
    const e = this.lastEntry();
    return e ? { timestamp: readInt64(e, 0), offset: this.baseOffset + e.readInt32BE(8) } : null;
  }

  /**
   * An offset from which to scan for the first record with timestamp >= target: the offset of the
   * last entry with timestamp < target (all records up to it are older), or the segment base.
   */
  lookup(timestamp: number): number {
    const i = this.floorIndex(timestamp - 1);
    return i < 0 ? this.baseOffset : this.baseOffset + this.entry(i).readInt32BE(8);
  }

  /** Drops entries for offsets >= `offset`. */
  truncateToOffset(offset: number): void {
    let n = this.entries;
    while (n > 0 && this.baseOffset + this.entry(n - 1).readInt32BE(8) >= offset) n--;
    this.truncateEntries(n);
  }
}
