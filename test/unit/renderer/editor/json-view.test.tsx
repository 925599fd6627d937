// @vitest-environment happy-dom
import '../../../support/flow-dom';
import { EditorView } from '@codemirror/view';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import JsonView from '../../../../src/renderer/src/editor/JsonView';
import { resetEditorStore, serializeSpec, useEditorStore } from '../../../../src/renderer/src/store/index';
import type { PipelineSpec } from '../../../../src/spec/types';

function spec(): PipelineSpec {
  return {
    kflow: 1,
    name: 'clicks',
    nodes: [
      { id: 'clicks', kind: 'source.topic', config: { topic: 'clicks' }, ui: { x: 0, y: 0 } },
      { id: 'out', kind: 'sink.topic', config: { topic: 'copy' }, ui: { x: 300, y: 0 } },
    ],
    edges: [{ from: 'clicks', to: 'out' }],
  };
}

const store = () => useEditorStore.getState();

function editorView(): EditorView {
  const dom = document.querySelector('.cm-editor');
  const view = dom ? EditorView.findFromDOM(dom as HTMLElement) : null;
  if (!view) throw new Error('no CodeMirror view in the JSON view');
  return view;
}

function typeText(view: EditorView, text: string) {
  act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }));
}

beforeEach(() => {
  resetEditorStore();
  store().load(spec(), null, serializeSpec(spec()));
});
afterEach(() => cleanup());

describe('JSON view', () => {
  it('shows the spec as the file would hold it', () => {
    render(<JsonView />);
    expect(editorView().state.doc.toString()).toBe(serializeSpec(spec()));
    expect(screen.getByRole('status').textContent).toBe('In sync with the canvas.');
  });

  it('follows edits made on the canvas', () => {
    render(<JsonView />);
    act(() => store().moveNodes({ out: { x: 420, y: 60 } }));
    const text = editorView().state.doc.toString();
    expect(JSON.parse(text).nodes[1].ui).toEqual({ x: 420, y: 60 });
  });

  it('applies valid JSON to the canvas as one undo step', async () => {
    render(<JsonView />);
    const edited = { ...spec(), nodes: [spec().nodes[0], { ...spec().nodes[1], name: 'Copy of clicks' }] };
    typeText(editorView(), JSON.stringify(edited, null, 2));
    await waitFor(() => expect(store().spec.nodes[1]?.name).toBe('Copy of clicks'));
    expect(store().past).toHaveLength(1);
    act(() => store().undo());
    expect(store().spec).toEqual(spec());
  });

  it('shows where invalid JSON breaks and leaves the canvas alone', async () => {
    render(<JsonView />);
    const before = store().spec;
    typeText(editorView(), '{\n  "kflow": 1,\n  "nodes": [,]\n}');
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toMatch(/^Not applied: not valid JSON/),
    );
    expect(screen.getByRole('status').textContent).toBe(
      'Not applied: not valid JSON: value expected at line 3, column 13',
    );
    expect(store().spec).toBe(before);
  });

  it('refuses JSON that is not a pipeline', async () => {
    render(<JsonView />);
    typeText(editorView(), '{ "nodes": 3 }');
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/not a pipeline/));
    expect(store().spec).toEqual(spec());
  });
});
