// @vitest-environment happy-dom
import '../../../support/flow-dom';
import { Position, ReactFlowProvider, type InternalNode } from '@xyflow/react';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CardNode } from '../../../../src/renderer/src/editor/canvas-model';
import { Canvas } from '../../../../src/renderer/src/editor/Canvas';
import { edgeGeometry } from '../../../../src/renderer/src/editor/EdgeLayer';
import { resetEditorStore, useEditorStore } from '../../../../src/renderer/src/store/index';
import type { PipelineSpec } from '../../../../src/spec/types';

type Box = { id: string; x: number; y: number; width: number; height: number; position: Position };

/** A measured card at (x, y) with port boxes relative to its corner, as React Flow keeps them. */
function card(x: number, y: number, ports: { source?: Box[]; target?: Box[] }): InternalNode<CardNode> {
  const handle = (b: Box, type: 'source' | 'target') => ({ ...b, type, nodeId: 'n' });
  return {
    internals: {
      positionAbsolute: { x, y },
      z: 0,
      userNode: {} as CardNode,
      handleBounds: {
        source: ports.source?.map((b) => handle(b, 'source')) ?? null,
        target: ports.target?.map((b) => handle(b, 'target')) ?? null,
      },
    },
  } as unknown as InternalNode<CardNode>;
}

describe('edgeGeometry', () => {
  const out = { id: 'out', x: 230, y: 40, width: 10, height: 10, position: Position.Right };
  const late = { id: 'late', x: 230, y: 70, width: 10, height: 10, position: Position.Right };
  const input = { id: 'in', x: -5, y: 30, width: 10, height: 10, position: Position.Left };

  it('runs from the middle of the source port’s right side to the middle of the target port’s left side', () => {
    const g = edgeGeometry(card(100, 50, { source: [out] }), card(500, 60, { target: [input] }), 'out', 'in');
    // Source: 100 + 230 + 10 = 340, 50 + 40 + 5 = 95. Target: 500 - 5 = 495, 60 + 30 + 5 = 95.
    expect(g?.path.startsWith('M340,95 C')).toBe(true);
    expect(g?.path.endsWith(' 495,95')).toBe(true);
    // The label sits halfway along a level curve.
    expect(g?.labelX).toBeCloseTo((340 + 495) / 2);
    expect(g?.labelY).toBeCloseTo(95);
  });

  it('takes the named port of a node with several', () => {
    const g = edgeGeometry(
      card(0, 0, { source: [out, late] }),
      card(500, 0, { target: [input] }),
      'late',
      'in',
    );
    expect(g?.path.startsWith('M240,75 C')).toBe(true);
  });

  it('is null while a card or its port is not measured', () => {
    const target = card(500, 0, { target: [input] });
    expect(edgeGeometry(undefined, target, 'out', 'in')).toBeNull();
    expect(edgeGeometry(card(0, 0, {}), target, 'out', 'in')).toBeNull();
    expect(edgeGeometry(card(0, 0, { source: [out] }), target, 'nope', 'in')).toBeNull();
  });
});

const spec: PipelineSpec = {
  kflow: 1,
  name: 'split-clicks',
  nodes: [
    { id: 'clicks', kind: 'source.topic', config: { topic: 'clicks' }, ui: { x: 0, y: 0 } },
    { id: 'a', kind: 'sink.topic', config: { topic: 'a' }, ui: { x: 300, y: 0 } },
    { id: 'b', kind: 'sink.topic', config: { topic: 'b' }, ui: { x: 300, y: 200 } },
  ],
  edges: [
    { from: 'clicks', to: 'a' },
    { from: 'clicks', to: 'b' },
  ],
};
const toA = 'clicks.out->a.in';
const toB = 'clicks.out->b.in';

const store = () => useEditorStore.getState();

beforeEach(() => {
  resetEditorStore();
  store().load(spec, '/p/split-clicks.json', `${JSON.stringify(spec, null, 2)}\n`);
});
afterEach(() => cleanup());

async function renderCanvas() {
  const view = render(
    <ReactFlowProvider>
      <div style={{ width: 1000, height: 600 }}>
        <Canvas />
      </div>
    </ReactFlowProvider>,
  );
  // Let React Flow measure the cards (and their ports) first.
  await act(async () => new Promise((r) => setTimeout(r, 150)));
  const line = (key: string) =>
    screen.getByRole('button', { name: `Edge ${key}` }).parentElement?.querySelector('.kf-edge__line');
  return { ...view, line };
}

describe('the edge layer', () => {
  it('draws each spec edge once the cards are measured, and redraws an edge when its node moves', async () => {
    const { line } = await renderCanvas();
    const a = line(toA)?.getAttribute('d') ?? '';
    const b = line(toB)?.getAttribute('d') ?? '';
    expect(a).toMatch(/^M[-\d.]+,[-\d.]+ C/);
    expect(b).toMatch(/^M[-\d.]+,[-\d.]+ C/);
    // Same source port, targets 200 apart in y: the curves start together and end apart.
    expect(a.split(' C')[0]).toBe(b.split(' C')[0]);
    expect(a).not.toBe(b);

    act(() => store().moveNodes({ b: { x: 300, y: 260 } }));
    const moved = line(toB)?.getAttribute('d') ?? '';
    const endY = (d: string) => Number(d.split(' ').at(-1)?.split(',')[1]);
    expect(endY(moved) - endY(b)).toBeCloseTo(60);
    expect(line(toA)?.getAttribute('d')).toBe(a);
  });

  it('selects an edge on click, adds with Shift, and a click on the pane clears the edges', async () => {
    const { container } = await renderCanvas();
    act(() => store().select({ nodes: ['clicks'] }));

    fireEvent.click(screen.getByRole('button', { name: `Edge ${toA}` }));
    expect(store().selection).toEqual({ nodes: [], edges: [toA] });
    expect(screen.getByRole('button', { name: `Edge ${toA}` }).getAttribute('aria-pressed')).toBe('true');

    fireEvent.click(screen.getByRole('button', { name: `Edge ${toB}` }), { shiftKey: true });
    expect(store().selection.edges).toEqual([toA, toB]);
    fireEvent.click(screen.getByRole('button', { name: `Edge ${toA}` }), { shiftKey: true });
    expect(store().selection.edges).toEqual([toB]);

    const pane = container.querySelector('.react-flow__pane');
    if (!pane) throw new Error('no pane');
    fireEvent.click(pane);
    expect(store().selection.edges).toEqual([]);
  });

  it('selects an edge from the keyboard', async () => {
    await renderCanvas();
    fireEvent.keyDown(screen.getByRole('button', { name: `Edge ${toB}` }), { key: 'Enter' });
    expect(store().selection.edges).toEqual([toB]);
  });
});
