import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PipelineSpec } from '../../../../src/spec/types';
import {
  isDirty,
  resetEditorStore,
  serializeSpec,
  specFromDocument,
  TYPING_MERGE_MS,
  useEditorStore,
  VALIDATE_DEBOUNCE_MS,
} from '../../../../src/renderer/src/store/index';

const EXAMPLES = join(import.meta.dirname, '../../../../resources/examples');

function spec(): PipelineSpec {
  return {
    kflow: 1,
    name: 'clicks',
    nodes: [
      { id: 'clicks', kind: 'source.topic', config: { topic: 'clicks' }, ui: { x: 0, y: 0 } },
      { id: 'big', kind: 'filter', config: { where: 'amount > 100' }, ui: { x: 250, y: 0 } },
      { id: 'out', kind: 'sink.topic', config: { topic: 'big-clicks' }, ui: { x: 500, y: 0 } },
    ],
    edges: [
      { from: 'clicks', to: 'big' },
      { from: 'big', to: 'out' },
    ],
  };
}

const store = () => useEditorStore.getState();

beforeEach(() => {
  resetEditorStore();
  store().load(spec(), '/tmp/clicks.json', serializeSpec(spec()));
});
afterEach(() => vi.useRealTimers());

/** Runs an edit, checks undo restores the spec before it and redo the one after. */
function undoable(edit: () => void): { before: PipelineSpec; after: PipelineSpec } {
  const before = store().spec;
  edit();
  const after = store().spec;
  expect(after).not.toEqual(before);
  store().undo();
  expect(store().spec).toEqual(before);
  store().redo();
  expect(store().spec).toEqual(after);
  return { before, after };
}

describe('edit operations are undoable one by one', () => {
  it('addNode selects the new node', () => {
    const { after } = undoable(() => {
      expect(store().addNode('filter', { x: 1, y: 2 })).toBe('filter');
      expect(store().selection.nodes).toEqual(['filter']);
    });
    expect(after.nodes.at(-1)).toEqual({ id: 'filter', kind: 'filter', config: {}, ui: { x: 1, y: 2 } });
  });

  it('removeNodes takes the edges along', () => {
    const { after } = undoable(() => store().removeNodes(['big']));
    expect(after.edges).toEqual([]);
  });

  it('removeSelection deletes selected nodes and edges', () => {
    store().select({ nodes: ['out'], edges: ['clicks.out->big.in'] });
    const { after } = undoable(() => store().removeSelection());
    expect(after.nodes.map((n) => n.id)).toEqual(['clicks', 'big']);
    expect(after.edges).toEqual([]);
  });

  it('moveNodes', () => {
    const { after } = undoable(() => store().moveNodes({ big: { x: 260, y: 40 } }));
    expect(after.nodes[1]?.ui).toEqual({ x: 260, y: 40 });
  });

  it('connect and disconnect', () => {
    store().disconnect(['big.out->out.in']);
    expect(store().spec.edges).toEqual([{ from: 'clicks', to: 'big' }]);
    store().undo();
    expect(store().spec.edges).toHaveLength(2);
    store().disconnect(['big.out->out.in']);
    const { after } = undoable(() => {
      expect(store().connect({ node: 'big', port: 'out' }, { node: 'out', port: 'in' })).toBeNull();
    });
    expect(after.edges.at(-1)).toEqual({ from: 'big', to: 'out' });
  });

  it('a refused connection changes nothing and says why', () => {
    const before = store().spec;
    expect(store().connect({ node: 'out', port: 'out' }, { node: 'out', port: 'in' })).toMatch(/itself/);
    expect(store().spec).toBe(before);
    expect(store().status).toMatch(/itself/);
    expect(store().past).toHaveLength(0);
  });

  it('updateConfig', () => {
    const { after } = undoable(() => store().updateConfig('big', ['where'], 'amount > 5'));
    expect(after.nodes[1]?.config).toEqual({ where: 'amount > 5' });
  });

  it('renameNode and changeNodeId', () => {
    undoable(() => store().renameNode('big', 'Big clicks'));
    const { after } = undoable(() => store().changeNodeId('big', 'large'));
    expect(after.edges).toEqual([
      { from: 'clicks', to: 'large' },
      { from: 'large', to: 'out' },
    ]);
  });

  it('duplicate and paste select the copies', () => {
    store().select({ nodes: ['big'] });
    const { after } = undoable(() => {
      store().duplicateSelection();
      expect(store().selection.nodes).toEqual(['big-2']);
    });
    expect(after.nodes.at(-1)?.id).toBe('big-2');
    store().select({ nodes: ['big-2'] });
    const fragment = store().copySelection();
    expect(fragment?.nodes.map((n) => n.id)).toEqual(['big-2']);
    undoable(() => store().paste(fragment!, { x: 0, y: 100 }));
    expect(store().spec.nodes.at(-1)?.ui).toEqual({ x: 290, y: 140 });
  });

  it('autoLayout', () => {
    store().moveNodes({ clicks: { x: 900, y: 900 } });
    const { after } = undoable(() => store().autoLayout());
    const xs = after.nodes.map((n) => n.ui?.x ?? NaN);
    expect(xs[0]).toBeLessThan(xs[1] as number);
    expect(xs[1]).toBeLessThan(xs[2] as number);
  });

  it('replaceSpec and setPipelineField', () => {
    undoable(() => store().setPipelineField('description', 'big clicks'));
    undoable(() => store().replaceSpec({ ...spec(), name: 'renamed' }));
  });

  it('an edit after an undo drops the redo', () => {
    store().updateConfig('big', ['where'], 'a > 1');
    store().undo();
    store().updateConfig('big', ['where'], 'a > 2');
    store().redo();
    expect(store().spec.nodes[1]?.config['where']).toBe('a > 2');
  });

  it('an edit that changes nothing adds no history', () => {
    store().moveNodes({ big: { x: 250, y: 0 } });
    expect(store().past).toHaveLength(0);
  });
});

