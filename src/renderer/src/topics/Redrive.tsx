/**
 * The Redrive dialog of a topic: moves dead letters back to the topic they came from (the
 * `kflow-source-topic` header the engine writes) after a fix. Preview counts per original topic
 * with sample errors; Redrive runs as a topic job with progress and Stop; the result names the
 * moved, the skipped (no or unknown source topic) and where the next redrive starts.
 */
import { useEffect, useId, useState } from 'react';
import type {
  ApiClient,
  ReadRequest,
  RedriveReportView,
  RedriveRequest,
  TopicRecordView,
} from '../../../api/index';
import { DLQ_HEADERS } from '../../../spec/dead-letter';
import { Dialog } from '../run/Dialog';
import { Table } from '../run/Table';
import { JobProgress, useTopicJob } from './JobProgress';
import { errorMessage } from './use-call';

/** How many of a topic's latest records the app reads to tell whether it holds dead letters. */
export const DEAD_LETTER_SAMPLE = 20;

/** The read of that sample: the latest records of every partition. */
export function deadLetterSampleRequest(topic: string, connection?: string): ReadRequest {
  return {
    ...(connection ? { connection } : {}),
    topic,
    from: { kind: 'last', count: DEAD_LETTER_SAMPLE },
    limit: DEAD_LETTER_SAMPLE,
  };
}

/**
 * Whether records are kflow dead letters: they carry the engine's dead-letter headers (the topic
 * they came from and the error), whatever the topic is called. The app then offers Redrive
 * prominently; it stays available on any topic.
 */
export function carriesDeadLetters(records: readonly TopicRecordView[]): boolean {
  return records.some((r) => DLQ_HEADERS.topic in r.headers && DLQ_HEADERS.error in r.headers);
}

/** One line per skipped dead letter, as the dialog shows it. */
export function skippedText(s: RedriveReportView['skipped']['first'][number]): string {
  return `partition ${s.partition} offset ${s.offset}: ${
    s.reason === 'no-source-topic'
      ? 'no kflow-source-topic header'
      : `topic "${s.sourceTopic}" does not exist`
  }`;
}

/** The result line of a finished redrive. */
export function reportText(report: RedriveReportView, stopped: boolean): string {
  return (
    `${stopped ? 'Stopped after moving' : 'Moved'} ${report.moved} records` +
    `${report.skipped.count > 0 ? `, skipped ${report.skipped.count}` : ''}` +
    ` (${report.byTopic.map((t) => `${t.topic}: ${t.count}`).join(', ') || 'none'}).` +
    ` Next redrive starts at ${report.position.map((p) => `${p.partition}:${p.offset}`).join(' ')}.`
  );
}

interface Form {
  filter: string;
  sourceTopic: string;
  error: string;
  to: string;
  start: 'committed' | 'earliest' | 'offset';
  /** With start 'offset': where to start in every partition. */
  offset: string;
}

