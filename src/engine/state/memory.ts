/**
 * @module engine/state/memory
 * In-memory stores. Every change is reported to the optional `onChange` listener
 * (the changelog hook); `restore` replays changelog entries without reporting them.
 */
import { approxBytes, compareKeys, encodeKey } from './encode';
import { MinHeap } from './heap';
import type {
  ChangeListener,
  KeyValueStore,
  StoreFactory,
  StoreSize,
  WindowChangeKey,
  WindowEntry,
  WindowStore,
} from './types';

export class InMemoryKeyValueStore<V> implements KeyValueStore<V> {
  private readonly map = new Map<string, { key: unknown; value: V; bytes: number }>();
  private bytes = 0;

  constructor(
    readonly name: string,
    private readonly onChange?: ChangeListener,
  ) {}

  get(key: unknown): V | undefined {
    return this.map.get(encodeKey(key))?.value;
  }

  put(key: unknown, value: V): void {
    this.set(key, value);
    this.onChange?.(key, value);
  }

  delete(key: unknown): boolean {
    const had = this.remove(encodeKey(key));
    if (had) this.onChange?.(key, null);
    return had;
  }

  range(from?: unknown, to?: unknown): Array<[unknown, V]> {
    const out: Array<[unknown, V]> = [];
    for (const e of this.map.values()) {
      if (from !== undefined && compareKeys(e.key, from) < 0) continue;
      if (to !== undefined && compareKeys(e.key, to) > 0) continue;
      out.push([e.key, e.value]);
    }
    return out.sort((a, b) => compareKeys(a[0], b[0]));
  }

  restore(entries: Iterable<readonly [unknown, V | null]>): void {
    for (const [key, value] of entries) {
      if (value === null) this.remove(encodeKey(key));
      else this.set(key, value);
    }
  }

  size(): StoreSize {
    return { entries: this.map.size, bytes: this.bytes };
  }

  private set(key: unknown, value: V): void {
    const k = encodeKey(key);
    this.remove(k);
    const bytes = k.length + approxBytes(value);
    this.map.set(k, { key, value, bytes });
    this.bytes += bytes;
  }

  private remove(k: string): boolean {
    const old = this.map.get(k);
    if (!old) return false;
    this.bytes -= old.bytes;
    this.map.delete(k);
    return true;
  }
}

interface Slot<V> extends WindowEntry<V> {
  /** Size as last measured; a slot rewritten since is measured again by `size()`. */
  bytes: number;
  /** Its key as text; `stale`: rewritten since measured; `gone`: removed. */
  k: string;
  stale: boolean;
  gone: boolean;
}

/** Heap items point at a slot as it was when pushed; a slot rewritten with another end leaves a stale item behind. */
interface Due {
  end: number;
  start: number;
  k: string;
}

export class InMemoryWindowStore<V> implements WindowStore<V> {
  private readonly byKey = new Map<string, Map<number, Slot<V>>>();
  // Ties broken by start then key, so expiry order depends on the contents only, not on their history
  // (a store restored from its changelog emits in the same order as the original).
  private readonly due = new MinHeap<Due>(
    (a, b) => a.end < b.end || (a.end === b.end && (a.start < b.start || (a.start === b.start && a.k < b.k))),
  );
  private entries = 0;
  private bytes = 0;
  /** Slots rewritten in place since the last `size()` (measuring JSON on every put is the hot path's cost). */
  private stale: Array<Slot<V>> = [];

  constructor(
    readonly name: string,
    private readonly onChange?: ChangeListener,
  ) {}

  get(key: unknown, start: number): WindowEntry<V> | undefined {
    const slot = this.byKey.get(encodeKey(key))?.get(start);
    return slot && { key: slot.key, start: slot.start, end: slot.end, value: slot.value };
  }

  put(key: unknown, start: number, end: number, value: V): void {
    this.set(key, start, end, value);
    this.onChange?.({ key, start } satisfies WindowChangeKey, { end, value });
  }

  delete(key: unknown, start: number): boolean {
    const had = this.remove(encodeKey(key), start) !== undefined;
    if (had) this.onChange?.({ key, start } satisfies WindowChangeKey, null);
    return had;
  }

