import { useEffect, useId, useState } from 'react';
import { ApiError, type ApiClient, type TopicConfigView, type TopicView } from '../../../api/index';
import { Table } from '../run/Table';
import { JobProgress, useTopicJob } from './JobProgress';
import { errorMessage } from './use-call';

interface Common {
  client: ApiClient;
  connection?: string;
}

/** The new-topic form: name, partitions, replication and `name=value` config lines. */
export function CreateTopicForm({
  client,
  connection,
  onCreated,
  onCancel,
}: Common & { onCreated: (topic: string) => void; onCancel: () => void }) {
  const ids = useId();
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('1');
  const [replication, setReplication] = useState('');
  const [configs, setConfigs] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setError(null);
    const parsed: Record<string, string> = {};
    for (const [i, line] of configs.split('\n').entries()) {
      if (!line.trim()) continue;
      const eq = line.indexOf('=');
      if (eq <= 0) return setError(`config line ${i + 1}: write name=value`);
      parsed[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
    setBusy(true);
    try {
      await client.api.topics.create({
        ...(connection ? { connection } : {}),
        name: name.trim(),
        partitions: Number(partitions),
        ...(replication ? { replicationFactor: Number(replication) } : {}),
        ...(Object.keys(parsed).length > 0 ? { configs: parsed } : {}),
      });
      onCreated(name.trim());
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="kf-topic-form"
      aria-label="New topic"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label htmlFor={`${ids}-name`}>Topic name</label>
      <input id={`${ids}-name`} value={name} onChange={(e) => setName(e.target.value)} required />
      <label htmlFor={`${ids}-partitions`}>Partitions</label>
      <input
        id={`${ids}-partitions`}
        type="number"
        min={1}
        value={partitions}
        onChange={(e) => setPartitions(e.target.value)}
      />
      <label htmlFor={`${ids}-replication`}>Replication factor</label>
      <input
        id={`${ids}-replication`}
        type="number"
        min={1}
        placeholder="broker default"
        value={replication}
        onChange={(e) => setReplication(e.target.value)}
      />
      <label htmlFor={`${ids}-configs`}>Configs (name=value per line)</label>
      <textarea id={`${ids}-configs`} rows={3} value={configs} onChange={(e) => setConfigs(e.target.value)} />
      {error && (
        <p role="alert" className="kf-error-text">
          {error}
        </p>
      )}
      <div className="kf-toolbar">
        <button type="submit" disabled={busy || !name.trim()}>
          Create topic
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Configs with defaults marked; an edited value is saved as an override, a reset removes it. */
export function ConfigEditor({
  client,
  connection,
  topic,
  view,
}: Common & { topic: string; view: TopicView | null }) {
  const [configs, setConfigs] = useState<TopicConfigView[] | null>(configsOf(view));
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setConfigs(configsOf(view)), [view]);
  if (!configs) return <p className="kf-muted">Loading…</p>;
  if (configs.length === 0) return <p className="kf-empty">No config reported.</p>;
  const change = async (req: { set?: Record<string, string>; remove?: string[] }) => {
    setBusy(true);
    setError(null);
    setProblems({});
    try {
      setConfigs(
        await client.api.topics.alterConfigs({ ...(connection ? { connection } : {}), topic, ...req }),
      );
      setEdits({});
    } catch (e) {
      if (e instanceof ApiError && e.problems?.length)
        setProblems(Object.fromEntries(e.problems.map((p) => [p.path, p.message])));
      else setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const dirty = Object.keys(edits).length > 0;
  return (
    <div className="kf-config-editor">
      <div className="kf-toolbar">
        <button type="button" disabled={!dirty || busy} onClick={() => void change({ set: edits })}>
          Save configs
        </button>
        <span className="kf-muted">
          Defaults are marked; a saved value becomes an override of this topic.
        </span>
      </div>
      {error && (
        <p role="alert" className="kf-error-text">
          {error}
        </p>
      )}
      <Table
        caption="Config"
        rows={configs}
        rowKey={(c) => c.name}
        rowProps={(c) => ({ 'data-default': c.isDefault ? 'true' : 'false' })}
        columns={[
          { header: 'Name', rowHeader: true, className: 'kf-mono', cell: (c) => c.name },
          {
            header: 'Value',
            cell: (c) => (
              <>
                <input
                  aria-label={`Value of ${c.name}`}
                  className="kf-mono"
                  value={edits[c.name] ?? c.value ?? ''}
                  disabled={c.readOnly || c.sensitive}
                  aria-invalid={problems[c.name] ? 'true' : undefined}
                  onChange={(e) => setEdits((x) => ({ ...x, [c.name]: e.target.value }))}
                />
                {problems[c.name] && (
                  <span role="alert" className="kf-error-text">
                    {problems[c.name]}
                  </span>
                )}
              </>
            ),
          },
          {
            header: 'Source',
            cellProps: (c) => ({
              title: c.synonyms.map((s) => `${s.name}=${s.value ?? '(hidden)'} (${s.source})`).join('\n'),
            }),
            cell: (c) => (c.isDefault ? <span className="kf-badge">default</span> : c.source),
          },
          {
            header: null,
            cell: (c) =>
              !c.isDefault &&
              !c.readOnly && (
                <button type="button" disabled={busy} onClick={() => void change({ remove: [c.name] })}>
                  Reset {c.name}
                </button>
              ),
          },
        ]}
      />
    </div>
  );
}

/** More partitions, and deleting the topic after typing its name. */
export function ManageTopic({
  client,
  connection,
  topic,
  partitions,
  onChanged,
  onDeleted,
}: Common & { topic: string; partitions: number | null; onChanged: () => void; onDeleted: () => void }) {
  const ids = useId();
  const [count, setCount] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const conn = connection ? { connection } : {};
  const add = async () => {
    setError(null);
    try {
      const v = await client.api.topics.addPartitions({ ...conn, topic, count: Number(count) });
      setNote(`${topic} now has ${v.partitions.length} partitions.`);
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const remove = async () => {
    setError(null);
    try {
      await client.api.topics.delete(topic, connection);
      onDeleted();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <div className="kf-topic-manage">
      <form
        className="kf-toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label htmlFor={`${ids}-count`}>New partition count</label>
        <input
          id={`${ids}-count`}
          type="number"
          min={(partitions ?? 0) + 1}
          value={count}
          placeholder={partitions === null ? '' : String(partitions + 1)}
          onChange={(e) => setCount(e.target.value)}
        />
        <button type="submit" disabled={!count || (partitions !== null && Number(count) <= partitions)}>
          Add partitions
        </button>
        <span className="kf-muted">
          Kafka only adds partitions; keyed records may land elsewhere afterwards.
        </span>
      </form>
      {note && <p role="status">{note}</p>}
      <button type="button" className="kf-danger" onClick={() => setConfirming(true)}>
        Delete topic…
      </button>
      {confirming && (
        <div role="dialog" aria-modal="true" aria-label={`Delete ${topic}`} className="kf-dialog">
          <p>
            Deleting <strong>{topic}</strong> removes all its records. Type its name to confirm.
          </p>
          <label htmlFor={`${ids}-confirm`}>Topic name</label>
          <input id={`${ids}-confirm`} value={typed} onChange={(e) => setTyped(e.target.value)} />
          <div className="kf-toolbar">
            <button
              type="button"
              className="kf-danger"
              disabled={typed !== topic}
              onClick={() => void remove()}
            >
              Delete {topic}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {error && (
        <p role="alert" className="kf-error-text">
          {error}
        </p>
      )}
    </div>
  );
}

/** Records from a template at a rate, with progress and Stop. */
export function TemplateProduce({ client, connection, topic }: Common & { topic: string }) {
  const ids = useId();
  const [key, setKey] = useState('key-{{seq}}');
  const [value, setValue] = useState(
    '{"n":{{seq}},"id":"{{uuid}}","color":"{{choice:red|green|blue}}","at":{{now}}}',
  );
  const [count, setCount] = useState('100');
  const [rate, setRate] = useState('0');
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const jobState = useTopicJob(client, jobId);
  const { done, running } = jobState;
  const start = async () => {
    setError(null);
    jobState.reset();
    try {
      const r = await client.api.topics.produceTemplate({
        ...(connection ? { connection } : {}),
        topic,
        key: key || null,
        value,
        count: Number(count),
        rate: Number(rate),
      });
      setJobId(r.jobId);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <form
      className="kf-topic-form"
      aria-label="Produce from a template"
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <p className="kf-muted">
        Fields: {'{{seq}}'}, {'{{uuid}}'}, {'{{choice:a|b}}'}, {'{{int:1-100}}'}, {'{{now}}'}, {'{{iso}}'}.
      </p>
      <label htmlFor={`${ids}-key`}>Key template</label>
      <input id={`${ids}-key`} className="kf-mono" value={key} onChange={(e) => setKey(e.target.value)} />
      <label htmlFor={`${ids}-value`}>Value template</label>
      <textarea
        id={`${ids}-value`}
        className="kf-mono"
        rows={3}
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <label htmlFor={`${ids}-count`}>Count</label>
      <input
        id={`${ids}-count`}
        type="number"
        min={1}
        value={count}
        onChange={(e) => setCount(e.target.value)}
      />
      <label htmlFor={`${ids}-rate`}>Records per second (0: as fast as possible)</label>
      <input
        id={`${ids}-rate`}
        type="number"
        min={0}
        value={rate}
        onChange={(e) => setRate(e.target.value)}
      />
      <JobProgress
        client={client}
        jobId={jobId}
        state={jobState}
        label="Produced"
        result={
          done &&
          (done.error
            ? `Stopped on an error after ${done.job.done} records: ${done.error}`
            : `${done.stopped ? 'Stopped after' : 'Produced'} ${done.job.done} records.`)
        }
      >
        <button type="submit" disabled={running}>
          Generate
        </button>
      </JobProgress>
      {error && (
        <p role="alert" className="kf-error-text">
          {error}
        </p>
      )}
    </form>
  );
}

/** A backend that reports only values (no `configs`) still shows them, with an unknown source. */
function configsOf(view: TopicView | null): TopicConfigView[] | null {
  if (!view) return null;
  if (view.configs) return view.configs;
  return Object.entries(view.config)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({
      name,
      value,
      isDefault: false,
      source: 'unknown',
      readOnly: false,
      sensitive: false,
      synonyms: [],
    }));
}
