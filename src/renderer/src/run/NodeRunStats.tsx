import { memo } from 'react';
import { formatCount, formatRate } from './format';
import { Sparkline } from './Sparkline';
import { useRunStore } from './store';
import './run.css';

export interface NodeRunStatsProps {
  nodeId: string;
}

/**
 * Live counts under a node card while a pipeline runs: in, out, rate, and late records and
 * errors when there are any. Subscribes to this node's slice only, so one card re-renders per
 * metrics batch and nothing else does. Renders nothing when there is no run.
 */
export const NodeRunStats = memo(function NodeRunStats({ nodeId }: NodeRunStatsProps) {
  const hasRun = useRunStore((s) => s.run !== null);
  const stats = useRunStore((s) => s.metrics?.nodes[nodeId]);
  const rates = useRunStore((s) => s.history.nodes[nodeId]?.rate);
  if (!hasRun || !stats) return null;
  return (
    <div className="kf-node-stats" role="group" aria-label={`Run stats of ${nodeId}`}>
      <span title="records in">
        in <b>{formatCount(stats.in)}</b>
      </span>
      <span title="records out">
        out <b>{formatCount(stats.out)}</b>
      </span>
      <span title="records in per second">
        <b>{formatRate(stats.rate)}</b>/s
      </span>
      {stats.late > 0 && (
        <span className="kf-badge kf-badge--warn" title="late records">
          late {formatCount(stats.late)}
        </span>
      )}
      {stats.errors > 0 && (
        <span className="kf-badge kf-badge--error" title="records sent to dead letters">
          errors {formatCount(stats.errors)}
        </span>
      )}
      {rates && <Sparkline values={rates} label={`Throughput of ${nodeId}`} />}
    </div>
  );
});
