import {
  Background,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore,
  useStoreApi,
  type Connection,
  type Edge,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { getNodeKind } from '../../../nodes/index';
import type { SpecEdge as SpecEdgeOfSpec } from '../../../spec/types';
import { connectionProblem, useEditorStore, type EdgeEnd } from '../store/index';
import { useTheme } from '../theme';
import { deriveEdges, deriveNodes, type CardNode, type SpecFlowEdge } from './canvas-model';
import { useDragNodes, type DragCommit } from './drag-nodes';
import { EdgeLayer } from './EdgeLayer';
import { FarViewContext } from './far-view';
import { NodeCard } from './NodeCard';

/** The drag-and-drop type a palette item carries: the node kind. */
export const KIND_MIME = 'application/x-kflow-kind';

const nodeTypes = { card: NodeCard };
const FIT = { padding: 0.2, maxZoom: 1.25 };

/**
 * Above this many nodes the mini map is hidden while a node is dragged: it redraws every node
 * on every frame of a drag, which costs more than the rest of the canvas together.
 */
export const MINIMAP_DRAG_LIMIT = 100;

/**
 * Below this zoom the dot grid is not drawn: its dots scale with the zoom, so a big pipeline
 * fitted to the view has one every few pixels, noise to the eye and most of the raster work of
 * each drag frame (headless or GPU-less chromium rasterizes in software).
 */
export const BACKGROUND_MIN_ZOOM = 0.5;

/**
 * Below this zoom a card's text is two or three pixels high: unreadable, yet painting it was a
 * third of each drag frame of a big pipeline. The card's content is then not painted
 * (`visibility: hidden`, see `.kf-far` in styles.css) but stays laid out, so the card keeps its
 * size, its kind colour, its outline and React Flow measures nothing anew. Zooming in past it
 * brings the text back.
 */
export const CARD_TEXT_MIN_ZOOM = 0.35;

function ends(c: Connection | Edge): { from: EdgeEnd; to: EdgeEnd } {
  return {
    from: { node: c.source, port: c.sourceHandle ?? 'out' },
    to: { node: c.target, port: c.targetHandle ?? 'in' },
  };
}

/**
 * The pipeline canvas. Everything it shows is derived from the editor store's spec, except the
 * positions of a drag in progress (see drag-nodes.ts).
 */
export function Canvas() {
  const spec = useEditorStore((s) => s.spec);
  // Fit on mount only when there is something to fit: React Flow otherwise fits once the first
  // node appears, and the view would jump away from where the user just dropped it.
  const [fitOnMount] = useState(() => spec.nodes.length > 0);
  const selection = useEditorStore((s) => s.selection);
  const sizes = useEditorStore((s) => s.sizes);
  const focus = useEditorStore((s) => s.focus);
  const loadSeq = useEditorStore((s) => s.loadSeq);
  const colorMode = useTheme((s) => s.choice) ?? 'system';
  const [miniMap, setMiniMap] = useState(true);
  const showGrid = useStore((s) => s.transform[2] >= BACKGROUND_MIN_ZOOM);
  const farView = useStore((s) => s.transform[2] < CARD_TEXT_MIN_ZOOM);
  const flow = useReactFlow<CardNode, SpecFlowEdge>();
  const flowStore = useStoreApi<CardNode, SpecFlowEdge>();
  const previous = useRef(new Map<string, CardNode>());
  const previousEdges = useRef(new WeakMap<SpecEdgeOfSpec, SpecFlowEdge>());

  const derivedNodes = useMemo(() => {
    const derived = deriveNodes(spec, selection.nodes, sizes, previous.current);
    previous.current = new Map(derived.map((n) => [n.id, n]));
    return derived;
  }, [spec, selection.nodes, sizes]);
  const edges = useMemo(
    () => deriveEdges(spec, selection.edges, previousEdges.current),
    [spec, selection.edges],
  );

  useEffect(() => {
    if (!focus) return;
    // Give React Flow a frame to render a node that was just selected.
    const t = setTimeout(() => {
      void flow.fitView({ nodes: [{ id: focus.nodeId }], duration: 200, padding: 0.6, maxZoom: 1.25 });
    }, 0);
    return () => clearTimeout(t);
  }, [focus, flow]);

  useEffect(() => {
    if (loadSeq === 0) return;
    const t = setTimeout(() => void flow.fitView(FIT), 50);
    return () => clearTimeout(t);
  }, [loadSeq, flow]);

  // A drag's positions stay in React Flow's node state; the store hears of them once, at the end.
  const onCommit = useCallback(
    ({ moved, rest }: DragCommit) => {
      const store = useEditorStore.getState();
      const measured: Record<string, { width: number; height: number }> = {};
      let selected: Set<string> | null = null;
      let picked = false;
      for (const c of rest) {
        if (c.type === 'dimensions' && c.dimensions) {
          const old = store.sizes[c.id];
          if (!old || old.width !== c.dimensions.width || old.height !== c.dimensions.height)
            measured[c.id] = c.dimensions;
        } else if (c.type === 'select') {
          selected ??= new Set(store.selection.nodes);
          if (c.selected) selected.add(c.id);
          else selected.delete(c.id);
          picked ||= c.selected;
        }
      }
      if (Object.keys(measured).length > 0) store.setSizes(measured);
      if (Object.keys(moved).length > 0) store.moveNodes(moved);
      // Picking a node without the multi-selection key drops the selected edges, as React Flow
      // does for its own edges.
      const alone = picked && !flowStore.getState().multiSelectionActive;
      if (selected) store.select({ nodes: [...selected], ...(alone ? { edges: [] } : {}) });
    },
    [flowStore],
  );
  const { nodes, onNodesChange, dragging } = useDragNodes(derivedNodes, onCommit);

  // A box (Shift+drag) selects the edges touching the boxed nodes too, as React Flow does for
  // its own edges.
  const onSelectionEnd = useCallback(() => {
    const store = useEditorStore.getState();
    const boxed = new Set(store.selection.nodes);
    const edges = deriveEdges(store.spec, [])
      .filter((e) => boxed.has(e.source) || boxed.has(e.target))
      .map((e) => e.data?.key ?? e.id);
    store.select({ edges });
  }, []);

  // Edges are kflow's own (EdgeLayer), so React Flow's clearing of the selection on a pane click
  // does not reach them: the pane click clears them here.
  const onPaneClick = useCallback(() => {
    const store = useEditorStore.getState();
    if (store.selection.edges.length > 0) store.select({ edges: [] });
  }, []);

  const isValidConnection = useCallback((c: Connection | Edge) => {
    const { from, to } = ends(c);
    const why = connectionProblem(useEditorStore.getState().spec, from, to);
    const store = useEditorStore.getState();
    const text = why ? `Cannot connect: ${why}` : null;
    if (store.status !== text) store.setStatus(text);
    return why === null;
  }, []);

  const onConnect = useCallback((c: Connection) => {
    const { from, to } = ends(c);
    useEditorStore.getState().connect(from, to);
  }, []);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(KIND_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(KIND_MIME);
      if (!kind || !getNodeKind(kind)) return;
      e.preventDefault();
      const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      useEditorStore.getState().addNode(kind, at);
    },
    [flow],
  );

  return (
    <div className="kf-canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <FarViewContext.Provider value={farView}>
        <ReactFlow<CardNode, SpecFlowEdge>
          nodes={nodes}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onPaneClick={onPaneClick}
          onSelectionEnd={onSelectionEnd}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          deleteKeyCode={null}
          multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
          selectionKeyCode="Shift"
          colorMode={colorMode}
          fitView={fitOnMount}
          fitViewOptions={FIT}
          minZoom={0.1}
          proOptions={{ hideAttribution: true }}
          aria-label="Pipeline canvas"
          className={farView ? 'kf-far' : undefined}
        >
          <EdgeLayer edges={edges} />
          {showGrid && <Background gap={16} />}
          {miniMap && !(dragging && spec.nodes.length > MINIMAP_DRAG_LIMIT) && (
            <MiniMap pannable zoomable ariaLabel="Mini map" />
          )}
          <Controls showInteractive={false}>
            <ControlButton
              aria-label="Show mini map"
              aria-pressed={miniMap}
              title={miniMap ? 'Hide the mini map' : 'Show the mini map'}
              onClick={() => setMiniMap((m) => !m)}
            >
              ▦
            </ControlButton>
          </Controls>
        </ReactFlow>
      </FarViewContext.Provider>
    </div>
  );
}