  fetch(key: unknown, from: number, to: number): Array<WindowEntry<V>> {
    const slots = this.byKey.get(encodeKey(key));
    if (!slots) return [];
    const out: Array<WindowEntry<V>> = [];
    for (const s of slots.values()) if (s.start >= from && s.start <= to) out.push(view(s));
    return out.sort((a, b) => a.start - b.start);
  }

  range(from: number, to: number): Array<WindowEntry<V>> {
    const out: Array<WindowEntry<V>> = [];
    for (const slots of this.byKey.values())
      for (const s of slots.values()) if (s.start >= from && s.start <= to) out.push(view(s));
    return out.sort((a, b) => a.start - b.start);
  }

  expire(upTo: number): Array<WindowEntry<V>> {
    const out: Array<WindowEntry<V>> = [];
    for (let top = this.due.peek(); top !== undefined && top.end <= upTo; top = this.due.peek()) {
      this.due.pop();
      const slot = this.byKey.get(top.k)?.get(top.start);
      // Skip stale heap items: the slot is gone or was rewritten with another end.
      if (!slot || slot.end !== top.end) continue;
      this.remove(top.k, top.start);
      this.onChange?.({ key: slot.key, start: slot.start } satisfies WindowChangeKey, null);
      out.push(view(slot));
    }
    return out;
  }

  restore(entries: Iterable<readonly [WindowChangeKey, { end: number; value: V } | null]>): void {
    for (const [ck, v] of entries) {
      if (v === null) this.remove(encodeKey(ck.key), ck.start);
      else this.set(ck.key, ck.start, v.end, v.value);
    }
  }

  size(): StoreSize {
    for (const slot of this.stale) {
      slot.stale = false;
      if (slot.gone) continue;
      const bytes = slot.k.length + 16 + approxBytes(slot.value);
      this.bytes += bytes - slot.bytes;
      slot.bytes = bytes;
    }
    this.stale = [];
    return { entries: this.entries, bytes: this.bytes };
  }

  private set(key: unknown, start: number, end: number, value: V): void {
    const k = encodeKey(key);
    const same = this.byKey.get(k)?.get(start);
    if (same !== undefined && same.end === end) {
      // Rewritten in place (the common case: one more record in an open window); measured later.
      same.key = key;
      same.value = value;
      if (!same.stale) {
        same.stale = true;
        this.stale.push(same);
        // Without anyone asking for sizes (no metrics), measure now and then rather than keep a long list.
        if (this.stale.length >= 100_000) this.size();
      }
      return;
    }
    const old = this.remove(k, start);
    let slots = this.byKey.get(k);
    if (!slots) {
      slots = new Map();
      this.byKey.set(k, slots);
    }
    const bytes = k.length + 16 + approxBytes(value);
    slots.set(start, { key, start, end, value, bytes, k, stale: false, gone: false });
    this.entries++;
    this.bytes += bytes;
    if (!old || old.end !== end) this.due.push({ end, start, k });
  }

  private remove(k: string, start: number): Slot<V> | undefined {
    const slots = this.byKey.get(k);
    const slot = slots?.get(start);
    if (!slots || !slot) return undefined;
    slot.gone = true;
    slots.delete(start);
    if (slots.size === 0) this.byKey.delete(k);
    this.entries--;
    this.bytes -= slot.bytes;
    return slot;
  }
}

function view<V>(s: Slot<V>): WindowEntry<V> {
  return { key: s.key, start: s.start, end: s.end, value: s.value };
}

/**
 * Stores kept in memory; `onChange(storeName, key, value)` sees every change, so a
 * runtime can write changelogs and a test can check what would be written.
 */
export function memoryStores(onChange?: (store: string, key: unknown, value: unknown) => void): StoreFactory {
  const hook = (name: string): ChangeListener | undefined =>
    onChange ? (key, value) => onChange(name, key, value) : undefined;
  return {
    keyValue: <V>(name: string) => new InMemoryKeyValueStore<V>(name, hook(name)),
    window: <V>(name: string) => new InMemoryWindowStore<V>(name, hook(name)),
  };
}
