/**
 * @module engine/operators
 * The engine's operators: one class per node kind family, no Kafka.
 */
export type { EngineRecord, Operator, OperatorContext, OperatorSetup } from './types';
export { MISSED_WINDOWS_HEADER, LATE_PORT, OUT_PORT } from './types';
export { createOperator, guarded } from './factory';
export { SourceOperator, SinkOperator } from './endpoints';
export {
  FilterOperator,
  MapOperator,
  RekeyOperator,
  ExplodeOperator,
  BranchOperator,
  MergeOperator,
} from './transforms';
export { DedupeOperator } from './dedupe';
export { WindowAggregateOperator, type EmitMode } from './window-aggregate';
export { SessionAggregateOperator } from './session-aggregate';
export { RunningAggregateOperator } from './running-aggregate';
export { StreamStreamJoinOperator, type StreamJoinType } from './join-stream-stream';
export { StreamTableJoinOperator } from './join-stream-table';
export { joinValue, type JoinOutput } from './join-output';
