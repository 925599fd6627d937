// @vitest-environment happy-dom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  type DeployProgressView,
  type DeployRequest,
  type ExportRequest,
} from '../../../../src/api/index';
import {
  ExportDialog,
  EXAMPLE_PROFILE,
  PROFILE_STORAGE_KEY,
} from '../../../../src/renderer/src/export/index';
import { initialDeployData, useDeployStore } from '../../../../src/renderer/src/export/deploy-store';
import { initialEditorData, useEditorStore } from '../../../../src/renderer/src/store/index';
import type { PipelineSpec } from '../../../../src/spec/types';
import { fakeApiClient, type FakeApiClient } from '../../../support/fake-api';

const spec = { kflow: 1, name: 'clicks', nodes: [], edges: [] } as unknown as PipelineSpec;

/** What the fake backend renders for a target: its own file, and the engine's pipeline for all. */
const FILES: Record<ExportRequest['target'], [string, string]> = {
  plan: ['plan.json', '{"steps":[]}\n'],
  cloudformation: ['template.json', '{"Resources":{}}\n'],
  terraform: ['main.tf', 'resource "aws_msk_serverless_cluster" "c" {}\n'],
};

function renderingClient(): FakeApiClient {
  return fakeApiClient({
    export: {
      render: async (req) => ({
        ok: true,
        files: { [FILES[req.target][0]]: FILES[req.target][1], 'engine-pipeline.json': '{"kflow":1}' },
      }),
    },
  });
}

const open = (client: FakeApiClient, onClose = () => {}, getSpec = (): PipelineSpec | null => spec) =>
  render(<ExportDialog open onClose={onClose} getSpec={getSpec} client={client} />);

const line = (deployId: string, step: number | null, message: string, done: number): DeployProgressView => ({
  deployId,
  step,
  resource: null,
  nodeId: null,
  message,
  done,
  total: 4,
});

