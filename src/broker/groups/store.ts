/**
 * @module broker/groups/store
 * Durable state of the group coordinator: committed offsets and group metadata.
 *
 * Layout: one append-only JSON-lines file, `<dir>/groups.jsonl`, playing the
 * part of Kafka's compacted `__consumer_offsets` topic. Each line is one
 * {@link StoreRecord}; a later record for the same key replaces an earlier one,
 * and a tombstone removes it. On open the file is replayed and rewritten as a
 * snapshot (temporary file + fsync + rename), and it is compacted again at run
 * time once dead lines outnumber live ones.
 *
 * Why not a real `__consumer_offsets` partition through `cluster.logs`: group
 * state would then show up in Metadata and share the log cleaner's schedule,
 * and the coordinator would need the record-batch codec just to store a few
 * hundred keys. A line file keeps `groups/` free of the log layer and is easy
 * to inspect when a test fails.
 *
 * Crash safety: every commit is one `write` of whole lines. A crash can only
 * leave a torn *last* line (no trailing newline, or unparseable); replay drops
 * it with a warning, so every earlier commit survives, and the start-up
 * compaction removes the torn bytes before anything is appended after them.
 */
import fs from 'node:fs';
import path from 'node:path';

/** What is remembered of a member across restarts (Kafka's GroupMetadataValue member). */
export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** Metadata of the selected protocol, base64. */
  metadata: string;
  /** The member's assignment from the last SyncGroup, base64. */
  assignment: string;
}

export interface StoredGroup {
  groupId: string;
  protocolType: string | null;
  protocolName: string | null;
  generationId: number;
  leaderId: string | null;
  members: StoredMember[];
}

export interface StoredOffset {
  groupId: string;
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
}

export type StoreRecord =
  | ({ k: 'offset' } & StoredOffset)
  | { k: 'offset-delete'; groupId: string; topic: string; partition: number }
  | ({ k: 'group' } & StoredGroup)
  /** Removes the group's metadata and all of its offsets (DeleteGroups). */
  | { k: 'group-delete'; groupId: string };

export interface StoreSnapshot {
  groups: StoredGroup[];
  offsets: StoredOffset[];
}

export interface GroupStore {
  /** Replays what was stored; called once, before any append. */
  load(): StoreSnapshot;
  /** Appends records atomically with respect to each other's order; all-or-torn-tail on a crash. */
  append(records: StoreRecord[]): void;
  close(): void;
}

/** Folds records into live state: the same reduction is used for replay and for compaction. */
export class StoreState {
  readonly groups = new Map<string, StoredGroup>();
  /** groupId → "topic\0partition" → offset. */
  readonly offsets = new Map<string, Map<string, StoredOffset>>();

  apply(r: StoreRecord): void {
    switch (r.k) {
      case 'offset': {
        const { k: _k, ...o } = r;
        let m = this.offsets.get(o.groupId);
        if (!m) this.offsets.set(o.groupId, (m = new Map()));
        m.set(`${o.topic}\0${o.partition}`, o);
        break;
      }
      case 'offset-delete':
        this.offsets.get(r.groupId)?.delete(`${r.topic}\0${r.partition}`);
        break;
      case 'group': {
        const { k: _k, ...g } = r;
        this.groups.set(g.groupId, g);
        break;
      }
      case 'group-delete':
        this.groups.delete(r.groupId);
        this.offsets.delete(r.groupId);
        break;
    }
  }

  liveRecords(): StoreRecord[] {
    const out: StoreRecord[] = [];
    for (const g of this.groups.values()) out.push({ k: 'group', ...g });
    for (const m of this.offsets.values()) for (const o of m.values()) out.push({ k: 'offset', ...o });
    return out;
  }

  snapshot(): StoreSnapshot {
    return {
      groups: [...this.groups.values()],
      offsets: [...this.offsets.values()].flatMap((m) => [...m.values()]),
    };
  }
}

/** Keeps records in memory only (unit tests; brokers that must not touch disk). */
export class MemoryGroupStore implements GroupStore {
  readonly state = new StoreState();
  appended = 0;

  load(): StoreSnapshot {
    return this.state.snapshot();
  }

  append(records: StoreRecord[]): void {
    for (const r of records) this.state.apply(r);
    this.appended += records.length;
  }

  close(): void {}
}

export class StoreCorruptError extends Error {
  override name = 'StoreCorruptError';
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

export interface FileGroupStoreOptions {
  /** Warnings (a dropped torn tail) go here. */
  warn?: (msg: string, ctx: Record<string, unknown>) => void;
  /** Compact at run time once the file holds this many more lines than live records (and twice as many). */
  compactSlack?: number;
}

export class FileGroupStore implements GroupStore {
  readonly file: string;
  private fd: number | null = null;
  private readonly state = new StoreState();
  private lines = 0;
  private readonly warn: (msg: string, ctx: Record<string, unknown>) => void;
  private readonly compactSlack: number;

  constructor(
    readonly dir: string,
    opts: FileGroupStoreOptions = {},
  ) {
    this.file = path.join(dir, 'groups.jsonl');
    this.warn = opts.warn ?? (() => {});
    this.compactSlack = opts.compactSlack ?? 10_000;
  }

  load(): StoreSnapshot {
    fs.mkdirSync(this.dir, { recursive: true });
    let text = '';
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const lines = text.split('\n');
    // The piece after the last newline is a torn write when non-empty.
    const tail = lines.pop() ?? '';
    if (tail.length > 0)
      this.warn('dropping torn last line of group store', { file: this.file, bytes: tail.length });
    lines.forEach((line, i) => {
      if (line.length === 0) return;
      let rec: StoreRecord;
      try {
        rec = JSON.parse(line) as StoreRecord;
      } catch (err) {
        // A complete (newline-terminated) line that does not parse was not torn by a crash: refuse to guess.
        if (i === lines.length - 1) {
          this.warn('dropping unreadable last line of group store', { file: this.file, line: i + 1 });
          return;
        }
        throw new StoreCorruptError(this.file, i + 1, `unreadable record: ${(err as Error).message}`);
      }
      this.state.apply(rec);
    });
    this.rewrite();
    return this.state.snapshot();
  }

  append(records: StoreRecord[]): void {
    if (records.length === 0) return;
    if (this.fd === null) throw new Error(`group store ${this.file} is not open`);
    for (const r of records) this.state.apply(r);
    fs.writeSync(this.fd, records.map((r) => JSON.stringify(r) + '\n').join(''));
    this.lines += records.length;
    const live = this.state.groups.size + [...this.state.offsets.values()].reduce((n, m) => n + m.size, 0);
    if (this.lines > live * 2 + this.compactSlack) this.rewrite();
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  /** Writes the live records to a temporary file, fsyncs and renames it over the log: old or new, never half. */
  private rewrite(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    const live = this.state.liveRecords();
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, live.map((r) => JSON.stringify(r) + '\n').join(''));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    this.lines = live.length;
    this.fd = fs.openSync(this.file, 'a');
  }
}
