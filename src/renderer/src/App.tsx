/**
 * The app shell: toolbar, palette, canvas (with the JSON view beside it), inspector, bottom
 * panel (problems and the run), and the switch to the topic tools. The editor's state lives in
 * the editor store; every toolbar button, shortcut and menu item runs a command from
 * `commands.ts`.
 */
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient } from '../../api/index';
import { appHost, createApiClient, type AppHost } from './api/index';
import {
  commandForKey,
  commandForMenu,
  createCommands,
  isMac,
  isTypingTarget,
  runCommand,
  type CommandDeps,
  type CommandId,
} from './commands';
import { Canvas } from './editor/Canvas';
import { ClientContext } from './editor/client-context';
import { copySelectionText, pasteText } from './editor/clipboard';
import { draftOf, errorText, openExample, parseDraft, restoreDraft, type Draft } from './editor/files';
import { Inspector } from './editor/Inspector';
import { Palette } from './editor/Palette';
import { ProblemsPanel } from './editor/ProblemsPanel';
// Not the run barrel: it would pull the run panel and its chart library into the first chunk.
import { RunControls } from './run/RunControls';
import { useRunStore } from './run/store';
import { Tabs } from './run/Tabs';
import { emptySpec, isDirty, specFromDocument, useEditorStore } from './store/index';
import { useTheme } from './theme';

const JsonView = lazy(() => import('./editor/JsonView'));
const DiffDialog = lazy(() => import('./editor/DiffDialog'));
const ExamplesDialog = lazy(() => import('./editor/ExamplesDialog'));
const HelpDialog = lazy(() => import('./editor/HelpDialog'));
const PathDialog = lazy(() => import('./editor/PathDialog'));
// The run panel (with its chart library), the topic tools and the export dialog load when first
// shown, so the first chunk holds only the editor and the first paint does not wait for them.
const RunPanel = lazy(() => import('./run/RunPanel').then((m) => ({ default: m.RunPanel })));
const TopicsView = lazy(() => import('./topics/index').then((m) => ({ default: m.TopicsView })));
const ExportDialog = lazy(() => import('./export/index').then((m) => ({ default: m.ExportDialog })));

/** How long edits pause before unsaved work is kept as a draft. */
export const DRAFT_DELAY_MS = 1000;

export interface AppProps {
  /** The API client; `createApiClient()` (IPC or HTTP) when absent. */
  client?: ApiClient;
  host?: AppHost;
}

export function App(props: AppProps) {
  const [client] = useState(() => props.client ?? createApiClient());
  const [host] = useState(() => props.host ?? appHost());
  return (
    <ClientContext.Provider value={client}>
      <ReactFlowProvider>
        <Shell client={client} host={host} />
      </ReactFlowProvider>
    </ClientContext.Provider>
  );
}

type DialogId = 'diff' | 'examples' | 'export' | 'help';
type View = 'pipeline' | 'topics';

