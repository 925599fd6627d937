/**
 * Accessibility of the app in chromium against `kflow web`: axe-core (WCAG 2 A and AA rules) on
 * each screen — the editor with an example open, the inspector on a node, the problems panel,
 * the run view, the topic tools and the export dialog — in the light and the dark theme, and a
 * keyboard-only walk (Tab reaches the palette, the canvas and the inspector; Escape closes a dialog).
 *
 * axe is evaluated as page script (`page.evaluate` of its source): the app's CSP forbids inline
 * script tags, not code run through the DevTools protocol.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  openBrowser,
  startWebApp,
  type BrowserSession,
  type WebApp,
} from '../support/browser';

const enabled = browserAvailable();
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** The WCAG 2 A/AA violations axe finds in the page as it is, one readable line each. */
async function audit(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Violation[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return violations.map(
    (v: Violation) =>
      `${v.id} (${v.impact ?? '?'}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

describe.runIf(enabled)('accessibility in the browser', () => {
  let app: WebApp;
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    app = await startWebApp();
    session = await openBrowser();
    page = session.page;
    await page.goto(app.url);
    await page.locator('[aria-label="Pipeline canvas"]').waitFor();
    await page.getByRole('button', { name: 'Examples' }).click();
    await page
      .getByRole('button', { name: /^Open example / })
      .first()
      .click();
    await page.locator('.react-flow__node').first().waitFor();
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await app?.stop();
  });

  async function screens(theme: string): Promise<Record<string, string[]>> {
    const found: Record<string, string[]> = {};
    found[`${theme}: editor with an example`] = await audit(page);
    await page.locator('.react-flow__node').first().click();
    await page.getByRole('complementary', { name: 'Inspector' }).getByRole('textbox').first().waitFor();
    found[`${theme}: inspector on a node`] = await audit(page);
    await page.getByRole('tab', { name: /Problems/ }).click();
    found[`${theme}: problems panel`] = await audit(page);
    await page.getByRole('tab', { name: 'Run' }).click();
    await page.getByRole('tabpanel', { name: 'Run' }).waitFor();
    found[`${theme}: run view`] = await audit(page);
    await page.getByRole('tab', { name: /Problems/ }).click();
    await page.getByRole('button', { name: 'Export' }).click();
    const dialog = page.getByRole('dialog').first();
    await dialog.waitFor();
    found[`${theme}: export dialog`] = await audit(page);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Topics', exact: true }).click();
    await page.getByRole('button', { name: 'Pipeline', exact: true }).waitFor();
    await page.waitForTimeout(500);
    found[`${theme}: topic tools`] = await audit(page);
    await page.getByRole('button', { name: 'Pipeline', exact: true }).click();
    await page.locator('.react-flow__node').first().waitFor();
    return found;
  }

  it('has no WCAG 2 A/AA violations on any screen, in the light and the dark theme', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    const found = await screens('light');
    await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
    const dark = await page.evaluate(() => document.documentElement.dataset['theme'] ?? '');
    Object.assign(found, await screens(dark || 'other'));
    const failing = Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0));
    expect(failing).toEqual({});
    expect(session.errors).toEqual([]);
  }, 180_000);

  it('is usable from the keyboard: Tab reaches palette, canvas and inspector; Escape closes a dialog', async () => {
    await page.locator('body').click({ position: { x: 1, y: 1 } });
    const reached = new Set<string>();
    for (let i = 0; i < 120 && reached.size < 3; i++) {
      await page.keyboard.press('Tab');
      const where = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el) return '';
        if (el.closest('[aria-label="Palette"]')) return 'palette';
        if (el.closest('.react-flow')) return 'canvas';
        if (el.closest('[aria-label="Inspector"]')) return 'inspector';
        return '';
      });
      if (where) reached.add(where);
    }
    expect([...reached].sort()).toEqual(['canvas', 'inspector', 'palette']);

    await page.getByRole('button', { name: 'Keyboard shortcuts' }).focus();
    await page.keyboard.press('Enter');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
  }, 120_000);

  it('follows the system colour scheme until a theme is picked, and the picked theme wins', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const pick = (theme: string | null) =>
      page.evaluate((t) => {
        if (t) document.documentElement.dataset['theme'] = t;
        else delete document.documentElement.dataset['theme'];
      }, theme);
    const white = 'rgb(255, 255, 255)';
    const dark = 'rgb(13, 17, 23)';
    await pick(null);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe(dark);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe(white);
    await pick('dark');
    expect(await background()).toBe(dark);
    await page.emulateMedia({ colorScheme: 'dark' });
    await pick('light');
    expect(await background()).toBe(white);
  }, 60_000);
});
