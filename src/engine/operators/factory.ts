/**
 * @module engine/operators/factory
 * Builds the operator of a spec node. Every operator is wrapped by `guarded`: a
 * record whose processing throws (an ExprEvalError from an expression, a bad event
 * time, a map over a non-object) goes to `ctx.deadLetter` and the next record is
 * processed, unlike the seed's processors, which stopped at the first bad message.
 */
import type { SpecNode } from '../../spec/types';
import type { StateStore } from '../state/types';
import { DedupeOperator } from './dedupe';
import { SinkOperator, SourceOperator } from './endpoints';
import { StreamStreamJoinOperator } from './join-stream-stream';
import { StreamTableJoinOperator } from './join-stream-table';
import { RunningAggregateOperator } from './running-aggregate';
import { SessionAggregateOperator } from './session-aggregate';
import {
  BranchOperator,
  ExplodeOperator,
  FilterOperator,
  MapOperator,
  MergeOperator,
  RekeyOperator,
} from './transforms';
import type { EngineRecord, Operator, OperatorContext, OperatorSetup } from './types';
import { WindowAggregateOperator } from './window-aggregate';

function build(node: SpecNode, setup: OperatorSetup): Operator {
  const c = node.config;
  const id = node.id;
  if (node.kind.startsWith('source.')) return new SourceOperator(id, node.kind, c);
  if (node.kind.startsWith('sink.')) return new SinkOperator(id, node.kind, c);
  switch (node.kind) {
    case 'filter':
      return new FilterOperator(id, c);
    case 'map':
      return new MapOperator(id, c);
    case 'rekey':
      return new RekeyOperator(id, c);
    case 'explode':
      return new ExplodeOperator(id, c);
    case 'branch':
      return new BranchOperator(id, c);
    case 'merge':
      return new MergeOperator(id);
    case 'dedupe':
      return new DedupeOperator(id, c, setup);
    case 'window.tumbling':
    case 'window.hopping':
      return new WindowAggregateOperator(id, node.kind, c, setup);
    case 'window.session':
      return new SessionAggregateOperator(id, c, setup);
    case 'aggregate':
      return new RunningAggregateOperator(id, c, setup);
    case 'join.stream-stream':
      return new StreamStreamJoinOperator(id, c, setup);
    case 'join.stream-table':
      return new StreamTableJoinOperator(id, c, setup);
    default:
      throw new Error(`node "${id}": the engine has no operator for kind "${node.kind}"`);
  }
}

/** Runs `process` so that a failing record is dead-lettered instead of stopping the pipeline. */
export function guarded(op: Operator): Operator {
  return {
    nodeId: op.nodeId,
    kind: op.kind,
    process(record: EngineRecord, ctx: OperatorContext, port: string): void {
      try {
        op.process(record, ctx, port);
      } catch (error) {
        ctx.deadLetter(record, error, op.nodeId);
      }
    },
    onWatermark: (wm, ctx) => op.onWatermark(wm, ctx),
    stores: (): readonly StateStore[] => op.stores(),
  };
}

/** The operator of a validated spec node (config with defaults filled in). */
export function createOperator(node: SpecNode, setup: OperatorSetup): Operator {
  return guarded(build(node, setup));
}