function Shell({ client, host }: { client: ApiClient; host: AppHost }) {
  const flow = useReactFlow();
  const [view, setView] = useState<View>('pipeline');
  const [topic, setTopic] = useState<string | undefined>(undefined);
  const [json, setJson] = useState(false);
  const [dialog, setDialog] = useState<DialogId | null>(null);
  const [pathRequest, setPathRequest] = useState<{
    mode: 'open' | 'save';
    suggested: string;
    resolve: (p: string | null) => void;
  } | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const connection = useRunStore((s) => s.connection);
  const draftPending = useRef(true);
  const mac = isMac(host.platform);
  // Mounted from its first opening on, as before lazy loading (it keeps its state while closed).
  const [exportShown, setExportShown] = useState(false);
  if (dialog === 'export' && !exportShown) setExportShown(true);

  const deps = useMemo<CommandDeps>(
    () => ({
      client,
      host,
      askPath: (mode, suggested) => new Promise((resolve) => setPathRequest({ mode, suggested, resolve })),
      confirm: (message) => (typeof window.confirm === 'function' ? window.confirm(message) : true),
      fitView: () => void flow.fitView({ padding: 0.2, maxZoom: 1.25, duration: 200 }),
      toggleJson: () => setJson((j) => !j),
      openDialog: (d) => setDialog(d),
    }),
    [client, host, flow],
  );
  const commands = useMemo(() => createCommands(deps), [deps]);
  const run = useCallback((id: CommandId, arg?: string) => void runCommand(commands, id, arg), [commands]);

  // Start: the run store follows the backend's events; a fresh document; a draft to offer back.
  useEffect(() => useRunStore.getState().subscribe(client), [client]);
  useEffect(() => {
    let live = true;
    client.api.pipelines
      .create()
      .then((doc) => {
        const spec = specFromDocument(doc);
        if (live && spec && useEditorStore.getState().past.length === 0)
          useEditorStore.getState().load(spec, null, null);
      })
      .catch(() => {
        if (live && useEditorStore.getState().past.length === 0)
          useEditorStore.getState().load(emptySpec(), null, null);
      });
    host
      .loadDraft()
      .then((text) => {
        if (!live) return;
        const found = parseDraft(text);
        if (found && (found.spec.nodes.length > 0 || found.path)) setDraft(found);
        else draftPending.current = false;
      })
      .catch(() => {
        draftPending.current = false;
      });
    return () => {
      live = false;
    };
  }, [client, host]);

  // Keep unsaved work as a draft, a second after the last edit.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = useEditorStore.subscribe((s, prev) => {
      if (s.spec === prev.spec || draftPending.current) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        if (isDirty(useEditorStore.getState()))
          void host.saveDraft(JSON.stringify(draftOf())).catch(() => {});
      }, DRAFT_DELAY_MS);
    });
    return () => {
      if (timer) clearTimeout(timer);
      unsubscribe();
    };
  }, [host]);

  // In a browser tab, closing with unsaved work asks first; the desktop app relies on the draft.
  useEffect(() => {
    if (host.kind !== 'web') return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (isDirty(useEditorStore.getState())) e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [host]);

  // Shortcuts, clipboard and menus.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const target = e.target instanceof Element ? e.target : null;
      if (target?.closest('[role="dialog"]')) return;
      const c = commandForKey(commands, e, mac, isTypingTarget(e.target), host.kind === 'desktop');
      // Copy, cut and paste go through the clipboard events below, which may touch the system clipboard.
      if (!c || c.id === 'edit.copy' || c.id === 'edit.cut' || c.id === 'edit.paste') return;
      if (view !== 'pipeline' && !c.global) return;
      e.preventDefault();
      run(c.id);
    };
    const canUseClipboard = (e: ClipboardEvent) =>
      view === 'pipeline' && !isTypingTarget(e.target) && !(window.getSelection()?.toString() ?? '');
    const onCopy = (e: ClipboardEvent) => {
      if (!canUseClipboard(e)) return;
      const text = copySelectionText();
      if (text === null) return;
      e.clipboardData?.setData('text/plain', text);
      e.preventDefault();
      if (e.type === 'cut') useEditorStore.getState().removeSelection();
    };
    const onPaste = (e: ClipboardEvent) => {
      if (!canUseClipboard(e)) return;
      if (pasteText(e.clipboardData?.getData('text/plain') ?? null)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCopy);
    document.addEventListener('paste', onPaste);
    const offMenu = host.onMenu((event) => {
      const { id, arg } = commandForMenu(event);
      run(id, arg);
    });
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCopy);
      document.removeEventListener('paste', onPaste);
      offMenu();
    };
  }, [commands, host, mac, run, view]);

  const name = useEditorStore((s) => s.spec.name);
  const dirty = useEditorStore(isDirty);
  useEffect(() => {
    document.title = `${dirty ? '• ' : ''}${name || 'untitled'} — kflow`;
  }, [name, dirty]);

  const answerPath = (p: string | null) => {
    pathRequest?.resolve(p);
    setPathRequest(null);
  };

  return (
    <div className="kf-app">
      <Toolbar run={run} json={json} view={view} setView={setView} />
      {draft && (
        <div className="kf-banner" role="alert">
          <span>
            Unsaved work{draft.path ? ` on ${draft.path}` : ''} from {new Date(draft.at).toLocaleString()} was
            found.
          </span>
          <button
            type="button"
            className="kf-button kf-button--primary"
            onClick={() => {
              restoreDraft(draft);
              setDraft(null);
              draftPending.current = false;
            }}
          >
            Restore
          </button>
          <button
            type="button"
            className="kf-button"
            onClick={() => {
              setDraft(null);
              draftPending.current = false;
              void host.clearDraft().catch(() => {});
            }}
          >
            Discard
          </button>
        </div>
      )}
      {view === 'pipeline' ? (
        <div className="kf-main">
          <Palette />
          <div className="kf-centre">
            <div className={json ? 'kf-work kf-work--split' : 'kf-work'}>
              <Canvas />
              {json && (
                <Suspense fallback={<p className="kf-empty">Loading the JSON view…</p>}>
                  <JsonView />
                </Suspense>
              )}
            </div>
            <BottomPanel
              onOpenTopic={(t) => {
                setTopic(t);
                setView('topics');
              }}
            />
          </div>
          <Inspector />
        </div>
      ) : (
        <div className="kf-main kf-main--topics">
          <Suspense fallback={<p className="kf-empty">Loading the topic tools…</p>}>
            <TopicsView client={client} connection={connection} {...(topic ? { initialTopic: topic } : {})} />
          </Suspense>
        </div>
      )}
      <StatusLine />
      <Suspense fallback={null}>
        {dialog === 'diff' && <DiffDialog onClose={() => setDialog(null)} />}
        {dialog === 'examples' && (
          <ExamplesDialog
            onClose={() => setDialog(null)}
            onOpen={(id) =>
              void openExample(deps, id).catch((err: unknown) =>
                useEditorStore.getState().setStatus(`Opening the example failed: ${errorText(err)}`),
              )
            }
          />
        )}
        {dialog === 'help' && (
          <HelpDialog
            commands={[...commands.values()]}
            mac={mac}
            desktop={host.kind === 'desktop'}
            onClose={() => setDialog(null)}
          />
        )}
        {pathRequest && (
          <PathDialog mode={pathRequest.mode} suggested={pathRequest.suggested} onDone={answerPath} />
        )}
      </Suspense>
      {exportShown && (
        <Suspense fallback={null}>
          <ExportDialog
            open={dialog === 'export'}
            onClose={() => setDialog(null)}
            getSpec={() => useEditorStore.getState().spec}
            client={client}
          />
        </Suspense>
      )}
    </div>
  );
}

