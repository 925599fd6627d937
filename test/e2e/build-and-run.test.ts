/**
 * The editor end to end, in chromium against `kflow web`: from an empty canvas, with real pointer
 * drags, build the seed's per-category 5-minute windowed aggregation (topic source → tumbling
 * window with grace → topic sink), watch the problems panel report and then clear the missing
 * settings, save, and check the saved file; then swap the source for generated data, run it on the
 * embedded broker, watch the node counters rise and open an edge's sampled records.
 *
 * The expected spec below is written by hand from the seed's example (5-minute windows, 30 s of
 * grace, sum and count per category), not taken from what the editor produced.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSpecText } from '../../src/spec/validate';
import {
  browserAvailable,
  openBrowser,
  startWebApp,
  type BrowserSession,
  type WebApp,
} from '../support/browser';

const enabled = browserAvailable();

const EXPECTED = {
  kflow: 1,
  name: 'clicks-per-category',
  nodes: [
    {
      id: 'raw',
      kind: 'source.topic',
      name: 'Raw events',
      config: {
        topic: 'raw-events',
        eventTime: 'ts',
        fields: { category: 'string', value: 'number', ts: 'timestamp' },
      },
    },
    {
      id: 'per5min',
      kind: 'window.tumbling',
      name: 'Per category, 5 min',
      config: {
        size: '5m',
        grace: '30s',
        groupBy: 'category',
        aggregates: { total: 'sum(value)', events: 'count(*)' },
        emit: 'final',
      },
    },
    { id: 'out', kind: 'sink.topic', name: 'Aggregated events', config: { topic: 'aggregated-events' } },
  ],
  edges: [
    { from: 'raw', to: 'per5min' },
    { from: 'per5min', to: 'out' },
  ],
};

describe.runIf(enabled)('build the seed aggregation on the canvas, save it and run it', () => {
  let app: WebApp;
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    app = await startWebApp();
    session = await openBrowser();
    page = session.page;
    await page.goto(app.url);
    await canvas().waitFor({ timeout: 30_000 });
  }, 240_000);

  afterAll(async () => {
    await session?.close();
    await app?.stop();
  });

  const canvas = () => page.locator('[aria-label="Pipeline canvas"]');
  const palette = () => page.getByRole('navigation', { name: 'Palette' });
  const inspector = () => page.getByRole('complementary', { name: 'Inspector' });
  const settings = () => inspector().getByRole('group', { name: 'Settings' });
  const problems = () => page.getByRole('list', { name: 'Problems' });
  const card = (label: string) => canvas().getByRole('group', { name: label, exact: true });

  /** Drags a palette item onto the canvas with the mouse (HTML5 drag and drop in chromium). */
  async function dragFromPalette(group: string, item: string, x: number, y: number) {
    await palette()
      .getByRole('group', { name: group })
      .getByRole('button', { name: item, exact: true })
      .dragTo(canvas(), { targetPosition: { x, y } });
  }

  /** Presses on one handle, moves in steps and releases on the other: a real pointer drag. */
  async function connect(fromHandle: string, toHandle: string) {
    const a = await box(canvas().getByLabel(fromHandle, { exact: true }));
    const b = await box(canvas().getByLabel(toHandle, { exact: true }));
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
    await page.mouse.move(b.x, b.y, { steps: 8 });
    await page.mouse.up();
  }

  /**
   * Lays the canvas out and waits until the cards stop moving: the layout is followed (50 ms later)
   * by an animated zoom to fit, so the cards must keep still for several readings in a row.
   */
  async function autoLayout() {
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    const boxes = () =>
      canvas()
        .locator('.react-flow__node')
        .evaluateAll((els) => JSON.stringify(els.map((e) => e.getBoundingClientRect())));
    let last = '';
    let still = 0;
    for (let i = 0; i < 100 && still < 3; i++) {
      await page.waitForTimeout(150);
      const now = await boxes();
      still = now === last ? still + 1 : 0;
      last = now;
    }
  }

  async function box(l: Locator) {
    const b = await l.boundingBox();
    if (!b) throw new Error('element has no box');
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  }

  async function select(label: string) {
    await card(label).locator('.kf-card__name').click();
    await expect.poll(() => inspector().getByRole('textbox', { name: 'Node id' }).count()).toBe(1);
  }

  async function rename(id: string, name: string) {
    const idBox = inspector().getByRole('textbox', { name: 'Node id' });
    await idBox.fill(id);
    await idBox.press('Enter');
    await inspector().getByRole('textbox', { name: 'Display name' }).fill(name);
  }

  /** Sets a text field of the settings form; CodeMirror fields are content-editable, both take fill. */
  async function setText(field: string, value: string) {
    // A topic field is a combobox (suggestions from the cluster), the others text boxes.
    // Required fields carry a marker after their name.
    const input = settings().getByLabel(new RegExp(`^${field}( \\*)?$`));
    await input.fill(value);
    await input.press('Tab');
  }

  async function addEntry(group: string, name: string) {
    const g = settings().getByRole('group', { name: group, exact: true });
    await g.getByRole('textbox', { name: `New name in ${group}` }).fill(name);
    await g.getByRole('button', { name: `Add to ${group}` }).click();
    return g;
  }

  const problemTexts = async () => (await problems().getByRole('button').allInnerTexts()).join('\n');

  it('builds the pipeline with pointer drags, the problems panel guiding the settings', async () => {
    await dragFromPalette('Sources', 'Topic', 160, 160);
    // The card lands where it was dropped: the view does not jump to fit the first node.
    const area = await canvas().boundingBox();
    const first = await card('Topic: source-topic').boundingBox();
    expect(area && first).toBeTruthy();
    expect(Math.abs(first!.x - area!.x - 160)).toBeLessThan(first!.width);
    expect(Math.abs(first!.y - area!.y - 160)).toBeLessThan(first!.height);
    await dragFromPalette('Windows', 'Tumbling window', 460, 160);
    await dragFromPalette('Sinks', 'Topic', 760, 160);
    await expect.poll(() => canvas().locator('.react-flow__node').count()).toBe(3);
    // Cards dropped close together may overlap; the layout button spreads them out.
    await autoLayout();

    // Empty settings are reported per node, at their config path.
    const before = await problemTexts();
    expect(before).toMatch(/nodes\[0\]\.config\.topic[\s\S]*"topic" is required/);
    expect(before).toMatch(/nodes\[1\]\.config\.size[\s\S]*"size" is required/);
    expect(before).toMatch(/nodes\[1\]\.config\.aggregates[\s\S]*"aggregates" is required/);

    await select('Topic: source-topic');
    await rename('raw', 'Raw events');
    await select('Tumbling window: window-tumbling');
    await rename('per5min', 'Per category, 5 min');
    await select('Topic: sink-topic');
    await rename('out', 'Aggregated events');

    await connect('raw output out', 'per5min input in');
    await connect('per5min output out', 'out input in');
    await expect.poll(() => canvas().locator('.kf-edge').count()).toBe(2);
    await autoLayout();

    await select('Topic: Raw events');
    await setText('topic', 'raw-events');
    await setText('eventTime', 'ts');
    for (const [name, type] of [
      ['category', 'string'],
      ['value', 'number'],
      ['ts', 'timestamp'],
    ] as const) {
      const g = await addEntry('fields', name);
      await g.getByRole('combobox', { name: `fields.${name}` }).selectOption(type);
    }

    await select('Tumbling window: Per category, 5 min');
    await setText('size', '5m');
    await setText('grace', '30s');
    await setText('groupBy', 'category');
    for (const [name, expr] of [
      ['total', 'sum(value)'],
      ['events', 'count(*)'],
    ] as const) {
      const g = await addEntry('aggregates', name);
      const field = g.getByRole('textbox', { name: `aggregates.${name}` });
      await field.fill(expr);
      await field.press('Tab');
    }
    await settings().getByRole('combobox', { name: 'emit' }).selectOption('final');

    await select('Topic: Aggregated events');
    await setText('topic', 'aggregated-events');

    // The pipeline's own name, with nothing selected.
    await canvas()
      .locator('.react-flow__pane')
      .click({ position: { x: 20, y: 20 } });
    await inspector().getByRole('textbox', { name: 'Pipeline name' }).fill('clicks-per-category');

    await expect.poll(problemTexts, { timeout: 5_000 }).toBe('');
    await session.screenshot('editor');
  }, 180_000);

  it('saves a file that validates and equals the expected spec', async () => {
    const path = join(app.dataDir, 'clicks-per-category.json');
    await page.getByRole('button', { name: 'Save As' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save the pipeline as' });
    await dialog.getByRole('textbox', { name: 'File path' }).fill(path);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByText('not saved yet').count()).toBe(0);

    const text = readFileSync(path, 'utf8');
    const checked = validateSpecText(text);
    expect(checked.problems).toEqual([]);
    const saved = JSON.parse(text) as { nodes: { ui?: unknown }[] };
    for (const n of saved.nodes) {
      expect(n.ui).toEqual({ x: expect.any(Number), y: expect.any(Number) });
      delete n.ui;
    }
    expect(saved).toEqual(EXPECTED);
  }, 60_000);

  /** A count as a node card shows it (`950`, `1.2k`, `3.4M`). */
  async function counter(nodeId: string, title: 'records in' | 'records out'): Promise<number> {
    const stats = canvas().getByRole('group', { name: `Run stats of ${nodeId}` });
    if ((await stats.count()) === 0) return 0;
    const text = (await stats.locator(`[title="${title}"] b`).innerText()).trim();
    const m = /^([\d.,]+)\s*([kM]?)$/.exec(text);
    if (!m) throw new Error(`unreadable count "${text}"`);
    const n = Number((m[1] as string).replace(/,/g, ''));
    return m[2] === 'k' ? n * 1e3 : m[2] === 'M' ? n * 1e6 : n;
  }

  it('runs it on the embedded broker with a datagen source: counters rise, an edge shows its records', async () => {
    // Swap the topic source for generated clicks (keyboard delete, then a drag from the palette).
    await select('Topic: Raw events');
    await page.keyboard.press('Delete');
    await expect.poll(() => canvas().locator('.react-flow__node').count()).toBe(2);
    await dragFromPalette('Sources', 'Datagen', 120, 420);
    await select('Datagen: source-datagen');
    await rename('clicks', 'Generated clicks');
    await setText('rate', '200');
    await setText('key', 'category');
    await setText('topic', 'raw-events');
    await setText(
      'template',
      JSON.stringify({
        category: { gen: 'choice', values: ['books', 'games', 'music', 'video'] },
        value: { gen: 'int', min: 1, max: 100 },
        ts: { gen: 'timestamp' },
      }),
    );
    await autoLayout();
    await connect('clicks output out', 'per5min input in');
    await expect.poll(() => canvas().locator('.kf-edge').count()).toBe(2);
    await autoLayout();
    await expect.poll(problemTexts, { timeout: 5_000 }).toBe('');

    await expect(page.getByRole('combobox', { name: 'Connection' }).inputValue()).resolves.toBe('embedded');
    await page.getByRole('button', { name: 'Run', exact: true }).click();

    // The counters rise: two readings some seconds apart, both above zero and growing.
    await expect.poll(() => counter('clicks', 'records out'), { timeout: 90_000 }).toBeGreaterThan(0);
    const first = await counter('per5min', 'records in');
    await expect.poll(() => counter('per5min', 'records in'), { timeout: 30_000 }).toBeGreaterThan(first);
    expect(await counter('clicks', 'records out')).toBeGreaterThan(first);
    await session.screenshot('run-view');

    // An edge's sampled records open in a table: generated clicks with the template's fields.
    await page.getByRole('button', { name: 'Samples on clicks.out->per5min.in' }).click();
    const dialog = page.getByRole('dialog', { name: 'Samples on clicks.out->per5min.in' });
    await expect.poll(() => dialog.getByRole('row').count(), { timeout: 10_000 }).toBeGreaterThan(1);
    const sample = await dialog.getByRole('row').nth(1).innerText();
    expect(sample).toMatch(/books|games|music|video/);
    expect(sample).toMatch(/"value"/);
    await session.screenshot('edge-samples');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Run', exact: true }).isEnabled()).toBe(true);
    expect(session.errors).toEqual([]);
  }, 240_000);
});
