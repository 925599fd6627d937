// @vitest-environment happy-dom
import '../../../support/flow-dom';
import { ReactFlowProvider } from '@xyflow/react';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Canvas } from '../../../../src/renderer/src/editor/Canvas';
import { resetEditorStore, serializeSpec, useEditorStore } from '../../../../src/renderer/src/store/index';
import type { PipelineSpec } from '../../../../src/spec/types';

function spec(): PipelineSpec {
  return {
    kflow: 1,
    name: 'orders',
    nodes: [
      { id: 'orders', kind: 'source.topic', name: 'Orders', config: { topic: 'orders' }, ui: { x: 0, y: 0 } },
      { id: 'payments', kind: 'source.topic', config: { topic: 'payments' }, ui: { x: 0, y: 200 } },
      { id: 'match', kind: 'join.stream-stream', config: { within: '5m' }, ui: { x: 300, y: 100 } },
      { id: 'big', kind: 'filter', config: { where: 'amount >' }, ui: { x: 600, y: 100 } },
      { id: 'out', kind: 'sink.topic', config: { topic: 'matched' }, ui: { x: 900, y: 100 } },
    ],
    edges: [
      { from: 'orders', to: 'match.left' },
      { from: 'payments', to: 'match.right' },
      { from: 'match', to: 'big' },
      { from: 'big', to: 'out' },
    ],
  };
}

beforeEach(() => {
  resetEditorStore();
  useEditorStore.getState().load(spec(), null, serializeSpec(spec()));
});
afterEach(() => cleanup());

function renderCanvas() {
  return render(
    <div style={{ width: 1200, height: 800 }}>
      <ReactFlowProvider>
        <Canvas />
      </ReactFlowProvider>
    </div>,
  );
}

describe('node cards', () => {
  it('are named by kind label and node name (or id)', () => {
    renderCanvas();
    expect(screen.getByRole('group', { name: 'Topic: Orders' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Topic: payments' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Join streams: match' })).toBeTruthy();
  });

  it('show the key settings of the kind', () => {
    renderCanvas();
    const join = screen.getByRole('group', { name: 'Join streams: match' });
    const terms = [...join.querySelectorAll('dt')].map((d) => d.textContent);
    expect(terms).toEqual(['type', 'within']);
    expect([...join.querySelectorAll('dd')].map((d) => d.textContent)).toEqual(['—', '5m']);
  });

  it('offer left and right inputs on a join, named for tests and screen readers', () => {
    renderCanvas();
    const join = screen.getByRole('group', { name: 'Join streams: match' });
    const handles = [...join.querySelectorAll('.react-flow__handle')].map((h) =>
      h.getAttribute('aria-label'),
    );
    expect(handles).toEqual([
      'match input left',
      'match input right',
      'match output out',
      'match output late',
    ]);
  });

  it('carry a badge with the node’s problem count', () => {
    renderCanvas();
    const big = screen.getByRole('group', { name: 'Filter: big' });
    expect(within(big).getByRole('status').getAttribute('aria-label')).toBe('1 error');
    const orders = screen.getByRole('group', { name: 'Topic: Orders' });
    expect(within(orders).queryByRole('status')).toBeNull();
  });

  it('update the badge when validation changes', () => {
    renderCanvas();
    act(() => {
      useEditorStore.getState().updateConfig('big', ['where'], 'left IS NOT NULL');
      useEditorStore.getState().validateNow();
    });
    const big = screen.getByRole('group', { name: 'Filter: big' });
    expect(within(big).queryByRole('status')).toBeNull();
  });
});
