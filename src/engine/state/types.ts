/**
 * @module engine/state/types
 * State store interfaces. Operators keep all their durable state here, so the
 * runtime can mirror every change to a compacted changelog topic (`onChange`)
 * and rebuild a store from it (`restore`) — operators never see Kafka.
 * Keys and values must be JSON-serialisable.
 */

/** Size of a store, for metrics: entries and an approximation of their JSON size. */
export interface StoreSize {
  entries: number;
  bytes: number;
}

/** Receives every change: the changelog key and the new value, or null for a delete (a tombstone). */
export type ChangeListener = (key: unknown, value: unknown) => void;

export interface StateStore {
  readonly name: string;
  size(): StoreSize;
}

export interface KeyValueStore<V> extends StateStore {
  get(key: unknown): V | undefined;
  put(key: unknown, value: V): void;
  delete(key: unknown): boolean;
  /** Entries with `from ≤ key ≤ to` (either bound optional), in key order (numbers, then text, then others as JSON). */
  range(from?: unknown, to?: unknown): Array<[unknown, V]>;
  /** Rebuilds the store from changelog entries (a null value deletes), without reporting changes. */
  restore(entries: Iterable<readonly [unknown, V | null]>): void;
}

/** One window (or timestamped slot) of one key. */
export interface WindowEntry<V> {
  key: unknown;
  start: number;
  /** When the entry stops being needed; `expire` removes by it. */
  end: number;
  value: V;
}

/** Changelog key of a window store: the record key and the window start. */
export interface WindowChangeKey {
  key: unknown;
  start: number;
}

/** Entries addressed by (key, start), expired by `end`, like Kafka Streams' WindowStore/SessionStore. */
export interface WindowStore<V> extends StateStore {
  get(key: unknown, start: number): WindowEntry<V> | undefined;
  put(key: unknown, start: number, end: number, value: V): void;
  delete(key: unknown, start: number): boolean;
  /** Entries of one key with `from ≤ start ≤ to`, oldest first. */
  fetch(key: unknown, from: number, to: number): Array<WindowEntry<V>>;
  /** Entries of every key with `from ≤ start ≤ to`, by start. */
  range(from: number, to: number): Array<WindowEntry<V>>;
  /** Removes and returns every entry with `end ≤ upTo`, by end, start, then key (as JSON). */
  expire(upTo: number): Array<WindowEntry<V>>;
  /** Rebuilds from changelog entries (`{ key, start }` → `{ end, value }` or null). */
  restore(entries: Iterable<readonly [WindowChangeKey, { end: number; value: V } | null]>): void;
}

/** How operators get their stores; the runtime passes one that wires changelogs. */
export interface StoreFactory {
  keyValue<V>(name: string): KeyValueStore<V>;
  window<V>(name: string): WindowStore<V>;
}
