/**
 * The editor store: the spec being edited (the single source of truth the canvas, the
 * inspector and the JSON view all derive from), where it lives on disk, what was last saved,
 * the selection, validation problems and the undo history.
 *
 * Every edit goes through `edit()`, which records the spec before it for undo. The canvas keeps
 * a drag's positions in React Flow's node state and moves the nodes here once, when the drag
 * ends (one history entry); `transient` moves with `endDrag()` do the same for a caller that
 * must show every step through the store.
 * Validation is the common layer's validator, run ~150 ms after the last change.
 */
import { create } from 'zustand';
import { edgeKey } from '../../../api/index';
import type { StreamShape } from '../../../nodes/index';
import { validateSpec } from '../../../spec/index';
import type { PipelineSpec, Problem } from '../../../spec/types';
import { autoLayout } from './layout';
import type { EdgeEnd } from './ports';
import * as ops from './spec-ops';

export const HISTORY_LIMIT = 200;
export const VALIDATE_DEBOUNCE_MS = 150;

export interface Selection {
  nodes: string[];
  /** Selected edges by `edgeKey()`. */
  edges: string[];
}

/** Asks the canvas to centre a node and the inspector to focus a config field (`seq` makes repeats count). */
export interface FocusRequest {
  nodeId: string;
  /** Config path in the validator's form, `routes[0].where`; null to focus the node only. */
  field: string | null;
  seq: number;
}

export interface EditorData {
  spec: PipelineSpec;
  /** The file the spec came from; null until saved. */
  path: string | null;
  /** The file text as last opened or saved (for the dirty mark and the diff); null for a spec never saved. */
  savedText: string | null;
  selection: Selection;
  problems: Problem[];
  /** Output shape of each node from the last validation (for expression completion). */
  shapes: Map<string, StreamShape>;
  past: PipelineSpec[];
  future: PipelineSpec[];
  /** The spec before the drag in progress, if one is. */
  dragBase: PipelineSpec | null;
  /** The last refused edit or other short news for the status line. */
  status: string | null;
  focus: FocusRequest | null;
  /** Measured card sizes, for auto-layout and the canvas; not part of the spec or history. */
  sizes: Record<string, { width: number; height: number }>;
  /** Counts documents loaded, so the canvas fits the view to each new one. */
  loadSeq: number;
}

export interface EditorActions {
  /**
   * Replaces the document (open, new, example, restore): history starts over. With `problems`
   * (what the backend found when it opened the file) they show at once and the editor's own
   * validation, for the node shapes, waits until the browser is idle; without, it runs now.
   */
  load(
    spec: PipelineSpec,
    path: string | null,
    savedText: string | null,
    opts?: { problems?: Problem[] },
  ): void;
  /** Applies an edit as one history entry; an edit that changes nothing records nothing. */
  edit(fn: (spec: PipelineSpec) => PipelineSpec, select?: Partial<Selection>): void;
  addNode(kind: string, at: ops.Position): string | null;
  removeNodes(ids: readonly string[]): void;
  /** Deletes the selected nodes and edges. */
  removeSelection(): void;
  moveNodes(positions: Readonly<Record<string, ops.Position>>, opts?: { transient?: boolean }): void;
  endDrag(): void;
  /** Adds an edge; returns why it was refused, or null. */
  connect(from: EdgeEnd, to: EdgeEnd): string | null;
  disconnect(keys: readonly string[]): void;
  /**
   * Sets a config value. With `typing`, changes to the same field in quick succession (keystrokes)
   * make one history entry.
   */
  updateConfig(nodeId: string, path: ops.ConfigPath, value: unknown, opts?: { typing?: boolean }): void;
  renameNode(nodeId: string, name: string, opts?: { typing?: boolean }): void;
  changeNodeId(oldId: string, newId: string): string | null;
  setPipelineField(
    field: 'name' | 'description' | 'connection',
    value: string,
    opts?: { typing?: boolean },
  ): void;
  duplicateSelection(): void;
  copySelection(): ops.Fragment | null;
  paste(fragment: ops.Fragment, offset?: ops.Position): void;
  autoLayout(): void;
  /** Replaces the whole spec (from the JSON view) as one undoable edit. */
  replaceSpec(spec: PipelineSpec): void;
  undo(): void;
  redo(): void;
  select(selection: Partial<Selection>): void;
  markSaved(path: string, text: string): void;
  setStatus(status: string | null): void;
  requestFocus(nodeId: string, field: string | null): void;
  setSizes(sizes: Record<string, { width: number; height: number }>): void;
  /** Runs validation now instead of after the debounce. */
  validateNow(): void;
}

