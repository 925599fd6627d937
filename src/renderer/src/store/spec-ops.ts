/**
 * Edit operations on a pipeline spec, as pure functions: each takes a spec and returns a new
 * one (unchanged parts shared), so the store can keep old specs for undo and the canvas can
 * derive its nodes from whichever spec is current. Nothing here knows about React.
 */
import { getNodeKind } from '../../../nodes/index';
import type { PipelineSpec, SpecEdge, SpecNode } from '../../../spec/types';
import { connectionProblem, formatEnd, parseEnd, type EdgeEnd } from './ports';

export type ConfigPath = readonly (string | number)[];

export interface Position {
  x: number;
  y: number;
}

/** Nodes and the edges between them, as copied to the clipboard. */
export interface Fragment {
  kflowFragment: 1;
  nodes: SpecNode[];
  edges: SpecEdge[];
}

/** A refused edit, with the reason in the user's words. */
export class EditError extends Error {
  override readonly name = 'EditError';
}

const NODE_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Serializes as kflow writes spec files: two-space JSON and a final newline. */
export function serializeSpec(spec: PipelineSpec): string {
  return `${JSON.stringify(spec, null, 2)}\n`;
}

export function emptySpec(name = 'untitled'): PipelineSpec {
  return { kflow: 1, name, nodes: [], edges: [] };
}

/** A fresh id derived from `base` (a kind or an id): `window-tumbling`, `window-tumbling-2`, … */
export function uniqueId(spec: PipelineSpec, base: string, taken: Set<string> = new Set()): string {
  let stem = base.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[^A-Za-z]+/, '') || 'node';
  stem = stem.replace(/-\d+$/, '').slice(0, 56) || 'node';
  const used = new Set([...spec.nodes.map((n) => n.id), ...taken]);
  if (!used.has(stem)) return stem;
  for (let i = 2; ; i++) {
    const id = `${stem}-${i}`;
    if (!used.has(id)) return id;
  }
}

