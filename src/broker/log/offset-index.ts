// .index: sparse map from offset to byte position in the segment's .log.
//
//   entry (8 bytes): | relativeOffset int32 | position int32 |
//   relativeOffset = batch baseOffset - segment baseOffset; an entry is added for a batch once
//   index.interval.bytes of log have been written since the previous entry.
//
// A lookup returns the position of the last indexed batch starting at or before the target; the
// segment then walks batch headers forward from there (at most ~index.interval.bytes).
import fs from 'node:fs';
import { FileIndex } from './file-index';

const ENTRY = 8;

export class OffsetIndex extends FileIndex {
  private scratch = Buffer.alloc(ENTRY);

  constructor(
    path: string,
    readonly baseOffset: number,
  ) {
    super(path, ENTRY);
  }

  /** Opens `path` if it exists (else starts empty); returns null when its content is implausible. */
  static open(path: string, baseOffset: number, sealed: boolean, logSize: number): OffsetIndex | null {
    const idx = new OffsetIndex(path, baseOffset);
    if (!fs.existsSync(path)) return null;
    idx.loadFile(sealed);
    // Entries must be increasing and point inside the log.
    let prevOff = -1;
    let prevPos = -1;
    const check = Math.min(idx.entries, 64);
    for (let i = Math.max(0, idx.entries - check); i < idx.entries; i++) {
      const e = idx.entry(i);
      const rel = e.readInt32BE(0);
      const pos = e.readInt32BE(4);
      if (rel <= prevOff || pos <= prevPos || pos >= logSize) return null;
      prevOff = rel;
      prevPos = pos;
    }
    return idx;
  }

  static create(path: string, baseOffset: number): OffsetIndex {
    const idx = new OffsetIndex(path, baseOffset);
    idx.reset();
    return idx;
  }

  protected keyOf(entry: Buffer): number {
    return entry.readInt32BE(0);
  }

  append(offset: number, position: number): void {
    this.scratch.writeInt32BE(offset - this.baseOffset, 0);
    this.scratch.writeInt32BE(position, 4);
    this.push(this.scratch);
  }

  /** Byte position to start scanning from for `offset` (0 when no entry precedes it). */
  lookup(offset: number): number {
    const i = this.floorIndex(offset - this.baseOffset);
    return i < 0 ? 0 : this.entry(i).readInt32BE(4);
  }

  /** Drops entries for batches starting at or after `position`. */
  truncateToPosition(position: number): void {
    let lo = 0;
    let hi = this.entries;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entry(mid).readInt32BE(4) < position) lo = mid + 1;
      else hi = mid;
    }
    this.truncateEntries(lo);
  }
}
