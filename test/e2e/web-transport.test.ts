/**
 * `kflow web` in a real browser: the token travels from the printed URL into sessionStorage (and
 * off the address bar), the page's API calls and its event socket are accepted, a reload keeps
 * working, and a page opened without the token is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  openBrowser,
  startWebApp,
  type BrowserSession,
  type WebApp,
} from '../support/browser';

const enabled = browserAvailable();

describe.runIf(enabled)('kflow web transport in chromium', () => {
  let app: WebApp;
  let session: BrowserSession;

  beforeAll(async () => {
    app = await startWebApp();
    session = await openBrowser();
  }, 240_000);

  afterAll(async () => {
    await session?.close();
    await app?.stop();
  });

  function watchApi(page: BrowserSession['page']) {
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/api') statuses.push(r.status());
    });
    let socket: string | null = null;
    page.on('websocket', (ws) => (socket = ws.url()));
    return { statuses, socket: () => socket };
  }

  it('moves the token into sessionStorage, calls the API with it and opens the event socket', async () => {
    const { page } = session;
    const seen = watchApi(page);
    await page.goto(app.url);
    await expect.poll(() => seen.statuses.length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem('kflow.token'))).toBe(app.token);
    expect(seen.statuses.every((s) => s < 400 || s === 404 || s === 409)).toBe(true);
    expect(seen.statuses.filter((s) => s === 401)).toEqual([]);

    // A reload (the token is gone from the URL) still authenticates.
    seen.statuses.length = 0;
    await page.reload();
    await expect.poll(() => seen.statuses.length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(seen.statuses.filter((s) => s === 401)).toEqual([]);
    // The socket's URL carries no token: it travels as a subprotocol.
    await expect
      .poll(() => seen.socket(), { timeout: 30_000 })
      .toBe(`ws://127.0.0.1:${new URL(app.url).port}/events`);
    expect(session.errors).toEqual([]);
  });

  it('refuses a page opened without the token', async () => {
    const context = await session.browser.newContext();
    const page = await context.newPage();
    const seen = watchApi(page);
    await page.goto(app.origin);
    await expect.poll(() => seen.statuses.length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(new Set(seen.statuses)).toEqual(new Set([401]));
    await context.close();
  });
});
