import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { NodeStats, RunLogLine, RunMetricsView } from '../../../api/index';
import { formatBytes, formatCount, formatRate, formatTime } from './format';
import { Sparkline } from './Sparkline';
import { useRunStore } from './store';
import { Tabs } from './Tabs';
import { TimeChart } from './TimeChart';
import './run.css';

export interface RunPanelProps {
  /** Opens the topic tools on a topic (the dead-letter and late topics link there). */
  onOpenTopic?: (topic: string) => void;
}

type TabId = 'overview' | 'logs' | 'dead';

/** The bottom panel of a run: overview (per-node table and charts), logs, dead letters and late records. */
export function RunPanel({ onOpenTopic }: RunPanelProps) {
  const [tab, setTab] = useState<TabId>('overview');
  const deadCount = useRunStore((s) => (s.metrics ? s.metrics.deadLetters + s.metrics.late : 0));
  return (
    <section className="kf-run-panel" aria-label="Run">
      <Tabs
        label="Run"
        selected={tab}
        onSelect={(id) => setTab(id as TabId)}
        tabs={[
          { id: 'overview', label: 'Overview' },
          { id: 'logs', label: 'Logs' },
          {
            id: 'dead',
            label: (
              <>
                Dead letters / Late
                {deadCount > 0 && <span className="kf-badge kf-badge--warn"> {formatCount(deadCount)}</span>}
              </>
            ),
          },
        ]}
      >
        {tab === 'overview' && <RunOverview />}
        {tab === 'logs' && <RunLog />}
        {tab === 'dead' && <RunDeadLetters onOpenTopic={onOpenTopic} />}
      </Tabs>
    </section>
  );
}

