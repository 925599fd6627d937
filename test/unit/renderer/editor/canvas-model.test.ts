import { describe, expect, it } from 'vitest';
import {
  deriveEdges,
  deriveNodes,
  type CardNode,
  type SpecFlowEdge,
} from '../../../../src/renderer/src/editor/canvas-model';
import { moveNodes } from '../../../../src/renderer/src/store/spec-ops';
import type { PipelineSpec, SpecEdge } from '../../../../src/spec/types';

const spec: PipelineSpec = {
  kflow: 1,
  name: 'p',
  nodes: [
    { id: 'a', kind: 'source.topic', config: { topic: 'a' }, ui: { x: 0, y: 0 } },
    { id: 'b', kind: 'branch', config: { routes: [{ name: 'big', where: 'x > 1' }] }, ui: { x: 200, y: 0 } },
    { id: 'c', kind: 'sink.topic', config: { topic: 'c' }, ui: { x: 400, y: 0 } },
  ],
  edges: [
    { from: 'a', to: 'b' },
    { from: 'b.big', to: 'c' },
  ],
};

describe('deriveNodes', () => {
  it('gives a branch one output per route plus otherwise', () => {
    const nodes = deriveNodes(spec, [], {}, new Map());
    expect(nodes[1]?.data.outputs.map((p) => p.name)).toEqual(['big', 'otherwise']);
    expect(nodes[1]?.data.inputs.map((p) => p.name)).toEqual(['in']);
  });

  it('keeps an edge’s port visible when the registry does not offer it', () => {
    const broken = { ...spec, edges: [...spec.edges, { from: 'b.small', to: 'c' }] };
    const nodes = deriveNodes(broken, [], {}, new Map());
    expect(nodes[1]?.data.outputs.find((p) => p.name === 'small')).toEqual({
      name: 'small',
      label: 'small',
      unknown: true,
    });
  });

  it('reuses the objects of nodes that did not change', () => {
    const first = deriveNodes(spec, [], {}, new Map());
    const moved = moveNodes(spec, { c: { x: 500, y: 10 } });
    const second = deriveNodes(moved, [], {}, new Map<string, CardNode>(first.map((n) => [n.id, n])));
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toBe(first[1]);
    expect(second[2]).not.toBe(first[2]);
    expect(second[2]?.position).toEqual({ x: 500, y: 10 });
  });
});

describe('deriveEdges', () => {
  it('maps spec edges onto handles and keys', () => {
    const edges = deriveEdges(spec, ['b.big->c.in']);
    expect(edges.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle, e.selected])).toEqual([
      ['a', 'out', 'b', 'in', false],
      ['b', 'big', 'c', 'in', true],
    ]);
    expect(edges[1]?.data?.key).toBe('b.big->c.in');
  });

  it('reuses edge objects while their spec edge is the same', () => {
    const cache = new WeakMap<SpecEdge, SpecFlowEdge>();
    const first = deriveEdges(spec, [], cache);
    const second = deriveEdges(moveNodes(spec, { a: { x: 5, y: 5 } }), [], cache);
    expect(second[0]).toBe(first[0]);
    const third = deriveEdges(spec, ['a.out->b.in'], cache);
    expect(third[0]).not.toBe(first[0]);
    expect(third[1]).toBe(first[1]);
  });
});
