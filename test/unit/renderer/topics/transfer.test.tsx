// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransferClient } from '../../../../src/api/index';
import {
  buildExportRequest,
  DEFAULT_EXPORT_FORM,
  ExportDialog,
  ImportDialog,
} from '../../../../src/renderer/src/topics/Transfer';
import { fakeApiClient } from '../../../support/fake-api';

afterEach(() => cleanup());

function withTransfers() {
  const uploads: Blob[] = [];
  const downloads: [string, string][] = [];
  const transfers: TransferClient = {
    upload: async (file) => {
      uploads.push(file);
      return { uploadId: 'a'.repeat(32) };
    },
    download: (fileId, name) => void downloads.push([fileId, name]),
  };
  const fake = fakeApiClient();
  return { c: Object.assign(fake, { transfers }), fake, uploads, downloads };
}

describe('buildExportRequest', () => {
  it('turns the form into a request and names the bad input', () => {
    expect(buildExportRequest(DEFAULT_EXPORT_FORM, 'orders')).toEqual({
      ok: true,
      value: { topic: 'orders', from: { kind: 'earliest' } },
    });
    expect(
      buildExportRequest(
        {
          ...DEFAULT_EXPORT_FORM,
          from: 'offset',
          fromOffset: '7',
          until: 'offset',
          untilOffset: '20',
          partition: '1',
          filter: ' value.n > 1 ',
          limit: '5',
        },
        'orders',
        'prod',
      ),
    ).toEqual({
      ok: true,
      value: {
        topic: 'orders',
        connection: 'prod',
        from: { kind: 'offset', offset: '7' },
        until: { kind: 'offset', offset: '20' },
        partitions: [1],
        filter: 'value.n > 1',
        limit: 5,
      },
    });
    expect(buildExportRequest({ ...DEFAULT_EXPORT_FORM, from: 'offset', fromOffset: '-1' }, 't')).toEqual({
      ok: false,
      error: 'From offset must be a whole number (0 or more).',
    });
    expect(buildExportRequest({ ...DEFAULT_EXPORT_FORM, limit: '0' }, 't')).toMatchObject({ ok: false });
    expect(buildExportRequest({ ...DEFAULT_EXPORT_FORM, until: 'time' }, 't')).toEqual({
      ok: false,
      error: 'Pick the time to export until.',
    });
  });
});

