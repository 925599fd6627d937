import { useId, useState, type FormEvent } from 'react';
import type { ApiClient, TopicRecordView } from '../../../api/index';
import { TASK_HEADER, WATERMARK_HEADER } from '../../../spec/watermark-marker';
import { Dialog } from '../run/Dialog';
import { formatTime, oneLine, prettyRecordValue } from '../run/format';
import { errorMessage } from './use-call';
import { TAIL_RECORDS, useTail } from './use-tail';
import { buildReadRequest, DEFAULT_READ_FORM, type FromKind, type ReadForm } from './read-request';

export interface RecordBrowserProps {
  client: ApiClient;
  connection?: string;
  topic: string;
  /** The topic's partition count, for the partition filter (null while unknown). */
  partitions: number | null;
}

const FROM: { id: FromKind; label: string }[] = [
  { id: 'last', label: 'Last N' },
  { id: 'earliest', label: 'Earliest' },
  { id: 'latest', label: 'Latest' },
  { id: 'offset', label: 'Offset' },
  { id: 'time', label: 'Time' },
];

interface Result {
  records: TopicRecordView[];
  scanned: number;
  reason: string;
}

/** Reads a bounded slice of a topic from a chosen position, with a partition and expression filter. */
export function RecordBrowser({ client, connection, topic, partitions }: RecordBrowserProps) {
  const ids = useId();
  const [form, setForm] = useState<ReadForm>(DEFAULT_READ_FORM);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const [open, setOpen] = useState<TopicRecordView | null>(null);
  const tail = useTail(client);
  const set = <K extends keyof ReadForm>(k: K, v: ReadForm[K]) => setForm((f) => ({ ...f, [k]: v }));

  const read = async (e: FormEvent) => {
    e.preventDefault();
    const built = buildReadRequest(form, topic, connection);
    if (!built.ok) {
      setError(built.error);
      return;
    }
    setError(null);
    tail.reset();
    setReading(true);
    try {
      setResult(await client.api.topics.read(built.value));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setReading(false);
    }
  };

  const follow = () => {
    if (tail.following) {
      tail.stop();
      return;
    }
    const built = buildReadRequest({ ...form, limit: '1' }, topic, connection);
    if (!built.ok) {
      setError(built.error);
      return;
    }
    setError(null);
    setResult(null);
    const { limit: _limit, ...req } = built.value;
    tail.start(req);
  };
  const shown: Result | null =
    tail.following || tail.records.length > 0 || tail.ended
      ? {
          records: tail.records,
          scanned: tail.records.length,
          reason: tail.following ? 'following' : (tail.ended ?? 'stopped'),
        }
      : result;

  return (
    <div className="kf-records">
      <form className="kf-toolbar kf-records__form" aria-label="Read records" onSubmit={(e) => void read(e)}>
        <label htmlFor={`${ids}-from`}>From</label>
        <select
          id={`${ids}-from`}
          value={form.from}
          onChange={(e) => set('from', e.target.value as FromKind)}
        >
          {FROM.map((f) => (
            <option key={f.id} value={f.id}>
              {f.label}
            </option>
          ))}
        </select>
        {form.from === 'offset' && (
          <>
            <label htmlFor={`${ids}-offset`}>Offset</label>
            <input
              id={`${ids}-offset`}
              inputMode="numeric"
              size={10}
              value={form.offset}
              onChange={(e) => set('offset', e.target.value)}
            />
          </>
        )}
        {form.from === 'last' && (
          <>
            <label htmlFor={`${ids}-count`}>Count</label>
            <input
              id={`${ids}-count`}
              inputMode="numeric"
              size={6}
              value={form.count}
              onChange={(e) => set('count', e.target.value)}
            />
          </>
        )}
        {form.from === 'time' && (
          <>
            <label htmlFor={`${ids}-time`}>Time</label>
            <input
              id={`${ids}-time`}
              type="datetime-local"
              step="1"
              value={form.time}
              onChange={(e) => set('time', e.target.value)}
            />
          </>
        )}
        <label htmlFor={`${ids}-partition`}>Partition</label>
        <select
          id={`${ids}-partition`}
          value={form.partition}
          onChange={(e) => set('partition', e.target.value)}
        >
          <option value="all">All</option>
          {Array.from({ length: partitions ?? 0 }, (_, p) => (
            <option key={p} value={String(p)}>
              {p}
            </option>
          ))}
        </select>
        <label htmlFor={`${ids}-filter`}>Filter</label>
        <input
          id={`${ids}-filter`}
          className="kf-mono kf-records__filter"
          placeholder="value.amount > 100"
          value={form.filter}
          onChange={(e) => set('filter', e.target.value)}
        />
        <label htmlFor={`${ids}-limit`}>Limit</label>
        <input
          id={`${ids}-limit`}
          inputMode="numeric"
          size={6}
          value={form.limit}
          onChange={(e) => set('limit', e.target.value)}
        />
        <button type="submit" className="kf-button kf-button--primary" disabled={reading}>
          Read
        </button>
        <button type="button" className="kf-button" aria-pressed={tail.following} onClick={follow}>
          Follow
        </button>
      </form>
      {(error ?? tail.error) && (
        <p role="alert" className="kf-error-text">
          {error ?? `Could not follow ${topic}: ${tail.error}`}
        </p>
      )}
      {reading && <p className="kf-muted">Reading…</p>}
      {shown && (
        <>
          <p className="kf-muted" role="status">
            {shown.reason === 'following'
              ? `Following: ${shown.records.length} record${shown.records.length === 1 ? '' : 's'} so far (the newest ${TAIL_RECORDS} are kept)`
              : `${shown.records.length} record${shown.records.length === 1 ? '' : 's'} (scanned ${shown.scanned}; ${shown.reason})`}
          </p>
          {shown.records.length > 0 && (
            <table className="kf-table kf-records__table">
              <caption className="kf-visually-hidden">Records</caption>
              <thead>
                <tr>
                  <th scope="col">Partition</th>
                  <th scope="col">Offset</th>
                  <th scope="col">Timestamp</th>
                  <th scope="col">Key</th>
                  <th scope="col">Value</th>
                  <th scope="col">Headers</th>
                </tr>
              </thead>
              <tbody>
                {shown.records.map((r) => (
                  <tr
                    key={`${r.partition}/${r.offset}`}
                    className={r.marker ? 'kf-records__marker' : undefined}
                  >
                    <td>{r.partition}</td>
                    <td className="kf-mono">
                      <button
                        type="button"
                        className="kf-link-button"
                        aria-label={`Record ${r.partition}/${r.offset}`}
                        onClick={() => setOpen(r)}
                      >
                        {r.offset}
                      </button>
                    </td>
                    <td className="kf-mono">{formatTime(r.timestamp)}</td>
                    <td className="kf-mono">{r.key ?? <i>null</i>}</td>
                    <td className="kf-mono">
                      {r.marker ? (
                        <MarkerLabel record={r} />
                      ) : r.value === null ? (
                        <i>null</i>
                      ) : (
                        oneLine(r.value)
                      )}
                    </td>
                    <td className="kf-mono">{headerSummary(r.headers)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {open && <RecordDrawer record={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

/**
 * A watermark marker of kflow's engine, not a data record: the upstream task and the event time
 * it has reached, so its row reads as what it is rather than as a null value.
 */
function MarkerLabel({ record }: { record: TopicRecordView }) {
  const wm = Number(record.headers[WATERMARK_HEADER]);
  const task = record.headers[TASK_HEADER];
  return (
    <span title="Written by a kflow pipeline to carry event time through this repartition topic">
      <span className="kf-badge">watermark marker</span>{' '}
      {Number.isFinite(wm) ? formatTime(wm) : record.headers[WATERMARK_HEADER]}
      {task ? ` from task ${task}` : ''}
    </span>
  );
}

function headerSummary(headers: Record<string, string>): string {
  const entries = Object.entries(headers);
  return entries.length === 0 ? '–' : oneLine(entries.map(([k, v]) => `${k}: ${v}`).join(', '), 60);
}

function RecordDrawer({ record, onClose }: { record: TopicRecordView; onClose: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const value = prettyRecordValue(record.value, record.format);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(record.value ?? '');
      setCopied('Value copied.');
    } catch (e) {
      setCopied(`Could not copy: ${errorMessage(e)}`);
    }
  };
  const headers = Object.entries(record.headers);
  return (
    <Dialog variant="drawer" title={`Record ${record.partition}/${record.offset}`} onClose={onClose}>
      <dl className="kf-record-meta">
        <dt>Partition</dt>
        <dd>{record.partition}</dd>
        <dt>Offset</dt>
        <dd className="kf-mono">{record.offset}</dd>
        <dt>Timestamp</dt>
        <dd className="kf-mono">
          {formatTime(record.timestamp)} ({record.timestamp})
        </dd>
        <dt>Key</dt>
        <dd className="kf-mono">{record.key ?? <i>null</i>}</dd>
        <dt>Format</dt>
        <dd>{record.format}</dd>
      </dl>
      <h3>Headers</h3>
      {headers.length === 0 ? (
        <p className="kf-muted">None.</p>
      ) : (
        <table className="kf-table">
          <caption className="kf-visually-hidden">Headers</caption>
          <tbody>
            {headers.map(([k, v]) => (
              <tr key={k}>
                <th scope="row" className="kf-mono">
                  {k}
                </th>
                <td className="kf-mono">{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="kf-toolbar">
        <h3>Value</h3>
        <button type="button" onClick={() => void copy()} disabled={record.value === null}>
          Copy value
        </button>
        <span role="status" className="kf-muted">
          {copied}
        </span>
      </div>
      {record.marker ? (
        <p className="kf-muted">
          None: a watermark marker of a kflow pipeline (<MarkerLabel record={record} />)
        </p>
      ) : record.value === null ? (
        <p className="kf-muted">null (a tombstone)</p>
      ) : (
        <pre className="kf-code">{value}</pre>
      )}
    </Dialog>
  );
}
