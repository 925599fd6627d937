// @vitest-environment happy-dom
import '../../../support/flow-dom';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Inspector } from '../../../../src/renderer/src/editor/Inspector';
import { ProblemsPanel } from '../../../../src/renderer/src/editor/ProblemsPanel';
import { resetEditorStore, serializeSpec, useEditorStore } from '../../../../src/renderer/src/store/index';
import type { PipelineSpec } from '../../../../src/spec/types';

function spec(): PipelineSpec {
  return {
    kflow: 1,
    name: 'clicks',
    nodes: [
      { id: 'clicks', kind: 'source.topic', config: { topic: 'clicks' }, ui: { x: 0, y: 0 } },
      {
        id: 'per-minute',
        kind: 'window.tumbling',
        config: { size: '1m', aggregates: { n: 'count(*)' }, emit: 'final' },
        ui: { x: 250, y: 0 },
      },
      { id: 'out', kind: 'sink.topic', config: {}, ui: { x: 500, y: 0 } },
    ],
    edges: [
      { from: 'clicks', to: 'per-minute' },
      { from: 'per-minute', to: 'out' },
    ],
  };
}

const store = () => useEditorStore.getState();

beforeEach(() => {
  resetEditorStore();
  store().load(spec(), null, serializeSpec(spec()));
});
afterEach(() => cleanup());

describe('Inspector', () => {
  it('shows the pipeline’s settings when nothing is selected', async () => {
    render(<Inspector />);
    const name = screen.getByRole('textbox', { name: 'Pipeline name' });
    expect((name as HTMLInputElement).value).toBe('clicks');
    await userEvent.type(name, '-v2');
    expect(store().spec.name).toBe('clicks-v2');
    // Typing one field is one undo step.
    store().undo();
    expect(store().spec.name).toBe('clicks');
  });

  it('renders the selected node’s config as labelled controls from its schema', () => {
    act(() => store().select({ nodes: ['per-minute'] }));
    render(<Inspector />);
    expect((screen.getByRole('textbox', { name: 'size' }) as HTMLInputElement).value).toBe('1m');
    expect((screen.getByRole('combobox', { name: 'emit' }) as HTMLSelectElement).value).toBe('final');
    expect(screen.getByRole('group', { name: 'aggregates' })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Node id' })).toBeTruthy();
  });

  it('editing a field updates the spec', async () => {
    act(() => store().select({ nodes: ['per-minute'] }));
    render(<Inspector />);
    const size = screen.getByRole('textbox', { name: 'size' });
    await userEvent.clear(size);
    await userEvent.type(size, '5m');
    expect(store().spec.nodes[1]?.config['size']).toBe('5m');
    expect(screen.getByText(/= 5m \(300,000 ms\)/)).toBeTruthy();
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'emit' }), 'update');
    expect(store().spec.nodes[1]?.config['emit']).toBe('update');
  });

  it('an invalid duration shows why', async () => {
    act(() => store().select({ nodes: ['per-minute'] }));
    render(<Inspector />);
    const size = screen.getByRole('textbox', { name: 'size' });
    await userEvent.clear(size);
    await userEvent.type(size, '5 minutes');
    expect(size.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toMatch(/not a duration/);
  });

  it('renames the node id and its edges', async () => {
    act(() => store().select({ nodes: ['out'] }));
    render(<Inspector />);
    const id = screen.getByRole('textbox', { name: 'Node id' });
    await userEvent.clear(id);
    await userEvent.type(id, 'sink{Enter}');
    expect(store().spec.edges[1]).toEqual({ from: 'per-minute', to: 'sink' });
  });
});

describe('Problems panel', () => {
  it('lists problems; a click selects the node and focuses the config field', async () => {
    store().validateNow();
    render(
      <>
        <ProblemsPanel />
        <Inspector />
      </>,
    );
    const problem = screen.getByRole('button', { name: /out · nodes\[2\]\.config\.topic/ });
    expect(problem.textContent).toMatch(/"topic" is required/);
    await userEvent.click(problem);
    expect(store().selection.nodes).toEqual(['out']);
    expect(store().focus).toMatchObject({ nodeId: 'out', field: 'topic' });
    await waitFor(() => expect(document.activeElement?.getAttribute('data-config-path')).toBe('topic'));
    // A topic field offers the cluster's topics, so it is a combobox.
    expect(screen.getByRole('combobox', { name: 'topic' })).toBe(document.activeElement);
  });

  it('says when there is nothing to fix', () => {
    store().updateConfig('out', ['topic'], 'per-minute');
    store().validateNow();
    render(<ProblemsPanel />);
    expect(screen.getByText('No problems.')).toBeTruthy();
  });
});
