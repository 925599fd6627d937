import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { EdgeRunLabel } from '../run/EdgeRunLabel';
import type { SpecFlowEdge } from './canvas-model';

/** A spec edge: a bezier curve with the run view's rate label at its middle. */
export const SpecEdge = memo(function SpecEdge(props: EdgeProps<SpecFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath(props);
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})}
        className={props.selected ? 'kf-edge kf-edge--selected' : 'kf-edge'}
      />
      {props.data && (
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
