/**
 * The start-up the topic e2e tests share: `kflow web` with its embedded broker, a kafkajs client
 * and admin on that broker (for set-up and independent checks), then chromium on the app's Topics
 * view. `prepare` runs before the page opens, so what it creates is listed at once.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { Page } from 'playwright-core';
import { openBrowser, startWebApp, type BrowserSession, type WebApp } from './browser';

export interface TopicsE2e {
  app: WebApp;
  session: BrowserSession;
  page: Page;
  kafka: Kafka;
  admin: Admin;
  /** One API call as the page makes it (with the token); a refusal throws naming the method. */
  call<T>(method: string, ...params: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

export async function startTopicsE2e(
  clientId: string,
  prepare?: (c: { kafka: Kafka; admin: Admin }) => Promise<void>,
): Promise<TopicsE2e> {
  const app = await startWebApp();
  const call = async <T>(method: string, ...params: unknown[]): Promise<T> => {
    const res = await fetch(`${app.origin}/api`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ method, params }),
    });
    const body = (await res.json()) as { ok: boolean; result: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
    return body.result;
  };
  let admin: Admin | undefined;
  let session: BrowserSession | undefined;
  const stop = async () => {
    await admin?.disconnect();
    await session?.close();
    await app.stop();
  };
  try {
    // The backend starts its embedded broker on first use; its address comes from the connection list.
    await call('topics.list', 'embedded');
    const conns = await call<{ name: string; bootstrap: string[] }[]>('connections.list');
    const embedded = conns.find((c) => c.name === 'embedded');
    if (!embedded) throw new Error('no embedded connection');
    const kafka = new Kafka({ clientId, brokers: embedded.bootstrap, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    await prepare?.({ kafka, admin });
    session = await openBrowser();
    const page = session.page;
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Topics', exact: true }).first().click();
    await page.getByRole('region', { name: 'Topics' }).waitFor({ timeout: 30_000 });
    return { app, session, page, kafka, admin, call, stop };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}
