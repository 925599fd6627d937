// @vitest-environment happy-dom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { GroupView, ReadRequest, TopicRecordView } from '../../../../src/api/index';
import { GroupsView, TopicsView } from '../../../../src/renderer/src/topics/index';
import { deadLetterSampleRequest } from '../../../../src/renderer/src/topics/Redrive';
import { fakeApiClient } from '../../../support/fake-api';

afterEach(() => cleanup());

const records: TopicRecordView[] = [
  {
    partition: 1,
    offset: '41',
    timestamp: Date.UTC(2026, 0, 2, 3, 4, 5),
    key: 'u1',
    value: '{"page":"/home","n":3}',
    format: 'json',
    headers: { source: 'web' },
  },
  { partition: 0, offset: '7', timestamp: 0, key: null, value: 'plain', format: 'text', headers: {} },
];

/** The dead-letter sample the topic detail reads on its own (not the user's read). */
const isSample = (req: unknown) =>
  JSON.stringify(req) ===
  JSON.stringify(deadLetterSampleRequest((req as ReadRequest).topic, (req as ReadRequest).connection));

function client(extra: Parameters<typeof fakeApiClient>[0] = {}) {
  return fakeApiClient({
    ...extra,
    topics: {
      list: async () => [
        { name: 'orders', partitions: 3, records: '1200' },
        { name: 'clicks', partitions: 2, records: '42' },
        { name: '__consumer_offsets', partitions: 50, records: '9' },
      ],
      describe: async (topic) => ({
        name: topic,
        partitions: [
          { partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2], low: '0', high: '20' },
          { partition: 1, leader: 2, replicas: [2, 1], isr: [2], low: '5', high: '42' },
        ],
        config: { 'cleanup.policy': 'delete', 'retention.ms': '604800000' },
      }),
      read: async () => ({ records, scanned: 60, reason: 'limit' }),
      produce: async () => ({ partition: 1, offset: '43' }),
      ...extra.topics,
    },
  });
}

