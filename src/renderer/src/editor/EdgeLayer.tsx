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
import { memo, useLayoutEffect, useRef, type KeyboardEvent, type MouseEvent } from 'react';
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

/** Drawn elements of one edge, which the layer's store listener updates in place. */
interface Drawn {
  source?: InternalNode<CardNode>;
  target?: InternalNode<CardNode>;
  elements: SVGPathElement[];
  label?: HTMLDivElement;
}

export const EdgeLayer = memo(function EdgeLayer({ edges }: { edges: SpecFlowEdge[] }) {
  const store = useStoreApi<CardNode, SpecFlowEdge>();
  const hasRun = useRunStore((s) => s.run !== null);
  const drawn = useRef(new Map<string, Drawn>());

  // Paths are set here, not rendered by React: a drag changes them on every pointer move, and
  // only the edges of the moved nodes need a new path.
  useLayoutEffect(() => {
    const draw = () => {
      const { nodeLookup } = store.getState();
      for (const edge of edges) {
        const d = drawn.current.get(edge.id);
        if (!d) continue;
        const source = nodeLookup.get(edge.source);
        const target = nodeLookup.get(edge.target);
        if (source === d.source && target === d.target) continue;
        d.source = source;
        d.target = target;
        const g = edgeGeometry(source, target, edge.sourceHandle, edge.targetHandle);
        for (const el of d.elements) el.setAttribute('d', g?.path ?? '');
        if (d.label && g)
          d.label.style.transform = `translate(-50%, -50%) translate(${g.labelX}px, ${g.labelY}px)`;
      }
    };
    // Elements are new on each render of the edges: draw them all once.
    for (const d of drawn.current.values()) d.source = d.target = undefined;
    draw();
    return store.subscribe(draw);
  }, [store, edges, hasRun]);

  const register = (id: string, kind: 'path' | 'label') => (el: SVGPathElement | HTMLDivElement | null) => {
    if (!el) return;
    let d = drawn.current.get(id);
    if (!d) drawn.current.set(id, (d = { elements: [] }));
    if (kind === 'label') d.label = el as HTMLDivElement;
    else if (!d.elements.includes(el as SVGPathElement)) d.elements.push(el as SVGPathElement);
  };
  // Forget elements of edges that are gone; the refs above re-register the rest on render.
  const ids = new Set(edges.map((e) => e.id));
  for (const id of drawn.current.keys()) if (!ids.has(id)) drawn.current.delete(id);
  for (const d of drawn.current.values()) {
    d.elements = d.elements.filter((el) => el.isConnected);
    if (d.label && !d.label.isConnected) delete d.label;
  }

  const onClick = (edge: SpecFlowEdge) => (e: MouseEvent) => {
    e.stopPropagation();
    selectEdge(edge.data?.key ?? edge.id, e.shiftKey || e.metaKey || e.ctrlKey);
  };
  const onKeyDown = (edge: SpecFlowEdge) => (e: KeyboardEvent) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    selectEdge(edge.data?.key ?? edge.id, e.shiftKey || e.metaKey || e.ctrlKey);
  };

  return (
    <EdgeLabelRenderer>
      <svg className="kf-edges" aria-label="Edges">
        {edges.map((edge) => (
          <g key={edge.id} className={edge.selected ? 'kf-edge kf-edge--selected' : 'kf-edge'}>
            <path ref={register(edge.id, 'path')} className="kf-edge__line" />
            <path
              ref={register(edge.id, 'path')}
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
              <div key={edge.id} ref={register(edge.id, 'label')} className="kf-edge-label nodrag nopan">
                <EdgeRunLabel edgeKey={edge.data.key} />
              </div>
            ),
        )}
    </EdgeLabelRenderer>
  );
});
