import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ApiClient } from '../../../api/index';
import { formatCount } from '../run/format';
import { Table } from '../run/Table';
import { CreateTopicForm } from './TopicAdmin';
import { useCall } from './use-call';

export interface TopicListProps {
  client: ApiClient;
  connection?: string;
  selected: string | null;
  onSelect: (topic: string) => void;
  /** Records/s per topic, sampled from high-watermark deltas while the list is shown. */
  onRates?: (rates: Record<string, number>) => void;
  /** How often to sample for rates. */
  sampleMs?: number;
}

/** Topic names with their partition and record counts; a search box and internal topics hidden by default. */
export function TopicList({
  client,
  connection,
  selected,
  onSelect,
  onRates,
  sampleMs = 5000,
}: TopicListProps) {
  const ids = useId();
  const [search, setSearch] = useState('');
  const [internal, setInternal] = useState(false);
  const topics = useCall(() => client.api.topics.list(connection), [client, connection]);
  const [creating, setCreating] = useState(false);
  const [rates, setRates] = useState<Record<string, number>>({});
  const prev = useRef<{ at: number; records: Map<string, number> } | null>(null);
  useEffect(() => {
    if (!topics.data) return;
    const now = Date.now();
    const records = new Map(topics.data.map((t) => [t.name, Number(t.records)]));
    const p = prev.current;
    if (p && now > p.at) {
      const next: Record<string, number> = {};
      for (const [name, n] of records) {
        const before = p.records.get(name);
        if (before !== undefined) next[name] = Math.max(0, ((n - before) * 1000) / (now - p.at));
      }
      setRates(next);
      onRates?.(next);
    }
    prev.current = { at: now, records };
  }, [topics.data]);
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') void topics.run();
    }, sampleMs);
    return () => clearInterval(timer);
  }, [client, connection, sampleMs]);
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (topics.data ?? [])
      .filter((t) => internal || !t.name.startsWith('__'))
      .filter((t) => !needle || t.name.toLowerCase().includes(needle))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [topics.data, search, internal]);
  return (
    <div className="kf-topic-list">
      <div className="kf-toolbar">
        <label htmlFor={`${ids}-search`} className="kf-visually-hidden">
          Search topics
        </label>
        <input
          id={`${ids}-search`}
          type="search"
          placeholder="Search topics"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <button type="button" onClick={() => void topics.run()} disabled={topics.loading}>
          Refresh
        </button>
        <label className="kf-check">
          <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} />
          Internal
        </label>
        <button type="button" onClick={() => setCreating(true)}>
          New topic
        </button>
      </div>
      {creating && (
        <CreateTopicForm
          client={client}
          connection={connection}
          onCancel={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            void topics.run();
            onSelect(name);
          }}
        />
      )}
      {topics.error && (
        <p role="alert" className="kf-error-text">
          Could not list topics: {topics.error}
        </p>
      )}
      {topics.loading && !topics.data && <p className="kf-muted">Loading topics…</p>}
      {topics.data && shown.length === 0 && (
        <p className="kf-empty">{topics.data.length === 0 ? 'No topics yet.' : 'No topic matches.'}</p>
      )}
      {shown.length > 0 && (
        <Table
          label="Topics"
          captionHidden
          rows={shown}
          rowKey={(t) => t.name}
          rowProps={(t) => ({ 'aria-selected': t.name === selected })}
          columns={[
            {
              header: 'Name',
              cell: (t) => (
                <button
                  type="button"
                  className="kf-link-button"
                  aria-current={t.name === selected ? 'true' : undefined}
                  onClick={() => onSelect(t.name)}
                >
                  {t.name}
                </button>
              ),
            },
            { header: 'Partitions', cell: (t) => t.partitions },
            { header: 'Records', cell: (t) => formatRecords(t.records) },
            {
              header: 'Records/s',
              cell: (t) => (rates[t.name] === undefined ? '–' : rates[t.name]!.toFixed(1)),
            },
          ]}
        />
      )}
    </div>
  );
}

/** Records arrive as a decimal string (64-bit); counts below 2^53 read as numbers. */
function formatRecords(records: string): string {
  const n = Number(records);
  return Number.isSafeInteger(n) ? formatCount(n) : records;
}