export type EditorState = EditorData & EditorActions;

export function initialEditorData(): EditorData {
  return {
    spec: ops.emptySpec(),
    path: null,
    savedText: null,
    selection: { nodes: [], edges: [] },
    problems: [],
    shapes: new Map(),
    past: [],
    future: [],
    dragBase: null,
    status: null,
    focus: null,
    sizes: {},
    loadSeq: 0,
  };
}

/** Keystrokes in one field within this long of each other are one undo step. */
export const TYPING_MERGE_MS = 1000;

let validateTimer: ReturnType<typeof setTimeout> | null = null;
let focusSeq = 0;
let lastTyping: { key: string; at: number } | null = null;

export const useEditorStore = create<EditorState>()((set, get) => {
  const scheduleValidation = () => {
    if (validateTimer) clearTimeout(validateTimer);
    validateTimer = setTimeout(() => {
      validateTimer = null;
      get().validateNow();
    }, VALIDATE_DEBOUNCE_MS);
  };

  /** Validation after the first paint of a big document: the cards show before it runs. */
  const validateWhenIdle = () => {
    if (validateTimer) clearTimeout(validateTimer);
    validateTimer = setTimeout(() => {
      validateTimer = null;
      const run = () => {
        // An edit in between scheduled its own validation; this one is then stale.
        if (validateTimer === null) get().validateNow();
      };
      if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 1000 });
      else run();
    }, VALIDATE_DEBOUNCE_MS);
  };

  /** Keeps only selected things that still exist. */
  const pruneSelection = (spec: PipelineSpec, selection: Selection): Selection => {
    const ids = new Set(spec.nodes.map((n) => n.id));
    const keys = new Set(spec.edges.map(edgeKey));
    const nodes = selection.nodes.filter((id) => ids.has(id));
    const edges = selection.edges.filter((k) => keys.has(k));
    return nodes.length === selection.nodes.length && edges.length === selection.edges.length
      ? selection
      : { nodes, edges };
  };

  const commit = (next: PipelineSpec, select?: Partial<Selection>, typingKey?: string) => {
    const { spec, past, selection } = get();
    if (next === spec) return;
    const merged = select ? { ...selection, ...select } : selection;
    const now = Date.now();
    const mergeWithLast =
      typingKey !== undefined &&
      lastTyping?.key === typingKey &&
      now - lastTyping.at < TYPING_MERGE_MS &&
      past.length > 0;
    lastTyping = typingKey === undefined ? null : { key: typingKey, at: now };
    set({
      spec: next,
      past: mergeWithLast ? past : [...past, spec].slice(-HISTORY_LIMIT),
      future: [],
      dragBase: null,
      status: null,
      selection: pruneSelection(next, merged),
    });
    scheduleValidation();
  };

  /** Runs an edit that may refuse; the refusal becomes the status line. */
  const attempt = (fn: () => void): string | null => {
    try {
      fn();
      return null;
    } catch (err) {
      if (err instanceof ops.EditError) {
        set({ status: err.message });
        return err.message;
      }
      throw err;
    }
  };

  return {
    ...initialEditorData(),

    load(spec, path, savedText, opts) {
      set({
        ...initialEditorData(),
        spec,
        path,
        savedText,
        ...(opts?.problems ? { problems: opts.problems } : {}),
        sizes: get().sizes,
        loadSeq: get().loadSeq + 1,
      });
      if (opts?.problems) validateWhenIdle();
      else get().validateNow();
    },

    edit(fn, select) {
      attempt(() => commit(fn(get().spec), select));
    },

    addNode(kind, at) {
      let id: string | null = null;
      attempt(() => {
        const result = ops.addNode(get().spec, kind, at);
        id = result.id;
        commit(result.spec, { nodes: [result.id], edges: [] });
      });
      return id;
    },

    removeNodes(ids) {
      commit(ops.removeNodes(get().spec, ids));
    },

    removeSelection() {
      const { spec, selection } = get();
      const keys = new Set(selection.edges);
      const indexes = spec.edges.flatMap((e, i) => (keys.has(edgeKey(e)) ? [i] : []));
      const next = ops.removeNodes(ops.disconnect(spec, indexes), selection.nodes);
      commit(next, { nodes: [], edges: [] });
    },

    moveNodes(positions, opts) {
      const { spec, dragBase } = get();
      const next = ops.moveNodes(spec, positions);
      if (next === spec) return;
      if (opts?.transient) {
        set({ spec: next, dragBase: dragBase ?? spec });
        return;
      }
      commit(next);
    },

    endDrag() {
      const { dragBase, spec, past } = get();
      if (!dragBase) return;
      if (dragBase === spec) {
        set({ dragBase: null });
        return;
      }
      set({ dragBase: null, past: [...past, dragBase].slice(-HISTORY_LIMIT), future: [] });
      scheduleValidation();
    },

    connect(from, to) {
      return attempt(() => commit(ops.connect(get().spec, from, to)));
    },

    disconnect(keys) {
      const set_ = new Set(keys);
      const { spec } = get();
      commit(
        ops.disconnect(
          spec,
          spec.edges.flatMap((e, i) => (set_.has(edgeKey(e)) ? [i] : [])),
        ),
      );
    },

    updateConfig(nodeId, path, value, opts) {
      const key = opts?.typing ? `config\u0000${nodeId}\u0000${path.join('.')}` : undefined;
      attempt(() => commit(ops.updateConfig(get().spec, nodeId, path, value), undefined, key));
    },

    renameNode(nodeId, name, opts) {
      const key = opts?.typing ? `name\u0000${nodeId}` : undefined;
      attempt(() => commit(ops.renameNode(get().spec, nodeId, name), undefined, key));
    },

    changeNodeId(oldId, newId) {
      return attempt(() => {
        const { selection } = get();
        const next = ops.changeNodeId(get().spec, oldId, newId);
        commit(next, { nodes: selection.nodes.map((id) => (id === oldId ? newId : id)) });
      });
    },

    setPipelineField(field, value, opts) {
      commit(
        ops.setPipelineField(get().spec, field, value),
        undefined,
        opts?.typing ? `pipeline\u0000${field}` : undefined,
      );
    },

    duplicateSelection() {
      const { spec, selection } = get();
      if (selection.nodes.length === 0) return;
      const result = ops.duplicateNodes(spec, selection.nodes);
      commit(result.spec, { nodes: result.ids, edges: [] });
    },

    copySelection() {
      const { spec, selection } = get();
      if (selection.nodes.length === 0) return null;
      return ops.copyNodes(spec, selection.nodes);
    },

    paste(fragment, offset) {
      if (fragment.nodes.length === 0) return;
      const result = ops.pasteFragment(get().spec, fragment, offset);
      commit(result.spec, { nodes: result.ids, edges: [] });
    },

    autoLayout() {
      commit(autoLayout(get().spec, get().sizes));
    },

    replaceSpec(spec) {
      commit(spec);
    },

    undo() {
      lastTyping = null;
      const { past, spec, future, selection } = get();
      const prev = past[past.length - 1];
      if (!prev) return;
      set({
        spec: prev,
        past: past.slice(0, -1),
        future: [spec, ...future],
        dragBase: null,
        status: null,
        selection: pruneSelection(prev, selection),
      });
      scheduleValidation();
    },

    redo() {
      const { past, spec, future, selection } = get();
      const next = future[0];
      if (!next) return;
      set({
        spec: next,
        past: [...past, spec],
        future: future.slice(1),
        dragBase: null,
        status: null,
        selection: pruneSelection(next, selection),
      });
      scheduleValidation();
    },

    select(selection) {
      const current = get().selection;
      const next = { ...current, ...selection };
      if (sameList(next.nodes, current.nodes) && sameList(next.edges, current.edges)) return;
      set({ selection: next });
    },

    markSaved(path, text) {
      set({ path, savedText: text });
    },

    setStatus(status) {
      set({ status });
    },

    requestFocus(nodeId, field) {
      focusSeq += 1;
      set({ focus: { nodeId, field, seq: focusSeq }, selection: { nodes: [nodeId], edges: [] } });
    },

    setSizes(sizes) {
      set({ sizes: { ...get().sizes, ...sizes } });
    },

    validateNow() {
      if (validateTimer) {
        clearTimeout(validateTimer);
        validateTimer = null;
      }
      const result = validateSpec(get().spec);
      set({ problems: result.problems, shapes: result.shapes ?? new Map() });
    },
  };
});

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Resets the store (tests, and a fresh window). */
export function resetEditorStore(): void {
  lastTyping = null;
  if (validateTimer) clearTimeout(validateTimer);
  validateTimer = null;
  useEditorStore.setState(initialEditorData());
}

