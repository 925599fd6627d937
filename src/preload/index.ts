/**
 * @module preload
 * The typed bridge between the sandboxed renderer and the main process. The renderer sees only
 * `window.kflow` (the `KflowBridge` of src/api/bridge.ts), never `ipcRenderer` itself; listeners
 * get the payload only, not the IPC event.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { ApiRequest, ApiResponse, ServerEvent } from '../api/index';
import type { KflowBridge, MenuEvent, PickFileRequest } from '../api/bridge';

function listen<T>(channel: string, listener: (payload: T) => void): () => void {
  const handler = (_event: IpcRendererEvent, payload: T) => listener(payload);
  ipcRenderer.on(channel, handler);
  return () => {
    ipcRenderer.removeListener(channel, handler);
  };
}

const bridge: KflowBridge = {
  platform: process.platform,
  call: (req: ApiRequest) =>
    ipcRenderer.invoke('kflow:call', { method: req.method, params: req.params }) as Promise<ApiResponse>,
  onEvent: (listener) => listen<ServerEvent>('kflow:event', listener),
  onMenu: (listener) => listen<MenuEvent>('kflow:menu', listener),
  saveDraft: (text: string) => ipcRenderer.invoke('kflow:draft:save', text) as Promise<void>,
  loadDraft: () => ipcRenderer.invoke('kflow:draft:load') as Promise<string | null>,
  clearDraft: () => ipcRenderer.invoke('kflow:draft:clear') as Promise<void>,
  pickFile: (req: PickFileRequest) =>
    ipcRenderer.invoke('kflow:pickFile', { mode: req.mode, defaultPath: req.defaultPath }) as Promise<
      string | null
    >,
  // Only the path of a File the page holds crosses to the main process, which copies it: the
  // records never pass through IPC messages.
  uploadTransfer: (file: Blob) =>
    ipcRenderer.invoke('kflow:transfer:upload', webUtils.getPathForFile(file as File)) as Promise<{
      uploadId: string;
    }>,
  saveTransfer: (fileId: string, fileName: string) =>
    ipcRenderer.invoke('kflow:transfer:save', { fileId, fileName }) as Promise<string | null>,
};

contextBridge.exposeInMainWorld('kflow', bridge);
