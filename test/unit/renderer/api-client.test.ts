import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiResponse } from '../../../src/api/index';
import { buildApi } from '../../../src/renderer/src/api/client';
import { httpApiClient, takeToken } from '../../../src/renderer/src/api/http';

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

class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.all.push(this);
  }
  close() {
    this.closed = true;
    this.onclose?.();
  }
}

describe('the event socket of the HTTP client', () => {
  afterEach(() => {
    vi.useRealTimers();
    FakeSocket.all = [];
  });

  const client = () =>
    httpApiClient({
      origin: 'http://127.0.0.1:7878',
      token: 'T0k',
      WebSocket: FakeSocket as unknown as typeof WebSocket,
    });

  it('opens one socket with the token as a subprotocol and hands parsed events to every listener', () => {
    const c = client();
    const a: unknown[] = [];
    const b: unknown[] = [];
    c.subscribe((e) => a.push(e));
    c.subscribe((e) => b.push(e));
    expect(FakeSocket.all).toHaveLength(1);
    expect(FakeSocket.all[0]).toMatchObject({
      url: 'ws://127.0.0.1:7878/events',
      protocols: ['kflow', 'kflow.token.T0k'],
    });
    FakeSocket.all[0]?.onmessage?.({ data: '{"type":"topic.tailEnded","tailId":"t1"}' });
    FakeSocket.all[0]?.onmessage?.({ data: 'not json' });
    expect(a).toEqual([{ type: 'topic.tailEnded', tailId: 't1' }]);
    expect(b).toEqual(a);
  });

  it('reconnects with backoff while someone listens, and closes when the last listener leaves', () => {
    vi.useFakeTimers();
    const c = client();
    const off = c.subscribe(() => {});
    FakeSocket.all[0]?.onclose?.(); // the server went away
    vi.advanceTimersByTime(249);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]?.onclose?.();
    vi.advanceTimersByTime(499); // doubled: 500 ms
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(3);
    off();
    expect(FakeSocket.all[2]?.closed).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toHaveLength(3);
  });
});
