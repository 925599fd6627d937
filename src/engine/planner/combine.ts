/**
 * @module engine/planner/combine
 * Whether the records a repartition carries into a window can be pre-aggregated before the
 * topic (a map-side combine, like Flink's local window aggregation or Spark's combiner): each
 * upstream task folds its records into one partial aggregate per (group key, window) until its
 * next flush and sends those partials; the window merges them. That is exact only when
 *
 *   - the window is tumbling (a record is in one window; a hopping record that missed some of its
 *     windows is reported per record),
 *   - results are emitted when the window closes (on every update, each record's update shows),
 *   - the group is the record key or plain fields (the partial carries those fields, so the
 *     repartition partitions it as it would partition each of its records), and
 *   - every aggregate merges regardless of order: count, sum, avg (as sum and count), min, max
 *     and count_distinct (as a set). first, last and collect depend on arrival order.
 *
 * Otherwise records cross one by one, and `--plan` says why.
 */
import { aggregateCalls, parseExpression } from '../../expr/index';
import type { SpecNode } from '../../spec/types';

/** Aggregate functions whose partials merge to the same result in any order. */
const ORDER_FREE = new Set(['count', 'sum', 'avg', 'min', 'max', 'count_distinct']);
const PLAIN_FIELD = /^[A-Za-z][A-Za-z0-9_]*$/;

export type CrossingMode = { mode: 'partial' } | { mode: 'per-record'; why: string };

/** How the records of a repartition into `node` cross the topic. */
export function crossingMode(node: SpecNode): CrossingMode {
  const c = node.config;
  const perRecord = (why: string): CrossingMode => ({ mode: 'per-record', why });
  if (node.kind === 'window.hopping')
    return perRecord('a hopping record is in several windows and its missed windows are reported per record');
  if (node.kind !== 'window.tumbling') return perRecord(`${node.kind} is not a tumbling window`);
  if ((c['emit'] ?? 'final') !== 'final') return perRecord('the window emits every update');
  const g = c['groupBy'];
  const fields = g === undefined ? [] : Array.isArray(g) ? (g as string[]) : [g as string];
  const odd = fields.find((f) => typeof f !== 'string' || !PLAIN_FIELD.test(f.trim()));
  if (odd !== undefined && !(fields.length === 1 && String(odd).trim() === '_key'))
    return perRecord(`groupBy ${String(odd)} is not a plain field`);
  const aggregates = (c['aggregates'] ?? {}) as Record<string, string>;
  for (const [name, text] of Object.entries(aggregates)) {
    const parsed = parseExpression(text);
    if (!parsed.ok) return perRecord(`aggregate ${name} does not parse`);
    const bad = aggregateCalls(parsed.ast).find((call) => !ORDER_FREE.has(call.name));
    if (bad) return perRecord(`${bad.name}() in ${name} depends on arrival order`);
  }
  return { mode: 'partial' };
}