describe('typing', () => {
  it('keystrokes in one field make one undo step until a pause or another field', () => {
    vi.useFakeTimers();
    for (const text of ['a', 'a >', 'a > 1']) store().updateConfig('big', ['where'], text, { typing: true });
    expect(store().past).toHaveLength(1);
    vi.advanceTimersByTime(TYPING_MERGE_MS + 1);
    store().updateConfig('big', ['where'], 'a > 12', { typing: true });
    expect(store().past).toHaveLength(2);
    store().renameNode('big', 'B', { typing: true });
    expect(store().past).toHaveLength(3);
    store().undo();
    store().undo();
    expect(store().spec.nodes[1]?.config['where']).toBe('a > 1');
    store().undo();
    expect(store().spec.nodes[1]?.config['where']).toBe('amount > 100');
  });
});

describe('dragging', () => {
  it('a drag of many moves is one undo step', () => {
    for (let x = 251; x <= 300; x++) store().moveNodes({ big: { x, y: x - 250 } }, { transient: true });
    store().endDrag();
    expect(store().spec.nodes[1]?.ui).toEqual({ x: 300, y: 50 });
    expect(store().past).toHaveLength(1);
    store().undo();
    expect(store().spec.nodes[1]?.ui).toEqual({ x: 250, y: 0 });
    store().redo();
    expect(store().spec.nodes[1]?.ui).toEqual({ x: 300, y: 50 });
  });

  it('a click without movement adds nothing', () => {
    store().endDrag();
    expect(store().past).toHaveLength(0);
  });
});

describe('validation', () => {
  it('runs after the debounce, not on every keystroke', () => {
    vi.useFakeTimers();
    expect(store().problems).toEqual([]);
    store().updateConfig('big', ['where'], 'amount >');
    store().updateConfig('big', ['where'], 'amount > ');
    expect(store().problems).toEqual([]);
    vi.advanceTimersByTime(VALIDATE_DEBOUNCE_MS + 1);
    const problems = store().problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', nodeId: 'big', path: 'nodes[1].config.where' });
  });

  it('shows the problems the backend found on open at once and validates itself later', () => {
    vi.useFakeTimers();
    const broken = {
      ...spec(),
      nodes: spec().nodes.map((n) => (n.id === 'big' ? { ...n, config: { where: 'amount >' } } : n)),
    };
    const fromBackend = [
      {
        severity: 'error' as const,
        nodeId: 'big',
        path: 'nodes[1].config.where',
        message: 'from the backend',
      },
    ];
    store().load(broken, '/tmp/clicks.json', serializeSpec(broken), { problems: fromBackend });
    expect(store().problems).toEqual(fromBackend);
    expect(store().shapes.size).toBe(0);
    vi.advanceTimersByTime(VALIDATE_DEBOUNCE_MS + 1);
    // The editor's own validation replaces them: same node and field, its own message.
    expect(store().problems).toHaveLength(1);
    expect(store().problems[0]).toMatchObject({ nodeId: 'big', path: 'nodes[1].config.where' });
    expect(store().problems[0]?.message).not.toBe('from the backend');
    expect(store().shapes.get('clicks')).toBeDefined();
  });

  it('keeps the output shape of each node', () => {
    store().load(
      {
        ...spec(),
        nodes: spec().nodes.map((n) =>
          n.id === 'clicks' ? { ...n, config: { topic: 'clicks', fields: { amount: 'number' } } } : n,
        ),
      },
      null,
      null,
    );
    expect(store().shapes.get('clicks')?.fields).toEqual({ amount: 'number' });
  });
});

describe('dirty state', () => {
  it('is clean as loaded, dirty after an edit, clean after undo or save', () => {
    expect(isDirty(store())).toBe(false);
    store().updateConfig('big', ['where'], 'amount > 5');
    expect(isDirty(store())).toBe(true);
    store().undo();
    expect(isDirty(store())).toBe(false);
    store().redo();
    store().markSaved('/tmp/clicks.json', serializeSpec(store().spec));
    expect(isDirty(store())).toBe(false);
  });
});

describe('spec round-trip', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
  it('has examples to check', () => expect(files.length).toBeGreaterThanOrEqual(6));
  for (const file of files) {
    it(`${file}: load → serialize equals the file`, () => {
      const text = readFileSync(join(EXAMPLES, file), 'utf8');
      // The API's validated spec has defaults filled in; the editor must not save those.
      const loaded = specFromDocument({ text, spec: { kflow: 1, name: 'x', nodes: [], edges: [] } });
      expect(loaded).not.toBeNull();
      store().load(loaded!, file, text);
      expect(JSON.parse(serializeSpec(store().spec))).toEqual(JSON.parse(text));
      expect(isDirty(store())).toBe(false);
    });
  }
});
