// @vitest-environment happy-dom
import '../../../support/flow-dom';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MenuEvent } from '../../../../src/api/bridge';
import type { AppHost } from '../../../../src/renderer/src/api/index';
import { App } from '../../../../src/renderer/src/App';
import { resetRunStore } from '../../../../src/renderer/src/run/index';
import { resetEditorStore, serializeSpec, useEditorStore } from '../../../../src/renderer/src/store/index';
import type { PipelineSpec } from '../../../../src/spec/types';
import { fakeApiClient } from '../../../support/fake-api';

const example: PipelineSpec = {
  kflow: 1,
  name: 'copy-clicks',
  nodes: [
    { id: 'clicks', kind: 'source.topic', config: { topic: 'clicks' }, ui: { x: 0, y: 0 } },
    { id: 'out', kind: 'sink.topic', config: { topic: 'copy' }, ui: { x: 300, y: 0 } },
  ],
  edges: [{ from: 'clicks', to: 'out' }],
};

function fakeHost(draft: string | null = null) {
  const menus: ((e: MenuEvent) => void)[] = [];
  const drafts: (string | null)[] = [];
  const host: AppHost = {
    kind: 'web',
    platform: 'linux',
    onMenu: (l) => {
      menus.push(l);
      return () => menus.splice(menus.indexOf(l), 1);
    },
    saveDraft: async (t) => void drafts.push(t),
    loadDraft: async () => draft,
    clearDraft: async () => void drafts.push(null),
    pickFile: async () => null,
  };
  return { host, menus, drafts };
}

const store = () => useEditorStore.getState();

beforeEach(() => {
  resetEditorStore();
  resetRunStore();
});
afterEach(() => cleanup());

async function renderApp(opts: { draft?: string | null } = {}) {
  const client = fakeApiClient({
    pipelines: {
      examples: async () => [
        { id: 'copy-clicks', name: 'Copy clicks', description: 'copies a topic', nodeCount: 2 },
      ],
      openExample: async () => ({ path: null, text: serializeSpec(example), spec: example, problems: [] }),
    },
  });
  const host = fakeHost(opts.draft ?? null);
  render(<App client={client} host={host.host} />);
  await waitFor(() => expect(store().spec.name).toBe('untitled'));
  return { client, ...host };
}

describe('App shell', () => {
  it('has the toolbar, palette, canvas, inspector and bottom panel, each with a name', async () => {
    await renderApp();
    const toolbar = screen.getByRole('toolbar', { name: 'Editor' });
    for (const name of [
      'New',
      'Open',
      'Save',
      'Save As',
      'Undo',
      'Redo',
      'Auto-layout',
      'Zoom to fit',
      'JSON view',
      'Diff',
      'Examples',
      'Export',
      'Keyboard shortcuts',
    ])
      expect(within(toolbar).getByRole('button', { name })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'View' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Palette' })).toBeTruthy();
    expect(screen.getByRole('complementary', { name: 'Inspector' })).toBeTruthy();
    expect(screen.getByRole('tab', { name: /Problems/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Run' })).toBeTruthy();
  });

  it('opens an example from the gallery', async () => {
    await renderApp();
    await userEvent.click(screen.getByRole('button', { name: 'Examples' }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Open example Copy clicks' }, { timeout: 5000 }),
    );
    await waitFor(() => expect(store().spec).toEqual(example));
    expect(store().path).toBeNull();
  });

  it('saves as a path typed in web mode, and then saves there', async () => {
    const { client } = await renderApp();
    act(() => store().addNode('filter', { x: 0, y: 0 }));
    await userEvent.click(screen.getByRole('button', { name: 'Save As' }));
    // The path dialog loads lazily: under load its chunk may take longer than the default second.
    const path = await screen.findByRole('textbox', { name: 'File path' }, { timeout: 5000 });
    await userEvent.clear(path);
    await userEvent.type(path, '/work/p.json{Enter}');
    await waitFor(() => expect(client.files.get('/work/p.json')).toBe(serializeSpec(store().spec)));
    expect(store().path).toBe('/work/p.json');
    expect(screen.getByText('Saved /work/p.json')).toBeTruthy();
    act(() => store().updateConfig('filter', ['where'], 'true'));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(client.files.get('/work/p.json')).toContain('"where": "true"'));
  });

  it('runs menu commands through the command registry', async () => {
    const { menus } = await renderApp();
    act(() => store().addNode('filter', { x: 0, y: 0 }));
    expect(store().spec.nodes).toHaveLength(1);
    act(() => menus.forEach((m) => m({ type: 'menu', command: 'edit.undo' })));
    await waitFor(() => expect(store().spec.nodes).toHaveLength(0));
    act(() => menus.forEach((m) => m({ type: 'menu', command: 'edit.redo' })));
    await waitFor(() => expect(store().spec.nodes).toHaveLength(1));
  });

  it('offers to restore unsaved work', async () => {
    const draft = JSON.stringify({
      kflowDraft: 1,
      path: '/work/old.json',
      savedText: null,
      spec: example,
      at: 0,
    });
    await renderApp({ draft });
    const banner = await screen.findByRole('alert');
    expect(banner.textContent).toMatch(/Unsaved work on \/work\/old.json/);
    await userEvent.click(within(banner).getByRole('button', { name: 'Restore' }));
    expect(store().spec).toEqual(example);
    expect(store().path).toBe('/work/old.json');
  });

  it('deletes the selection with the Delete key and lists shortcuts in Help', async () => {
    await renderApp();
    act(() => {
      store().addNode('filter', { x: 0, y: 0 });
    });
    await userEvent.click(document.body);
    await userEvent.keyboard('{Delete}');
    expect(store().spec.nodes).toHaveLength(0);
    await userEvent.click(screen.getByRole('button', { name: 'Keyboard shortcuts' }));
    const help = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(help).getByRole('row', { name: /Undo Ctrl\+Z/ })).toBeTruthy();
  });
});
