// @vitest-environment happy-dom
import '../../../support/flow-dom';
import { EditorView } from '@codemirror/view';
import { ReactFlowProvider, useReactFlow, type ReactFlowInstance } from '@xyflow/react';
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Canvas } from '../../../../src/renderer/src/editor/Canvas';
import JsonView from '../../../../src/renderer/src/editor/JsonView';
import { resetEditorStore, useEditorStore } from '../../../../src/renderer/src/store/index';
import type { PipelineSpec } from '../../../../src/spec/types';

const spec: PipelineSpec = {
  kflow: 1,
  name: 'copy-clicks',
  nodes: [
    { id: 'clicks', kind: 'source.topic', config: { topic: 'clicks' }, ui: { x: 0, y: 0 } },
    { id: 'out', kind: 'sink.topic', config: { topic: 'copy' }, ui: { x: 300, y: 0 } },
  ],
  edges: [{ from: 'clicks', to: 'out' }],
};

const store = () => useEditorStore.getState();

beforeEach(() => {
  resetEditorStore();
  store().load(spec, '/p/copy-clicks.json', `${JSON.stringify(spec, null, 2)}\n`);
});
afterEach(() => cleanup());

/** Sets the view to zoom 1 once the canvas has fitted it, so screen pixels are canvas units. */
function ZoomOne() {
  const flow: ReactFlowInstance = useReactFlow();
  useEffect(() => {
    const t = setTimeout(() => void flow.setViewport({ x: 0, y: 0, zoom: 1 }), 80);
    return () => clearTimeout(t);
  }, [flow]);
  return null;
}

function renderCanvas() {
  const view = render(
    <ReactFlowProvider>
      <ZoomOne />
      <div style={{ width: 1000, height: 600 }}>
        <Canvas />
      </div>
      <JsonView />
    </ReactFlowProvider>,
  );
  const node = (id: string) => {
    const el = view.container.querySelector(`.react-flow__node[data-id="${id}"]`);
    if (!el) throw new Error(`no node ${id} on the canvas`);
    return el as HTMLElement;
  };
  return { ...view, node };
}

/** The translate React Flow gives a node element (its position on the canvas at zoom 1). */
function shownAt(el: HTMLElement): { x: number; y: number } {
  const m = /translate\((-?[\d.]+)px,\s*(-?[\d.]+)px\)/.exec(el.style.transform);
  if (!m) throw new Error(`no translate in ${el.style.transform}`);
  return { x: Number(m[1]), y: Number(m[2]) };
}

/** The JSON view's text (CodeMirror renders only what is in view, so ask its state). */
function jsonText(container: HTMLElement): string {
  const dom = container.querySelector('.cm-editor');
  const view = dom ? EditorView.findFromDOM(dom as HTMLElement) : null;
  if (!view) throw new Error('no CodeMirror view in the JSON view');
  return view.state.doc.toString();
}

/** A real pointer drag as d3-drag (inside React Flow) sees it: down on the node, moves on the window. */
function press(el: HTMLElement, x: number, y: number) {
  fireEvent.mouseDown(el, { clientX: x, clientY: y, button: 0, buttons: 1, view: window });
}
function moveTo(x: number, y: number) {
  fireEvent.mouseMove(window, { clientX: x, clientY: y, buttons: 1, view: window });
}
function release(x: number, y: number) {
  fireEvent.mouseUp(window, { clientX: x, clientY: y, button: 0, view: window });
}

describe('dragging a node on the canvas', () => {
  it('leaves the spec alone until the drag ends, then commits one undo step at the final position', async () => {
    const { node, container } = renderCanvas();
    // Let React Flow measure the nodes and fit the view before the drag.
    await act(async () => new Promise((r) => setTimeout(r, 150)));
    const before = store().spec;
    const pastBefore = store().past.length;
    const jsonBefore = jsonText(container);
    expect(JSON.parse(jsonBefore).nodes[1].ui).toEqual({ x: 300, y: 0 });

    const el = node('out');
    const start = shownAt(el);
    expect(start).toEqual({ x: 300, y: 0 });

    act(() => press(el, 500, 300));
    for (let i = 1; i <= 10; i++) act(() => moveTo(500 + i * 8, 300 + i * 3));

    // Mid-drag: the card moved on the canvas (right and down, with the pointer), the spec and its
    // JSON did not.
    const mid = shownAt(node('out'));
    expect(mid.x).toBeGreaterThan(start.x + 10);
    expect(mid.y).toBeGreaterThan(start.y + 3);
    expect(store().spec).toBe(before);
    expect(store().past).toHaveLength(pastBefore);
    expect(jsonText(container)).toBe(jsonBefore);

    act(() => release(580, 330));

    // Released where it was last shown: the spec now says so (in whole units), as one undo step.
    const end = { x: Math.round(mid.x), y: Math.round(mid.y) };
    expect(store().spec.nodes.find((n) => n.id === 'out')?.ui).toEqual(end);
    expect(store().spec.nodes.find((n) => n.id === 'clicks')?.ui).toEqual({ x: 0, y: 0 });
    expect(store().past).toHaveLength(pastBefore + 1);
    expect(JSON.parse(jsonText(container)).nodes[1].ui).toEqual(end);
    expect(shownAt(node('out'))).toEqual(end);

    act(() => store().undo());
    expect(store().spec.nodes.find((n) => n.id === 'out')?.ui).toEqual({ x: 300, y: 0 });
    expect(shownAt(node('out'))).toEqual(start);
    act(() => store().redo());
    expect(store().spec.nodes.find((n) => n.id === 'out')?.ui).toEqual(end);
  });

  it('a press without movement records nothing', async () => {
    const { node } = renderCanvas();
    await act(async () => new Promise((r) => setTimeout(r, 150)));
    const before = store().spec;
    const past = store().past.length;
    act(() => press(node('clicks'), 200, 200));
    act(() => release(200, 200));
    expect(store().spec).toBe(before);
    expect(store().past).toHaveLength(past);
  });
});
