/**
 * @module engine/runtime/keys
 * What a repartition partitions by: the same key the keyed node will compute from the record
 * (its groupBy, a join side's key, dedupe's id), or the record key.
 */
import type { SpecNode } from '../../spec/types';
import { groupByOf, str } from '../operators/config';
import { Grouping, scalar } from '../operators/expr';
import type { EngineRecord } from '../operators/types';

export function partitionKeyFn(node: SpecNode, port: string): (r: EngineRecord) => unknown {
  const c = node.config;
  const expr = (field: string) => {
    const e = str(c, field);
    return e === undefined ? (r: EngineRecord) => r.key : scalar(e, field);
  };
  switch (node.kind) {
    case 'window.tumbling':
    case 'window.hopping':
    case 'window.session':
    case 'aggregate': {
      const g = new Grouping(groupByOf(c));
      return (r) => g.of(r).key;
    }
    case 'dedupe':
      return expr('id');
    case 'join.stream-stream':
      return port === 'left' ? expr('leftKey') : port === 'right' ? expr('rightKey') : (r) => r.key;
    case 'join.stream-table':
      return port === 'stream' ? expr('streamKey') : (r) => r.key;
    default:
      return (r) => r.key;
  }
}
