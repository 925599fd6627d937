/**
 * The canvas's node list during a drag. Positions of dragged nodes live here, in React Flow's
 * node state, and reach the editor store once, when the drag ends, as one undoable move: the
 * spec (and everything derived from it — the other cards, edges, the JSON view, the dirty mark)
 * then does not change on every pointer move.
 */
import { applyNodeChanges, type NodeChange, type XYPosition } from '@xyflow/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CardNode } from './canvas-model';

/** What the drag hands to the store and to the canvas's own handling of other changes. */
export interface DragCommit {
  /** Final positions of nodes whose drag (or keyboard move) ended in these changes. */
  moved: Record<string, XYPosition>;
  /** Every change that is not a position change (selection, dimensions, …). */
  rest: NodeChange<CardNode>[];
}

/** Splits React Flow's changes: positions of a drag in progress stay local, the rest goes on. */
export function splitPositionChanges(changes: readonly NodeChange<CardNode>[]): {
  dragging: Map<string, XYPosition>;
  commit: DragCommit;
} {
  const dragging = new Map<string, XYPosition>();
  const moved: Record<string, XYPosition> = {};
  const rest: NodeChange<CardNode>[] = [];
  for (const c of changes) {
    if (c.type !== 'position') rest.push(c);
    else if (c.position && c.dragging) dragging.set(c.id, c.position);
    else if (c.position) moved[c.id] = c.position;
  }
  return { dragging, commit: { moved, rest } };
}

/** `derived` with the in-progress positions on top (unchanged nodes keep their objects). */
export function withDragPositions(
  derived: CardNode[],
  positions: ReadonlyMap<string, XYPosition>,
): CardNode[] {
  if (positions.size === 0) return derived;
  return derived.map((n) => {
    const p = positions.get(n.id);
    return p && (p.x !== n.position.x || p.y !== n.position.y)
      ? { ...n, position: { x: p.x, y: p.y }, dragging: true }
      : n;
  });
}

interface Local {
  /** The derived list `nodes` was made from. */
  from: CardNode[];
  nodes: CardNode[];
  /** Positions of the drag in progress, so a store change mid-drag (a measured size, the
   * selection, validation) re-derives the list without snapping the node back. */
  positions: ReadonlyMap<string, XYPosition>;
}

/**
 * The nodes to hand React Flow and its change handler. `derived` is the list derived from the
 * store; `onCommit` receives what the store must know (final positions, selection, sizes).
 */
export function useDragNodes(
  derived: CardNode[],
  onCommit: (commit: DragCommit) => void,
): { nodes: CardNode[]; onNodesChange: (changes: NodeChange<CardNode>[]) => void; dragging: boolean } {
  const [local, setLocal] = useState<Local>(() => ({ from: derived, nodes: derived, positions: new Map() }));
  let current = local;
  if (local.from !== derived) {
    current = { ...local, from: derived, nodes: withDragPositions(derived, local.positions) };
    setLocal(current);
  }

  const commitRef = useRef(onCommit);
  useEffect(() => {
    commitRef.current = onCommit;
  }, [onCommit]);

  const onNodesChange = useCallback((changes: NodeChange<CardNode>[]) => {
    const { dragging, commit } = splitPositionChanges(changes);
    const ended = Object.keys(commit.moved);
    if (dragging.size > 0 || ended.length > 0) {
      const positional = changes.filter((c) => c.type === 'position');
      setLocal((s) => {
        const positions = new Map(s.positions);
        for (const [id, p] of dragging) positions.set(id, p);
        for (const id of ended) positions.delete(id);
        // A drag's end shows its final position until the store's move (in this same event) lands.
        return { from: s.from, nodes: applyNodeChanges(positional, s.nodes), positions };
      });
    }
    if (ended.length > 0 || commit.rest.length > 0) commitRef.current(commit);
  }, []);

  return { nodes: current.nodes, onNodesChange, dragging: current.positions.size > 0 };
}
