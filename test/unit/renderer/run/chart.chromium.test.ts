/**
 * The run panel's charts in a real browser: uPlot draws on a canvas, which the DOM emulation of
 * the component tests lacks (there the chart is skipped and only its text summary is checked).
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ViteDevServer } from 'vite';
import { browserAvailable, openBrowser, ROOT, type BrowserSession } from '../../../support/browser';

const enabled = browserAvailable();

describe.runIf(enabled)('run panel charts in chromium', () => {
  let server: ViteDevServer;
  let session: BrowserSession;

  beforeAll(async () => {
    server = await createServer({
      configFile: false,
      root: resolve(import.meta.dirname, 'chromium'),
      plugins: [react()],
      server: { host: '127.0.0.1', port: 0, fs: { allow: [ROOT] } },
      logLevel: 'error',
    });
    await server.listen();
    session = await openBrowser({ width: 1280, height: 1000 });
  });

  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('draws throughput, lag and state charts from pushed metrics, without console errors', async () => {
    const { page } = session;
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite printed no URL');
    await page.goto(url);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('group', { name: 'Run stats of window' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.kf-chart canvas').length === 3);
    // Let a few batches arrive so every chart has a line to draw.
    await page.waitForTimeout(800);
    const painted = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLCanvasElement>('.kf-chart canvas')].map((c) => {
        const ctx = c.getContext('2d');
        if (!ctx || c.width === 0 || c.height === 0) return 0;
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        let opaque = 0;
        for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) opaque++;
        return opaque;
      }),
    );
    expect(painted).toHaveLength(3);
    for (const pixels of painted) expect(pixels).toBeGreaterThan(200);
    const captions = await page.locator('.kf-chart figcaption').allTextContents();
    expect(captions).toEqual(['Throughput (records/s)', 'Lag (records)', 'State size (entries)']);
    await session.screenshot('run-panel-charts');
    expect(session.errors).toEqual([]);
  });

  it('redraws the charts in the colours of a theme switched while running', async () => {
    const { page } = session;
    const greenPixels = () =>
      page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>('.kf-chart canvas');
        const data = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
        let n = 0;
        for (let i = 0; i < data.length; i += 4)
          if ((data[i + 1] ?? 0) > 200 && (data[i] ?? 0) < 80 && (data[i + 2] ?? 0) < 80) n++;
        return n;
      });
    expect(await greenPixels()).toBe(0);
    // The test page's dark theme draws grid lines in pure green.
    await page.evaluate(() => (document.documentElement.dataset['theme'] = 'dark'));
    await page.waitForTimeout(300);
    expect(await greenPixels()).toBeGreaterThan(100);
    expect(session.errors).toEqual([]);
  });
});
