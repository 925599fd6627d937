/**
 * The one command registry: the toolbar, keyboard shortcuts and the desktop app's menus all
 * run commands by id, so a command behaves the same wherever it is started from.
 */
import type { MenuEvent } from '../../api/bridge';
import { copyToClipboard, pasteFromClipboard } from './editor/clipboard';
import { errorText, newDocument, openDocument, saveDocument, type FileDeps } from './editor/files';
import { runBlocker } from './run/RunControls';
import { useRunStore } from './run/store';
import { useEditorStore } from './store/index';
import { useTheme } from './theme';

export type CommandId =
  | 'file.new'
  | 'file.open'
  | 'file.openPath'
  | 'file.save'
  | 'file.saveAs'
  | 'edit.undo'
  | 'edit.redo'
  | 'edit.copy'
  | 'edit.cut'
  | 'edit.paste'
  | 'edit.duplicate'
  | 'edit.delete'
  | 'edit.selectAll'
  | 'edit.deselect'
  | 'view.autoLayout'
  | 'view.fit'
  | 'view.toggleJson'
  | 'view.diff'
  | 'view.examples'
  | 'view.export'
  | 'view.toggleTheme'
  | 'view.help'
  | 'run.start'
  | 'run.stop';

export interface Command {
  id: CommandId;
  label: string;
  /** Shortcuts as shown in Help; `Mod` is Cmd on macOS and Ctrl elsewhere. */
  keys: string[];
  /** Runs even while typing in a text field (Save, Open). */
  global?: boolean;
  /**
   * The desktop menu's accelerator, when the command is in the menus (src/main/menu.ts). In the
   * desktop app the menu handles those keys, so the page does not handle them a second time.
   */
  menuKeys?: string[];
  run(arg?: string): void | Promise<void>;
}

export interface CommandDeps extends FileDeps {
  fitView(): void;
  toggleJson(): void;
  openDialog(dialog: 'diff' | 'examples' | 'export' | 'help'): void;
}

const MENU_KEYS: Partial<Record<CommandId, string[]>> = {
  'file.new': ['Mod+N'],
  'file.open': ['Mod+O'],
  'file.save': ['Mod+S'],
  'file.saveAs': ['Mod+Shift+S'],
  'edit.undo': ['Mod+Z'],
  'edit.redo': ['Mod+Shift+Z'],
  'view.toggleTheme': ['Mod+Shift+T'],
  'run.start': ['Mod+R'],
  'run.stop': ['Mod+.'],
};

/** Undo and redo from a menu while typing act on the text field, as a menu's Undo should. */
function textUndo(kind: 'undo' | 'redo'): boolean {
  if (!isTypingTarget(document.activeElement)) return false;
  document.execCommand(kind);
  return true;
}

