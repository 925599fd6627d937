/**
 * @module api/bridge
 * What the Electron preload script exposes to the page as `window.kflow`, and the commands the
 * native menus send. The renderer never sees `ipcRenderer`; it sees only this interface. In
 * `kflow web` there is no bridge: the page talks HTTP + WebSocket instead (see
 * `src/renderer/src/api/`).
 *
 * Common layer: types and constants only.
 */
import type { ApiRequest, ApiResponse, ServerEvent } from './index';

/** Commands the native menus (and OS file opens) send to the page. See docs/app.md. */
export const MENU_COMMANDS = [
  'file.new',
  'file.open',
  /** Open `path` (Open Recent, a file opened from the OS, a second launch with a file). */
  'file.openPath',
  'file.save',
  'file.saveAs',
  'edit.undo',
  'edit.redo',
  'view.toggleTheme',
  'run.start',
  'run.stop',
] as const;

export type MenuCommand = (typeof MENU_COMMANDS)[number];

export interface MenuEvent {
  type: 'menu';
  command: MenuCommand;
  /** Set for `file.openPath`. */
  path?: string;
}

export interface PickFileRequest {
  mode: 'open' | 'save';
  /** Suggested file (save) or folder (open). */
  defaultPath?: string;
}

export interface KflowBridge {
  /** `process.platform` of the desktop app (`darwin`, `win32`, `linux`). */
  readonly platform: string;
  /** One API call; never rejects for an API error (those come back as `{ ok: false }`). */
  call(req: ApiRequest): Promise<ApiResponse>;
  /** Pushed backend events; returns the unsubscribe function. */
  onEvent(listener: (event: ServerEvent) => void): () => void;
  /** Native menu commands; returns the unsubscribe function. */
  onMenu(listener: (event: MenuEvent) => void): () => void;
  /** Keeps unsaved work for recovery after a crash (atomic write in the app's data dir). */
  saveDraft(text: string): Promise<void>;
  /** The kept draft, or null when there is none. */
  loadDraft(): Promise<string | null>;
  /** Forgets the draft (after a clean save). */
  clearDraft(): Promise<void>;
  /** The native open/save dialog for spec files; null when the user cancels. */
  pickFile(req: PickFileRequest): Promise<string | null>;
  /** Hands a file the user picked in the page to the backend for `topics.importStart`. */
  uploadTransfer(file: Blob): Promise<{ uploadId: string }>;
  /** Saves a finished export where the user chooses (native save dialog); null when cancelled. */
  saveTransfer(fileId: string, fileName: string): Promise<string | null>;
}
