/**
 * @module main
 * Electron main process. Kept thin on purpose: the window, menus and IPC wiring live here;
 * every piece of logic sits in src/server (the same backend `kflow web` serves), which runs and
 * is tested without Electron. See docs/app.md for the security model.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  safeStorage,
  session,
  shell,
  type IpcMainInvokeEvent,
} from 'electron';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiResponse, ServerEvent } from '../api/index';
import type { MenuCommand, MenuEvent, PickFileRequest } from '../api/bridge';
import { createBackend, dataPaths, RESOURCES_DIR, type Backend } from '../server/backend';
import { contentSecurityPolicy } from '../server/csp';
import { dispatch } from '../server/dispatch';
import { createDrafts } from '../server/drafts';
import type { Log } from '../server/errors';
import { EncryptedFileSecretStore } from '../server/secret-file';
import { menuTemplate } from './menu';
import { isAppPage, specFileFromArgv } from './trust';

const INDEX_HTML = join(import.meta.dirname, '../renderer/index.html');
const DEV_SERVER = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const appPage = { indexHtml: INDEX_HTML, ...(DEV_SERVER ? { devServerUrl: DEV_SERVER } : {}) };

const line =
  (level: string) =>
  (msg: string, fields?: Record<string, unknown>): void => {
    process.stderr.write(`kflow: ${level}: ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
  };
const log: Log = { info: line('info'), warn: line('warn'), error: line('error') };

let win: BrowserWindow | null = null;
let backend: Backend | null = null;
/** A file the OS asked to open before the page was ready. */
let pendingOpen: string | null = specFileFromArgv(process.argv);

function sendMenu(command: MenuCommand, path?: string): void {
  const event: MenuEvent = { type: 'menu', command, ...(path !== undefined ? { path } : {}) };
  win?.webContents.send('kflow:menu', event);
}

function openFile(path: string): void {
  if (win && !win.webContents.isLoading()) sendMenu('file.openPath', path);
  else pendingOpen = path;
}

async function refreshMenu(): Promise<void> {
  const recent = backend ? await backend.api.pipelines.recent().catch(() => []) : [];
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        platform: process.platform,
        recent,
        send: sendMenu,
        // Packaged, the docs are extraResources (the OS viewer cannot read inside app.asar).
        openDocs: () =>
          void shell.openPath(
            join(app.isPackaged ? process.resourcesPath : app.getAppPath(), 'docs', 'README.md'),
          ),
        about: () =>
          void dialog.showMessageBox({
            type: 'info',
            title: 'About kflow',
            message: `kflow ${app.getVersion()}`,
            detail: 'Design Kafka stream pipelines visually, run them locally, export them to Amazon MSK.',
          }),
      }),
    ),
  );
}

/** Every IPC call must come from the app's own page in the main frame of our window. */
function trusted(e: IpcMainInvokeEvent): boolean {
  const frame = e.senderFrame;
  return (
    win !== null &&
    e.sender === win.webContents &&
    frame !== null &&
    frame === e.sender.mainFrame &&
    isAppPage(frame.url, appPage)
  );
}

function handle<T>(channel: string, fn: (e: IpcMainInvokeEvent, ...args: unknown[]) => Promise<T>): void {
  ipcMain.handle(channel, async (e, ...args: unknown[]) => {
    if (!trusted(e)) {
      log.warn('refused an IPC call from a foreign frame', { channel, url: e.senderFrame?.url ?? '' });
      throw new Error('refused');
    }
    return fn(e, ...args);
  });
}

