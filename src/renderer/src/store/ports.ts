/**
 * Ports of spec nodes as the canvas shows them, and the rules a new connection must meet.
 * Ports come from the node registry (the same source `src/spec/graph.ts` checks against), so
 * the canvas offers exactly the handles the validator accepts.
 */
import { getNodeKind, outputPorts, type PortDecl } from '../../../nodes/index';
import type { PipelineSpec, SpecEdge, SpecNode } from '../../../spec/types';

export interface EdgeEnd {
  node: string;
  port: string;
}

// Specs are never changed in place, so an index per spec object stays true.
const indexes = new WeakMap<PipelineSpec, Map<string, SpecNode>>();

/** The spec's nodes by id (the first node of an id, as the validator reads them). */
export function nodeIndex(spec: PipelineSpec): Map<string, SpecNode> {
  let index = indexes.get(spec);
  if (!index) {
    index = new Map();
    for (const n of spec.nodes) if (!index.has(n.id)) index.set(n.id, n);
    indexes.set(spec, index);
  }
  return index;
}

/** `a` → `{ node: 'a', port: 'out' }` (from) or `{ node: 'a', port: <its only input> }` (to). */
export function parseEnd(end: string, side: 'from' | 'to', spec?: PipelineSpec): EdgeEnd {
  const dot = end.indexOf('.');
  if (dot >= 0) return { node: end.slice(0, dot), port: end.slice(dot + 1) };
  if (side === 'from') return { node: end, port: 'out' };
  const node = spec ? nodeIndex(spec).get(end) : undefined;
  const inputs = node ? getNodeKind(node.kind)?.inputs : undefined;
  return { node: end, port: inputs?.length === 1 ? (inputs[0] as PortDecl).name : 'in' };
}

/** Input ports of a node (none for an unknown kind). */
export function inputPortsOf(node: SpecNode): PortDecl[] {
  return getNodeKind(node.kind)?.inputs ?? [];
}

/**
 * Output ports of a node. A branch's ports depend on its config; while that config does not
 * parse, the ports are the route names that can be read from it.
 */
export function outputPortsOf(node: SpecNode): PortDecl[] {
  const def = getNodeKind(node.kind);
  if (!def) return [];
  if (typeof def.outputs !== 'function') return def.outputs;
  const parsed = def.config.safeParse(node.config);
  if (parsed.success) {
    try {
      return outputPorts(def, parsed.data);
    } catch {
      return [];
    }
  }
  return [];
}

/** The text of an edge end: the bare node id when the port is the one it defaults to. */
export function formatEnd(spec: PipelineSpec, end: EdgeEnd, side: 'from' | 'to'): string {
  const implied = parseEnd(end.node, side, spec);
  if (implied.port !== end.port) return `${end.node}.${end.port}`;
  if (side === 'from') {
    // A bare id on a node with several outputs is ambiguous unless the first is `out`.
    const node = spec.nodes.find((n) => n.id === end.node);
    const outs = node ? outputPortsOf(node) : [];
    if (outs.length > 1 && outs[0]?.name !== 'out') return `${end.node}.${end.port}`;
  } else {
    const node = spec.nodes.find((n) => n.id === end.node);
    if (node && inputPortsOf(node).length > 1) return `${end.node}.${end.port}`;
  }
  return end.node;
}

export function sameEnd(a: EdgeEnd, b: EdgeEnd): boolean {
  return a.node === b.node && a.port === b.port;
}

export function resolvedEdges(spec: PipelineSpec): { from: EdgeEnd; to: EdgeEnd; edge: SpecEdge }[] {
  return spec.edges.map((edge) => ({
    edge,
    from: parseEnd(edge.from, 'from', spec),
    to: parseEnd(edge.to, 'to', spec),
  }));
}

/** Why `from → to` may not be drawn, or null when it may. */
export function connectionProblem(spec: PipelineSpec, from: EdgeEnd, to: EdgeEnd): string | null {
  const source = spec.nodes.find((n) => n.id === from.node);
  const target = spec.nodes.find((n) => n.id === to.node);
  if (!source || !target) return 'both ends must be nodes of this pipeline';
  if (from.node === to.node) return `"${from.node}" cannot feed itself`;
  if (!outputPortsOf(source).some((p) => p.name === from.port)) {
    return inputPortsOf(source).some((p) => p.name === from.port)
      ? `"${from.port}" of "${from.node}" is an input; drag from an output`
      : `"${from.node}" has no output "${from.port}"`;
  }
  const input = inputPortsOf(target).find((p) => p.name === to.port);
  if (!input) {
    if (inputPortsOf(target).length === 0) return `"${to.node}" is a source and takes no input`;
    return outputPortsOf(target).some((p) => p.name === to.port)
      ? `"${to.port}" of "${to.node}" is an output; connect an output to an input`
      : `"${to.node}" has no input "${to.port}"`;
  }
  const edges = resolvedEdges(spec);
  if (edges.some((e) => sameEnd(e.from, from) && sameEnd(e.to, to)))
    return 'these ports are already connected';
  if (!input.many && edges.some((e) => sameEnd(e.to, to))) {
    return `input "${to.port}" of "${to.node}" takes one edge; put a merge node before it to combine streams`;
  }
  if (reaches(edges, to.node, from.node)) {
    return `"${to.node}" already feeds "${from.node}"; this edge would make a cycle`;
  }
  return null;
}

function reaches(edges: { from: EdgeEnd; to: EdgeEnd }[], start: string, goal: string): boolean {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from.node, [...(next.get(e.from.node) ?? []), e.to.node]);
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === goal) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}
