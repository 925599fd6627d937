/**
 * @module engine/runtime
 * Runs a pipeline on Kafka through the client seam.
 */
export {
  PipelineRun,
  PipelineError,
  DLQ_HEADERS,
  existingTopics,
  type RunOptions,
  type Guarantee,
} from './runtime';
export {
  TaskGraph,
  timeOptions,
  type NodeCounters,
  type TaskGraphHooks,
  type TaskGraphOptions,
} from './task-graph';
export { readToEnd, RestoreError } from './restore';
