// Shared start-up of the server tests that call the backend through dispatch (zod-checked, as the
// transports do) against its own embedded broker: a temporary data dir, the backend, its pushed
// events collected, and the waits on them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { ServerEvent } from '../../../src/api/index';
import { createBackend, type Backend } from '../../../src/server/backend';
import { dispatch } from '../../../src/server/dispatch';
import { MemorySecretStore } from '../../../src/server/secrets';

export interface DispatchApp {
  /** Every event the backend pushed, in order. */
  events: ServerEvent[];
  /** One API call through dispatch; a refusal throws an Error carrying `code`. */
  call<T>(method: string, ...params: unknown[]): Promise<T>;
}

/**
 * A backend for this test file: started before its tests, closed (and its data dir removed) after
 * them. Hooks the file registers later run before this close.
 */
export function useDispatchBackend(prefix: string): DispatchApp {
  let dir = '';
  let backend: Backend | undefined;
  const events: ServerEvent[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `kflow-${prefix}-`));
    backend = createBackend({ dataDir: join(dir, 'data'), secretStore: new MemorySecretStore() });
    backend.events.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    await backend?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    events,
    async call<T>(method: string, ...params: unknown[]): Promise<T> {
      if (!backend) throw new Error(`${method} called before the backend started`);
      const r = await dispatch(backend.api, method, params);
      if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
      return r.result as T;
    },
  };
}

/** Polls `fn` until it returns something truthy; `what` names it in the timeout error. */
export async function until<T>(what: string, fn: () => T | undefined | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