function registerIpc(b: Backend): void {
  const drafts = createDrafts(dataPaths(app.getPath('userData')).draft);
  handle('kflow:call', async (_e, req): Promise<ApiResponse> => {
    const { method, params } = (typeof req === 'object' && req !== null ? req : {}) as {
      method?: unknown;
      params?: unknown;
    };
    const response = await dispatch(b.api, method, params, log);
    if (method === 'pipelines.open' || method === 'pipelines.save') void refreshMenu();
    return response;
  });
  // Draft errors cross as plain messages; they carry no stack (Electron sends only the message).
  handle('kflow:draft:save', async (_e, text) => drafts.save(text));
  handle('kflow:draft:load', async () => drafts.load());
  handle('kflow:draft:clear', async () => drafts.clear());
  handle('kflow:pickFile', async (_e, raw) => {
    const req = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<PickFileRequest>;
    const defaultPath = typeof req.defaultPath === 'string' ? req.defaultPath : undefined;
    const filters = [{ name: 'kflow pipeline', extensions: ['json'] }];
    if (!win) return null;
    if (req.mode === 'save') {
      const r = await dialog.showSaveDialog(win, { filters, ...(defaultPath ? { defaultPath } : {}) });
      return r.canceled || !r.filePath ? null : r.filePath;
    }
    const r = await dialog.showOpenDialog(win, {
      filters,
      properties: ['openFile'],
      ...(defaultPath ? { defaultPath } : {}),
    });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  });
  handle('kflow:transfer:upload', async (_e, source) => {
    if (typeof source !== 'string' || source === '') throw new Error('no file to import was given');
    return b.transfers.uploadFrom(source);
  });
  handle('kflow:transfer:save', async (_e, raw) => {
    const req = (typeof raw === 'object' && raw !== null ? raw : {}) as {
      fileId?: unknown;
      fileName?: unknown;
    };
    const found = typeof req.fileId === 'string' ? b.transfers.exportFile(req.fileId) : null;
    if (!found) throw new Error('no such export');
    if (!win) return null;
    const name = typeof req.fileName === 'string' && req.fileName !== '' ? req.fileName : found.name;
    const r = await dialog.showSaveDialog(win, {
      defaultPath: name,
      filters: [{ name: 'JSON lines', extensions: ['jsonl'] }],
    });
    if (r.canceled || !r.filePath) return null;
    await copyFile(found.file, r.filePath);
    return r.filePath;
  });
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'kflow',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    },
  });
  // Links open in the user's browser; the app window never navigates away from the UI.
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  w.webContents.on('will-navigate', (event) => event.preventDefault());
  w.webContents.on('will-attach-webview', (event) => event.preventDefault());
  w.webContents.on('did-finish-load', () => {
    if (pendingOpen) sendMenu('file.openPath', pendingOpen);
    pendingOpen = null;
  });
  w.on('closed', () => {
    if (win === w) win = null;
  });
  if (DEV_SERVER) void w.loadURL(DEV_SERVER);
  else void w.loadFile(INDEX_HTML);
  return w;
}

function secureSession(): void {
  const csp = contentSecurityPolicy(DEV_SERVER ? { devServer: new URL(DEV_SERVER).origin } : {});
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  // No camera, notifications, clipboard-read... the UI needs none of them.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

// macOS: a spec double-clicked in the Finder (possibly before the app is ready).
app.on('open-file', (event, path) => {
  event.preventDefault();
  openFile(path);
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
    const file = specFileFromArgv(argv);
    if (file) openFile(file);
  });

  void app.whenReady().then(async () => {
    secureSession();
    const userData = app.getPath('userData');
    const secretStore = new EncryptedFileSecretStore(
      dataPaths(userData).secrets,
      {
        // Linux without a keyring falls back to a fixed key ('basic_text'): not a real encryption.
        available: () =>
          safeStorage.isEncryptionAvailable() &&
          (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text'),
        encrypt: (plain) => safeStorage.encryptString(plain),
        decrypt: (cipher) => safeStorage.decryptString(cipher),
      },
      (reason) => log.warn(reason),
    );
    const b = createBackend({
      dataDir: userData,
      secretStore,
      log,
      examplesDir: join(RESOURCES_DIR, 'examples'),
    });
    backend = b;
    registerIpc(b);
    b.events.subscribe((event: ServerEvent) => {
      if (win && !win.isDestroyed()) win.webContents.send('kflow:event', event);
    });
    await refreshMenu();
    win = createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) win = createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Stop runs, tails and the embedded broker before the process exits.
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed || !backend) return;
    event.preventDefault();
    void backend.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
}
