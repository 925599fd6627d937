/**
 * Export a range of a topic to a JSONL file, and import a JSONL file into a topic (a copy, a
 * replay with the original timing, or a bulk produce), each a job with progress and Stop. The
 * files never pass through an API call: `ApiClient.transfers` streams them.
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { ApiClient, ExportTopicRequest, ImportTopicRequest, ReadFrom } from '../../../api/index';
import { Dialog } from '../run/Dialog';
import { JobProgress, useTopicJob } from './JobProgress';
import { errorMessage } from './use-call';

type Built<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ExportForm {
  from: 'earliest' | 'offset' | 'time';
  fromOffset: string;
  fromTime: string;
  until: 'end' | 'offset' | 'time';
  untilOffset: string;
  untilTime: string;
  /** `all` or a partition number. */
  partition: string;
  filter: string;
  /** Blank: no limit. */
  limit: string;
}

export const DEFAULT_EXPORT_FORM: ExportForm = {
  from: 'earliest',
  fromOffset: '0',
  fromTime: '',
  until: 'end',
  untilOffset: '',
  untilTime: '',
  partition: 'all',
  filter: '',
  limit: '',
};

const whole = (s: string) => (/^\d+$/.test(s.trim()) ? s.trim() : null);

/** The export dialog's inputs as a request, or the first bad input said plainly. */
export function buildExportRequest(
  form: ExportForm,
  topic: string,
  connection?: string,
): Built<ExportTopicRequest> {
  const req: ExportTopicRequest = { topic };
  if (connection) req.connection = connection;
  let from: ReadFrom = { kind: 'earliest' };
  if (form.from === 'offset') {
    const o = whole(form.fromOffset);
    if (o === null) return { ok: false, error: 'From offset must be a whole number (0 or more).' };
    from = { kind: 'offset', offset: o };
  } else if (form.from === 'time') {
    const ms = form.fromTime ? new Date(form.fromTime).getTime() : NaN;
    if (!Number.isFinite(ms)) return { ok: false, error: 'Pick the time to export from.' };
    from = { kind: 'time', ms };
  }
  req.from = from;
  if (form.until === 'offset') {
    const o = whole(form.untilOffset);
    if (o === null) return { ok: false, error: 'Until offset must be a whole number (0 or more).' };
    req.until = { kind: 'offset', offset: o };
  } else if (form.until === 'time') {
    const ms = form.untilTime ? new Date(form.untilTime).getTime() : NaN;
    if (!Number.isFinite(ms)) return { ok: false, error: 'Pick the time to export until.' };
    req.until = { kind: 'time', ms };
  }
  if (form.partition !== 'all') {
    const p = whole(form.partition);
    if (p === null) return { ok: false, error: `Partition must be a number, not ${form.partition}.` };
    req.partitions = [Number(p)];
  }
  if (form.filter.trim()) req.filter = form.filter.trim();
  if (form.limit.trim()) {
    const n = whole(form.limit);
    if (n === null || Number(n) < 1)
      return { ok: false, error: 'Limit must be a whole number of at least 1, or blank.' };
    req.limit = Number(n);
  }
  return { ok: true, value: req };
}

function Unsupported({ children }: { children: ReactNode }) {
  return (
    <p className="kf-muted">
      {children} needs file transfers, which this connection to the kflow backend does not offer.
    </p>
  );
}

/** One end of an export range: a kind, and the offset or time input that kind needs. */
function RangeEnd<K extends string>(props: {
  id: string;
  label: 'From' | 'Until';
  kinds: [K, string][];
  kind: K;
  offset: string;
  time: string;
  onKind(kind: K): void;
  onOffset(value: string): void;
  onTime(value: string): void;
}) {
  const { id, label } = props;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={props.kind} onChange={(e) => props.onKind(e.target.value as K)}>
        {props.kinds.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
      {props.kind === 'offset' && (
        <>
          <label htmlFor={`${id}-offset`}>{label} offset</label>
          <input id={`${id}-offset`} value={props.offset} onChange={(e) => props.onOffset(e.target.value)} />
        </>
      )}
      {props.kind === 'time' && (
        <>
          <label htmlFor={`${id}-time`}>{label} time</label>
          <input
            id={`${id}-time`}
            type="datetime-local"
            value={props.time}
            onChange={(e) => props.onTime(e.target.value)}
          />
        </>
      )}
    </>
  );
}

