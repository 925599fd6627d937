/**
 * The canvas's nodes and edges, derived from the spec (the single source of truth) and the
 * selection. Unchanged nodes keep their object identity between derivations so React Flow and
 * the memoised cards skip them.
 */
import type { Edge, Node } from '@xyflow/react';
import { edgeKey } from '../../../api/index';
import type { PipelineSpec, SpecEdge, SpecNode } from '../../../spec/types';
import { inputPortsOf, outputPortsOf, parseEnd } from '../store/ports';

export interface PortView {
  name: string;
  label: string;
  /** A port an edge names that the registry does not offer (shown so the edge stays visible). */
  unknown?: boolean;
}

export interface CardData extends Record<string, unknown> {
  node: SpecNode;
  inputs: PortView[];
  outputs: PortView[];
}

export type CardNode = Node<CardData, 'card'>;

export interface SpecEdgeData extends Record<string, unknown> {
  /** `edgeKey()` of the spec edge (what the run view and the selection use). */
  key: string;
  index: number;
}

export type SpecFlowEdge = Edge<SpecEdgeData, 'spec'>;

export type Sizes = Readonly<Record<string, { width: number; height: number }>>;

function ports(declared: { name: string; label: string }[], used: Set<string>): PortView[] {
  const out: PortView[] = declared.map((p) => ({ name: p.name, label: p.label }));
  for (const name of used)
    if (!out.some((p) => p.name === name)) out.push({ name, label: name, unknown: true });
  return out;
}

function samePorts(a: PortView[], b: PortView[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]?.name && p.label === b[i]?.label);
}

export function deriveNodes(
  spec: PipelineSpec,
  selected: readonly string[],
  sizes: Sizes,
  previous: ReadonlyMap<string, CardNode>,
): CardNode[] {
  const usedIn = new Map<string, Set<string>>();
  const usedOut = new Map<string, Set<string>>();
  for (const e of spec.edges) {
    const from = parseEnd(e.from, 'from', spec);
    const to = parseEnd(e.to, 'to', spec);
    (usedOut.get(from.node) ?? usedOut.set(from.node, new Set()).get(from.node))?.add(from.port);
    (usedIn.get(to.node) ?? usedIn.set(to.node, new Set()).get(to.node))?.add(to.port);
  }
  const sel = new Set(selected);
  return spec.nodes.map((node, i) => {
    const inputs = ports(inputPortsOf(node), usedIn.get(node.id) ?? new Set());
    const outputs = ports(outputPortsOf(node), usedOut.get(node.id) ?? new Set());
    const position = node.ui ?? { x: (i % 5) * 260, y: Math.floor(i / 5) * 140 };
    const size = sizes[node.id];
    const prev = previous.get(node.id);
    if (
      prev &&
      prev.data.node === node &&
      prev.selected === sel.has(node.id) &&
      prev.position.x === position.x &&
      prev.position.y === position.y &&
      prev.measured?.width === size?.width &&
      prev.measured?.height === size?.height &&
      samePorts(prev.data.inputs, inputs) &&
      samePorts(prev.data.outputs, outputs)
    ) {
      return prev;
    }
    const rf: CardNode = {
      id: node.id,
      type: 'card',
      position: { x: position.x, y: position.y },
      data: { node, inputs, outputs },
      selected: sel.has(node.id),
    };
    if (size) rf.measured = { width: size.width, height: size.height };
    return rf;
  });
}

/**
 * React Flow edges for the spec's edges. With `previous` (the last result by spec edge), an
 * edge whose spec edge, index, selection and ports are unchanged keeps its object, so a node
 * drag does not re-render every edge.
 */
export function deriveEdges(
  spec: PipelineSpec,
  selected: readonly string[],
  previous?: WeakMap<SpecEdge, SpecFlowEdge>,
): SpecFlowEdge[] {
  const sel = new Set(selected);
  return spec.edges.map((e, index) => {
    const from = parseEnd(e.from, 'from', spec);
    const to = parseEnd(e.to, 'to', spec);
    const key = edgeKey(e);
    const prev = previous?.get(e);
    if (
      prev &&
      prev.data?.index === index &&
      prev.selected === sel.has(key) &&
      prev.sourceHandle === from.port &&
      prev.targetHandle === to.port
    )
      return prev;
    const edge: SpecFlowEdge = {
      id: `${key}#${index}`,
      type: 'spec',
      source: from.node,
      sourceHandle: from.port,
      target: to.node,
      targetHandle: to.port,
      selected: sel.has(key),
      data: { key, index },
    };
    previous?.set(e, edge);
    return edge;
  });
}
