import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { EdgeRunLabel } from '../run/EdgeRunLabel';
import { useRunStore } from '../run/store';
import type { SpecFlowEdge } from './canvas-model';

/**
 * A spec edge: a bezier curve with, while a pipeline runs, the rate label at its middle. Without
 * a run there is no label element at all: each one is a positioned box that a drag moves.
 */
export const SpecEdge = memo(function SpecEdge(props: EdgeProps<SpecFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath(props);
  const hasRun = useRunStore((s) => s.run !== null);
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})}
        className={props.selected ? 'kf-edge kf-edge--selected' : 'kf-edge'}
      />
      {props.data && hasRun && (
        <EdgeLabelRenderer>
          <div
            className="kf-edge-label nodrag nopan"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            <EdgeRunLabel edgeKey={props.data.key} />
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
