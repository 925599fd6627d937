import { describe, expect, it } from 'vitest';
import type { PipelineSpec } from '../../../../src/spec/types';
import {
  addNode,
  changeNodeId,
  connect,
  copyNodes,
  disconnect,
  duplicateNodes,
  EditError,
  moveNodes,
  pasteFragment,
  removeNodes,
  renameNode,
  setIn,
  setPipelineField,
  uniqueId,
  updateConfig,
} from '../../../../src/renderer/src/store/spec-ops';
import { connectionProblem, parseEnd } from '../../../../src/renderer/src/store/ports';
import { autoLayout } from '../../../../src/renderer/src/store/layout';

function pipeline(): PipelineSpec {
  return {
    kflow: 1,
    name: 'orders',
    nodes: [
      { id: 'orders', kind: 'source.topic', config: { topic: 'orders' }, ui: { x: 0, y: 0 } },
      { id: 'payments', kind: 'source.topic', config: { topic: 'payments' }, ui: { x: 0, y: 200 } },
      { id: 'match', kind: 'join.stream-stream', config: { within: '5m' }, ui: { x: 300, y: 100 } },
      { id: 'out', kind: 'sink.topic', config: { topic: 'matched' }, ui: { x: 600, y: 100 } },
    ],
    edges: [
      { from: 'orders', to: 'match.left' },
      { from: 'match', to: 'out' },
    ],
  };
}

describe('addNode', () => {
  it('adds a node of the kind at the position with an id made from the kind', () => {
    const { spec, id } = addNode(pipeline(), 'filter', { x: 10.4, y: 20.6 });
    expect(id).toBe('filter');
    expect(spec.nodes.at(-1)).toEqual({ id: 'filter', kind: 'filter', config: {}, ui: { x: 10, y: 21 } });
  });

  it('numbers ids that are taken', () => {
    const one = addNode(pipeline(), 'window.tumbling', { x: 0, y: 0 });
    const two = addNode(one.spec, 'window.tumbling', { x: 0, y: 0 });
    expect([one.id, two.id]).toEqual(['window-tumbling', 'window-tumbling-2']);
  });

  it('refuses an unknown kind', () => {
    expect(() => addNode(pipeline(), 'nope', { x: 0, y: 0 })).toThrow(EditError);
  });

  it('leaves the input spec untouched', () => {
    const before = pipeline();
    addNode(before, 'filter', { x: 0, y: 0 });
    expect(before).toEqual(pipeline());
  });
});

describe('removeNodes', () => {
  it('removes the nodes and every edge touching them', () => {
    const spec = removeNodes(pipeline(), ['match']);
    expect(spec.nodes.map((n) => n.id)).toEqual(['orders', 'payments', 'out']);
    expect(spec.edges).toEqual([]);
  });
});

describe('moveNodes', () => {
  it('moves only the named nodes, rounding to whole pixels', () => {
    const spec = moveNodes(pipeline(), { out: { x: 700.2, y: 99.5 } });
    expect(spec.nodes[3]?.ui).toEqual({ x: 700, y: 100 });
    expect(spec.nodes[0]?.ui).toEqual({ x: 0, y: 0 });
  });

  it('returns the same spec when nothing moved', () => {
    const before = pipeline();
    expect(moveNodes(before, { out: { x: 600, y: 100 } })).toBe(before);
  });
});

describe('connect', () => {
  it('adds an edge to the named port of a join', () => {
    const spec = connect(pipeline(), { node: 'payments', port: 'out' }, { node: 'match', port: 'right' });
    expect(spec.edges.at(-1)).toEqual({ from: 'payments', to: 'match.right' });
  });

  it('writes the output port when it is not the default', () => {
    const withLate = addNode(pipeline(), 'sink.topic', { x: 0, y: 0 }).spec;
    const spec = connect(withLate, { node: 'match', port: 'late' }, { node: 'sink-topic', port: 'in' });
    expect(spec.edges.at(-1)).toEqual({ from: 'match.late', to: 'sink-topic' });
  });

  it('refuses a self-loop', () => {
    const spec = addNode(pipeline(), 'filter', { x: 0, y: 0 }).spec;
    expect(connectionProblem(spec, { node: 'filter', port: 'out' }, { node: 'filter', port: 'in' })).toMatch(
      /cannot feed itself/,
    );
  });

  it('refuses a cycle', () => {
    let spec = addNode(pipeline(), 'filter', { x: 0, y: 0 }).spec;
    spec = connect(spec, { node: 'match', port: 'out' }, { node: 'filter', port: 'in' });
    expect(() => connect(spec, { node: 'filter', port: 'out' }, { node: 'match', port: 'right' })).toThrow(
      /cycle/,
    );
  });

  it('refuses a second edge into a single-input port', () => {
    expect(() =>
      connect(pipeline(), { node: 'payments', port: 'out' }, { node: 'match', port: 'left' }),
    ).toThrow(/takes one edge/);
  });

  it('accepts several edges into a merge', () => {
    let spec = addNode(pipeline(), 'merge', { x: 0, y: 0 }).spec;
    spec = connect(spec, { node: 'orders', port: 'out' }, { node: 'merge', port: 'in' });
    spec = connect(spec, { node: 'payments', port: 'out' }, { node: 'merge', port: 'in' });
    expect(spec.edges.slice(-2)).toEqual([
      { from: 'orders', to: 'merge' },
      { from: 'payments', to: 'merge' },
    ]);
  });

  it('refuses output to output and edges into a source', () => {
    expect(
      connectionProblem(pipeline(), { node: 'orders', port: 'out' }, { node: 'match', port: 'out' }),
    ).toMatch(/is an output/);
    expect(
      connectionProblem(pipeline(), { node: 'match', port: 'out' }, { node: 'payments', port: 'in' }),
    ).toMatch(/source and takes no input/);
  });

  it('refuses a duplicate edge', () => {
    expect(
      connectionProblem(pipeline(), { node: 'match', port: 'out' }, { node: 'out', port: 'in' }),
    ).toMatch(/already connected/);
  });
});

