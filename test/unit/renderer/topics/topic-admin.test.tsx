// @vitest-environment happy-dom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, type TopicConfigView, type TopicView } from '../../../../src/api/index';
import {
  ConfigEditor,
  CreateTopicForm,
  ManageTopic,
  TemplateProduce,
} from '../../../../src/renderer/src/topics/TopicAdmin';
import { fakeApiClient } from '../../../support/fake-api';

afterEach(() => cleanup());

const cfg = (name: string, value: string, isDefault: boolean): TopicConfigView => ({
  name,
  value,
  isDefault,
  source: isDefault ? 'DEFAULT_CONFIG' : 'DYNAMIC_TOPIC_CONFIG',
  readOnly: false,
  sensitive: false,
  synonyms: [],
});

const view: TopicView = {
  name: 'orders',
  partitions: [],
  config: {},
  configs: [cfg('cleanup.policy', 'delete', true), cfg('retention.ms', '1000', false)],
};

describe('topic administration', () => {
  it('creates a topic with partitions and config lines', async () => {
    const created: string[] = [];
    const c = fakeApiClient();
    render(<CreateTopicForm client={c} onCreated={(n) => created.push(n)} onCancel={() => {}} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Topic name'), 'payments');
    await user.clear(screen.getByLabelText('Partitions'));
    await user.type(screen.getByLabelText('Partitions'), '4');
    await user.type(screen.getByLabelText('Configs (name=value per line)'), 'retention.ms=60000');
    await user.click(screen.getByRole('button', { name: 'Create topic' }));
    expect(c.calls.find((x) => x.method === 'topics.create')?.params).toEqual([
      { name: 'payments', partitions: 4, configs: { 'retention.ms': '60000' } },
    ]);
    expect(created).toEqual(['payments']);
  });

  it('marks defaults, saves an edit and shows a refusal next to its config', async () => {
    const c = fakeApiClient({
      topics: {
        alterConfigs: async () => {
          throw new ApiError('invalid', 'refused', [
            { severity: 'error', nodeId: null, path: 'cleanup.policy', message: 'not a policy' },
          ]);
        },
      },
    });
    render(<ConfigEditor client={c} topic="orders" view={view} />);
    const table = screen.getByRole('table', { name: 'Config' });
    expect(within(table).getByRole('row', { name: /cleanup.policy/ }).textContent).toContain('default');
    expect(within(table).getByRole('row', { name: /retention.ms/ }).textContent).toContain(
      'DYNAMIC_TOPIC_CONFIG',
    );
    const user = userEvent.setup();
    const input = screen.getByRole('textbox', { name: 'Value of cleanup.policy' });
    await user.clear(input);
    await user.type(input, 'nonsense');
    await user.click(screen.getByRole('button', { name: 'Save configs' }));
    expect(c.calls.find((x) => x.method === 'topics.alterConfigs')?.params).toEqual([
      { topic: 'orders', set: { 'cleanup.policy': 'nonsense' } },
    ]);
    expect(screen.getByRole('alert').textContent).toBe('not a policy');
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });

  it('deletes a topic only after its name is typed', async () => {
    let deleted = false;
    const c = fakeApiClient();
    render(
      <ManageTopic
        client={c}
        topic="orders"
        partitions={2}
        onChanged={() => {}}
        onDeleted={() => (deleted = true)}
      />,
    );
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Delete topic…' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete orders' });
    const confirm = within(dialog).getByRole('button', { name: 'Delete orders' });
    expect(confirm).toHaveProperty('disabled', true);
    await user.type(within(dialog).getByLabelText('Topic name'), 'order');
    expect(confirm).toHaveProperty('disabled', true);
    await user.type(within(dialog).getByLabelText('Topic name'), 's');
    await user.click(confirm);
    expect(c.calls.find((x) => x.method === 'topics.delete')?.params).toEqual(['orders', undefined]);
    expect(deleted).toBe(true);
  });

  it('refuses a partition count that is not more than now', async () => {
    const c = fakeApiClient();
    render(
      <ManageTopic client={c} topic="orders" partitions={2} onChanged={() => {}} onDeleted={() => {}} />,
    );
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('New partition count'), '2');
    expect(screen.getByRole('button', { name: 'Add partitions' })).toHaveProperty('disabled', true);
    await user.clear(screen.getByLabelText('New partition count'));
    await user.type(screen.getByLabelText('New partition count'), '6');
    await user.click(screen.getByRole('button', { name: 'Add partitions' }));
    expect(c.calls.find((x) => x.method === 'topics.addPartitions')?.params).toEqual([
      { topic: 'orders', count: 6 },
    ]);
  });

  it('generates from a template with progress and stops the job', async () => {
    const c = fakeApiClient();
    render(<TemplateProduce client={c} topic="orders" />);
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText('Count'));
    await user.type(screen.getByLabelText('Count'), '1000');
    await user.click(screen.getByRole('button', { name: 'Generate' }));
    const req = c.calls.find((x) => x.method === 'topics.produceTemplate')?.params[0] as { count: number };
    expect(req.count).toBe(1000);
    act(() =>
      c.emit({ type: 'topic.job', job: { jobId: 'job-1', kind: 'produce', done: 250, total: 1000 } }),
    );
    expect(screen.getByRole('progressbar', { name: 'Produced' }).getAttribute('value')).toBe('250');
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(c.calls.find((x) => x.method === 'topics.jobStop')?.params).toEqual(['job-1']);
    act(() =>
      c.emit({
        type: 'topic.jobDone',
        job: { jobId: 'job-1', kind: 'produce', done: 300, total: 1000 },
        stopped: true,
      }),
    );
    expect(screen.getByRole('status').textContent).toBe('Stopped after 300 records.');
    expect(screen.getByRole('button', { name: 'Generate' })).toHaveProperty('disabled', false);
  });
});