function Toolbar({
  run,
  json,
  view,
  setView,
}: {
  run: (id: CommandId) => void;
  json: boolean;
  view: View;
  setView: (v: View) => void;
}) {
  const canUndo = useEditorStore((s) => s.past.length > 0);
  const canRedo = useEditorStore((s) => s.future.length > 0);
  const dirty = useEditorStore(isDirty);
  const problems = useEditorStore((s) => s.problems);
  const theme = useTheme((s) => s.effective());
  useTheme((s) => s.choice);
  const b = (id: CommandId, label: string, extra: Record<string, unknown> = {}) => (
    <button type="button" className="kf-button" onClick={() => run(id)} {...extra}>
      {label}
    </button>
  );
  return (
    <header className="kf-topbar">
      <div className="kf-topbar__views" role="group" aria-label="View">
        <button
          type="button"
          className="kf-button"
          aria-pressed={view === 'pipeline'}
          onClick={() => setView('pipeline')}
        >
          Pipeline
        </button>
        <button
          type="button"
          className="kf-button"
          aria-pressed={view === 'topics'}
          onClick={() => setView('topics')}
        >
          Topics
        </button>
      </div>
      <div className="kf-topbar__tools" role="toolbar" aria-label="Editor">
        {b('file.new', 'New')}
        {b('file.open', 'Open')}
        {b('file.save', dirty ? 'Save •' : 'Save', { 'aria-label': 'Save' })}
        {b('file.saveAs', 'Save As')}
        <span className="kf-sep" aria-hidden="true" />
        {b('edit.undo', 'Undo', { disabled: !canUndo })}
        {b('edit.redo', 'Redo', { disabled: !canRedo })}
        <span className="kf-sep" aria-hidden="true" />
        {b('view.autoLayout', 'Auto-layout', { disabled: view !== 'pipeline' })}
        {b('view.fit', 'Zoom to fit', { disabled: view !== 'pipeline' })}
        {b('view.toggleJson', 'JSON', {
          'aria-pressed': json,
          'aria-label': 'JSON view',
          disabled: view !== 'pipeline',
        })}
        {b('view.diff', 'Diff')}
        {b('view.examples', 'Examples')}
        {b('view.export', 'Export')}
        {b('view.help', '?', { 'aria-label': 'Keyboard shortcuts' })}
        {b('view.toggleTheme', theme === 'dark' ? '☀' : '☾', {
          'aria-label': theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme',
        })}
      </div>
      <RunControls
        getSpec={() => ({
          spec: useEditorStore.getState().spec,
          problems,
          path: useEditorStore.getState().path,
        })}
        problems={problems}
      />
    </header>
  );
}

function BottomPanel({ onOpenTopic }: { onOpenTopic: (topic: string) => void }) {
  const [tab, setTab] = useState<'problems' | 'run'>('problems');
  const errors = useEditorStore((s) => s.problems.filter((p) => p.severity === 'error').length);
  const warnings = useEditorStore((s) => s.problems.length) - errors;
  const running = useRunStore((s) => s.run !== null);
  const seen = useRef(false);
  useEffect(() => {
    // Show the run the first time one starts.
    if (running && !seen.current) {
      seen.current = true;
      setTab('run');
    }
  }, [running]);
  return (
    <div className="kf-bottom">
      <Tabs
        label="Bottom panel"
        selected={tab}
        onSelect={(id) => setTab(id as 'problems' | 'run')}
        tabs={[
          {
            id: 'problems',
            label: `Problems${errors + warnings > 0 ? ` (${errors + warnings})` : ''}`,
          },
          { id: 'run', label: 'Run' },
        ]}
      >
        {tab === 'problems' ? (
          <ProblemsPanel />
        ) : (
          <Suspense fallback={<p className="kf-empty">Loading the run view…</p>}>
            <RunPanel onOpenTopic={onOpenTopic} />
          </Suspense>
        )}
      </Tabs>
    </div>
  );
}

function StatusLine() {
  const status = useEditorStore((s) => s.status);
  const errors = useEditorStore((s) => s.problems.filter((p) => p.severity === 'error').length);
  const path = useEditorStore((s) => s.path);
  return (
    <footer className="kf-status">
      <span role="status" className="kf-status__message">
        {status ?? ''}
      </span>
      <span className="kf-muted">
        {path ?? 'not saved yet'} · {errors === 0 ? 'no errors' : `${errors} error${errors === 1 ? '' : 's'}`}
      </span>
    </footer>
  );
}
