import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/api/index';
import { ConnectionError } from '../../../src/kafka/errors';
import { dispatch } from '../../../src/server/dispatch';
import { fakeApiClient } from '../../support/fake-api';

function logSink() {
  const lines: { msg: string; fields?: Record<string, unknown> }[] = [];
  const push = (msg: string, fields?: Record<string, unknown>) => lines.push({ msg, fields });
  return { lines, log: { info: push, warn: push, error: push } };
}

describe('dispatch', () => {
  it('calls the named method with the checked params and returns its result', async () => {
    const client = fakeApiClient();
    const r = await dispatch(client.api, 'pipelines.create', ['orders']);
    expect(r.ok).toBe(true);
    expect(client.calls).toEqual([{ method: 'pipelines.create', params: ['orders'] }]);
    if (r.ok) expect((r.result as { spec: { name: string } }).spec.name).toBe('orders');
  });

  it('answers null for a method that returns nothing (JSON has no undefined)', async () => {
    const r = await dispatch(fakeApiClient().api, 'connections.remove', ['prod']);
    expect(r).toEqual({ ok: true, result: null });
  });

  it.each([
    'constructor',
    '__proto__',
    'toString',
    'pipelines.constructor',
    'pipelines',
    'runs.start.x',
    42,
    null,
  ])('refuses %j, which is not in API_METHODS, without calling anything', async (method) => {
    const client = fakeApiClient();
    const r = await dispatch(client.api, method, []);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('not-found');
    expect(client.calls).toEqual([]);
  });

  it('refuses params that are not an array', async () => {
    const r = await dispatch(fakeApiClient().api, 'runs.list', { 0: 'x' });
    expect(r).toEqual({
      ok: false,
      error: { code: 'invalid', message: 'runs.list: params must be an array' },
    });
  });

  it('names the bad parameter and its position', async () => {
    const client = fakeApiClient();
    const r = await dispatch(client.api, 'pipelines.open', [5]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid');
      expect(r.error.message).toMatch(/^pipelines\.open: params\[0\]: .*string/);
    }
    expect(client.calls).toEqual([]);
  });

  it('refuses extra params and unknown fields in request objects', async () => {
    const api = fakeApiClient().api;
    const extra = await dispatch(api, 'runs.list', ['surprise']);
    expect(extra.ok).toBe(false);
    const unknownField = await dispatch(api, 'topics.read', [{ topic: 't', evil: true }]);
    expect(unknownField.ok).toBe(false);
    if (!unknownField.ok) expect(unknownField.error.message).toMatch(/evil/);
  });

  it('refuses a bad offset string before it reaches BigInt', async () => {
    const r = await dispatch(fakeApiClient().api, 'topics.read', [
      { topic: 't', from: { kind: 'offset', offset: '1e3' } },
    ]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/params\[0\]\.from\.offset/);
  });

  it('passes an ApiError through with its code, message and problems', async () => {
    const problems = [{ severity: 'error' as const, nodeId: 'a', path: 'nodes[0]', message: 'bad' }];
    const api = fakeApiClient({
      pipelines: {
        open: async () => {
          throw new ApiError('conflict', 'busy', problems);
        },
      },
    }).api;
    expect(await dispatch(api, 'pipelines.open', ['/x.json'])).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'busy', problems },
    });
  });

  it('turns an unexpected error into "internal" without its message or stack; the log gets them', async () => {
    const { lines, log } = logSink();
    const api = fakeApiClient({
      runs: {
        list: async () => {
          throw new Error('secret-ish detail at /home/me/.aws');
        },
      },
    }).api;
    const r = await dispatch(api, 'runs.list', [], log);
    expect(r).toEqual({
      ok: false,
      error: { code: 'internal', message: 'internal error in runs.list; the kflow log has the details' },
    });
    expect(JSON.stringify(r)).not.toMatch(/aws|at \//);
    expect(lines).toHaveLength(1);
    expect(String(lines[0]?.fields?.['error'])).toContain('secret-ish detail');
  });

  it('maps a connection failure to "connection" with its readable message', async () => {
    const api = fakeApiClient({
      connections: {
        test: async () => {
          throw new ConnectionError('tcp', 'cannot reach broker b:9092', { broker: 'b:9092' });
        },
      },
    }).api;
    const r = await dispatch(api, 'connections.test', ['prod']);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('connection');
      expect(r.error.message).toMatch(/^connections\.test: .*cannot reach broker/);
    }
  });
});
