/**
 * @module broker/groups
 * Consumer groups: the classic rebalance protocol, committed offsets and the
 * transactional-offset hook, independent of sockets (handlers live in
 * `../handlers/`).
 */
export * from './coordinator';
export { ManualClock, systemClock, type GroupClock, type GroupTimer } from './clock';
export {
  FileGroupStore,
  MemoryGroupStore,
  StoreCorruptError,
  type GroupStore,
  type StoreRecord,
} from './store';
export { subscribedTopics } from './consumer-protocol';
