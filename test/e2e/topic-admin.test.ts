/**
 * Topic administration end to end, in chromium against `kflow web` and its embedded broker:
 * create a topic, its configs with defaults marked, alter one, add partitions, produce 100
 * records from a template, export them to a file and import it into another topic (counts
 * checked with kafkajs), redrive a dead letter to its original topic, delete a group and the
 * topic. No console errors.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from '../../src/spec/dead-letter';
import { browserAvailable, type BrowserSession } from '../support/browser';
import { startTopicsE2e, type TopicsE2e } from '../support/topics-e2e';

const enabled = browserAvailable();

describe.runIf(enabled)('topic administration in the browser', () => {
  let e2e: TopicsE2e;
  let session: BrowserSession;
  let page: Page;
  let admin: Admin;
  let kafka: Kafka;

  const count = async (topic: string) =>
    (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);

  beforeAll(async () => {
    e2e = await startTopicsE2e('e2e-admin', async ({ admin }) => {
      await admin.createTopics({ topics: [{ topic: 'copy-of-audit', numPartitions: 3 }] });
    });
    ({ session, page, admin, kafka } = e2e);
  }, 240_000);

  afterAll(async () => {
    await e2e?.stop();
  });

  const view = () => page.getByRole('region', { name: 'Topics' });

  it('creates a topic, shows its configs with defaults, alters one and adds partitions', async () => {
    await view().getByRole('button', { name: 'New topic' }).click();
    const form = page.getByRole('form', { name: 'New topic' });
    await form.getByLabel('Topic name').fill('audit');
    await form.getByLabel('Partitions').fill('2');
    await form.getByRole('button', { name: 'Create topic' }).click();
    await expect
      .poll(async () => (await admin.listTopics()).includes('audit'), { timeout: 20_000 })
      .toBe(true);
    await view().getByRole('button', { name: 'audit', exact: true }).click();

    await view().getByRole('tab', { name: 'Config' }).click();
    const table = view().getByRole('table', { name: 'Config' });
    const retention = table.getByRole('row', { name: /^retention\.ms\b/ });
    await expect.poll(() => retention.innerText(), { timeout: 20_000 }).toContain('default');
    await table.getByRole('textbox', { name: 'Value of retention.ms' }).fill('3600000');
    await view().getByRole('button', { name: 'Save configs' }).click();
    await expect.poll(() => retention.innerText(), { timeout: 20_000 }).toContain('DYNAMIC_TOPIC_CONFIG');
    const described = await admin.describeConfigs({
      resources: [{ type: 2, name: 'audit', configNames: ['retention.ms'] }],
      includeSynonyms: false,
    });
    expect(described.resources[0]?.configEntries[0]?.configValue).toBe('3600000');

    await view().getByRole('tab', { name: 'Manage' }).click();
    await view().getByLabel('New partition count').fill('4');
    await view().getByRole('button', { name: 'Add partitions' }).click();
    await expect
      .poll(async () => (await admin.fetchTopicOffsets('audit')).length, { timeout: 20_000 })
      .toBe(4);
  }, 90_000);

  it('produces 100 records from a template, exports them and imports them into another topic', async () => {
    await view().getByRole('tab', { name: 'Generate' }).click();
    const gen = view().getByRole('form', { name: 'Produce from a template' });
    await gen.getByLabel('Count').fill('100');
    await gen.getByRole('button', { name: 'Generate' }).click();
    await expect
      .poll(() => gen.getByRole('status').innerText(), { timeout: 30_000 })
      .toBe('Produced 100 records.');
    expect(await count('audit')).toBe(100);

    await view().getByRole('button', { name: 'Export…' }).click();
    const exp = page.getByRole('form', { name: 'Export audit to JSONL' });
    await exp.getByRole('button', { name: 'Start export' }).click();
    await expect
      .poll(() => exp.getByRole('status').innerText(), { timeout: 30_000 })
      .toBe('Exported 100 records.');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      exp.getByRole('button', { name: 'Download audit.jsonl' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('audit.jsonl');
    const file = await download.path();
    await page.getByRole('dialog', { name: 'Export audit' }).getByRole('button', { name: 'Close' }).click();

    await view().getByRole('button', { name: 'Import…' }).click();
    const imp = page.getByRole('form', { name: 'Import a JSONL file' });
    await imp.getByLabel('JSONL file').setInputFiles(file);
    await imp.getByLabel('Into topic').fill('copy-of-audit');
    await imp.getByRole('button', { name: 'Start import' }).click();
    await expect
      .poll(() => imp.getByRole('status').innerText(), { timeout: 30_000 })
      .toBe('Imported 100 records into copy-of-audit.');
    expect(await count('copy-of-audit')).toBe(100);
    await session.screenshot('topic-admin');
    await page
      .getByRole('dialog', { name: 'Import into audit' })
      .getByRole('button', { name: 'Close' })
      .click();
  }, 120_000);

  it('redrives a dead letter back to its original topic', async () => {
    await admin.createTopics({ topics: [{ topic: 'audit.dlq', numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'audit.dlq',
      messages: [
        {
          key: 'k-dead',
          value: '{"n":101}',
          headers: {
            [DLQ_HEADERS.pipeline]: 'audit-pipeline',
            [DLQ_HEADERS.node]: 'parse',
            [DLQ_HEADERS.error]: 'bad field n',
            [DLQ_HEADERS.topic]: 'copy-of-audit',
            [DLQ_HEADERS.partition]: '0',
            [DLQ_HEADERS.offset]: '7',
          },
        },
      ],
    });
    await producer.disconnect();
    await view().getByRole('button', { name: 'Refresh', exact: true }).click();
    await view().getByRole('button', { name: 'audit.dlq', exact: true }).click({ timeout: 20_000 });
    await view().getByRole('button', { name: 'Redrive…' }).click();
    const form = page.getByRole('form', { name: 'Redrive dead letters from audit.dlq' });
    await form.getByRole('button', { name: 'Preview redrive' }).click();
    await form.getByRole('button', { name: 'Redrive', exact: true }).click({ timeout: 20_000 });
    await expect.poll(() => count('copy-of-audit'), { timeout: 20_000 }).toBe(101);
    await page
      .getByRole('dialog', { name: 'Redrive audit.dlq' })
      .getByRole('button', { name: 'Close' })
      .click();
  }, 90_000);

  it('deletes an empty group and the topic', async () => {
    await admin.setOffsets({
      groupId: 'auditors',
      topic: 'audit',
      partitions: [{ partition: 0, offset: '1' }],
    });
    await view().getByRole('tab', { name: 'Consumer groups' }).click();
    await view().getByRole('button', { name: 'auditors', exact: true }).click({ timeout: 20_000 });
    await view().getByRole('button', { name: 'Delete group…' }).click();
    await page
      .getByRole('dialog', { name: 'Delete group auditors' })
      .getByRole('button', { name: 'Delete auditors' })
      .click();
    await expect
      .poll(async () => (await admin.listGroups()).groups.some((g) => g.groupId === 'auditors'), {
        timeout: 20_000,
      })
      .toBe(false);

    await view().getByRole('tab', { name: 'Topics' }).click();
    await view().getByRole('button', { name: 'audit', exact: true }).click();
    await view().getByRole('tab', { name: 'Manage' }).click();
    await view().getByRole('button', { name: 'Delete topic…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete audit' });
    await confirm.getByLabel('Topic name').fill('audit');
    await confirm.getByRole('button', { name: 'Delete audit' }).click();
    await expect
      .poll(async () => (await admin.listTopics()).includes('audit'), { timeout: 20_000 })
      .toBe(false);
    expect(session.errors).toEqual([]);
  }, 90_000);
});
