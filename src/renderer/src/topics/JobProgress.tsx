/**
 * A topic job (export, import, template produce, redrive) as the dialogs show it: the start
 * buttons the dialog gives, Stop, a progress bar with the count so far, and the result line.
 * `useTopicJob` follows the job's pushed events.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { ApiClient, ServerEvent, TopicJobView } from '../../../api/index';

export type JobDone = Extract<ServerEvent, { type: 'topic.jobDone' }>;

export interface TopicJob {
  /** The last progress the job reported (kept after it ended). */
  job: TopicJobView | null;
  /** Its last event, once it ended. */
  done: JobDone | null;
  running: boolean;
  /** Forgets the last job's progress and end, before the next one starts. */
  reset(): void;
}

/** Follows one job's events; `jobId` null: none started yet. */
export function useTopicJob(client: ApiClient, jobId: string | null): TopicJob {
  const [job, setJob] = useState<TopicJobView | null>(null);
  const [done, setDone] = useState<JobDone | null>(null);
  useEffect(() => {
    if (!jobId) return;
    return client.subscribe((e) => {
      if (e.type === 'topic.job' && e.job.jobId === jobId) setJob(e.job);
      if (e.type === 'topic.jobDone' && e.job.jobId === jobId) {
        setJob(e.job);
        setDone(e);
      }
    });
  }, [client, jobId]);
  const reset = () => {
    setJob(null);
    setDone(null);
  };
  return { job, done, running: jobId !== null && done === null, reset };
}

export interface JobProgressProps {
  client: ApiClient;
  jobId: string | null;
  state: TopicJob;
  /** The progress bar's accessible name. */
  label: string;
  stopLabel?: string;
  /** Stop only while the job runs (otherwise it stays, disabled). */
  hideStopWhenIdle?: boolean;
  /** The bar's end when the job reports no total (a redrive's previewed count). */
  max?: number;
  /** Also "N records" beside the bar. */
  showCount?: boolean;
  /** The result line (role status), once there is one. */
  result?: ReactNode;
  /** The dialog's start buttons, first in the toolbar. */
  children?: ReactNode;
}

export function JobProgress(props: JobProgressProps) {
  const { client, jobId, state, label } = props;
  const { job, running } = state;
  const max = job?.total ?? props.max;
  return (
    <>
      <div className="kf-toolbar">
        {props.children}
        {(running || !props.hideStopWhenIdle) && (
          <button
            type="button"
            disabled={!running}
            onClick={() => jobId && void client.api.topics.jobStop(jobId)}
          >
            {props.stopLabel ?? 'Stop'}
          </button>
        )}
        {job && (
          <progress max={max} value={job.done} aria-label={label}>
            {job.done}
          </progress>
        )}
        {job && props.showCount && <span className="kf-muted">{job.done} records</span>}
      </div>
      {props.result && <p role="status">{props.result}</p>}
    </>
  );
}