function round(p: Position): Position {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

export function addNode(
  spec: PipelineSpec,
  kind: string,
  at: Position,
  config: Record<string, unknown> = {},
): { spec: PipelineSpec; id: string } {
  if (!getNodeKind(kind)) throw new EditError(`there is no node kind "${kind}"`);
  const id = uniqueId(spec, kind);
  const node: SpecNode = { id, kind, config, ui: round(at) };
  return { spec: { ...spec, nodes: [...spec.nodes, node] }, id };
}

/** Removes nodes and every edge that touches them. */
export function removeNodes(spec: PipelineSpec, ids: readonly string[]): PipelineSpec {
  if (ids.length === 0) return spec;
  const gone = new Set(ids);
  return {
    ...spec,
    nodes: spec.nodes.filter((n) => !gone.has(n.id)),
    edges: spec.edges.filter(
      (e) => !gone.has(parseEnd(e.from, 'from').node) && !gone.has(parseEnd(e.to, 'to').node),
    ),
  };
}

export function moveNodes(spec: PipelineSpec, positions: Readonly<Record<string, Position>>): PipelineSpec {
  let changed = false;
  const nodes = spec.nodes.map((n) => {
    const p = positions[n.id];
    if (!p) return n;
    const next = round(p);
    if (n.ui && n.ui.x === next.x && n.ui.y === next.y) return n;
    changed = true;
    return { ...n, ui: next };
  });
  return changed ? { ...spec, nodes } : spec;
}

/** Adds the edge `from → to`; throws an EditError saying why when the rules refuse it. */
export function connect(spec: PipelineSpec, from: EdgeEnd, to: EdgeEnd): PipelineSpec {
  const why = connectionProblem(spec, from, to);
  if (why) throw new EditError(why);
  const edge: SpecEdge = { from: formatEnd(spec, from, 'from'), to: formatEnd(spec, to, 'to') };
  return { ...spec, edges: [...spec.edges, edge] };
}

/** Removes the edges at these indexes of `spec.edges`. */
export function disconnect(spec: PipelineSpec, indexes: readonly number[]): PipelineSpec {
  if (indexes.length === 0) return spec;
  const gone = new Set(indexes);
  return { ...spec, edges: spec.edges.filter((_, i) => !gone.has(i)) };
}

/** Sets (or with `undefined`, removes) the config value at `path` of one node. */
export function updateConfig(
  spec: PipelineSpec,
  nodeId: string,
  path: ConfigPath,
  value: unknown,
): PipelineSpec {
  return updateNode(spec, nodeId, (n) => ({
    ...n,
    config: setIn(n.config, path, value) as Record<string, unknown>,
  }));
}

/** Sets the display name; an empty name removes it (the id is shown instead). */
export function renameNode(spec: PipelineSpec, nodeId: string, name: string): PipelineSpec {
  return updateNode(spec, nodeId, (n) => {
    const { name: _old, ...rest } = n;
    const trimmed = name.trim();
    if (!trimmed) return rest;
    // Keep `name` where it was in the object, so a rename does not reorder the file.
    return 'name' in n ? { ...n, name: trimmed } : insertAfter(rest, 'kind', 'name', trimmed);
  });
}

/** Changes a node's id and every edge end that names it. */
export function changeNodeId(spec: PipelineSpec, oldId: string, newId: string): PipelineSpec {
  if (oldId === newId) return spec;
  if (!NODE_ID.test(newId))
    throw new EditError('a node id starts with a letter and has up to 64 letters, digits, _ or -');
  if (spec.nodes.some((n) => n.id === newId)) throw new EditError(`a node "${newId}" exists already`);
  const renameEnd = (end: string) => {
    const dot = end.indexOf('.');
    const node = dot < 0 ? end : end.slice(0, dot);
    return node === oldId ? newId + (dot < 0 ? '' : end.slice(dot)) : end;
  };
  return {
    ...updateNode(spec, oldId, (n) => ({ ...n, id: newId })),
    edges: spec.edges.map((e) => {
      const next = { ...e, from: renameEnd(e.from), to: renameEnd(e.to) };
      return next.from === e.from && next.to === e.to ? e : next;
    }),
  };
}

/** Sets a top-level field of the pipeline (`name`, `description`, `connection`); empty text removes optional ones. */
export function setPipelineField(
  spec: PipelineSpec,
  field: 'name' | 'description' | 'connection',
  value: string,
): PipelineSpec {
  if (field === 'name') return { ...spec, name: value };
  if (value === '') {
    const next = { ...spec };
    delete next[field];
    return next;
  }
  return field in spec ? { ...spec, [field]: value } : insertAfter(spec, 'name', field, value);
}

/** The selected nodes and the edges between them. */
export function copyNodes(spec: PipelineSpec, ids: readonly string[]): Fragment {
  const keep = new Set(ids);
  return {
    kflowFragment: 1,
    nodes: spec.nodes.filter((n) => keep.has(n.id)),
    edges: spec.edges.filter(
      (e) => keep.has(parseEnd(e.from, 'from').node) && keep.has(parseEnd(e.to, 'to').node),
    ),
  };
}

export function isFragment(value: unknown): value is Fragment {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Fragment>;
  return (
    v.kflowFragment === 1 &&
    Array.isArray(v.nodes) &&
    Array.isArray(v.edges) &&
    v.nodes.every((n) => typeof n?.id === 'string' && typeof n?.kind === 'string')
  );
}

/** Adds a copy of `fragment` with fresh ids, moved by `offset`; edges follow the new ids. */
export function pasteFragment(
  spec: PipelineSpec,
  fragment: Fragment,
  offset: Position = { x: 40, y: 40 },
): { spec: PipelineSpec; ids: string[] } {
  const renamed = new Map<string, string>();
  const taken = new Set<string>();
  const nodes = fragment.nodes.map((n, i) => {
    const id = uniqueId(spec, n.id, taken);
    taken.add(id);
    renamed.set(n.id, id);
    const base = n.ui ?? { x: i * 40, y: i * 40 };
    return { ...structuredClone(n), id, ui: round({ x: base.x + offset.x, y: base.y + offset.y }) };
  });
  const renameEnd = (end: string) => {
    const dot = end.indexOf('.');
    const node = dot < 0 ? end : end.slice(0, dot);
    return (renamed.get(node) ?? node) + (dot < 0 ? '' : end.slice(dot));
  };
  const edges = fragment.edges
    .filter((e) => renamed.has(parseEnd(e.from, 'from').node) && renamed.has(parseEnd(e.to, 'to').node))
    .map((e) => ({ from: renameEnd(e.from), to: renameEnd(e.to) }));
  return {
    spec: { ...spec, nodes: [...spec.nodes, ...nodes], edges: [...spec.edges, ...edges] },
    ids: nodes.map((n) => n.id),
  };
}

export function duplicateNodes(
  spec: PipelineSpec,
  ids: readonly string[],
): { spec: PipelineSpec; ids: string[] } {
  return pasteFragment(spec, copyNodes(spec, ids));
}

function updateNode(spec: PipelineSpec, nodeId: string, fn: (n: SpecNode) => SpecNode): PipelineSpec {
  const i = spec.nodes.findIndex((n) => n.id === nodeId);
  if (i < 0) throw new EditError(`there is no node "${nodeId}"`);
  const nodes = spec.nodes.slice();
  nodes[i] = fn(spec.nodes[i] as SpecNode);
  return { ...spec, nodes };
}

/** Immutable set at a path; `undefined` removes an object key or an array item. */
export function setIn(target: unknown, path: ConfigPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(target) || (typeof head === 'number' && (target === undefined || target === null))) {
    const arr = Array.isArray(target) ? target.slice() : [];
    const i = Number(head);
    const next = setIn(arr[i], rest, value);
    if (next === undefined) arr.splice(i, 1);
    else arr[i] = next;
    return arr;
  }
  const obj: Record<string, unknown> =
    typeof target === 'object' && target !== null ? { ...(target as Record<string, unknown>) } : {};
  const key = String(head);
  const next = setIn(obj[key], rest, value);
  if (next === undefined) delete obj[key];
  else obj[key] = next;
  return obj;
}

export function getIn(target: unknown, path: ConfigPath): unknown {
  let cur = target;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[String(p)];
  }
  return cur;
}

function insertAfter<T extends object>(obj: T, after: string, key: string, value: unknown): T {
  const out: Record<string, unknown> = {};
  let placed = false;
  for (const [k, v] of Object.entries(obj)) {
    out[k] = v;
    if (k === after) {
      out[key] = value;
      placed = true;
    }
  }
  if (!placed) out[key] = value;
  return out as T;
}
