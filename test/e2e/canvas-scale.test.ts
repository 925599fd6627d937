/**
 * A 300-node pipeline on the canvas in chromium (`kflow web`): kflow's own edge layer and the far
 * view. Opened while the canvas is zoomed out past the readable zoom, the cards are measured with
 * their far-view ports (look-alike boxes without React Flow's port component); every edge must
 * still be drawn, follow a dragged card, and end exactly at the real ports once the view is
 * zoomed in again.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  openBrowser,
  startWebApp,
  type BrowserSession,
  type WebApp,
} from '../support/browser';
import { chainPipeline } from '../support/chain-pipeline';

const enabled = browserAvailable();

/** The 300-node chain pipeline with its node ids renamed (`c0-n1` → `<prefix>0-n1`). */
function pipelineFile(dir: string, prefix: string): string {
  const path = join(dir, `${prefix}-300.json`);
  writeFileSync(path, JSON.stringify(chainPipeline(30), null, 2).replace(/"c(\d+)-n/g, `"${prefix}$1-n`));
  return path;
}

async function openFile(page: Page, path: string) {
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Open a pipeline file' });
  await dialog.getByRole('textbox', { name: 'File path' }).fill(path);
  await dialog.getByRole('button', { name: 'Open', exact: true }).click();
}

/** Every edge's path, by the edge's name. */
function paths(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('.kf-edge')].map((g) => [
        g.querySelector('.kf-edge__hit')?.getAttribute('aria-label') ?? '',
        g.querySelector('.kf-edge__line')?.getAttribute('d') ?? '',
      ]),
    ),
  );
}

/** A path's first and last points: `M x,y C … x,y`. */
function ends(d: string): { from: [number, number]; to: [number, number] } {
  const nums = d.match(/-?[\d.]+/g)?.map(Number) ?? [];
  return { from: [nums[0] ?? NaN, nums[1] ?? NaN], to: [nums.at(-2) ?? NaN, nums.at(-1) ?? NaN] };
}

describe.runIf(enabled)('a 300-node pipeline on the canvas', () => {
  let app: WebApp;
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    app = await startWebApp();
    session = await openBrowser();
    page = session.page;
    await page.goto(app.url);
    await page.locator('[aria-label="Pipeline canvas"]').waitFor();
    // The first file is fitted to the view (zoom ~0.12, the far view); the second is then
    // opened into that far view, so its cards are first measured with far-view ports.
    await openFile(page, pipelineFile(app.dataDir, 'a'));
    await page.locator('.kf-far').waitFor();
    await openFile(page, pipelineFile(app.dataDir, 'b'));
    await page.locator('.react-flow__node[data-id="b29-n9"]').waitFor();
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await app?.stop();
  });

  it('draws every edge in the far view, where the ports are plain boxes', async () => {
    await expect
      .poll(async () => Object.values(await paths(page)).filter((d) => d.startsWith('M')).length)
      .toBe(270);
    expect(Object.keys(await paths(page))).toContain('Edge b0-n0.out->b0-n1.in');
    expect(await page.locator('.kf-far').count()).toBe(1);
    // 30 chains × (10 nodes × 2 ports − the source's input and the sink's output).
    expect(await page.locator('.react-flow__handle').count()).toBe(540);
    expect(await page.locator('.react-flow__handle.connectionindicator').count()).toBe(0);
  });

  it('moves the edges of a dragged card and no other', async () => {
    const before = await paths(page);
    const card = page.locator('.react-flow__node[data-id="b0-n1"]');
    const box = await card.boundingBox();
    if (!box) throw new Error('card b0-n1 is not on screen');
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 40, y + 30, { steps: 8 });
    await page.mouse.up();
    const after = await paths(page);
    const into = 'Edge b0-n0.out->b0-n1.in';
    const outOf = 'Edge b0-n1.out->b0-n2.in';
    // The incoming edge keeps its start and its end follows the card; the outgoing one the reverse.
    expect(ends(after[into] ?? '').from).toEqual(ends(before[into] ?? '').from);
    expect(ends(after[into] ?? '').to[1]).toBeGreaterThan(ends(before[into] ?? '').to[1] + 100);
    expect(ends(after[outOf] ?? '').from[1]).toBeGreaterThan(ends(before[outOf] ?? '').from[1] + 100);
    expect(ends(after[outOf] ?? '').to).toEqual(ends(before[outOf] ?? '').to);
    const others = Object.keys(before).filter((k) => k !== into && k !== outOf);
    expect(others.filter((k) => after[k] !== before[k])).toEqual([]);
  });

  it('a box drawn with Shift selects the boxed cards and the edges touching them', async () => {
    const boxes = await Promise.all(
      ['b10-n0', 'b10-n1', 'b10-n2'].map((id) =>
        page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox(),
      ),
    );
    if (boxes.some((b) => !b)) throw new Error('cards of chain b10 are not on screen');
    const left = Math.min(...boxes.map((b) => b?.x ?? 0)) - 3;
    const top = Math.min(...boxes.map((b) => b?.y ?? 0)) - 3;
    const right = Math.max(...boxes.map((b) => (b?.x ?? 0) + (b?.width ?? 0))) + 3;
    const bottom = Math.max(...boxes.map((b) => (b?.y ?? 0) + (b?.height ?? 0))) + 3;
    await page.keyboard.down('Shift');
    await page.mouse.move(left, top);
    await page.mouse.down();
    await page.mouse.move(right, bottom, { steps: 6 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const pressed = (name: string) =>
      page.getByRole('button', { name: `Edge ${name}`, exact: true }).getAttribute('aria-pressed');
    await expect.poll(() => pressed('b10-n2.out->b10-n3.in')).toBe('true');
    expect(
      await page.locator('.react-flow__node.selected').evaluateAll((n) => n.map((e) => e.dataset['id'])),
    ).toEqual(['b10-n0', 'b10-n1', 'b10-n2']);
    expect(await pressed('b10-n0.out->b10-n1.in')).toBe('true');
    expect(await pressed('b10-n1.out->b10-n2.in')).toBe('true');
    expect(await pressed('b10-n3.out->b10-n4.in')).toBe('false');
    expect(await pressed('b11-n0.out->b11-n1.in')).toBe('false');
    // A click on the pane clears the selection, edges included.
    await page.mouse.click(left, top);
    await expect.poll(() => pressed('b10-n0.out->b10-n1.in')).toBe('false');
  });

  it('zoomed in, the real ports are back and the edges end exactly at them', async () => {
    for (let i = 0; i < 20 && (await page.locator('.kf-far').count()) > 0; i++)
      await page.getByRole('button', { name: 'Zoom In' }).click();
    expect(await page.locator('.kf-far').count()).toBe(0);
    await expect.poll(() => page.locator('.react-flow__handle.connectionindicator').count()).toBe(540);
    const drawn = await paths(page);
    // Each port's outer side, in canvas units (the viewport's translate and scale undone).
    const port = (name: string, side: 'left' | 'right') =>
      page.evaluate(
        ([name, side]) => {
          const el = document.querySelector(`[aria-label="${name}"]`);
          const vp = document.querySelector<HTMLElement>('.react-flow__viewport');
          const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
          const m = /translate\((-?[\d.]+)px, (-?[\d.]+)px\) scale\(([\d.]+)\)/.exec(
            vp?.style.transform ?? '',
          );
          if (!el || !pane || !m) throw new Error(`no port ${name} or viewport`);
          const r = el.getBoundingClientRect();
          const k = Number(m[3]);
          const x = side === 'right' ? r.right : r.left;
          const point: [number, number] = [
            (x - pane.left - Number(m[1])) / k,
            (r.top + r.height / 2 - pane.top - Number(m[2])) / k,
          ];
          return point;
        },
        [name, side] as const,
      );
    for (const [from, to] of [
      ['b3-n4', 'b3-n5'],
      ['b17-n0', 'b17-n1'],
      ['b29-n8', 'b29-n9'],
    ] as const) {
      const d = ends(drawn[`Edge ${from}.out->${to}.in`] ?? '');
      const [sx, sy] = await port(`${from} output out`, 'right');
      const [tx, ty] = await port(`${to} input in`, 'left');
      expect(d.from[0]).toBeCloseTo(sx, 0);
      expect(d.from[1]).toBeCloseTo(sy, 0);
      expect(d.to[0]).toBeCloseTo(tx, 0);
      expect(d.to[1]).toBeCloseTo(ty, 0);
    }
    expect(session.errors).toEqual([]);
  });

  it('a focused edge is selected with Enter and deleted with Delete; Undo brings it back', async () => {
    const edge = page.getByRole('button', { name: 'Edge b29-n8.out->b29-n9.in', exact: true });
    await edge.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => edge.getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.kf-edge').count()).toBe(269);
    expect(await edge.count()).toBe(0);
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(() => page.locator('.kf-edge').count()).toBe(270);
    expect((await paths(page))['Edge b29-n8.out->b29-n9.in']).toMatch(/^M/);
  });
});
