/** The desktop transport: calls and events through the preload bridge (`window.kflow`). */
import type { ApiClient } from '../../../api/index';
import type { KflowBridge } from '../../../api/bridge';
import { buildApi } from './client';

export function ipcApiClient(bridge: KflowBridge): ApiClient {
  return {
    api: buildApi((method, params) => bridge.call({ method, params })),
    subscribe: (listener) => bridge.onEvent(listener),
    transfers: {
      upload: (file) => bridge.uploadTransfer(file),
      download: (fileId, fileName) =>
        void bridge
          .saveTransfer(fileId, fileName)
          .catch((e: unknown) => console.error(`saving the export ${fileName} failed: ${String(e)}`)),
    },
  };
}
