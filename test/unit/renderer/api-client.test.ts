import { describe, expect, it } from 'vitest';
import { ApiError, type ApiResponse } from '../../../src/api/index';
import { buildApi } from '../../../src/renderer/src/api/client';
import { takeToken } from '../../../src/renderer/src/api/http';

function fakeWindow(href: string) {
  const store = new Map<string, string>();
  const replaced: string[] = [];
  return {
    replaced,
    location: { href } as Location,
    history: {
      state: null,
      replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url),
    } as unknown as History,
    sessionStorage: {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    } as Storage,
  };
}

describe('takeToken', () => {
  it('keeps the token from the URL in sessionStorage and removes it from the address bar', () => {
    const w = fakeWindow('http://127.0.0.1:7878/?token=abc_DEF-1&x=1#top');
    expect(takeToken(w)).toBe('abc_DEF-1');
    expect(w.replaced).toEqual(['/?x=1#top']);
    // A reload: the URL has no token any more, sessionStorage has it.
    w.location.href = 'http://127.0.0.1:7878/?x=1';
    expect(takeToken(w)).toBe('abc_DEF-1');
  });

  it('answers null when the page was opened without a token', () => {
    expect(takeToken(fakeWindow('http://127.0.0.1:7878/'))).toBeNull();
  });
});

describe('buildApi', () => {
  it('sends the method name and params, dropping trailing undefined, and unwraps results', async () => {
    const sent: unknown[] = [];
    const api = buildApi(async (method, params) => {
      sent.push({ method, params });
      return { ok: true, result: [] } satisfies ApiResponse;
    });
    expect(await api.topics.list(undefined)).toEqual([]);
    await api.topics.describe('t', undefined);
    expect(sent).toEqual([
      { method: 'topics.list', params: [] },
      { method: 'topics.describe', params: ['t'] },
    ]);
  });

  it('throws an ApiError with the code, message and problems of a failed call', async () => {
    const problems = [{ severity: 'error' as const, nodeId: null, path: '', message: 'x' }];
    const api = buildApi(async () => ({ ok: false, error: { code: 'invalid', message: 'bad', problems } }));
    const err = await api.pipelines.recent().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'invalid', message: 'bad', problems });
  });
});