/** True when the spec differs from the file it was last saved to (or was never saved). */
export function isDirty(
  state: Pick<EditorData, 'spec' | 'savedText'> & { dragBase?: PipelineSpec | null },
): boolean {
  if (state.savedText === null) return state.spec.nodes.length > 0 || state.spec.edges.length > 0;
  // A node being dragged has moved: no need to serialize the spec on every frame to know.
  if (state.dragBase && state.dragBase !== state.spec) return true;
  // Components ask on every store change (a drag moves many times a second): answer from the
  // last comparison while neither side changed.
  if (dirtyMemo && dirtyMemo.spec === state.spec && dirtyMemo.saved === state.savedText)
    return dirtyMemo.dirty;
  const dirty = ops.serializeSpec(state.spec) !== state.savedText && !sameJson(state.spec, state.savedText);
  dirtyMemo = { spec: state.spec, saved: state.savedText, dirty };
  return dirty;
}

let dirtyMemo: { spec: PipelineSpec; saved: string; dirty: boolean } | null = null;

function sameJson(spec: PipelineSpec, text: string): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(spec);
  } catch {
    return false;
  }
}

/**
 * The spec to edit from a document the API returned. The API's `spec` has defaults filled in
 * by validation; the editor keeps the file's own JSON so saving an untouched file changes
 * nothing. Only a file in an older format (migrated) or not parseable falls back.
 */
export function specFromDocument(doc: { text: string; spec: PipelineSpec | null }): PipelineSpec | null {
  try {
    const parsed = JSON.parse(doc.text) as unknown;
    if (looksLikeSpec(parsed) && parsed.kflow === 1) return parsed;
  } catch {
    // fall through to the validated spec
  }
  return doc.spec;
}

export function looksLikeSpec(value: unknown): value is PipelineSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    Array.isArray(v['nodes']) &&
    Array.isArray(v['edges']) &&
    v['nodes'].every(
      (n) =>
        typeof n === 'object' &&
        n !== null &&
        typeof (n as Record<string, unknown>)['id'] === 'string' &&
        typeof (n as Record<string, unknown>)['kind'] === 'string',
    ) &&
    v['edges'].every(
      (e) =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as Record<string, unknown>)['from'] === 'string' &&
        typeof (e as Record<string, unknown>)['to'] === 'string',
    )
  );
}
