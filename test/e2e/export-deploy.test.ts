/**
 * Export and deploy from the app, in chromium against `kflow web`: open the S3 archive example,
 * open the export dialog, follow a problem to its node and field on the canvas, see the three
 * targets side by side, then apply to the loopback fake AWS (KFLOW_AWS_ENDPOINT points the
 * backend's SDK clients at it) and watch the progress until "deployed"; status and drift after.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  openBrowser,
  ROOT,
  startWebApp,
  type BrowserSession,
  type WebApp,
} from '../support/browser';
import { startFakeAws, type FakeAws } from '../support/fake-aws/index';

const enabled = browserAvailable();

const PROFILE = JSON.parse(
  readFileSync(join(ROOT, 'resources', 'profiles', 'existing-cluster.json'), 'utf8'),
) as Record<string, unknown>;
const CLUSTER_ARN =
  'arn:aws:kafka:us-east-1:123456789012:cluster/shared-kafka/3f2a1b4c-5d6e-7f80-9a1b-2c3d4e5f6a7b-2';
const CONNECTOR = 's3-hourly-archive-stage-lake';

describe.runIf(enabled)('export and deploy the S3 archive example from the app', () => {
  let fake: FakeAws;
  let app: WebApp;
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    fake = await startFakeAws({ delayMs: 100 });
    fake.state.addExistingCluster(
      CLUSTER_ARN,
      'shared-kafka',
      'b-1.sharedkafka.abc123.c2.kafka.us-east-1.amazonaws.com:9098',
    );
    app = await startWebApp({
      env: {
        KFLOW_AWS_ENDPOINT: fake.url,
        // The SDK's default chain reads these in the backend; nothing here is a real credential.
        AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE',
        AWS_SECRET_ACCESS_KEY: 'fake-secret-key-for-the-loopback-fake',
        AWS_SESSION_TOKEN: '',
        AWS_PROFILE: '',
      },
    });
    session = await openBrowser();
    page = session.page;
    await page.goto(app.url);
    await page.locator('[aria-label="Pipeline canvas"]').waitFor({ timeout: 30_000 });
  }, 240_000);

  afterAll(async () => {
    await session?.close();
    await app?.stop();
    await fake?.stop();
  });

  const dialog = () => page.getByRole('dialog', { name: 'Export to Amazon MSK' });
  const setProfile = (p: unknown) =>
    dialog()
      .getByRole('textbox', { name: 'Deployment profile' })
      .fill(JSON.stringify(p, null, 2));

  it('opens the example and the export dialog; a problem leads to its node and field', async () => {
    await page.getByRole('button', { name: 'Examples' }).click();
    await page.getByRole('button', { name: /^Open example s3-hourly-archive/ }).click();
    await page.locator('.react-flow__node[data-id="lake"]').waitFor({ timeout: 15_000 });

    await page.getByRole('button', { name: 'Export', exact: true }).click();
    // The connector would run in eu-west-1 and the bucket is in us-east-1: refused, on node lake.
    await setProfile({ ...PROFILE, region: 'eu-west-1' });
    await dialog().getByRole('button', { name: 'Render' }).click();
    const problems = dialog().getByRole('region', { name: 'Export problems' });
    const problem = problems.getByRole('button', { name: /spec\.nodes\[3\]\.config\.region/ });
    await problem.waitFor({ timeout: 15_000 });
    expect(await problem.textContent()).toContain(
      'the bucket is in us-east-1 but the connector runs in eu-west-1',
    );
    await problem.click();

    await dialog().waitFor({ state: 'detached', timeout: 5_000 });
    await expect
      .poll(() => page.locator('.react-flow__node[data-id="lake"]').getAttribute('class'), { timeout: 5_000 })
      .toContain('selected');
    // The inspector shows the node, with the field the problem is about focused.
    await expect
      .poll(
        () =>
          page.evaluate(() =>
            document.activeElement?.closest('[data-config-path]')?.getAttribute('data-config-path'),
          ),
        {
          timeout: 5_000,
        },
      )
      .toBe('region');
  }, 60_000);

  it('renders the plan, CloudFormation and Terraform side by side', async () => {
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await setProfile(PROFILE);
    await dialog().getByRole('button', { name: 'Render' }).click();
    const columns = ['Deployment plan', 'AWS CloudFormation', 'Terraform'];
    const boxes = [];
    for (const name of columns) {
      const column = dialog().getByRole('region', { name, exact: true });
      await column.waitFor({ timeout: 15_000 });
      boxes.push(await column.boundingBox());
    }
    expect(await dialog().getByLabel('Contents of plan.json').textContent()).toContain('"CreateConnector"');
    expect(await dialog().getByLabel('Contents of template.json').textContent()).toContain(
      'AWS::KafkaConnect::Connector',
    );
    expect(await dialog().getByLabel('Contents of main.tf').textContent()).toContain(
      'resource "aws_mskconnect_connector"',
    );
    // Side by side: one row, left to right.
    const [a, b, c] = boxes.map((x) => x!);
    expect(Math.abs(a!.y - b!.y)).toBeLessThan(2);
    expect(Math.abs(b!.y - c!.y)).toBeLessThan(2);
    expect(a!.x).toBeLessThan(b!.x);
    expect(b!.x).toBeLessThan(c!.x);
    expect(fake.calls).toEqual([]);
  }, 60_000);

  it('applies to the fake AWS with live progress until "deployed", then shows status and no drift', async () => {
    await dialog().getByRole('button', { name: 'Apply…' }).click();
    await dialog()
      .getByRole('group', { name: 'Confirm apply' })
      .getByRole('button', { name: 'Apply now' })
      .click();
    const progress = dialog().getByRole('list', { name: 'Deploy progress' });
    await progress.getByText(`create connector ${CONNECTOR}`, { exact: false }).waitFor({ timeout: 30_000 });
    const result = dialog().getByText(/^deployed s3-hourly-archive: \d+ change\(s\)/);
    await result.waitFor({ timeout: 120_000 });
    expect(await result.textContent()).toMatch(
      /^deployed s3-hourly-archive: 16 change\(s\), 0 step\(s\) unchanged$/,
    );
    const lines = await progress.getByRole('listitem').allTextContents();
    expect(lines[0]).toBe('reading what is deployed for s3-hourly-archive in us-east-1');
    expect(lines.at(-1)).toMatch(new RegExp(`^waiting for connector ${CONNECTOR}: RUNNING`));
    expect(fake.state.connectors.get(CONNECTOR)?.state).toBe('RUNNING');
    await result.scrollIntoViewIfNeeded();
    await session.screenshot('export-deploy');

    await dialog().getByRole('button', { name: 'Status' }).click();
    const status = dialog().getByRole('table', { name: 'Deployment status' });
    await status.waitFor({ timeout: 15_000 });
    const connectorRow = status.getByRole('row').filter({ hasText: CONNECTOR });
    expect(await connectorRow.getByRole('cell').nth(2).textContent()).toBe('RUNNING');

    await dialog().getByRole('button', { name: 'Drift' }).click();
    await dialog()
      .getByText('No drift: what is deployed is what the spec and profile say.')
      .waitFor({ timeout: 15_000 });
    expect(session.errors).toEqual([]);
  }, 180_000);
});