describe('TopicsView', () => {
  it('lists topics, hiding internal ones, and filters by the search box', async () => {
    const user = userEvent.setup();
    render(<TopicsView client={client()} connection="staging" />);
    const list = await screen.findByRole('table', { name: 'Topics' });
    const names = within(list)
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(names).toEqual(['clicks', 'orders']);
    expect(within(list).getByRole('row', { name: /orders/ }).textContent).toBe('orders31,200–');
    await user.type(screen.getByRole('searchbox', { name: 'Search topics' }), 'ord');
    expect(
      within(list)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['orders']);
  });

  it('opens a topic, shows its partitions and config, and reads records from the chosen position', async () => {
    const user = userEvent.setup();
    const c = client();
    render(<TopicsView client={c} connection="staging" />);
    await user.click(await screen.findByRole('button', { name: 'clicks' }));
    expect(c.calls.find((x) => x.method === 'topics.describe')?.params).toEqual(['clicks', 'staging']);

    await user.click(screen.getByRole('tab', { name: 'Partitions' }));
    const parts = await screen.findByRole('table', { name: 'Partitions' });
    const p1 = within(parts).getAllByRole('row')[2] as HTMLElement;
    expect(
      within(p1)
        .getAllByRole('cell')
        .map((x) => x.textContent),
    ).toEqual(['2', '2, 1', '2', '5', '42']);
    await user.click(screen.getByRole('tab', { name: 'Config' }));
    expect(
      within(screen.getByRole('table', { name: 'Config' })).getByRole('textbox', {
        name: 'Value of retention.ms',
      }),
    ).toHaveProperty('value', '604800000');

    await user.click(screen.getByRole('tab', { name: 'Records' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'From' }), 'offset');
    await user.clear(screen.getByRole('textbox', { name: 'Offset' }));
    await user.type(screen.getByRole('textbox', { name: 'Offset' }), '40');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Partition' }), '1');
    await user.type(screen.getByRole('textbox', { name: 'Filter' }), 'value.n > 2');
    await user.clear(screen.getByRole('textbox', { name: 'Limit' }));
    await user.type(screen.getByRole('textbox', { name: 'Limit' }), '25');
    await user.click(screen.getByRole('button', { name: 'Read' }));

    const sent = c.calls.find((x) => x.method === 'topics.read' && !isSample(x.params[0]))
      ?.params[0] as ReadRequest;
    expect(sent).toEqual({
      connection: 'staging',
      topic: 'clicks',
      from: { kind: 'offset', offset: '40' },
      partitions: [1],
      filter: 'value.n > 2',
      limit: 25,
    });
    const table = await screen.findByRole('table', { name: 'Records' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    const first = within(rows[1] as HTMLElement)
      .getAllByRole('cell')
      .map((x) => x.textContent);
    expect(first[0]).toBe('1');
    expect(first[1]).toBe('41');
    expect(first[3]).toBe('u1');
    expect(first[4]).toBe('{"page":"/home","n":3}');
    expect(first[5]).toBe('source: web');
    expect(screen.getByRole('status').textContent).toBe('2 records (scanned 60; limit)');
  });

  it('shows a record in a drawer with its value as indented JSON and copies the raw value', async () => {
    const user = userEvent.setup();
    render(<TopicsView client={client()} initialTopic="clicks" />);
    await user.click(await screen.findByRole('button', { name: 'Read' }));
    await user.click(await screen.findByRole('button', { name: 'Record 1/41' }));
    const drawer = screen.getByRole('dialog', { name: 'Record 1/41' });
    expect(drawer.querySelector('pre')?.textContent).toBe('{\n  "page": "/home",\n  "n": 3\n}');
    expect(within(drawer).getByRole('row', { name: /source/ }).textContent).toBe('sourceweb');
    await user.click(within(drawer).getByRole('button', { name: 'Copy value' }));
    expect(await navigator.clipboard.readText()).toBe('{"page":"/home","n":3}');
    expect(within(drawer).getByRole('status').textContent).toBe('Value copied.');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows a watermark marker as a labelled marker row, not as a null record', async () => {
    const user = userEvent.setup();
    const marker: TopicRecordView = {
      partition: 0,
      offset: '8',
      timestamp: 1_704_110_400_000,
      key: null,
      value: null,
      format: 'text',
      headers: { 'kflow-watermark': '1704110400000', 'kflow-task': '0_1' },
      marker: true,
    };
    const tombstone: TopicRecordView = { ...marker, offset: '9', headers: {} };
    delete tombstone.marker;
    render(
      <TopicsView
        client={client({
          topics: { read: async () => ({ records: [marker, tombstone], scanned: 2, reason: 'end' }) },
        })}
        initialTopic="clicks"
      />,
    );
    await user.click(await screen.findByRole('button', { name: 'Read' }));
    const [markerRow, tombstoneRow] = within(screen.getByRole('table', { name: 'Records' }))
      .getAllByRole('row')
      .slice(1);
    const value = (row: HTMLElement | undefined) => within(row!).getAllByRole('cell')[4]?.textContent;
    expect(markerRow?.className).toBe('kf-records__marker');
    expect(value(markerRow)).toMatch(/^watermark marker 2024-01-0[12] \d\d:00:00\.000 from task 0_1$/);
    expect(tombstoneRow?.className).toBe('');
    expect(value(tombstoneRow)).toBe('null');
    await user.click(screen.getByRole('button', { name: 'Record 0/8' }));
    expect(
      within(screen.getByRole('dialog', { name: 'Record 0/8' })).getByText(
        /a watermark marker of a kflow pipeline/,
      ),
    ).toBeTruthy();
  });

  it('offers Redrive prominently on a topic whose latest records are dead letters, and on any topic', async () => {
    const dead: TopicRecordView = {
      ...(records[1] as TopicRecordView),
      headers: { 'kflow-source-topic': 'orders', 'kflow-error': 'bad json' },
    };
    const reads: ReadRequest[] = [];
    const withDead = client({
      topics: {
        read: async (req) => {
          reads.push(req);
          return { records: [dead], scanned: 1, reason: 'end' };
        },
      },
    });
    // Named like any topic: the headers decide.
    render(<TopicsView client={withDead} initialTopic="clicks" />);
    const prominent = await screen.findByRole('button', {
      name: 'Redrive…',
      description: /dead-letter headers/,
    });
    expect(prominent.className).toContain('kf-button--primary');
    expect(reads[0]).toEqual({ topic: 'clicks', from: { kind: 'last', count: 20 }, limit: 20 });
    cleanup();

    render(<TopicsView client={client()} initialTopic="clicks" />);
    const plain = await screen.findByRole('button', { name: 'Redrive…' });
    await screen.findByRole('button', { name: 'Read' });
    expect(plain.className).toBe('');
    expect(plain.getAttribute('aria-describedby')).toBeNull();
  });

  it('says why a read was refused without calling the API', async () => {
    const user = userEvent.setup();
    const c = client();
    render(<TopicsView client={c} initialTopic="clicks" />);
    await user.selectOptions(await screen.findByRole('combobox', { name: 'From' }), 'offset');
    await user.clear(screen.getByRole('textbox', { name: 'Offset' }));
    await user.type(screen.getByRole('textbox', { name: 'Offset' }), 'abc');
    await user.click(screen.getByRole('button', { name: 'Read' }));
    expect(screen.getByRole('alert').textContent).toBe('Offset must be a whole number (0 or more).');
    expect(c.calls.some((x) => x.method === 'topics.read' && !isSample(x.params[0]))).toBe(false);
  });

  it('produces a record with key, value, headers and partition', async () => {
    const user = userEvent.setup();
    const c = client();
    render(<TopicsView client={c} connection="staging" initialTopic="orders" />);
    await user.click(await screen.findByRole('tab', { name: 'Produce' }));
    await user.type(screen.getByRole('textbox', { name: 'Key' }), 'o-1');
    await user.type(screen.getByRole('textbox', { name: 'Value' }), '{{"amount":12}');
    await user.type(screen.getByRole('textbox', { name: 'Headers' }), 'source: ui{Enter}trace: abc');
    await user.type(screen.getByRole('textbox', { name: 'Partition' }), '1');
    await user.click(screen.getByRole('button', { name: 'Produce' }));
    expect(c.calls.find((x) => x.method === 'topics.produce')?.params[0]).toEqual({
      connection: 'staging',
      topic: 'orders',
      key: 'o-1',
      value: '{"amount":12}',
      headers: { source: 'ui', trace: 'abc' },
      partition: 1,
    });
    expect((await screen.findByRole('status')).textContent).toBe('Produced to partition 1 at offset 43.');
  });

  it('shows the error of a failed call', async () => {
    render(
      <TopicsView
        client={client({
          topics: {
            list: async () => {
              throw new Error('connection refused to localhost:9092');
            },
          },
        })}
      />,
    );
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not list topics: connection refused to localhost:9092',
    );
  });
});

describe('following a topic', () => {
  it('starts a tail with the form’s position, shows pushed records of that tail only, and stops it', async () => {
    const user = userEvent.setup();
    let release: (v: { tailId: string }) => void = () => {};
    const c = client({
      topics: { tailStart: () => new Promise((resolve) => (release = resolve)) },
    });
    render(<TopicsView client={c} connection="staging" initialTopic="clicks" />);
    await user.selectOptions(await screen.findByRole('combobox', { name: 'From' }), 'latest');
    await user.click(screen.getByRole('button', { name: 'Follow' }));
    expect(c.calls.find((x) => x.method === 'topics.tailStart')?.params[0]).toEqual({
      connection: 'staging',
      topic: 'clicks',
      from: { kind: 'latest' },
    });
    // Pushed before the tail id came back: kept once the id is known.
    act(() => c.emit({ type: 'topic.records', tailId: 'tail-7', records: [records[0] as TopicRecordView] }));
    await act(async () => release({ tailId: 'tail-7' }));
    act(() =>
      c.emit({ type: 'topic.records', tailId: 'someone-else', records: [records[1] as TopicRecordView] }),
    );
    act(() =>
      c.emit({
        type: 'topic.records',
        tailId: 'tail-7',
        records: [{ ...(records[1] as TopicRecordView), offset: '8' }],
      }),
    );
    const table = screen.getByRole('table', { name: 'Records' });
    expect(
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map((r) => within(r).getAllByRole('cell')[1]?.textContent),
    ).toEqual(['41', '8']);
    expect(screen.getByRole('status').textContent).toBe(
      'Following: 2 records so far (the newest 1000 are kept)',
    );
    expect(screen.getByRole('button', { name: 'Follow' }).getAttribute('aria-pressed')).toBe('true');

    await user.click(screen.getByRole('button', { name: 'Follow' }));
    expect(c.calls.filter((x) => x.method === 'topics.tailStop').map((x) => x.params[0])).toEqual(['tail-7']);
    expect(screen.getByRole('button', { name: 'Follow' }).getAttribute('aria-pressed')).toBe('false');
  });

  it('says why a tail ended and stops the tail on unmount', async () => {
    const user = userEvent.setup();
    const c = client();
    const { unmount } = render(<TopicsView client={c} initialTopic="clicks" />);
    await user.click(await screen.findByRole('button', { name: 'Follow' }));
    await act(async () => {});
    act(() => c.emit({ type: 'topic.tailEnded', tailId: 'tail-1', error: 'topic clicks was deleted' }));
    expect(screen.getByRole('status').textContent).toBe('0 records (scanned 0; topic clicks was deleted)');
    await user.click(screen.getByRole('button', { name: 'Follow' }));
    await act(async () => {});
    unmount();
    expect(c.calls.filter((x) => x.method === 'topics.tailStop').map((x) => x.params[0])).toEqual(['tail-1']);
  });
});

describe('consumer groups', () => {
  const group = (lag: number): GroupView => ({
    groupId: 'kflow-clicks',
    state: 'Stable',
    members: 2,
    lag,
    partitions: [
      { topic: 'clicks', partition: 0, committed: '10', high: '12', lag: 2 },
      { topic: 'clicks', partition: 1, committed: '5', high: String(5 + lag - 2), lag: lag - 2 },
      { topic: 'views', partition: 0, committed: '', high: '3', lag: 3 },
    ],
  });

  it('shows groups with their lag and the lag per partition', async () => {
    const user = userEvent.setup();
    const c = client({ topics: { groups: async () => [group(9)] } });
    render(<TopicsView client={c} connection="staging" />);
    await user.click(screen.getByRole('tab', { name: 'Consumer groups' }));
    const table = await screen.findByRole('table', { name: 'Consumer groups' });
    const row = within(table).getByRole('row', { name: /kflow-clicks/ });
    expect(
      within(row)
        .getAllByRole('cell')
        .map((x) => x.textContent)
        .slice(0, 3),
    ).toEqual(['Stable', '2', '9']);
    expect(c.calls.find((x) => x.method === 'topics.groups')?.params).toEqual(['staging']);
    await user.click(within(row).getByRole('button', { name: 'kflow-clicks' }));
    const parts = screen.getByRole('table', { name: 'Partitions of kflow-clicks' });
    const cells = within(parts)
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.textContent);
    expect(cells).toEqual(['clicks010122', 'clicks15127', 'views0–33']);
  });

  it('polls while shown and keeps a lag trend', async () => {
    const lags = [4, 6, 10];
    let call = 0;
    const c = client({
      topics: { groups: async () => [group(lags[Math.min(call++, lags.length - 1)] as number)] },
    });
    const { unmount } = render(<GroupsView client={c} pollMs={20} />);
    await screen.findByRole('img', { name: 'Lag of kflow-clicks: latest 10' }, { timeout: 2000 });
    unmount();
    const polls = call;
    await act(() => new Promise((r) => setTimeout(r, 60)));
    expect(call).toBe(polls);
  });

  it('previews and resets the offsets of an empty group; a group with members cannot be reset', async () => {
    const user = userEvent.setup();
    const steps = [{ topic: 'clicks', partition: 0, from: '10', to: '0' }];
    let members = 2;
    const c = client({
      topics: {
        groups: async () => [{ ...group(9), members, state: members ? 'Stable' : 'Empty' }],
        resetOffsets: async () => steps,
      },
    });
    const { unmount } = render(<GroupsView client={c} connection="staging" />);
    await user.click(await screen.findByRole('button', { name: 'kflow-clicks' }));
    const reset = screen.getByRole('region', { name: 'Reset offsets of kflow-clicks' });
    const button = within(reset).getByRole('button', { name: 'Reset offsets' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(document.getElementById(button.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Stop the group’s 2 members first: Kafka resets only an empty group.',
    );
    await user.selectOptions(within(reset).getByRole('combobox', { name: 'Topic' }), 'views');
    await user.selectOptions(within(reset).getByRole('combobox', { name: 'Reset to' }), 'offset');
    await user.clear(within(reset).getByRole('textbox', { name: 'Offset' }));
    await user.type(within(reset).getByRole('textbox', { name: 'Offset' }), '2');
    await user.click(within(reset).getByRole('button', { name: 'Preview reset' }));
    expect(c.calls.find((x) => x.method === 'topics.resetOffsets')?.params[0]).toEqual({
      connection: 'staging',
      groupId: 'kflow-clicks',
      topic: 'views',
      to: { kind: 'offset', offset: '2' },
      dryRun: true,
    });
    const preview = within(reset).getByRole('table', { name: 'The reset would move' });
    expect(within(preview).getAllByRole('row')[1]?.textContent).toBe('0100');
    unmount();

    members = 0;
    const c2 = client({
      topics: {
        groups: async () => [{ ...group(9), members: 0, state: 'Empty' }],
        resetOffsets: async () => steps,
      },
    });
    render(<GroupsView client={c2} />);
    await user.click(await screen.findByRole('button', { name: 'kflow-clicks' }));
    await user.click(screen.getByRole('button', { name: 'Reset offsets' }));
    expect(c2.calls.find((x) => x.method === 'topics.resetOffsets')?.params[0]).toEqual({
      groupId: 'kflow-clicks',
      topic: 'clicks',
      to: { kind: 'earliest' },
      dryRun: false,
    });
    expect(screen.getByRole('table', { name: 'Offsets moved' })).toBeTruthy();
  });
});