function RunOverview() {
  const run = useRunStore((s) => s.run);
  const metrics = useRunStore((s) => s.metrics);
  const history = useRunStore((s) => s.history);
  const nodeIds = useMemo(() => Object.keys(metrics?.nodes ?? {}), [metrics]);
  // A chart of more lines than colours is unreadable and costly to redraw: the busiest nodes
  // (by records in, which rarely reorders) and the largest states, in a stable order.
  const busiest = useMemo(
    () =>
      topNodes(
        metrics,
        (s) => s.in,
        () => true,
      ),
    [metrics],
  );
  const stateful = useMemo(
    () =>
      topNodes(
        metrics,
        (s) => s.stateEntries,
        (s) => s.stateEntries > 0,
      ),
    [metrics],
  );
  const throughput = useMemo(
    () => busiest.ids.map((id) => ({ label: id, values: history.nodes[id]?.rate ?? [] })),
    [busiest, history],
  );
  const lag = useMemo(() => [{ label: 'lag', values: history.lag }], [history]);
  const stateSize = useMemo(
    () => stateful.ids.map((id) => ({ label: id, values: history.nodes[id]?.stateEntries ?? [] })),
    [stateful, history],
  );
  if (!run) return <p className="kf-empty">No run yet. Choose a connection and press Run.</p>;
  if (!metrics)
    return (
      <p className="kf-empty">
        {run.pipeline} is {run.state}; metrics appear once records flow.
      </p>
    );
  return (
    <div className="kf-run-overview">
      <dl className="kf-run-summary">
        <div>
          <dt>Records in</dt>
          <dd>{formatCount(metrics.recordsIn)}</dd>
        </div>
        <div>
          <dt>Records out</dt>
          <dd>{formatCount(metrics.recordsOut)}</dd>
        </div>
        <div>
          <dt>In rate</dt>
          <dd>{formatRate(metrics.inRate)}/s</dd>
        </div>
        <div>
          <dt>Out rate</dt>
          <dd>{formatRate(metrics.outRate)}/s</dd>
        </div>
        <div>
          <dt>Lag</dt>
          <dd>{formatCount(metrics.lag)}</dd>
        </div>
        <div>
          <dt>Dead letters</dt>
          <dd className={metrics.deadLetters > 0 ? 'kf-error-text' : undefined}>
            {formatCount(metrics.deadLetters)}
          </dd>
        </div>
        <div>
          <dt>Late</dt>
          <dd className={metrics.late > 0 ? 'kf-warn-text' : undefined}>{formatCount(metrics.late)}</dd>
        </div>
      </dl>
      <table className="kf-table kf-run-nodes">
        <caption>Nodes</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">In</th>
            <th scope="col">Out</th>
            <th scope="col">Rate/s</th>
            <th scope="col">Late</th>
            <th scope="col">Errors</th>
            <th scope="col">State</th>
            <th scope="col">Throughput</th>
          </tr>
        </thead>
        <tbody>
          {nodeIds.map((id) => {
            const s = metrics.nodes[id];
            if (!s) return null;
            return (
              <tr key={id}>
                <th scope="row">{id}</th>
                <td>{formatCount(s.in)}</td>
                <td>{formatCount(s.out)}</td>
                <td>{formatRate(s.rate)}</td>
                <td className={s.late > 0 ? 'kf-warn-text' : undefined}>{formatCount(s.late)}</td>
                <td className={s.errors > 0 ? 'kf-error-text' : undefined}>{formatCount(s.errors)}</td>
                <td>
                  {s.stateEntries > 0 ? `${formatCount(s.stateEntries)} (${formatBytes(s.stateBytes)})` : '–'}
                </td>
                <td>
                  <Sparkline
                    values={history.nodes[id]?.rate ?? []}
                    label={`Throughput of ${id}`}
                    width={96}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="kf-run-charts">
        <TimeChart
          title={`Throughput (records/s)${busiest.of > busiest.ids.length ? `, the ${busiest.ids.length} busiest of ${busiest.of} nodes` : ''}`}
          at={history.at}
          series={throughput}
        />
        <TimeChart title="Lag (records)" at={history.at} series={lag} />
        {stateSize.length > 0 && (
          <TimeChart
            title={`State size (entries)${stateful.of > stateful.ids.length ? `, the ${stateful.ids.length} largest of ${stateful.of}` : ''}`}
            at={history.at}
            series={stateSize}
          />
        )}
      </div>
    </div>
  );
}

/** Lines per chart. */
export const CHART_SERIES = 8;

/**
 * The ids of the nodes ranking highest by `rank` among those `keep` accepts, at most
 * CHART_SERIES, sorted by id so a chart keeps its colours while the ranking holds.
 */
function topNodes(
  metrics: RunMetricsView | null,
  rank: (s: NodeStats) => number,
  keep: (s: NodeStats) => boolean,
): { ids: string[]; of: number } {
  const all = Object.entries(metrics?.nodes ?? {}).filter(([, s]) => keep(s));
  const ids = all
    .sort(([, a], [, b]) => rank(b) - rank(a))
    .slice(0, CHART_SERIES)
    .map(([id]) => id)
    .sort();
  return { ids, of: all.length };
}

const LEVELS = { info: 0, warn: 1, error: 2 } as const;
/** Lines rendered at once; the store keeps more, the filters reach them. */
const SHOWN_LINES = 500;

function RunLog() {
  const ids = useId();
  const log = useRunStore((s) => s.log);
  const dropped = useRunStore((s) => s.logDropped);
  const [level, setLevel] = useState<keyof typeof LEVELS>('info');
  const [search, setSearch] = useState('');
  const list = useRef<HTMLOListElement>(null);
  const follow = useRef(true);
  const shown = useMemo(() => {
    const min = LEVELS[level];
    const needle = search.trim().toLowerCase();
    const out: { line: RunLogLine; seq: number }[] = [];
    for (let i = log.length - 1; i >= 0 && out.length < SHOWN_LINES; i--) {
      const line = log[i] as RunLogLine;
      if (LEVELS[line.level] < min) continue;
      if (needle && !line.message.toLowerCase().includes(needle)) continue;
      out.push({ line, seq: dropped + i });
    }
    return out.reverse();
  }, [log, dropped, level, search]);
  useEffect(() => {
    const el = list.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [shown]);
  return (
    <div className="kf-run-log">
      <div className="kf-toolbar">
        <label htmlFor={`${ids}-level`}>Level</label>
        <select
          id={`${ids}-level`}
          value={level}
          onChange={(e) => setLevel(e.target.value as keyof typeof LEVELS)}
        >
          <option value="info">All</option>
          <option value="warn">Warnings and errors</option>
          <option value="error">Errors</option>
        </select>
        <label htmlFor={`${ids}-search`}>Search log</label>
        <input
          id={`${ids}-search`}
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <span className="kf-muted">
          {shown.length} line{shown.length === 1 ? '' : 's'}
          {dropped > 0 ? ` (${formatCount(dropped)} older dropped)` : ''}
        </span>
      </div>
      {shown.length === 0 ? (
        <p className="kf-empty">No log lines{log.length > 0 ? ' match' : ' yet'}.</p>
      ) : (
        <ol
          ref={list}
          className="kf-log"
          aria-label="Log"
          onScroll={(e) => {
            const el = e.currentTarget;
            follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
          }}
        >
          {shown.map(({ line, seq }) => (
            <li key={seq} className={`kf-log__line kf-log__line--${line.level}`}>
              <time className="kf-mono">{formatTime(line.at).slice(11)}</time>
              <span className="kf-log__level">{line.level}</span>
              <span className="kf-log__message">{line.message}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function RunDeadLetters({ onOpenTopic }: { onOpenTopic: RunPanelProps['onOpenTopic'] }) {
  const metrics = useRunStore((s) => s.metrics);
  if (!metrics) return <p className="kf-empty">No run metrics yet.</p>;
  const byNode = Object.entries(metrics.nodes).filter(([, s]) => s.errors > 0 || s.late > 0);
  const topicLink = (topic: string, what: string) =>
    onOpenTopic ? (
      <button type="button" className="kf-link-button" onClick={() => onOpenTopic(topic)}>
        Open {what} topic {topic}
      </button>
    ) : (
      <code>{topic}</code>
    );
  return (
    <div className="kf-run-dead">
      <section aria-label="Dead letters">
        <h3>
          Dead letters:{' '}
          <span className={metrics.deadLetters > 0 ? 'kf-error-text' : undefined}>
            {formatCount(metrics.deadLetters)}
          </span>
        </h3>
        <p>
          {metrics.deadLetterTopic
            ? topicLink(metrics.deadLetterTopic, 'dead-letter')
            : 'No dead-letter topic was reported for this run.'}
        </p>
      </section>
      <section aria-label="Late records">
        <h3>
          Late records:{' '}
          <span className={metrics.late > 0 ? 'kf-warn-text' : undefined}>{formatCount(metrics.late)}</span>
        </h3>
        {metrics.lateTopics && metrics.lateTopics.length > 0 ? (
          <ul>
            {metrics.lateTopics.map((t) => (
              <li key={t}>{topicLink(t, 'late')}</li>
            ))}
          </ul>
        ) : (
          <p>No late-record topic was reported for this run.</p>
        )}
      </section>
      {byNode.length > 0 && (
        <table className="kf-table">
          <caption>By node</caption>
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Errors</th>
              <th scope="col">Late</th>
            </tr>
          </thead>
          <tbody>
            {byNode.map(([id, s]) => (
              <tr key={id}>
                <th scope="row">{id}</th>
                <td>{formatCount(s.errors)}</td>
                <td>{formatCount(s.late)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
