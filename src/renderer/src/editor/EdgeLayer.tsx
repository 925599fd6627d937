/**
 * The pipeline's edges, drawn by kflow in one <svg> rather than by React Flow.
 *
 * React Flow draws each edge as its own positioned <svg> with two store listeners that work out
 * its end points on every store change. During a node drag the store changes on every pointer
 * move, and with a few hundred edges that was half the CPU of each move: five hundred listeners
 * run, and every edge being a positioned box of one container made the browser lay out and
 * re-layer all of them to redraw one (measured in docs/benchmarks.md). Here one listener walks
 * the edges, recomputes only those whose end nodes changed, and sets their path in place.
 *
 * The layer sits in React Flow's edge-label layer (inside the viewport, under the cards), so it
 * pans and zooms with them. Selection is kflow's own (the editor store): a click selects an edge,
 * with Shift, Ctrl or Cmd it adds to the selection; each edge is a focusable button for keyboards
 * and screen readers. While a pipeline runs, each edge carries its rate label at its middle.
 */
import {
  EdgeLabelRenderer,
  getBezierPath,
  Position,
  useStoreApi,
  type InternalNode,
  type XYPosition,
} from '@xyflow/react';
import { memo, useLayoutEffect, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { EdgeRunLabel } from '../run/EdgeRunLabel';
import { useRunStore } from '../run/store';
import { useEditorStore } from '../store/index';
import type { CardNode, SpecFlowEdge } from './canvas-model';

interface HandleBox {
  id?: string | null;
  x: number;
  y: number;
  width: number;
  height: number;
  position: Position;
}

/** Where an edge leaves a port: the middle of the port box's outer side. */
function portPoint(node: InternalNode<CardNode>, handle: HandleBox): XYPosition {
  const x = node.internals.positionAbsolute.x + handle.x;
  const y = node.internals.positionAbsolute.y + handle.y;
  switch (handle.position) {
    case Position.Left:
      return { x, y: y + handle.height / 2 };
    case Position.Right:
      return { x: x + handle.width, y: y + handle.height / 2 };
    case Position.Top:
      return { x: x + handle.width / 2, y };
    default:
      return { x: x + handle.width / 2, y: y + handle.height };
  }
}

function findHandle(handles: readonly HandleBox[] | null | undefined, id: string | null | undefined) {
  if (!handles) return undefined;
  return id ? handles.find((h) => h.id === id) : handles[0];
}

export interface EdgeGeometry {
  path: string;
  labelX: number;
  labelY: number;
}

/**
 * An edge's curve between its source node's output port and its target node's input port, as
 * React Flow measured them; null while a port is not measured yet (a card not yet drawn).
 */
export function edgeGeometry(
  source: InternalNode<CardNode> | undefined,
  target: InternalNode<CardNode> | undefined,
  sourcePort: string | null | undefined,
  targetPort: string | null | undefined,
): EdgeGeometry | null {
  const from = source && findHandle(source.internals.handleBounds?.source, sourcePort);
  const to = target && findHandle(target.internals.handleBounds?.target, targetPort);
  if (!source || !target || !from || !to) return null;
  const a = portPoint(source, from);
  const b = portPoint(target, to);
  const [path, labelX, labelY] = getBezierPath({
    sourceX: a.x,
    sourceY: a.y,
    sourcePosition: from.position,
    targetX: b.x,
    targetY: b.y,
    targetPosition: to.position,
  });
  return { path, labelX, labelY };
}

function edgeName(edge: SpecFlowEdge): string {
  return `Edge ${edge.data?.key ?? edge.id}`;
}

function selectEdge(key: string, add: boolean) {
  const store = useEditorStore.getState();
  if (!add) {
    store.select({ nodes: [], edges: [key] });
    return;
  }
  const edges = store.selection.edges.includes(key)
    ? store.selection.edges.filter((k) => k !== key)
    : [...store.selection.edges, key];
  store.select({ edges });
}

/** One edge's drawn elements and the end nodes its path was last computed from. */
interface Drawn {
  edge: SpecFlowEdge;
  paths: SVGPathElement[];
  label: HTMLElement | null;
  source?: InternalNode<CardNode>;
  target?: InternalNode<CardNode>;
}

export const EdgeLayer = memo(function EdgeLayer({ edges }: { edges: SpecFlowEdge[] }) {
  const store = useStoreApi<CardNode, SpecFlowEdge>();
  const hasRun = useRunStore((s) => s.run !== null);
  // State, not a ref: React Flow's label layer (the portal's target) appears after the first render.
  const [layer, setLayer] = useState<SVGSVGElement | null>(null);

  // Paths are set here, not rendered by React: a drag changes them on every pointer move, and
  // only the edges of the moved nodes need a new path. The elements change only when this
  // component renders (the layer mounting, new edges, a run starting or ending), which is when
  // this effect runs.
  useLayoutEffect(() => {
    if (!layer) return;
    const labels = new Map<string, HTMLElement>();
    for (const el of layer.parentElement?.querySelectorAll<HTMLElement>('.kf-edge-label') ?? [])
      labels.set(el.dataset['edgeId'] ?? '', el);
    // The layer's <g>s are the edges', in the order of `edges`.
    const groups = layer.querySelectorAll('g.kf-edge');
    const drawn: Drawn[] = edges.map((edge, i) => ({
      edge,
      paths: [...(groups[i]?.querySelectorAll('path') ?? [])],
      label: labels.get(edge.id) ?? null,
    }));
    const draw = () => {
      const { nodeLookup } = store.getState();
      for (const d of drawn) {
        const source = nodeLookup.get(d.edge.source);
        const target = nodeLookup.get(d.edge.target);
        if (source === d.source && target === d.target) continue;
        d.source = source;
        d.target = target;
        const g = edgeGeometry(source, target, d.edge.sourceHandle, d.edge.targetHandle);
        for (const el of d.paths) el.setAttribute('d', g?.path ?? '');
        if (d.label && g)
          d.label.style.transform = `translate(-50%, -50%) translate(${g.labelX}px, ${g.labelY}px)`;
      }
    };
    draw();
    return store.subscribe(draw);
  }, [store, layer, edges, hasRun]);

  const select = (edge: SpecFlowEdge, e: MouseEvent | KeyboardEvent) =>
    selectEdge(edge.data?.key ?? edge.id, e.shiftKey || e.metaKey || e.ctrlKey);
  const onClick = (edge: SpecFlowEdge) => (e: MouseEvent) => {
    e.stopPropagation();
    select(edge, e);
  };
  const onKeyDown = (edge: SpecFlowEdge) => (e: KeyboardEvent) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    select(edge, e);
  };

  return (
    <EdgeLabelRenderer>
      <svg ref={setLayer} className="kf-edges" aria-label="Edges">
        {edges.map((edge) => (
          <g key={edge.id} className={edge.selected ? 'kf-edge kf-edge--selected' : 'kf-edge'}>
            <path className="kf-edge__line" />
            <path
              className="kf-edge__hit nopan"
              role="button"
              tabIndex={0}
              aria-label={edgeName(edge)}
              aria-pressed={edge.selected ?? false}
              onClick={onClick(edge)}
              onKeyDown={onKeyDown(edge)}
            />
          </g>
        ))}
      </svg>
      {hasRun &&
        edges.map(
          (edge) =>
            edge.data && (
              <div key={edge.id} data-edge-id={edge.id} className="kf-edge-label nodrag nopan">
                <EdgeRunLabel edgeKey={edge.data.key} />
              </div>
            ),
        )}
    </EdgeLabelRenderer>
  );
});