describe('disconnect', () => {
  it('removes the edges at the indexes', () => {
    expect(disconnect(pipeline(), [0]).edges).toEqual([{ from: 'match', to: 'out' }]);
  });
});

describe('updateConfig', () => {
  it('sets a nested value without touching other nodes', () => {
    const spec = updateConfig(pipeline(), 'match', ['grace'], '10s');
    expect(spec.nodes[2]?.config).toEqual({ within: '5m', grace: '10s' });
    expect(spec.nodes[0]).toEqual(pipeline().nodes[0]);
  });

  it('removes a value set to undefined', () => {
    const spec = updateConfig(pipeline(), 'match', ['within'], undefined);
    expect(spec.nodes[2]?.config).toEqual({});
  });

  it('creates arrays for numeric path parts and removes array items', () => {
    expect(setIn({}, ['routes', 0, 'name'], 'big')).toEqual({ routes: [{ name: 'big' }] });
    expect(setIn({ a: [1, 2, 3] }, ['a', 1], undefined)).toEqual({ a: [1, 3] });
  });
});

describe('rename and ids', () => {
  it('sets the display name after the kind, and an empty name removes it', () => {
    const named = renameNode(pipeline(), 'out', 'Matched orders');
    expect(Object.keys(named.nodes[3] ?? {})).toEqual(['id', 'kind', 'name', 'config', 'ui']);
    expect(named.nodes[3]?.name).toBe('Matched orders');
    expect('name' in (renameNode(named, 'out', ' ').nodes[3] ?? {})).toBe(false);
  });

  it('changes an id and the edges naming it', () => {
    const spec = changeNodeId(pipeline(), 'match', 'pair');
    expect(spec.edges).toEqual([
      { from: 'orders', to: 'pair.left' },
      { from: 'pair', to: 'out' },
    ]);
    expect(() => changeNodeId(pipeline(), 'match', 'orders')).toThrow(/exists/);
    expect(() => changeNodeId(pipeline(), 'match', '9x')).toThrow(/starts with a letter/);
  });

  it('sets and removes pipeline fields', () => {
    const spec = setPipelineField(pipeline(), 'description', 'joins orders');
    expect(Object.keys(spec)).toEqual(['kflow', 'name', 'description', 'nodes', 'edges']);
    expect('description' in setPipelineField(spec, 'description', '')).toBe(false);
  });
});

describe('copy, paste and duplicate', () => {
  it('copies the nodes and only the edges between them', () => {
    const fragment = copyNodes(pipeline(), ['match', 'out']);
    expect(fragment.nodes.map((n) => n.id)).toEqual(['match', 'out']);
    expect(fragment.edges).toEqual([{ from: 'match', to: 'out' }]);
  });

  it('pastes with fresh ids, offset positions and edges renamed', () => {
    const result = pasteFragment(pipeline(), copyNodes(pipeline(), ['match', 'out']), { x: 40, y: 40 });
    expect(result.ids).toEqual(['match-2', 'out-2']);
    expect(result.spec.nodes.slice(-2).map((n) => n.ui)).toEqual([
      { x: 340, y: 140 },
      { x: 640, y: 140 },
    ]);
    expect(result.spec.edges.at(-1)).toEqual({ from: 'match-2', to: 'out-2' });
  });

  it('duplicates selected nodes', () => {
    const result = duplicateNodes(pipeline(), ['orders']);
    expect(result.spec.nodes.at(-1)).toEqual({
      id: 'orders-2',
      kind: 'source.topic',
      config: { topic: 'orders' },
      ui: { x: 40, y: 40 },
    });
  });

  it('makes ids from a base that ends in a number', () => {
    expect(uniqueId(pipeline(), 'out-7')).toBe('out-2');
  });
});

describe('autoLayout', () => {
  it('places every node to the right of the nodes feeding it', () => {
    const spec = autoLayout(
      connect(pipeline(), { node: 'payments', port: 'out' }, { node: 'match', port: 'right' }),
    );
    const x = Object.fromEntries(spec.nodes.map((n) => [n.id, n.ui?.x ?? NaN]));
    expect(x['orders']).toBeLessThan(x['match'] as number);
    expect(x['payments']).toBeLessThan(x['match'] as number);
    expect(x['match']).toBeLessThan(x['out'] as number);
  });
});

describe('parseEnd', () => {
  it('defaults from to out and to to the only input', () => {
    expect(parseEnd('a', 'from')).toEqual({ node: 'a', port: 'out' });
    expect(parseEnd('match.left', 'to')).toEqual({ node: 'match', port: 'left' });
    expect(parseEnd('out', 'to', pipeline())).toEqual({ node: 'out', port: 'in' });
  });
});