beforeEach(() => {
  localStorage.clear();
  useEditorStore.setState(initialEditorData());
  useDeployStore.setState(initialDeployData());
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('ExportDialog: the targets', () => {
  it('renders nothing when closed', () => {
    render(<ExportDialog open={false} onClose={() => {}} getSpec={() => spec} client={fakeApiClient()} />);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('renders the plan, CloudFormation and Terraform side by side, each with copy and save', async () => {
    const user = userEvent.setup();
    const client = renderingClient();
    open(client);
    const dialog = screen.getByRole('dialog', { name: 'Export to Amazon MSK' });
    const profile = within(dialog).getByRole('textbox', {
      name: 'Deployment profile',
    }) as HTMLTextAreaElement;
    expect(profile.value).toBe(EXAMPLE_PROFILE);
    await user.click(within(dialog).getByRole('button', { name: 'Render' }));

    const renders = client.calls
      .filter((c) => c.method === 'export.render')
      .map((c) => c.params[0] as ExportRequest);
    expect(renders.map((r) => r.target).sort()).toEqual(['cloudformation', 'plan', 'terraform']);
    for (const r of renders) {
      expect(r.spec).toBe(spec);
      expect(r.profile).toEqual(JSON.parse(EXAMPLE_PROFILE));
    }

    const columns = [
      ['Plan', 'plan.json', '{"steps":[]}\n'],
      ['CloudFormation', 'template.json', '{"Resources":{}}\n'],
      ['Terraform', 'main.tf', 'resource "aws_msk_serverless_cluster" "c" {}\n'],
    ] as const;
    for (const [label, file, text] of columns) {
      const column = await within(dialog).findByRole('region', { name: label });
      expect(within(column).getByLabelText(`Contents of ${file}`).textContent).toBe(text);
      expect(within(column).getByRole('button', { name: `Copy ${file}` })).toBeTruthy();
      expect(within(column).getByRole('button', { name: `Save ${file}` })).toBeTruthy();
    }
    // The three columns sit in one row; the engine's pipeline, the same for all, once below.
    const grid = within(dialog).getByRole('region', { name: 'Terraform' }).parentElement!;
    expect(grid.className).toBe('kf-export__targets');
    expect(within(grid).getAllByRole('region')).toHaveLength(3);
    expect(within(dialog).getAllByLabelText('Contents of engine-pipeline.json')).toHaveLength(1);

    const tf = within(dialog).getByRole('region', { name: 'Terraform' });
    await user.click(within(tf).getByRole('button', { name: 'Copy main.tf' }));
    expect(await navigator.clipboard.readText()).toBe('resource "aws_msk_serverless_cluster" "c" {}\n');

    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:kflow-test';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const clicked: { download: string; href: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ download: this.download, href: this.href });
    });
    const cfn = within(dialog).getByRole('region', { name: 'CloudFormation' });
    await user.click(within(cfn).getByRole('button', { name: 'Save template.json' }));
    expect(clicked).toEqual([{ download: 'template.json', href: 'blob:kflow-test' }]);
    expect(await blobs[0]?.text()).toBe('{"Resources":{}}\n');
  });

  it('lists the problems with node and field; clicking one focuses the node and field on the canvas', async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    const client = fakeApiClient({
      export: {
        render: async () => ({
          ok: false,
          problems: [
            {
              path: 'profile.network.subnets',
              message: 'a new cluster needs at least two subnets',
              nodeId: null,
            },
            {
              path: 'spec.nodes[2].config.region',
              message: 'the bucket is in eu-west-1 but the connector runs in us-east-1',
              nodeId: 'lake',
            },
          ],
        }),
      },
    });
    open(client, onClose);
    await user.click(screen.getByRole('button', { name: 'Render' }));
    const problems = await screen.findByRole('region', { name: 'Export problems' });
    expect(
      within(problems)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'profile.network.subnets: a new cluster needs at least two subnets',
      'lake spec.nodes[2].config.region: the bucket is in eu-west-1 but the connector runs in us-east-1',
    ]);
    // Only a problem about a node links to one.
    const links = within(problems).getAllByRole('button');
    expect(links).toHaveLength(1);
    expect(screen.queryByRole('region', { name: 'Terraform' })).toBeNull();

    await user.click(links[0]!);
    const state = useEditorStore.getState();
    expect(state.focus).toMatchObject({ nodeId: 'lake', field: 'region' });
    expect(state.selection).toEqual({ nodes: ['lake'], edges: [] });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('keeps the profile for next time, but not one holding a secret', async () => {
    const user = userEvent.setup();
    const { unmount } = open(fakeApiClient());
    const box = screen.getByRole('textbox', { name: 'Deployment profile' });
    await user.clear(box);
    await user.click(box);
    await user.paste('{"kflowProfile":1,"name":"prod"}');
    expect(localStorage.getItem(PROFILE_STORAGE_KEY)).toBe('{"kflowProfile":1,"name":"prod"}');
    unmount();
    open(fakeApiClient());
    const again = screen.getByRole('textbox', { name: 'Deployment profile' }) as HTMLTextAreaElement;
    expect(again.value).toBe('{"kflowProfile":1,"name":"prod"}');

    await user.clear(again);
    await user.click(again);
    await user.paste('{"name":"prod","token":"abc123"}');
    expect(localStorage.getItem(PROFILE_STORAGE_KEY)).toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('Not kept: token:');
  });

  it('says when the profile is not JSON, without calling the API', async () => {
    const user = userEvent.setup();
    const client = fakeApiClient();
    open(client);
    const box = screen.getByRole('textbox', { name: 'Deployment profile' });
    await user.clear(box);
    await user.click(box);
    await user.paste('{"name": ');
    await user.click(screen.getByRole('button', { name: 'Render' }));
    expect(screen.getByRole('alert').textContent).toMatch(/^The profile is not valid JSON: /);
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(client.calls.some((c) => c.method === 'export.render' || c.method === 'export.deploy')).toBe(
      false,
    );
  });

  it('disables Render and the deploy actions without a spec and closes on Escape', async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    open(fakeApiClient(), onClose, () => null);
    for (const name of ['Render', 'Dry run', 'Apply…', 'Status', 'Drift'])
      expect((screen.getByRole('button', { name }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('The pipeline is not a valid spec yet.')).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe('ExportDialog: deploying', () => {
  it('a dry run lists the ordered calls', async () => {
    const user = userEvent.setup();
    const client = fakeApiClient();
    open(client);
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    const req = client.calls.find((c) => c.method === 'export.deploy')?.params[0] as DeployRequest;
    expect(req).toEqual({ spec, profile: JSON.parse(EXAMPLE_PROFILE), mode: 'dry-run' });
    act(() =>
      client.emit({
        type: 'deploy.done',
        result: {
          deployId: 'deploy-1',
          mode: 'dry-run',
          ok: true,
          changes: [],
          unchanged: 0,
          manual: [],
          calls: [
            { step: 1, service: 'kafka', command: 'CreateClusterV2', resource: 'kflow-dev', nodeId: null },
            { step: 2, service: 'kafka', command: 'CreateTopic', resource: 'clicks', nodeId: 'src' },
          ],
        },
      }),
    );
    const table = await screen.findByRole('table', { name: 'Planned calls' });
    expect(
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map((r) =>
          within(r)
            .getAllByRole('cell')
            .map((c) => c.textContent),
        ),
    ).toEqual([
      ['1', 'kafka', 'CreateClusterV2', 'kflow-dev', ''],
      ['2', 'kafka', 'CreateTopic', 'clicks', 'src'],
    ]);
    expect(screen.getByText(/^Dry run: 2 call\(s\) a deploy makes when nothing exists yet/)).toBeTruthy();
  });

  it('applies after a confirmation, shows progress as it arrives, then the result', async () => {
    const user = userEvent.setup();
    const client: FakeApiClient = fakeApiClient({
      export: {
        deploy: async () => {
          // The first line may arrive before the call answers.
          client.emit({
            type: 'deploy.progress',
            progress: line('deploy-7', null, 'reading what is deployed for clicks in us-east-1', 0),
          });
          return { deployId: 'deploy-7' };
        },
      },
    });
    open(client);
    await user.click(screen.getByRole('button', { name: 'Apply…' }));
    await user.click(
      within(screen.getByRole('group', { name: 'Confirm apply' })).getByRole('button', { name: 'Cancel' }),
    );
    expect(screen.queryByRole('group', { name: 'Confirm apply' })).toBeNull();
    expect(client.calls.some((c) => c.method === 'export.deploy')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Apply…' }));
    const confirm = screen.getByRole('group', { name: 'Confirm apply' });
    expect(confirm.textContent).toContain('clicks');
    await user.click(within(confirm).getByRole('button', { name: 'Apply now' }));
    expect((client.calls.find((c) => c.method === 'export.deploy')?.params[0] as DeployRequest).mode).toBe(
      'apply',
    );

    act(() => {
      client.emit({
        type: 'deploy.progress',
        progress: line('deploy-7', 2, '[2/4] create cluster kflow-dev', 2),
      });
      client.emit({ type: 'deploy.progress', progress: line('other', 1, '[1/4] not this deploy', 1) });
      client.emit({
        type: 'deploy.progress',
        progress: line('deploy-7', null, '  waiting for cluster kflow-dev: CREATING (0:00)', 2),
      });
    });
    const list = screen.getByRole('list', { name: 'Deploy progress' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'reading what is deployed for clicks in us-east-1',
      '[2/4] create cluster kflow-dev',
      'waiting for cluster kflow-dev: CREATING (0:00)',
    ]);
    const bar = screen.getByRole('progressbar', { name: 'Deploy steps' }) as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([2, 4]);
    // One deploy at a time from this dialog.
    expect((screen.getByRole('button', { name: 'Apply…' }) as HTMLButtonElement).disabled).toBe(true);

    act(() =>
      client.emit({
        type: 'deploy.done',
        result: {
          deployId: 'deploy-7',
          mode: 'apply',
          ok: true,
          changes: [
            { service: 'kafka', command: 'CreateClusterV2', resource: 'cluster kflow-dev' },
            { service: 'kafka', command: 'CreateTopic', resource: 'topic clicks' },
            { service: 'kafka', command: 'CreateTopic', resource: 'topic out' },
          ],
          unchanged: 1,
          manual: [],
        },
      }),
    );
    expect(screen.getByText('deployed clicks: 3 change(s), 1 step(s) unchanged')).toBeTruthy();
    expect([bar.value, bar.max]).toEqual([4, 4]);
    expect((screen.getByRole('button', { name: 'Apply…' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('keeps a running deploy and its progress when the dialog is closed and opened again', async () => {
    const user = userEvent.setup();
    const client = fakeApiClient({ export: { deploy: async () => ({ deployId: 'deploy-9' }) } });
    const { unmount } = open(client);
    await user.click(screen.getByRole('button', { name: 'Apply…' }));
    await user.click(screen.getByRole('button', { name: 'Apply now' }));
    act(() =>
      client.emit({ type: 'deploy.progress', progress: line('deploy-9', 1, '[1/4] create topic clicks', 1) }),
    );
    unmount();
    // While the dialog is closed.
    client.emit({ type: 'deploy.progress', progress: line('deploy-9', 2, '[2/4] create topic out', 2) });

    open(client);
    const list = screen.getByRole('list', { name: 'Deploy progress' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['[1/4] create topic clicks', '[2/4] create topic out']);
    expect((screen.getByRole('button', { name: 'Apply…' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('says why a deploy failed, and lists the problems of a refused one', async () => {
    const user = userEvent.setup();
    let refuse = false;
    const client = fakeApiClient({
      export: {
        deploy: async () => {
          if (refuse)
            throw new ApiError('invalid', 'the export was refused: 1 problem(s)', [
              {
                severity: 'error',
                nodeId: 'lake',
                path: 'spec.nodes[0].config.region',
                message: 'wrong region',
              },
            ]);
          return { deployId: 'deploy-2' };
        },
      },
    });
    open(client);
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    act(() =>
      client.emit({
        type: 'deploy.done',
        result: {
          deployId: 'deploy-2',
          mode: 'apply',
          ok: false,
          changes: [],
          unchanged: 0,
          manual: [],
          error: 'kafka CreateClusterV2: AccessDeniedException: not allowed',
        },
      }),
    );
    expect(
      screen.getByText('Deploy failed: kafka CreateClusterV2: AccessDeniedException: not allowed'),
    ).toBeTruthy();

    refuse = true;
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(screen.getByRole('alert').textContent).toBe('the export was refused: 1 problem(s)');
    const problems = screen.getByRole('region', { name: 'Export problems' });
    expect(within(problems).getByRole('button').textContent).toBe(
      'lake spec.nodes[0].config.region: wrong region',
    );
  });

  it('shows the status and the drift as tables', async () => {
    const user = userEvent.setup();
    let drift = true;
    const client = fakeApiClient({
      export: {
        status: async () => [
          {
            kind: 'connector',
            name: 'clicks-dev-lake',
            nodeId: 'lake',
            state: 'RUNNING',
            summary: '',
            details: [{ label: 'workers', value: '1-2 (autoscaling)' }],
          },
        ],
        drift: async () =>
          drift
            ? [
                {
                  kind: 'connector',
                  name: 'clicks-dev-lake',
                  nodeId: 'lake',
                  field: 'connectorConfiguration.flush.size',
                  deployed: '1000',
                  wanted: '500',
                  change: 'update' as const,
                },
              ]
            : [],
      },
    });
    open(client);
    await user.click(screen.getByRole('button', { name: 'Status' }));
    const status = await screen.findByRole('table', { name: 'Deployment status' });
    expect(
      within(status)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['connector clicks-dev-lake', 'lake', 'RUNNING', 'workers: 1-2 (autoscaling)']);

    await user.click(screen.getByRole('button', { name: 'Drift' }));
    const table = await screen.findByRole('table', { name: 'Drift' });
    expect(screen.queryByRole('table', { name: 'Deployment status' })).toBeNull();
    expect(
      within(table)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual([
      'connector clicks-dev-lake',
      'lake',
      'connectorConfiguration.flush.size',
      '1000',
      '500',
      'deploy updates it',
    ]);

    drift = false;
    await user.click(screen.getByRole('button', { name: 'Drift' }));
    expect(
      await screen.findByText('No drift: what is deployed is what the spec and profile say.'),
    ).toBeTruthy();
  });
});
