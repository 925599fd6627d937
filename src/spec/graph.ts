/**
 * @module spec/graph
 * The graph layer: edges that point nowhere, ports that do not exist or take too
 * many edges, cycles, and nodes cut off from every source or every sink.
 */
import { getNodeKind, outputPorts, type NodeDefinition } from '../nodes/index';
import { closest, problem } from './problems';
import type { PipelineSpec, Problem } from './types';

/** A checked edge between two existing ports. */
export interface ResolvedEdge {
  index: number;
  from: string;
  fromPort: string;
  to: string;
  toPort: string;
}

export interface PipelineGraph {
  edges: ResolvedEdge[];
  /** Node ids in an order where every node comes after its inputs (nodes in cycles are left out). */
  order: string[];
  /** Node ids that sit on a cycle. */
  cyclic: Set<string>;
}

/**
 * Checks the graph. `configs` holds the config of every node whose schema passed
 * (output ports of a branch depend on it); others get no port checks.
 */
export function checkGraph(
  spec: PipelineSpec,
  configs: Map<string, Record<string, unknown>>,
  problems: Problem[],
): PipelineGraph {
  const defs = new Map<string, NodeDefinition | undefined>();
  const indexOf = new Map<string, number>();
  spec.nodes.forEach((n, i) => {
    if (indexOf.has(n.id)) {
      problems.push(
        problem(
          'error',
          n.id,
          `nodes[${i}].id`,
          `node id "${n.id}" is used by nodes[${indexOf.get(n.id)}] too; ids must be unique`,
        ),
      );
      return;
    }
    indexOf.set(n.id, i);
    defs.set(n.id, getNodeKind(n.kind));
  });
  if (spec.nodes.length === 0)
    problems.push(problem('error', null, 'nodes', 'the pipeline has no nodes; add a source and a sink'));

  const edges: ResolvedEdge[] = [];
  const seen = new Set<string>();
  spec.edges.forEach((edge, index) => {
    const from = resolveEnd(edge.from, 'from', index, defs, configs, indexOf, problems);
    const to = resolveEnd(edge.to, 'to', index, defs, configs, indexOf, problems);
    if (!from || !to) return;
    const key = `${from.node}.${from.port}->${to.node}.${to.port}`;
    if (seen.has(key)) {
      problems.push(
        problem(
          'error',
          to.node,
          `edges[${index}]`,
          `this edge repeats an earlier one (${edge.from} → ${edge.to})`,
        ),
      );
      return;
    }
    seen.add(key);
    if (from.node === to.node) {
      problems.push(problem('error', to.node, `edges[${index}]`, `node "${to.node}" is connected to itself`));
      return;
    }
    edges.push({ index, from: from.node, fromPort: from.port, to: to.node, toPort: to.port });
  });

  // Port arity: every input needs an edge, and only `many` inputs take several.
  for (const [id, def] of defs) {
    if (!def) continue;
    const i = indexOf.get(id) as number;
    for (const port of def.inputs) {
      const incoming = edges.filter((e) => e.to === id && e.toPort === port.name);
      if (incoming.length === 0) {
        problems.push(problem('error', id, `nodes[${i}]`, `input "${port.name}" is not connected`));
      } else if (incoming.length > 1 && !port.many) {
        for (const e of incoming.slice(1)) {
          problems.push(
            problem(
              'error',
              id,
              `edges[${e.index}].to`,
              `input "${port.name}" of "${id}" takes one edge; put a merge node before it to combine streams`,
            ),
          );
        }
      }
    }
    const config = configs.get(id);
    if (config && def.category !== 'sink') {
      for (const port of outputPorts(def, config)) {
        if (port.optional) continue;
        if (!edges.some((e) => e.from === id && e.fromPort === port.name)) {
          problems.push(
            problem(
              'warning',
              id,
              `nodes[${i}]`,
              `output "${port.name}" is not connected; its records go nowhere`,
            ),
          );
        }
      }
    }
  }

  const { order, cyclic } = topoSort([...indexOf.keys()], edges);
  if (cyclic.size > 0) {
    const loop = closingEdge(spec, edges, cyclic);
    const ids = [...cyclic].join(', ');
    problems.push(
      problem(
        'error',
        loop?.to ?? null,
        loop ? `edges[${loop.index}]` : 'edges',
        `the pipeline has a cycle through ${ids}; records must flow from sources to sinks`,
      ),
    );
  }

  // Every source should reach a sink, and every sink should be fed from a source.
  const isSource = (id: string) => defs.get(id)?.category === 'source';
  const isSink = (id: string) => defs.get(id)?.category === 'sink';
  const downstream = reach(edges, 'forward');
  const upstream = reach(edges, 'backward');
  for (const [id, i] of indexOf) {
    if (!defs.get(id)) continue;
    if (isSource(id) && ![...downstream(id)].some(isSink)) {
      problems.push(
        problem(
          'error',
          id,
          `nodes[${i}]`,
          `source "${id}" has no path to a sink, so what it reads is never written anywhere`,
        ),
      );
    }
    if (isSink(id) && ![...upstream(id)].some(isSource)) {
      problems.push(
        problem(
          'error',
          id,
          `nodes[${i}]`,
          `sink "${id}" cannot be reached from any source, so it would never receive records`,
        ),
      );
    }
  }
  return { edges, order, cyclic };
}

