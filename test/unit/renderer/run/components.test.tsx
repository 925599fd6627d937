// @vitest-environment happy-dom
import { Profiler } from 'react';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeApiClient } from '../../../support/fake-api';
import {
  EdgeRunLabel,
  NodeRunStats,
  RunControls,
  RunPanel,
  resetRunStore,
  useRunStore,
} from '../../../../src/renderer/src/run/index';
import type { PipelineSpec, Problem } from '../../../../src/spec/types';
import { metrics, nodeStats, runInfo } from './fixtures';

const spec = { kflow: 1, name: 'clicks', nodes: [], edges: [] } as unknown as PipelineSpec;
const errors: Problem[] = [
  { severity: 'error', nodeId: 'window', path: 'nodes[1].config.size', message: 'must be longer than zero' },
  { severity: 'error', nodeId: 'sink', path: 'nodes[2].config.topic', message: 'is required' },
];

beforeEach(() => resetRunStore());
afterEach(() => cleanup());

function push(event: Parameters<ReturnType<typeof useRunStore.getState>['handle']>[0]) {
  act(() => useRunStore.getState().handle(event));
}

describe('NodeRunStats', () => {
  it('renders nothing without a run', () => {
    const { container } = render(<NodeRunStats nodeId="parse" />);
    expect(container.innerHTML).toBe('');
  });

  it('shows the node’s counts from a metrics batch and follows the next one', () => {
    useRunStore.setState({ run: runInfo('r') });
    render(<NodeRunStats nodeId="parse" />);
    push({
      type: 'run.metrics',
      metrics: metrics('r', 1, {
        nodes: { parse: nodeStats({ in: 1200, out: 1180, rate: 40 }), other: nodeStats({ in: 7 }) },
      }),
    });
    const stats = screen.getByRole('group', { name: 'Run stats of parse' });
    expect(stats.textContent).toContain('in 1,200');
    expect(stats.textContent).toContain('out 1,180');
    expect(stats.textContent).toContain('40/s');
    expect(within(stats).queryByText(/late/)).toBeNull();
    expect(within(stats).queryByText(/errors/)).toBeNull();

    push({
      type: 'run.metrics',
      metrics: metrics('r', 2, {
        nodes: { parse: nodeStats({ in: 2500, out: 2400, rate: 2.25, late: 3, errors: 1 }) },
      }),
    });
    expect(stats.textContent).toContain('in 2,500');
    expect(stats.textContent).toContain('2.3/s');
    expect(within(stats).getByText('late 3').className).toContain('kf-badge--warn');
    expect(within(stats).getByText('errors 1').className).toContain('kf-badge--error');
    expect(within(stats).getByRole('img', { name: 'Throughput of parse: latest 2.3' })).toBeTruthy();
  });

  it('does not re-render on a log line', () => {
    useRunStore.setState({ run: runInfo('r') });
    const commits: string[] = [];
    render(
      <Profiler id="a" onRender={(_id, phase) => commits.push(phase)}>
        <NodeRunStats nodeId="a" />
      </Profiler>,
    );
    push({ type: 'run.metrics', metrics: metrics('r', 1, { nodes: { a: nodeStats({ in: 1 }) } }) });
    const after = commits.length;
    push({ type: 'run.log', line: { runId: 'r', at: 2, level: 'info', message: 'x' } });
    expect(after).toBe(2);
    expect(commits.length).toBe(after);
  });
});

describe('EdgeRunLabel', () => {
  const key = 'parse.out->sink.in';

  it('shows the edge rate and opens a dialog listing its samples', async () => {
    const user = userEvent.setup();
    useRunStore.setState({ run: runInfo('r') });
    render(<EdgeRunLabel edgeKey={key} />);
    push({
      type: 'run.metrics',
      metrics: metrics('r', 1, {
        edges: { [key]: { count: 10, rate: 12.5 } },
        samples: {
          [key]: [
            {
              key: 'u1',
              value: { page: '/home', n: 1 },
              timestamp: Date.UTC(2026, 0, 2, 3, 4, 5),
              headers: { src: 'web' },
            },
            { key: null, value: 'plain text', timestamp: 0 },
          ],
        },
      }),
    });
    expect(screen.getByText('13/s')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: `Samples on ${key}` }));
    const dialog = screen.getByRole('dialog', { name: `Samples on ${key}` });
    const rows = within(dialog).getAllByRole('row');
    expect(rows).toHaveLength(3);
    const first = within(rows[1] as HTMLElement).getAllByRole('cell');
    expect(first[0]?.textContent).toBe('u1');
    expect(first[1]?.textContent).toContain('"page": "/home"');
    expect(first[3]?.textContent).toBe('src: web');
    expect(within(rows[2] as HTMLElement).getAllByRole('cell')[1]?.textContent).toBe('plain text');

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('truncates a long value with a button to expand it', async () => {
    const user = userEvent.setup();
    useRunStore.setState({ run: runInfo('r') });
    const long = 'x'.repeat(1000);
    push({
      type: 'run.metrics',
      metrics: metrics('r', 1, { samples: { [key]: [{ key: 'k', value: long, timestamp: 0 }] } }),
    });
    render(<EdgeRunLabel edgeKey={key} />);
    await user.click(screen.getByRole('button', { name: `Samples on ${key}` }));
    const dialog = screen.getByRole('dialog');
    expect(dialog.querySelector('pre')?.textContent?.length).toBe(301);
    await user.click(within(dialog).getByRole('button', { name: 'Show all of value' }));
    expect(dialog.querySelector('pre')?.textContent).toBe(long);
  });
});

