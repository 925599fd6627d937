/**
 * @module engine/planner
 * Spec → physical plan (tasks, repartition and internal topics); pure.
 */
export {
  planPipeline,
  sourceTopic,
  partitionKeyExpr,
  PlanError,
  type PhysicalPlan,
  type PlannedTopic,
  type Repartition,
  type Subtopology,
  type TaskPlan,
  type TopicRole,
  type SourceBinding,
  type PlanInput,
} from './plan';
export { formatPlan } from './format';
export { crossingMode, type CrossingMode } from './combine';