export function createCommands(deps: CommandDeps): Map<CommandId, Command> {
  const store = () => useEditorStore.getState();
  const list: Command[] = [
    { id: 'file.new', label: 'New', keys: ['Mod+Alt+N'], global: true, run: () => newDocument(deps) },
    { id: 'file.open', label: 'Open…', keys: ['Mod+O'], global: true, run: () => openDocument(deps) },
    { id: 'file.openPath', label: 'Open file', keys: [], run: (path) => openDocument(deps, path) },
    { id: 'file.save', label: 'Save', keys: ['Mod+S'], global: true, run: () => saveDocument(deps) },
    {
      id: 'file.saveAs',
      label: 'Save As…',
      keys: ['Mod+Shift+S'],
      global: true,
      run: () => saveDocument(deps, true),
    },
    {
      id: 'edit.undo',
      label: 'Undo',
      keys: ['Mod+Z'],
      run: () => {
        if (!textUndo('undo')) store().undo();
      },
    },
    {
      id: 'edit.redo',
      label: 'Redo',
      keys: ['Mod+Shift+Z', 'Mod+Y'],
      run: () => {
        if (!textUndo('redo')) store().redo();
      },
    },
    { id: 'edit.copy', label: 'Copy', keys: ['Mod+C'], run: () => copyToClipboard() },
    {
      id: 'edit.cut',
      label: 'Cut',
      keys: ['Mod+X'],
      run: async () => {
        await copyToClipboard();
        store().removeSelection();
      },
    },
    { id: 'edit.paste', label: 'Paste', keys: ['Mod+V'], run: () => pasteFromClipboard() },
    { id: 'edit.duplicate', label: 'Duplicate', keys: ['Mod+D'], run: () => store().duplicateSelection() },
    {
      id: 'edit.delete',
      label: 'Delete',
      keys: ['Delete', 'Backspace'],
      run: () => store().removeSelection(),
    },
    {
      id: 'edit.selectAll',
      label: 'Select all',
      keys: ['Mod+A'],
      run: () => store().select({ nodes: store().spec.nodes.map((n) => n.id), edges: [] }),
    },
    {
      id: 'edit.deselect',
      label: 'Clear selection',
      keys: ['Escape'],
      run: () => store().select({ nodes: [], edges: [] }),
    },
    {
      id: 'view.autoLayout',
      label: 'Auto-layout',
      keys: ['Mod+Shift+L'],
      run: () => {
        store().autoLayout();
        setTimeout(deps.fitView, 50);
      },
    },
    { id: 'view.fit', label: 'Zoom to fit', keys: ['Shift+1'], run: () => deps.fitView() },
    {
      id: 'view.toggleJson',
      label: 'JSON view',
      keys: ['Mod+J'],
      global: true,
      run: () => deps.toggleJson(),
    },
    { id: 'view.diff', label: 'Diff', keys: ['Mod+Shift+D'], run: () => deps.openDialog('diff') },
    { id: 'view.examples', label: 'Examples', keys: [], run: () => deps.openDialog('examples') },
    { id: 'view.export', label: 'Export', keys: ['Mod+E'], run: () => deps.openDialog('export') },
    { id: 'view.toggleTheme', label: 'Toggle theme', keys: [], run: () => useTheme.getState().toggle() },
    { id: 'view.help', label: 'Keyboard shortcuts', keys: ['?', 'F1'], run: () => deps.openDialog('help') },
    {
      id: 'run.start',
      label: 'Run',
      keys: ['Mod+Enter'],
      global: true,
      run: async () => {
        // Check the spec as it is now, not as the last debounced validation saw it.
        store().validateNow();
        const { spec, problems } = store();
        const why = runBlocker(spec, problems);
        if (why) {
          store().setStatus(why);
          return;
        }
        await useRunStore.getState().start(spec, store().path);
      },
    },
    {
      id: 'run.stop',
      label: 'Stop',
      keys: ['Mod+Shift+Enter'],
      global: true,
      run: () => useRunStore.getState().stop(),
    },
  ];
  for (const c of list) {
    const menu = MENU_KEYS[c.id];
    if (menu) c.menuKeys = menu;
  }
  return new Map(list.map((c) => [c.id, c]));
}

/** Runs a command, turning a failure into the status line instead of an unhandled rejection. */
export async function runCommand(
  commands: Map<CommandId, Command>,
  id: CommandId,
  arg?: string,
): Promise<void> {
  const c = commands.get(id);
  if (!c) return;
  try {
    await c.run(arg);
  } catch (err) {
    useEditorStore.getState().setStatus(`${c.label.replace('…', '')} failed: ${errorText(err)}`);
  }
}

export function isMac(platform: string): boolean {
  return platform === 'darwin' || /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '');
}

/** Whether a key event matches a shortcut such as `Mod+Shift+S`. */
export function matchesShortcut(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
  shortcut: string,
  mac: boolean,
): boolean {
  const parts = shortcut.split('+');
  const key = parts[parts.length - 1] as string;
  const mods = new Set(parts.slice(0, -1));
  const mod = mac ? e.metaKey : e.ctrlKey;
  if (mods.has('Mod') !== mod) return false;
  if (!mac && mods.has('Mod') === false && e.metaKey) return false;
  if (mac && !mods.has('Mod') && e.ctrlKey) return false;
  if (mods.has('Alt') !== e.altKey) return false;
  // `?` and `!` need Shift on most layouts; compare the character for them.
  if (key.length === 1 && !/[A-Za-z0-9]/.test(key)) return e.key === key;
  if (mods.has('Shift') !== e.shiftKey) return false;
  if (key === '1' && e.shiftKey) return e.key === '1' || e.key === '!';
  return e.key.toLowerCase() === key.toLowerCase();
}

/** The command a key event triggers, if any; typing in a field only triggers `global` commands. */
export function commandForKey(
  commands: Map<CommandId, Command>,
  e: KeyboardEvent,
  mac: boolean,
  typing: boolean,
  desktop = false,
): Command | undefined {
  for (const c of commands.values()) {
    if (typing && !c.global) continue;
    if (desktop && c.menuKeys) continue;
    if (c.keys.some((k) => matchesShortcut(e, k, mac))) return c;
  }
  return undefined;
}

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

/** Menu commands of the desktop app map onto command ids one to one. */
export function commandForMenu(event: MenuEvent): { id: CommandId; arg?: string } {
  return event.command === 'file.openPath' && event.path !== undefined
    ? { id: 'file.openPath', arg: event.path }
    : { id: event.command };
}

export function displayShortcut(shortcut: string, mac: boolean): string {
  return shortcut.replace('Mod', mac ? '⌘' : 'Ctrl').replace('Alt', mac ? '⌥' : 'Alt');
}