function resolveEnd(
  text: string,
  side: 'from' | 'to',
  index: number,
  defs: Map<string, NodeDefinition | undefined>,
  configs: Map<string, Record<string, unknown>>,
  indexOf: Map<string, number>,
  problems: Problem[],
): { node: string; port: string } | undefined {
  const path = `edges[${index}].${side}`;
  const dot = text.indexOf('.');
  const node = dot < 0 ? text : text.slice(0, dot);
  const portGiven = dot < 0 ? undefined : text.slice(dot + 1);
  if (!indexOf.has(node)) {
    const hint = closest(node, indexOf.keys());
    problems.push(
      problem('error', null, path, `no node "${node}"${hint ? `; did you mean "${hint}"?` : ''}`),
    );
    return undefined;
  }
  const def = defs.get(node);
  if (!def) return undefined; // unknown kind, already reported
  const config = configs.get(node);
  let ports: string[];
  if (side === 'to') ports = def.inputs.map((p) => p.name);
  else if (config) ports = outputPorts(def, config).map((p) => p.name);
  else return portGiven === undefined ? { node, port: 'out' } : { node, port: portGiven }; // config invalid: cannot check
  if (ports.length === 0) {
    problems.push(
      problem(
        'error',
        node,
        path,
        side === 'to'
          ? `"${node}" is a ${def.kind} and has no inputs`
          : `"${node}" is a ${def.kind} and has no outputs`,
      ),
    );
    return undefined;
  }
  if (portGiven === undefined) {
    if (ports.length === 1) return { node, port: ports[0] as string };
    // A window's `out` is its main output; its `late` output must be named.
    if (side === 'from' && ports[0] === 'out') return { node, port: 'out' };
    problems.push(
      problem(
        'error',
        node,
        path,
        `"${node}" has ${side === 'to' ? 'inputs' : 'outputs'} ${ports.join(', ')}; write "${node}.${ports[0]}" to say which`,
      ),
    );
    return undefined;
  }
  if (!ports.includes(portGiven)) {
    const kind = side === 'to' ? 'input' : 'output';
    problems.push(
      problem(
        'error',
        node,
        path,
        `"${node}" (${def.kind}) has no ${kind} "${portGiven}"; its ${kind}s are ${ports.join(', ')}`,
      ),
    );
    return undefined;
  }
  return { node, port: portGiven };
}

/** Kahn's algorithm; whatever cannot be ordered sits on (or after) a cycle. */
function topoSort(ids: string[], edges: ResolvedEdge[]): { order: string[]; cyclic: Set<string> } {
  const indegree = new Map(ids.map((id) => [id, 0]));
  for (const e of edges) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const queue = ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    order.push(id);
    for (const to of out.get(id) ?? []) {
      const d = (indegree.get(to) as number) - 1;
      indegree.set(to, d);
      if (d === 0) queue.push(to);
    }
  }
  const ordered = new Set(order);
  const rest = new Set(ids.filter((id) => !ordered.has(id)));
  // Nodes merely downstream of a cycle are not on it: keep only those that reach themselves.
  const forward = reach(
    edges.filter((e) => rest.has(e.from) && rest.has(e.to)),
    'forward',
  );
  const cyclic = new Set([...rest].filter((id) => forward(id).has(id)));
  return { order, cyclic };
}

function reach(edges: ResolvedEdge[], direction: 'forward' | 'backward'): (id: string) => Set<string> {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    const [a, b] = direction === 'forward' ? [e.from, e.to] : [e.to, e.from];
    next.set(a, [...(next.get(a) ?? []), b]);
  }
  return (start) => {
    const seen = new Set<string>();
    const stack = [...(next.get(start) ?? [])];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(next.get(id) ?? []));
    }
    return seen;
  };
}

/**
 * The edge that closes a cycle when walking from the sources in spec order: the
 * one a person drew "back", so it is the one to point at.
 */
function closingEdge(
  spec: PipelineSpec,
  edges: ResolvedEdge[],
  cyclic: Set<string>,
): ResolvedEdge | undefined {
  const out = new Map<string, ResolvedEdge[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const state = new Map<string, 'open' | 'done'>();
  const hasIncoming = new Set(edges.map((e) => e.to));
  const starts = [...spec.nodes.filter((n) => !hasIncoming.has(n.id)), ...spec.nodes].map((n) => n.id);
  for (const start of starts) {
    if (state.has(start)) continue;
    // Iterative DFS: each frame is a node and the index of its next edge.
    const stack: [string, number][] = [[start, 0]];
    state.set(start, 'open');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as [string, number];
      const next = out.get(frame[0])?.[frame[1]++];
      if (!next) {
        state.set(frame[0], 'done');
        stack.pop();
      } else if (state.get(next.to) === 'open' && cyclic.has(next.to)) {
        return next;
      } else if (!state.has(next.to)) {
        state.set(next.to, 'open');
        stack.push([next.to, 0]);
      }
    }
  }
  return edges.find((e) => cyclic.has(e.from) && cyclic.has(e.to));
}
