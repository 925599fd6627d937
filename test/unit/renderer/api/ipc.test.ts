// The desktop transport hands export/import files to the preload bridge, so the topic tools'
// Export… and Import… work in the desktop app as in `kflow web`.
import { describe, expect, it, vi } from 'vitest';
import type { KflowBridge } from '../../../../src/api/bridge';
import { ipcApiClient } from '../../../../src/renderer/src/api/ipc';

function bridge(overrides: Partial<KflowBridge>): KflowBridge {
  const none = () => Promise.reject(new Error('not used'));
  return {
    platform: 'linux',
    call: none,
    onEvent: () => () => undefined,
    onMenu: () => () => undefined,
    saveDraft: none,
    loadDraft: none,
    clearDraft: none,
    pickFile: none,
    uploadTransfer: none,
    saveTransfer: none,
    ...overrides,
  };
}

describe('ipcApiClient transfers', () => {
  it('uploads through the bridge and saves an export with the native dialog', async () => {
    const uploadTransfer = vi.fn(async () => ({ uploadId: 'u1' }));
    const saveTransfer = vi.fn(async () => '/home/me/orders.jsonl');
    const client = ipcApiClient(bridge({ uploadTransfer, saveTransfer }));
    const file = new Blob(['{"value":"a"}\n']);
    expect(await client.transfers?.upload(file)).toEqual({ uploadId: 'u1' });
    expect(uploadTransfer).toHaveBeenCalledWith(file);
    client.transfers?.download('f'.repeat(32), 'orders.jsonl');
    expect(saveTransfer).toHaveBeenCalledWith('f'.repeat(32), 'orders.jsonl');
  });
});
