/**
 * @module engine/testing
 * Running pipelines deterministically in tests.
 */
export {
  TestDriver,
  type PipeInput,
  type NodeCounters,
  type LateRecord,
  type DeadLetter,
  type DriverOptions,
} from './driver';
