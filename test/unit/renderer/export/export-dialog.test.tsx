// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExportRequest } from '../../../../src/api/index';
import {
  ExportDialog,
  EXAMPLE_PROFILE,
  PROFILE_STORAGE_KEY,
} from '../../../../src/renderer/src/export/index';
import type { PipelineSpec } from '../../../../src/spec/types';
import { fakeApiClient } from '../../../support/fake-api';

const spec = { kflow: 1, name: 'clicks', nodes: [], edges: [] } as unknown as PipelineSpec;

beforeEach(() => localStorage.clear());
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('ExportDialog', () => {
  it('renders nothing when closed', () => {
    render(<ExportDialog open={false} onClose={() => {}} getSpec={() => spec} client={fakeApiClient()} />);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('renders the chosen target with the profile and shows each file with copy and download', async () => {
    const user = userEvent.setup();
    const client = fakeApiClient({
      export: {
        render: async (req) => ({
          ok: true,
          files: {
            'main.tf': `# ${req.target}\nresource "aws_msk_serverless_cluster" "c" {}\n`,
            'engine-pipeline.json': '{"kflow":1}',
          },
        }),
      },
    });
    render(<ExportDialog open onClose={() => {}} getSpec={() => spec} client={client} />);
    const dialog = screen.getByRole('dialog', { name: 'Export to Amazon MSK' });
    const profile = within(dialog).getByRole('textbox', {
      name: 'Deployment profile',
    }) as HTMLTextAreaElement;
    expect(profile.value).toBe(EXAMPLE_PROFILE);
    await within(dialog).findByRole('option', { name: 'Terraform (main.tf)' });
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Target' }), 'terraform');
    await user.click(within(dialog).getByRole('button', { name: 'Render' }));

    const req = client.calls.find((c) => c.method === 'export.render')?.params[0] as ExportRequest;
    expect(req.target).toBe('terraform');
    expect(req.spec).toBe(spec);
    expect(req.profile).toEqual(JSON.parse(EXAMPLE_PROFILE));

    const tf = await within(dialog).findByRole('region', { name: 'main.tf' });
    expect(within(tf).getByLabelText('Contents of main.tf').textContent).toBe(
      '# terraform\nresource "aws_msk_serverless_cluster" "c" {}\n',
    );
    expect(within(dialog).getByRole('region', { name: 'engine-pipeline.json' })).toBeTruthy();

    await user.click(within(tf).getByRole('button', { name: 'Copy main.tf' }));
    expect(await navigator.clipboard.readText()).toBe(
      '# terraform\nresource "aws_msk_serverless_cluster" "c" {}\n',
    );

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
    await user.click(within(tf).getByRole('button', { name: 'Download main.tf' }));
    expect(clicked).toEqual([{ download: 'main.tf', href: 'blob:kflow-test' }]);
    expect(await blobs[0]?.text()).toBe('# terraform\nresource "aws_msk_serverless_cluster" "c" {}\n');
  });

  it('lists the problems with their path when the export is refused', async () => {
    const user = userEvent.setup();
    const client = fakeApiClient({
      export: {
        render: async () => ({
          ok: false,
          problems: [
            { path: 'profile.network.subnets', message: 'a new cluster needs at least two subnets' },
            { path: 'nodes[2].config.password', message: 'holds a literal secret' },
          ],
        }),
      },
    });
    render(<ExportDialog open onClose={() => {}} getSpec={() => spec} client={client} />);
    await user.click(screen.getByRole('button', { name: 'Render' }));
    const problems = await screen.findByRole('region', { name: 'Export problems' });
    expect(
      within(problems)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'profile.network.subnets: a new cluster needs at least two subnets',
      'nodes[2].config.password: holds a literal secret',
    ]);
  });

  it('keeps the profile for next time, but not one holding a secret', async () => {
    const user = userEvent.setup();
    const { unmount } = render(
      <ExportDialog open onClose={() => {}} getSpec={() => spec} client={fakeApiClient()} />,
    );
    const box = screen.getByRole('textbox', { name: 'Deployment profile' });
    await user.clear(box);
    await user.click(box);
    await user.paste('{"kflowProfile":1,"name":"prod"}');
    expect(localStorage.getItem(PROFILE_STORAGE_KEY)).toBe('{"kflowProfile":1,"name":"prod"}');
    unmount();
    render(<ExportDialog open onClose={() => {}} getSpec={() => spec} client={fakeApiClient()} />);
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
    render(<ExportDialog open onClose={() => {}} getSpec={() => spec} client={client} />);
    const box = screen.getByRole('textbox', { name: 'Deployment profile' });
    await user.clear(box);
    await user.click(box);
    await user.paste('{"name": ');
    await user.click(screen.getByRole('button', { name: 'Render' }));
    expect(screen.getByRole('alert').textContent).toMatch(/^The profile is not valid JSON: /);
    expect(client.calls.some((c) => c.method === 'export.render')).toBe(false);
  });

  it('disables Render without a spec and closes on Escape', async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    render(<ExportDialog open onClose={onClose} getSpec={() => null} client={fakeApiClient()} />);
    expect((screen.getByRole('button', { name: 'Render' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('The pipeline is not a valid spec yet.')).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
