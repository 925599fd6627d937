/**
 * New, open, save and save-as through the API, and unsaved-work drafts through the host
 * (the desktop app's data dir, or localStorage in `kflow web`).
 */
import { ApiError, type ApiClient, type SpecDocument } from '../../../api/index';
import type { AppHost } from '../api/index';
import type { PipelineSpec } from '../../../spec/types';
import { isDirty, looksLikeSpec, serializeSpec, specFromDocument, useEditorStore } from '../store/index';

export interface FileDeps {
  client: ApiClient;
  host: AppHost;
  /** Asks for a path when the host has no file dialog (web mode); null when cancelled. */
  askPath(mode: 'open' | 'save', suggested: string): Promise<string | null>;
  confirm(message: string): boolean;
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const first = err.problems?.[0];
    return first ? `${err.message} (${first.path || first.nodeId || 'spec'}: ${first.message})` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

function loadDocument(doc: SpecDocument, path: string | null): void {
  const spec = specFromDocument(doc);
  if (!spec)
    throw new Error(
      `${doc.path ?? 'the file'} is not a pipeline spec: ${doc.problems[0]?.message ?? 'unreadable'}`,
    );
  // The backend validated the file as it opened it (same nodes in the same order, so the
  // problems' paths hold): no need to hold the first paint for the editor to validate it again.
  useEditorStore.getState().load(spec, path, doc.text, { problems: doc.problems });
}

function mayDiscard(deps: FileDeps): boolean {
  return !isDirty(useEditorStore.getState()) || deps.confirm('Discard the unsaved changes of this pipeline?');
}

export async function newDocument(deps: FileDeps): Promise<void> {
  if (!mayDiscard(deps)) return;
  const doc = await deps.client.api.pipelines.create();
  const spec = specFromDocument(doc);
  if (spec) useEditorStore.getState().load(spec, null, null);
}

export async function openDocument(deps: FileDeps, given?: string): Promise<void> {
  if (!mayDiscard(deps)) return;
  const path =
    given ??
    (await deps.host.pickFile({ mode: 'open' })) ??
    (deps.host.kind === 'web' ? await deps.askPath('open', '') : null);
  if (!path) return;
  const doc = await deps.client.api.pipelines.open(path);
  loadDocument(doc, doc.path ?? path);
  useEditorStore.getState().setStatus(`Opened ${doc.path ?? path}`);
}

export async function openExample(deps: FileDeps, id: string): Promise<void> {
  if (!mayDiscard(deps)) return;
  const doc = await deps.client.api.pipelines.openExample(id);
  // An example has no file of the user's yet: Save asks where to put it.
  loadDocument(doc, null);
  useEditorStore.getState().setStatus(`Opened the example ${id}`);
}

export async function saveDocument(deps: FileDeps, as = false): Promise<void> {
  const state = useEditorStore.getState();
  let path = as ? null : state.path;
  if (!path) {
    const suggested = state.path ?? `${state.spec.name || 'pipeline'}.json`;
    path =
      (await deps.host.pickFile({ mode: 'save', defaultPath: suggested })) ??
      (deps.host.kind === 'web' ? await deps.askPath('save', suggested) : null);
  }
  if (!path) return;
  const spec = state.spec;
  const doc = await deps.client.api.pipelines.save(path, spec);
  // Later edits may have happened while saving; what was saved is `spec`.
  useEditorStore.getState().markSaved(doc.path ?? path, doc.text || serializeSpec(spec));
  await deps.host.clearDraft().catch(() => {});
  useEditorStore.getState().setStatus(`Saved ${doc.path ?? path}`);
}

// ─── Drafts ─────────────────────────────────────────────────────────────────

export interface Draft {
  kflowDraft: 1;
  path: string | null;
  savedText: string | null;
  spec: PipelineSpec;
  at: number;
}

export function draftOf(): Draft {
  const s = useEditorStore.getState();
  return { kflowDraft: 1, path: s.path, savedText: s.savedText, spec: s.spec, at: Date.now() };
}

export function parseDraft(text: string | null): Draft | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<Draft>;
    if (v.kflowDraft !== 1 || !looksLikeSpec(v.spec)) return null;
    return {
      kflowDraft: 1,
      path: typeof v.path === 'string' ? v.path : null,
      savedText: typeof v.savedText === 'string' ? v.savedText : null,
      spec: v.spec,
      at: typeof v.at === 'number' ? v.at : 0,
    };
  } catch {
    return null;
  }
}

export function restoreDraft(draft: Draft): void {
  useEditorStore.getState().load(draft.spec, draft.path, draft.savedText);
}
