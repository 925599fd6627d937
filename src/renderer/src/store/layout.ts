/**
 * Auto-layout: sources on the left, sinks on the right, ranks by graph depth (dagre). Node
 * sizes are the measured card sizes when the canvas knows them, a typical card otherwise.
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { PipelineSpec } from '../../../spec/types';
import { parseEnd } from './ports';
import { moveNodes, type Position } from './spec-ops';

export const DEFAULT_NODE_SIZE = { width: 220, height: 96 };

export type Sizes = Readonly<Record<string, { width: number; height: number }>>;

/** Top-left positions of every node after a left-to-right layered layout. */
export function layoutPositions(spec: PipelineSpec, sizes: Sizes = {}): Record<string, Position> {
  const g = new Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(spec.nodes.map((n) => n.id));
  for (const n of spec.nodes) {
    const size = sizes[n.id] ?? DEFAULT_NODE_SIZE;
    g.setNode(n.id, { width: size.width, height: size.height });
  }
  spec.edges.forEach((e, i) => {
    const from = parseEnd(e.from, 'from').node;
    const to = parseEnd(e.to, 'to').node;
    if (ids.has(from) && ids.has(to) && from !== to) g.setEdge(from, to, {}, String(i));
  });
  layout(g);
  const out: Record<string, Position> = {};
  for (const n of spec.nodes) {
    const laid = g.node(n.id) as { x: number; y: number; width: number; height: number } | undefined;
    if (!laid) continue;
    // dagre answers centres; the spec keeps top-left corners like the canvas.
    out[n.id] = { x: laid.x - laid.width / 2, y: laid.y - laid.height / 2 };
  }
  return out;
}

export function autoLayout(spec: PipelineSpec, sizes: Sizes = {}): PipelineSpec {
  return moveNodes(spec, layoutPositions(spec, sizes));
}
