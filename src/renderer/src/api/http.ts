/**
 * The `kflow web` transport: calls are `POST /api` with the start token as a bearer token;
 * events arrive on the WebSocket `/events` (the token goes in a subprotocol, since a browser
 * cannot set headers on a WebSocket). The socket is open while someone listens and reconnects
 * with backoff when the server goes away.
 */
import {
  ApiError,
  type ApiClient,
  type ApiResponse,
  type ServerEvent,
  type TransferClient,
} from '../../../api/index';
import { buildApi } from './client';

/** The subprotocol the server selects; the token travels as a second offered one. */
export const EVENTS_PROTOCOL = 'kflow';
export const TOKEN_PROTOCOL_PREFIX = 'kflow.token.';
const TOKEN_KEY = 'kflow.token';

export interface HttpClientOptions {
  /** The server's origin, `http://127.0.0.1:PORT`. */
  origin: string;
  token: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
}

/**
 * The token from the page URL (`?token=…`, as `kflow web` prints it), kept in sessionStorage so a
 * reload still works, and removed from the address bar so it does not end up in history.
 */
export function takeToken(win: Pick<Window, 'location' | 'history' | 'sessionStorage'>): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    win.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  return win.sessionStorage.getItem(TOKEN_KEY);
}

export function httpApiClient(options: HttpClientOptions): ApiClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const api = buildApi(async (method, params) => {
    let res: Response;
    try {
      res = await doFetch(`${options.origin}/api`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify({ method, params }),
      });
    } catch {
      throw new ApiError(
        'connection',
        `cannot reach the kflow server at ${options.origin}; is \`kflow web\` still running?`,
      );
    }
    if (res.status === 401) {
      throw new ApiError(
        'connection',
        'the kflow server refused this page’s token; open the URL `kflow web` printed when it started',
      );
    }
    try {
      return (await res.json()) as ApiResponse;
    } catch {
      throw new ApiError(
        'internal',
        `the kflow server answered ${method} with HTTP ${res.status} and no API response`,
      );
    }
  });
  return { api, subscribe: eventStream(options), transfers: transferClient(options, doFetch) };
}

/** Files stream straight from disk to `PUT /transfers`, and downloads are links the browser saves. */
function transferClient(options: HttpClientOptions, doFetch: typeof fetch): TransferClient {
  return {
    async upload(file) {
      let res: Response;
      try {
        res = await doFetch(`${options.origin}/transfers`, {
          method: 'PUT',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${options.token}` },
          body: file,
        });
      } catch {
        throw new ApiError('connection', `cannot upload to the kflow server at ${options.origin}`);
      }
      if (!res.ok)
        throw new ApiError('invalid', `the upload failed: HTTP ${res.status} ${(await res.text()).trim()}`);
      return (await res.json()) as { uploadId: string };
    },
    download(fileId, fileName) {
      const a = document.createElement('a');
      a.href = `${options.origin}/transfers/${encodeURIComponent(fileId)}?token=${encodeURIComponent(options.token)}`;
      a.download = fileName;
      a.rel = 'noopener';
      document.body.append(a);
      a.click();
      a.remove();
    },
  };
}

function eventStream(options: HttpClientOptions): ApiClient['subscribe'] {
  const Ws = options.WebSocket ?? globalThis.WebSocket;
  const url = `${options.origin.replace(/^http/, 'ws')}/events`;
  const listeners = new Set<(event: ServerEvent) => void>();
  let socket: WebSocket | null = null;
  let retryMs = 250;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const open = (): void => {
    const ws = new Ws(url, [EVENTS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${options.token}`]);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
    };
    ws.onmessage = (msg: MessageEvent) => {
      if (typeof msg.data !== 'string') return;
      let event: ServerEvent;
      try {
        event = JSON.parse(msg.data) as ServerEvent;
      } catch {
        return;
      }
      for (const listener of [...listeners]) listener(event);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (listeners.size === 0) return;
      retryTimer = setTimeout(() => {
        retryTimer = null;
        if (listeners.size > 0 && !socket) open();
      }, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };

  return (listener) => {
    listeners.add(listener);
    if (!socket && !retryTimer) open();
    return () => {
      listeners.delete(listener);
      if (listeners.size > 0) return;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      const ws = socket;
      socket = null;
      ws?.close();
    };
  };
}
