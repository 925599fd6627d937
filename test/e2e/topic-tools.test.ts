/**
 * The topic tools end to end, in chromium against `kflow web` and its embedded broker: open a
 * topic, follow it and see a record produced elsewhere arrive live, filter a read, produce a record
 * from the UI and see it arrive, and reset a consumer group's offsets (preview, then reset, checked
 * with an independent client).
 */
import type { Admin, Kafka } from 'kafkajs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, type BrowserSession } from '../support/browser';
import { startTopicsE2e, type TopicsE2e } from '../support/topics-e2e';

const enabled = browserAvailable();

/** Ten orders with amounts 10, 20, … 100: a filter `amount > 70` keeps exactly three. */
const ORDERS = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, amount: (i + 1) * 10 }));

describe.runIf(enabled)('topic tools in the browser', () => {
  let e2e: TopicsE2e;
  let session: BrowserSession;
  let page: Page;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    e2e = await startTopicsE2e('e2e', async ({ kafka, admin }) => {
      await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: 'orders',
        messages: ORDERS.map((o) => ({ key: String(o.id), value: JSON.stringify(o) })),
      });
      await producer.disconnect();
      // A group that has read everything and left: its committed offset is the end of the log.
      await admin.setOffsets({
        groupId: 'billing',
        topic: 'orders',
        partitions: [{ partition: 0, offset: '10' }],
      });
    });
    ({ session, page, kafka, admin } = e2e);
  }, 240_000);

  afterAll(async () => {
    await e2e?.stop();
  });

  const view = () => page.getByRole('region', { name: 'Topics' });
  const rows = () => view().getByRole('button', { name: /^Record 0\// });

  it('opens a topic and follows it: a record produced elsewhere appears live', async () => {
    await view().getByRole('button', { name: 'orders', exact: true }).click();
    await view().getByRole('button', { name: 'Follow' }).click();
    await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(10);

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'orders',
      messages: [{ key: '11', value: JSON.stringify({ id: 11, amount: 110 }) }],
    });
    await producer.disconnect();
    await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(11);
    await expect.poll(() => view().getByRole('button', { name: 'Record 0/10' }).count()).toBe(1);
    await view().getByRole('button', { name: 'Follow' }).click();
    await session.screenshot('topics-follow');
  }, 60_000);

  it('filters a read by an expression', async () => {
    const form = view().getByRole('form', { name: 'Read records' });
    await form.getByLabel('From', { exact: true }).selectOption('earliest');
    await form.getByLabel('Filter', { exact: true }).fill('amount > 70');
    await form.getByRole('button', { name: 'Read' }).click();
    // 80, 90, 100 and the 110 produced above: offsets 7, 8, 9, 10.
    await expect
      .poll(
        async () => (await rows().evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).sort(),
        // A filtered read scans the whole topic: on a loaded machine it outlasts the default 1 s.
        { timeout: 20_000 },
      )
      .toEqual(['Record 0/10', 'Record 0/7', 'Record 0/8', 'Record 0/9']);
  }, 60_000);

  it('produces a record from the UI and sees it arrive', async () => {
    await view().getByRole('tab', { name: 'Produce' }).click();
    const form = view().getByRole('form', { name: 'Produce to orders' });
    await form.getByLabel('Key', { exact: true }).fill('from-ui');
    await form.getByLabel('Value', { exact: true }).fill('{"id":12,"amount":120}');
    await form.getByRole('button', { name: 'Produce' }).click();

    // The log grows by one (seen by an independent client) and a read finds it by its value.
    await expect.poll(async () => (await admin.fetchTopicOffsets('orders'))[0]?.high).toBe('12');
    await view().getByRole('tab', { name: 'Records' }).click();
    const read = view().getByRole('form', { name: 'Read records' });
    await read.getByLabel('Filter', { exact: true }).fill('id = 12');
    await read.getByRole('button', { name: 'Read' }).click();
    await expect.poll(() => rows().count()).toBe(1);
    await rows().first().click();
    const drawer = page.getByRole('dialog');
    await expect.poll(() => drawer.innerText()).toMatch(/from-ui[\s\S]*"amount": 120/);
    await page.keyboard.press('Escape');
    await expect.poll(() => drawer.count()).toBe(0);
  }, 60_000);

  it("resets a group's offsets: the preview says what will change, the reset does it", async () => {
    await view().getByRole('tab', { name: 'Consumer groups' }).click();
    await view().getByRole('button', { name: 'billing', exact: true }).click();
    const reset = view().getByRole('region', { name: 'Reset offsets of billing' });
    await reset.getByLabel('Topic', { exact: true }).selectOption('orders');
    await reset.getByLabel('Reset to', { exact: true }).selectOption('earliest');
    await reset.getByRole('button', { name: 'Preview reset' }).click();
    // Partition 0 would move from the committed 10 to the log start, 0.
    await expect.poll(() => reset.getByRole('row').nth(1).innerText()).toMatch(/^0\s+10\s+0$/);
    // A preview changes nothing.
    expect(
      (await admin.fetchOffsets({ groupId: 'billing', topics: ['orders'] }))[0]?.partitions[0]?.offset,
    ).toBe('10');
    await reset.getByRole('button', { name: 'Reset offsets' }).click();
    await expect
      .poll(
        async () =>
          (await admin.fetchOffsets({ groupId: 'billing', topics: ['orders'] }))[0]?.partitions[0]?.offset,
      )
      .toBe('0');
    await session.screenshot('topics-reset');
    expect(session.errors).toEqual([]);
  }, 60_000);
});