describe('RunControls', () => {
  it('starts a run on the chosen connection with the chosen guarantee', async () => {
    const user = userEvent.setup();
    const client = fakeApiClient({
      connections: {
        list: async () => [
          { name: 'embedded', kind: 'embedded', bootstrap: [], auth: 'none', secrets: [] },
          {
            name: 'staging',
            kind: 'profile',
            bootstrap: ['b1:9092'],
            auth: 'sasl-scram-sha-512',
            secrets: [],
          },
        ],
      },
    });
    act(() => {
      useRunStore.getState().subscribe(client);
    });
    render(<RunControls getSpec={() => ({ spec, problems: [], path: '/work/pipelines/clicks.json' })} />);
    await screen.findByRole('option', { name: 'staging' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Connection' }), 'staging');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Guarantee' }), 'exactly-once');
    await user.click(screen.getByRole('checkbox', { name: 'From beginning' }));
    await user.click(screen.getByRole('button', { name: 'Run' }));
    const start = client.calls.find((c) => c.method === 'runs.start');
    expect(start?.params[0]).toEqual({
      spec,
      connection: 'staging',
      guarantee: 'exactly-once',
      fromBeginning: true,
      // Relative paths of file sources and sinks resolve against the spec's folder.
      specPath: '/work/pipelines/clicks.json',
    });
    expect(await screen.findByText('clicks: running')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement).disabled).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Stop' }));
    expect(client.calls.some((c) => c.method === 'runs.stop' && c.params[0] === 'run-1')).toBe(true);
    expect(await screen.findByText('clicks: stopped')).toBeTruthy();
  });

  it('disables Run with the reason when the spec has errors', async () => {
    const client = fakeApiClient();
    act(() => {
      useRunStore.getState().subscribe(client);
    });
    render(<RunControls getSpec={() => ({ spec, problems: errors })} />);
    const run = screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    const why = document.getElementById(run.getAttribute('aria-describedby') ?? '');
    expect(why?.textContent).toBe(
      'Fix 2 errors before running — window: must be longer than zero (and 1 more)',
    );
    // Warnings alone do not block.
    cleanup();
    render(
      <RunControls
        getSpec={() => ({ spec, problems: [] })}
        problems={[{ severity: 'warning', nodeId: null, path: 'nodes', message: 'unused node' }]}
      />,
    );
    expect((screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement).disabled).toBe(false);
    await new Promise((r) => setTimeout(r, 0));
  });
});

describe('RunPanel', () => {
  it('shows per-node metrics, filters the log by level and links dead letters to the topic view', async () => {
    const user = userEvent.setup();
    const opened: string[] = [];
    useRunStore.setState({ run: runInfo('r') });
    render(<RunPanel onOpenTopic={(t) => opened.push(t)} />);
    push({
      type: 'run.metrics',
      metrics: metrics('r', 1, {
        nodes: {
          parse: nodeStats({ in: 10, out: 9, rate: 5, errors: 1 }),
          window: nodeStats({ in: 9, out: 2, late: 4, stateEntries: 3, stateBytes: 2048 }),
        },
        lag: 17,
        deadLetters: 1,
        late: 4,
        deadLetterTopic: 'clicks.dlq',
        lateTopics: ['clicks.window.late'],
      }),
    });
    const table = screen.getByRole('table', { name: 'Nodes' });
    const row = within(table).getByRole('row', { name: /window/ });
    const cells = within(row)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells.slice(0, 6)).toEqual(['9', '2', '0', '4', '0', '3 (2.0 KiB)']);
    expect(screen.getByRole('figure', { name: 'Lag (records)' }).textContent).toContain('lag: 17');

    push({ type: 'run.log', line: { runId: 'r', at: 1, level: 'info', message: 'assigned 3 partitions' } });
    push({ type: 'run.log', line: { runId: 'r', at: 2, level: 'error', message: 'bad record at offset 7' } });
    await user.click(screen.getByRole('tab', { name: 'Logs' }));
    expect(within(screen.getByRole('list', { name: 'Log' })).getAllByRole('listitem')).toHaveLength(2);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Level' }), 'error');
    const lines = within(screen.getByRole('list', { name: 'Log' })).getAllByRole('listitem');
    expect(lines.map((l) => l.textContent)).toEqual([expect.stringContaining('bad record at offset 7')]);

    await user.click(screen.getByRole('tab', { name: /Dead letters/ }));
    await user.click(screen.getByRole('button', { name: 'Open dead-letter topic clicks.dlq' }));
    await user.click(screen.getByRole('button', { name: 'Open late topic clicks.window.late' }));
    expect(opened).toEqual(['clicks.dlq', 'clicks.window.late']);
  });

  it('charts at most 8 nodes, the busiest by records in', () => {
    useRunStore.setState({ run: runInfo('r') });
    render(<RunPanel />);
    const nodes = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`n${i}`, nodeStats({ in: (i + 1) * 100, rate: i })]),
    );
    push({ type: 'run.metrics', metrics: metrics('r', 1, { nodes }) });
    const chart = screen.getByRole('figure', { name: 'Throughput (records/s), the 8 busiest of 10 nodes' });
    // n0 and n1 read the fewest records; the rest are listed by id.
    expect(chart.querySelector('.kf-visually-hidden')?.textContent).toBe(
      'n2: 2; n3: 3; n4: 4; n5: 5; n6: 6; n7: 7; n8: 8; n9: 9',
    );
    expect(within(screen.getByRole('table', { name: 'Nodes' })).getAllByRole('row')).toHaveLength(11);
  });
});
