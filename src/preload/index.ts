/**
 * @module preload
 * The typed bridge between the sandboxed renderer and the main process. The
 * renderer sees only `window.kflow`, never `ipcRenderer` itself.
 */
import { contextBridge } from 'electron';

const api = {
  platform: process.platform,
} as const;

export type KflowBridge = typeof api;

contextBridge.exposeInMainWorld('kflow', api);