describe('Export dialog', () => {
  it('starts an export, shows progress, stops, and offers the file when done', async () => {
    const { c, fake, downloads } = withTransfers();
    render(<ExportDialog client={c} topic="orders" onClose={() => {}} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Limit (blank: all)'), '1000');
    await user.click(screen.getByRole('button', { name: 'Start export' }));
    expect(fake.calls.find((x) => x.method === 'topics.exportStart')?.params).toEqual([
      { topic: 'orders', from: { kind: 'earliest' }, limit: 1000 },
    ]);
    act(() =>
      fake.emit({ type: 'topic.job', job: { jobId: 'job-1', kind: 'export', done: 400, total: 1000 } }),
    );
    expect(screen.getByRole('progressbar', { name: 'Exported' }).getAttribute('value')).toBe('400');
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(fake.calls.find((x) => x.method === 'topics.jobStop')?.params).toEqual(['job-1']);
    act(() =>
      fake.emit({
        type: 'topic.jobDone',
        job: { jobId: 'job-1', kind: 'export', done: 450, total: 1000, fileId: 'f'.repeat(32) },
        stopped: true,
      }),
    );
    expect(screen.getByRole('status').textContent).toBe('Stopped after 450 records.');
    await user.click(screen.getByRole('button', { name: 'Download orders.jsonl' }));
    expect(downloads).toEqual([['f'.repeat(32), 'orders.jsonl']]);
  });

  it('exports a range chosen by offset and by time, each input shown only for its kind', async () => {
    const { c, fake } = withTransfers();
    render(<ExportDialog client={c} topic="orders" onClose={() => {}} />);
    const user = userEvent.setup();
    expect(screen.queryByLabelText('From offset')).toBeNull();
    await user.selectOptions(screen.getByLabelText('From'), 'offset');
    await user.clear(screen.getByLabelText('From offset'));
    await user.type(screen.getByLabelText('From offset'), '5');
    await user.selectOptions(screen.getByLabelText('Until'), 'offset');
    await user.type(screen.getByLabelText('Until offset'), '10');
    expect(screen.queryByLabelText('Until time')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Start export' }));
    expect(fake.calls.find((x) => x.method === 'topics.exportStart')?.params).toEqual([
      { topic: 'orders', from: { kind: 'offset', offset: '5' }, until: { kind: 'offset', offset: '10' } },
    ]);
    await user.selectOptions(screen.getByLabelText('Until'), 'time');
    expect(screen.queryByLabelText('Until offset')).toBeNull();
    expect(screen.getByLabelText('Until time').getAttribute('type')).toBe('datetime-local');
  });

  it('says where it works when the transport cannot stream files', () => {
    render(<ExportDialog client={fakeApiClient()} topic="orders" onClose={() => {}} />);
    expect(screen.getByRole('dialog').textContent).toContain('needs file transfers');
    expect(screen.queryByRole('button', { name: 'Start export' })).toBeNull();
  });
});

describe('Import dialog', () => {
  it('uploads the file, starts a replay into another topic, and reports a bad line', async () => {
    const { c, fake, uploads } = withTransfers();
    let imported = 0;
    render(<ImportDialog client={c} topic="orders" onClose={() => {}} onImported={() => imported++} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Start import' }));
    expect(screen.getByRole('alert').textContent).toBe('Choose a JSONL file to import.');
    const file = new File(['{"value":"a"}\n'], 'orders.jsonl', { type: 'application/x-ndjson' });
    await user.upload(screen.getByLabelText('JSONL file'), file);
    await user.clear(screen.getByLabelText('Into topic'));
    await user.type(screen.getByLabelText('Into topic'), 'orders-copy');
    await user.selectOptions(screen.getByLabelText('Pace'), 'original');
    await user.clear(screen.getByLabelText('Speed (10: ten times faster)'));
    await user.type(screen.getByLabelText('Speed (10: ten times faster)'), '10');
    await user.click(screen.getByRole('button', { name: 'Start import' }));
    expect(uploads).toHaveLength(1);
    expect(fake.calls.find((x) => x.method === 'topics.importStart')?.params).toEqual([
      {
        topic: 'orders-copy',
        uploadId: 'a'.repeat(32),
        partitioning: 'preserve',
        timestamps: 'preserve',
        pace: 'original',
        speed: 10,
      },
    ]);
    act(() =>
      fake.emit({
        type: 'topic.jobDone',
        job: { jobId: 'job-1', kind: 'import', done: 3, total: null, line: 5 },
        stopped: false,
        error: 'line 5: not JSON',
      }),
    );
    expect(screen.getByRole('status').textContent).toBe(
      'Stopped at line 5 after 3 records: line 5: not JSON',
    );
    expect(imported).toBe(0);
  });

  it('refuses a speed that is not above zero before uploading', async () => {
    const { c, uploads } = withTransfers();
    render(<ImportDialog client={c} topic="orders" onClose={() => {}} />);
    const user = userEvent.setup();
    await user.upload(screen.getByLabelText('JSONL file'), new File(['{}'], 'x.jsonl'));
    await user.selectOptions(screen.getByLabelText('Pace'), 'original');
    await user.clear(screen.getByLabelText('Speed (10: ten times faster)'));
    await user.type(screen.getByLabelText('Speed (10: ten times faster)'), '0');
    await user.click(screen.getByRole('button', { name: 'Start import' }));
    expect(screen.getByRole('alert').textContent).toMatch(/^Speed must be a number above 0/);
    expect(uploads).toHaveLength(0);
  });
});
