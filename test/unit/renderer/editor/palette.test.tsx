// @vitest-environment happy-dom
import '../../../support/flow-dom';
import { ReactFlowProvider } from '@xyflow/react';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Palette, paletteGroups } from '../../../../src/renderer/src/editor/Palette';
import { resetEditorStore, useEditorStore } from '../../../../src/renderer/src/store/index';

beforeEach(() => resetEditorStore());
afterEach(() => cleanup());

function renderPalette() {
  return render(
    <ReactFlowProvider>
      <Palette />
    </ReactFlowProvider>,
  );
}

describe('Palette', () => {
  it('groups the registry’s kinds by category, in palette order', () => {
    renderPalette();
    const groups = screen.getAllByRole('group').map((g) => g.getAttribute('aria-label'));
    expect(groups).toEqual(['Sources', 'Transforms', 'Windows', 'Joins', 'Sinks']);
    const joins = within(screen.getByRole('group', { name: 'Joins' })).getAllByRole('button');
    expect(joins.map((b) => b.textContent)).toEqual(['⋈Join streams', '▦Join table']);
  });

  it('names each item by its kind’s label', () => {
    renderPalette();
    const sources = screen.getByRole('group', { name: 'Sources' });
    expect(within(sources).getByRole('button', { name: 'Datagen' })).toBeTruthy();
    expect(within(sources).getByRole('button', { name: 'MySQL CDC' })).toBeTruthy();
    expect(
      within(screen.getByRole('group', { name: 'Sinks' })).getByRole('button', { name: 'S3' }),
    ).toBeTruthy();
  });

  it('filters by what is typed in the search box', async () => {
    renderPalette();
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search nodes' }), 'SESSION');
    const groups = screen.getAllByRole('group').map((g) => g.getAttribute('aria-label'));
    expect(groups).toEqual(['Windows']);
    expect(
      within(screen.getByRole('group', { name: 'Windows' }))
        .getAllByRole('button')
        .map((b) => b.textContent?.slice(1)),
    ).toEqual(['Session window']);
    await userEvent.clear(screen.getByRole('searchbox', { name: 'Search nodes' }));
    expect(screen.getAllByRole('group')).toHaveLength(5);
  });

  it('says so when nothing matches', async () => {
    renderPalette();
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search nodes' }), 'zzzz');
    expect(screen.queryAllByRole('group')).toHaveLength(0);
    expect(screen.getByText(/No node kind matches/)).toBeTruthy();
  });

  it('adds a node when Enter is pressed on an item', async () => {
    renderPalette();
    const filter = screen.getByRole('button', { name: 'Filter' });
    filter.focus();
    await userEvent.keyboard('{Enter}');
    const nodes = useEditorStore.getState().spec.nodes;
    expect(nodes.map((n) => [n.id, n.kind])).toEqual([['filter', 'filter']]);
    expect(useEditorStore.getState().selection.nodes).toEqual(['filter']);
  });

  it('puts the kind on the drag data', () => {
    renderPalette();
    const data = new Map<string, string>();
    const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), effectAllowed: '' };
    const item = screen.getByRole('button', { name: 'Aggregate' });
    const event = new Event('dragstart', { bubbles: true });
    Object.defineProperty(event, 'dataTransfer', { value: dataTransfer });
    item.dispatchEvent(event);
    expect([...data.values()]).toEqual(['aggregate']);
  });
});

describe('paletteGroups', () => {
  it('matches descriptions too', () => {
    const kinds = paletteGroups('debezium').flatMap((g) => g.kinds.map((k) => k.kind));
    expect(kinds).toEqual(['source.cdc.mysql']);
  });
});
