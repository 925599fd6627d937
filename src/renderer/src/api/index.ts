/**
 * @module renderer/api
 * The renderer's way to the backend. `createApiClient()` picks the transport: the preload
 * bridge (`window.kflow`) in the desktop app, HTTP + WebSocket to the page's own origin in
 * `kflow web`. Components receive an `ApiClient` and never care which one it is.
 */
import { ApiError, type ApiClient } from '../../../api/index';
import { httpApiClient, takeToken } from './http';
import { ipcApiClient } from './ipc';

export { buildApi, unwrap } from './client';
export { httpApiClient, takeToken } from './http';
export { ipcApiClient } from './ipc';
export { appHost, type AppHost } from './host';

export function createApiClient(): ApiClient {
  if (window.kflow) return ipcApiClient(window.kflow);
  // Without a token every call fails with a message telling the user what to do (see missingToken).
  return httpApiClient({ origin: window.location.origin, token: takeToken(window) ?? '' });
}

/** True when the page has no way to authenticate (web mode opened without `?token=`). */
export function missingToken(): ApiError | null {
  if (window.kflow || window.sessionStorage.getItem('kflow.token')) return null;
  return new ApiError(
    'connection',
    'this page was opened without its token; open the URL `kflow web` printed',
  );
}
