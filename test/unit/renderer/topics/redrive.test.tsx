// @vitest-environment happy-dom
// The Redrive dialog: a preview table per original topic with sample errors and the skipped ones,
// a redrive job with progress and Stop, the result; every control found by role and name.
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, type RedriveReportView } from '../../../../src/api/index';
import { carriesDeadLetters, RedriveDialog } from '../../../../src/renderer/src/topics/Redrive';
import { fakeApiClient } from '../../../support/fake-api';

afterEach(() => cleanup());

const report = (over: Partial<RedriveReportView>): RedriveReportView => ({
  deadLetterTopic: 'orders.dlq',
  dryRun: true,
  group: 'kflow-redrive.orders.dlq',
  scanned: 0,
  byTopic: [],
  moved: 0,
  skipped: { count: 0, first: [] },
  reason: 'end',
  started: [],
  position: [],
  ...over,
});

const sample = (offset: string, error: string) => ({ partition: 0, offset, key: null, error, node: 'parse' });

describe('RedriveDialog', () => {
  it('previews with the filter, redrives with progress and shows the result', async () => {
    const c = fakeApiClient({
      topics: {
        redrivePreview: async () =>
          report({
            scanned: 7,
            byTopic: [
              { topic: 'orders', count: 4, samples: [sample('0', 'timeout'), sample('3', 'timeout')] },
              { topic: 'payments', count: 1, samples: [sample('5', 'bad json')] },
            ],
            skipped: {
              count: 1,
              first: [{ partition: 0, offset: '6', reason: 'unknown-topic', sourceTopic: 'gone' }],
            },
          }),
        redrive: async () => ({ jobId: 'job-9' }),
      },
    });
    render(<RedriveDialog client={c} topic="orders.dlq" onClose={() => {}} />);
    const user = userEvent.setup();
    expect((screen.getByRole('button', { name: 'Redrive' }) as HTMLButtonElement).disabled).toBe(true);
    await user.type(screen.getByRole('textbox', { name: 'Error contains' }), 'time');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Start at' }), 'earliest');
    await user.click(screen.getByRole('button', { name: 'Preview redrive' }));
    expect(c.calls.find((x) => x.method === 'topics.redrivePreview')?.params).toEqual([
      { topic: 'orders.dlq', error: 'time', from: 'earliest' },
    ]);
    const table = await screen.findByRole('table', { name: /Redrive preview: 7 dead letters read/ });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual(['orders4timeout', 'payments1bad json']);
    expect(
      within(screen.getByRole('region', { name: 'Dead letters that cannot go back' })).getByText(
        'partition 0 offset 6: topic "gone" does not exist',
      ),
    ).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Redrive' }));
    expect(c.calls.find((x) => x.method === 'topics.redrive')?.params).toEqual([
      { topic: 'orders.dlq', error: 'time', from: 'earliest' },
    ]);
    act(() => c.emit({ type: 'topic.job', job: { jobId: 'job-9', kind: 'redrive', done: 2, total: null } }));
    const bar = screen.getByRole('progressbar', { name: 'Redrive progress' });
    expect(bar.getAttribute('value')).toBe('2');
    expect(bar.getAttribute('max')).toBe('5');
    await user.click(screen.getByRole('button', { name: 'Stop redrive' }));
    expect(c.calls.find((x) => x.method === 'topics.jobStop')?.params).toEqual(['job-9']);
    act(() => {
      c.emit({
        type: 'topic.redriveDone',
        jobId: 'job-9',
        report: report({
          dryRun: false,
          moved: 3,
          byTopic: [{ topic: 'orders', count: 3, samples: [] }],
          position: [{ partition: 0, offset: '4' }],
          reason: 'cancelled',
        }),
      });
      c.emit({
        type: 'topic.jobDone',
        job: { jobId: 'job-9', kind: 'redrive', done: 3, total: null },
        stopped: true,
      });
    });
    expect(screen.getByRole('status').textContent).toBe(
      'Stopped after moving 3 records (orders: 3). Next redrive starts at 0:4.',
    );
    expect(screen.queryByRole('button', { name: 'Stop redrive' })).toBeNull();
  });

  it('starts at an offset, and refuses one that is not a whole number without calling the API', async () => {
    const c = fakeApiClient({
      topics: { redrivePreview: async () => report({ dryRun: true, scanned: 0 }) },
    });
    render(<RedriveDialog client={c} topic="orders.dlq" onClose={() => {}} />);
    const user = userEvent.setup();
    expect(screen.queryByRole('textbox', { name: /Start offset/ })).toBeNull();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Start at' }), 'offset');
    await user.type(screen.getByRole('textbox', { name: /Start offset/ }), '12x');
    await user.click(screen.getByRole('button', { name: 'Preview redrive' }));
    expect(screen.getByRole('alert').textContent).toBe('Start offset must be a whole number (0 or more).');
    expect(c.calls.some((x) => x.method === 'topics.redrivePreview')).toBe(false);
    await user.type(screen.getByRole('textbox', { name: /Start offset/ }), '{Backspace}');
    await user.click(screen.getByRole('button', { name: 'Preview redrive' }));
    expect(c.calls.find((x) => x.method === 'topics.redrivePreview')?.params).toEqual([
      { topic: 'orders.dlq', from: { offset: '12' } },
    ]);
  });

  it('shows a refused preview as an alert', async () => {
    const c = fakeApiClient({
      topics: {
        redrivePreview: async () => {
          throw new ApiError('invalid', 'topics.redrivePreview: filter: unexpected end');
        },
      },
    });
    render(<RedriveDialog client={c} topic="x-dlq" onClose={() => {}} />);
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Filter' }), 'a >');
    await user.click(screen.getByRole('button', { name: 'Preview redrive' }));
    expect((await screen.findByRole('alert')).textContent).toContain('filter: unexpected end');
  });

  it('recognises dead letters by their headers, not by the topic name', () => {
    const rec = (headers: Record<string, string>) => ({
      partition: 0,
      offset: '0',
      timestamp: 0,
      key: null,
      value: '{}',
      format: 'json',
      headers,
    });
    const dead = rec({ 'kflow-source-topic': 'orders', 'kflow-error': 'bad json', 'kflow-node': 'parse' });
    expect(carriesDeadLetters([rec({}), dead])).toBe(true);
    expect(carriesDeadLetters([rec({ 'kflow-error': 'x' }), rec({ 'kflow-source-topic': 'orders' })])).toBe(
      false,
    );
    expect(carriesDeadLetters([])).toBe(false);
  });
});