export function RedriveDialog({
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
  const [form, setForm] = useState<Form>({
    filter: '',
    sourceTopic: '',
    error: '',
    to: '',
    start: 'committed',
    offset: '',
  });
  const [preview, setPreview] = useState<RedriveReportView | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const jobState = useTopicJob(client, jobId);
  const { done, running } = jobState;
  const [report, setReport] = useState<RedriveReportView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!jobId) return;
    return client.subscribe((e) => {
      if (e.type === 'topic.redriveDone' && e.jobId === jobId) setReport(e.report);
    });
  }, [client, jobId]);

  const request = (): RedriveRequest => ({
    ...(connection ? { connection } : {}),
    topic,
    ...(form.filter.trim() ? { filter: form.filter } : {}),
    ...(form.sourceTopic.trim() ? { sourceTopic: form.sourceTopic.trim() } : {}),
    ...(form.error ? { error: form.error } : {}),
    ...(form.to.trim() ? { to: form.to.trim() } : {}),
    from: form.start === 'offset' ? { offset: form.offset.trim() } : form.start,
  });
  const badOffset = form.start === 'offset' && !/^\d+$/.test(form.offset.trim());
  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    setPreview(null);
  };

  const runPreview = async () => {
    setError(null);
    if (badOffset) return setError('Start offset must be a whole number (0 or more).');
    setReport(null);
    setPreviewing(true);
    try {
      setPreview(await client.api.topics.redrivePreview(request()));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setPreviewing(false);
    }
  };
  const start = async () => {
    setError(null);
    setReport(null);
    jobState.reset();
    try {
      setJobId((await client.api.topics.redrive(request())).jobId);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const toMove = preview ? preview.byTopic.reduce((n, t) => n + t.count, 0) : 0;

  return (
    <Dialog title={`Redrive ${topic}`} onClose={onClose}>
      <form
        className="kf-topic-form"
        aria-label={`Redrive dead letters from ${topic}`}
        onSubmit={(e) => {
          e.preventDefault();
          void runPreview();
        }}
      >
        <p className="kf-muted">
          Moves dead letters back to the topic named in their kflow-source-topic header, without kflow’s
          dead-letter headers. What was moved is remembered in the group kflow-redrive.{topic}.
        </p>
        <label htmlFor={`${ids}-filter`}>Filter</label>
        <input
          id={`${ids}-filter`}
          className="kf-mono"
          placeholder="_headers['kflow-error'] LIKE 'timeout%'"
          value={form.filter}
          onChange={(e) => set('filter', e.target.value)}
        />
        <label htmlFor={`${ids}-source`}>Original topic</label>
        <input
          id={`${ids}-source`}
          value={form.sourceTopic}
          onChange={(e) => set('sourceTopic', e.target.value)}
        />
        <label htmlFor={`${ids}-error`}>Error contains</label>
        <input id={`${ids}-error`} value={form.error} onChange={(e) => set('error', e.target.value)} />
        <label htmlFor={`${ids}-to`}>Send to topic instead</label>
        <input id={`${ids}-to`} value={form.to} onChange={(e) => set('to', e.target.value)} />
        <label htmlFor={`${ids}-start`}>Start at</label>
        <select
          id={`${ids}-start`}
          value={form.start}
          onChange={(e) => set('start', e.target.value as Form['start'])}
        >
          <option value="committed">Where the last redrive stopped</option>
          <option value="earliest">The beginning (also what earlier redrives passed)</option>
          <option value="offset">An offset</option>
        </select>
        {form.start === 'offset' && (
          <>
            <label htmlFor={`${ids}-offset`}>Start offset (in every partition)</label>
            <input
              id={`${ids}-offset`}
              inputMode="numeric"
              value={form.offset}
              aria-invalid={badOffset && form.offset !== '' ? 'true' : undefined}
              onChange={(e) => set('offset', e.target.value)}
            />
          </>
        )}
        <JobProgress
          client={client}
          jobId={jobId}
          state={jobState}
          label="Redrive progress"
          stopLabel="Stop redrive"
          hideStopWhenIdle
          max={Math.max(toMove, 1)}
          result={report && reportText(report, done?.stopped ?? false)}
        >
          <button type="submit" disabled={previewing || running}>
            Preview redrive
          </button>
          <button type="button" disabled={running || !preview || toMove === 0} onClick={() => void start()}>
            Redrive
          </button>
        </JobProgress>
      </form>
      {(error ?? done?.error) && (
        <p role="alert" className="kf-error-text">
          {error ?? `Redrive stopped on an error: ${done?.error}`}
        </p>
      )}
      {preview && (
        <Table
          caption={`Redrive preview: ${preview.scanned} dead letters read`}
          rows={preview.byTopic}
          rowKey={(t) => t.topic}
          empty="No dead letters to move."
          columns={[
            { header: 'Original topic', rowHeader: true, cell: (t) => t.topic },
            { header: 'Count', cell: (t) => t.count },
            {
              header: 'Sample errors',
              className: 'kf-mono',
              cell: (t) => [...new Set(t.samples.map((s) => s.error ?? '(none)'))].join(' · '),
            },
          ]}
        />
      )}
      {preview && preview.skipped.count > 0 && (
        <section aria-label="Dead letters that cannot go back">
          <p className="kf-warn-text">{preview.skipped.count} matching dead letters cannot go back:</p>
          <ul>
            {preview.skipped.first.map((s) => (
              <li key={`${s.partition}-${s.offset}`}>{skippedText(s)}</li>
            ))}
          </ul>
        </section>
      )}
    </Dialog>
  );
}