/** Export… : a range of the topic to a JSONL file the browser downloads. */
export function ExportDialog({
  client,
  connection,
  topic,
  onClose,
}: {
  client: ApiClient;
  connection?: string;
  topic: string;
  onClose: () => void;
}) {
  const ids = useId();
  const [form, setForm] = useState<ExportForm>(DEFAULT_EXPORT_FORM);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const jobState = useTopicJob(client, jobId);
  const { done, running, reset } = jobState;
  const set = <K extends keyof ExportForm>(k: K, v: ExportForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const fileName = `${topic}.jsonl`;
  const start = async () => {
    setError(null);
    reset();
    const built = buildExportRequest(form, topic, connection);
    if (!built.ok) return setError(built.error);
    try {
      setJobId((await client.api.topics.exportStart(built.value)).jobId);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Dialog title={`Export ${topic}`} onClose={onClose}>
      {!client.transfers ? (
        <Unsupported>Export</Unsupported>
      ) : (
        <form
          className="kf-topic-form"
          aria-label={`Export ${topic} to JSONL`}
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <RangeEnd
            id={`${ids}-from`}
            label="From"
            kinds={[
              ['earliest', 'Earliest'],
              ['offset', 'Offset'],
              ['time', 'Time'],
            ]}
            kind={form.from}
            offset={form.fromOffset}
            time={form.fromTime}
            onKind={(v) => set('from', v)}
            onOffset={(v) => set('fromOffset', v)}
            onTime={(v) => set('fromTime', v)}
          />
          <RangeEnd
            id={`${ids}-until`}
            label="Until"
            kinds={[
              ['end', 'The end now'],
              ['offset', 'Offset'],
              ['time', 'Time'],
            ]}
            kind={form.until}
            offset={form.untilOffset}
            time={form.untilTime}
            onKind={(v) => set('until', v)}
            onOffset={(v) => set('untilOffset', v)}
            onTime={(v) => set('untilTime', v)}
          />
          <label htmlFor={`${ids}-p`}>Partition (all or a number)</label>
          <input id={`${ids}-p`} value={form.partition} onChange={(e) => set('partition', e.target.value)} />
          <label htmlFor={`${ids}-f`}>Filter expression</label>
          <input
            id={`${ids}-f`}
            className="kf-mono"
            value={form.filter}
            onChange={(e) => set('filter', e.target.value)}
          />
          <label htmlFor={`${ids}-l`}>Limit (blank: all)</label>
          <input id={`${ids}-l`} value={form.limit} onChange={(e) => set('limit', e.target.value)} />
          <JobProgress
            client={client}
            jobId={jobId}
            state={jobState}
            label="Exported"
            showCount
            result={
              done &&
              (done.error
                ? `Export failed after ${done.job.done} records: ${done.error}`
                : `${done.stopped ? 'Stopped after' : 'Exported'} ${done.job.done} records.`)
            }
          >
            <button type="submit" disabled={running}>
              Start export
            </button>
          </JobProgress>
          {done?.job.fileId && !done.error && (
            <button type="button" onClick={() => client.transfers?.download(done.job.fileId!, fileName)}>
              Download {fileName}
            </button>
          )}
          {error && (
            <p role="alert" className="kf-error-text">
              {error}
            </p>
          )}
        </form>
      )}
    </Dialog>
  );
}

/** Import… : a JSONL file into this or another topic; a copy, a replay or a bulk produce. */
export function ImportDialog({
  client,
  connection,
  topic,
  onClose,
  onImported,
}: {
  client: ApiClient;
  connection?: string;
  topic: string;
  onClose: () => void;
  onImported?: () => void;
}) {
  const ids = useId();
  const [file, setFile] = useState<File | null>(null);
  const [target, setTarget] = useState(topic);
  const [partitioning, setPartitioning] = useState<'preserve' | 'key'>('preserve');
  const [timestamps, setTimestamps] = useState<'preserve' | 'now'>('preserve');
  const [pace, setPace] = useState<'fast' | 'original'>('fast');
  const [speed, setSpeed] = useState('1');
  const [uploading, setUploading] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const jobState = useTopicJob(client, jobId);
  const { done, running, reset } = jobState;
  useEffect(() => {
    if (done && !done.error) onImported?.();
    // Once, when a job ends.
  }, [done]);
  const start = async () => {
    setError(null);
    reset();
    if (!file) return setError('Choose a JSONL file to import.');
    if (!target.trim()) return setError('Name the topic to import into.');
    const s = Number(speed);
    if (pace === 'original' && !(Number.isFinite(s) && s > 0))
      return setError('Speed must be a number above 0 (1: the original timing, 10: ten times faster).');
    setUploading(true);
    try {
      const { uploadId } = await client.transfers!.upload(file);
      const req: ImportTopicRequest = { topic: target.trim(), uploadId, partitioning, timestamps, pace };
      if (connection) req.connection = connection;
      if (pace === 'original') req.speed = s;
      setJobId((await client.api.topics.importStart(req)).jobId);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setUploading(false);
    }
  };
  return (
    <Dialog title={`Import into ${topic}`} onClose={onClose}>
      {!client.transfers ? (
        <Unsupported>Import</Unsupported>
      ) : (
        <form
          className="kf-topic-form"
          aria-label="Import a JSONL file"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <p className="kf-muted">
            One record per line, as Export writes them (also for a bulk produce: {'{"key":"k","value":"v"}'}).
            A line that does not parse stops the import there: every line before it has been produced.
          </p>
          <label htmlFor={`${ids}-file`}>JSONL file</label>
          <input
            id={`${ids}-file`}
            type="file"
            accept=".jsonl,.ndjson,.json,application/x-ndjson"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
          <label htmlFor={`${ids}-topic`}>Into topic</label>
          <input id={`${ids}-topic`} value={target} onChange={(e) => setTarget(e.target.value)} />
          <label htmlFor={`${ids}-part`}>Partitioning</label>
          <select
            id={`${ids}-part`}
            value={partitioning}
            onChange={(e) => setPartitioning(e.target.value as 'preserve' | 'key')}
          >
            <option value="preserve">Keep each record’s partition</option>
            <option value="key">By key</option>
          </select>
          <label htmlFor={`${ids}-ts`}>Timestamps</label>
          <select
            id={`${ids}-ts`}
            value={timestamps}
            onChange={(e) => setTimestamps(e.target.value as 'preserve' | 'now')}
          >
            <option value="preserve">Keep the exported timestamps</option>
            <option value="now">Stamp when produced</option>
          </select>
          <label htmlFor={`${ids}-pace`}>Pace</label>
          <select
            id={`${ids}-pace`}
            value={pace}
            onChange={(e) => setPace(e.target.value as 'fast' | 'original')}
          >
            <option value="fast">As fast as possible</option>
            <option value="original">Original timing (replay)</option>
          </select>
          {pace === 'original' && (
            <>
              <label htmlFor={`${ids}-speed`}>Speed (10: ten times faster)</label>
              <input
                id={`${ids}-speed`}
                type="number"
                min={0}
                step="any"
                value={speed}
                onChange={(e) => setSpeed(e.target.value)}
              />
            </>
          )}
          <JobProgress
            client={client}
            jobId={jobId}
            state={jobState}
            label="Imported"
            showCount
            result={
              done &&
              (done.job.line !== undefined
                ? `Stopped at line ${done.job.line} after ${done.job.done} records: ${done.error}`
                : done.error
                  ? `Import failed after ${done.job.done} records: ${done.error}`
                  : `${done.stopped ? 'Stopped after' : 'Imported'} ${done.job.done} records into ${target.trim()}.`)
            }
          >
            <button type="submit" disabled={running || uploading}>
              Start import
            </button>
          </JobProgress>
          {uploading && <p role="status">Uploading {file?.name}…</p>}
          {error && (
            <p role="alert" className="kf-error-text">
              {error}
            </p>
          )}
        </form>
      )}
    </Dialog>
  );
}
