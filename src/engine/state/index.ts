/**
 * @module engine/state
 * State stores of the engine's operators.
 */
export type {
  ChangeListener,
  KeyValueStore,
  StateStore,
  StoreFactory,
  StoreSize,
  WindowChangeKey,
  WindowEntry,
  WindowStore,
} from './types';
export { InMemoryKeyValueStore, InMemoryWindowStore, memoryStores } from './memory';
export { approxBytes, compareKeys, encodeKey } from './encode';
