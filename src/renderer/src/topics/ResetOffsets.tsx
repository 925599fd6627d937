import { useId, useState } from 'react';
import type { ApiClient, GroupView, ResetOffsetsRequest, ResetStepView } from '../../../api/index';
import { Table } from '../run/Table';
import { errorMessage } from './use-call';

export interface ResetOffsetsProps {
  client: ApiClient;
  connection?: string;
  group: GroupView;
}

type To = ResetOffsetsRequest['to']['kind'];

/** Builds the reset's target, or says what is wrong with the input. */
export function resetTarget(kind: To, offset: string, time: string): ResetOffsetsRequest['to'] | string {
  if (kind === 'earliest' || kind === 'latest') return { kind };
  if (kind === 'offset')
    return /^\d+$/.test(offset.trim())
      ? { kind, offset: offset.trim() }
      : 'Offset must be a whole number (0 or more).';
  const ms = time ? new Date(time).getTime() : NaN;
  return Number.isFinite(ms) ? { kind, ms } : 'Pick the time to reset to.';
}

/**
 * Moves a consumer group's committed offsets on one topic. Preview asks the backend what would
 * change (a dry run); Reset does it, only for a group without members (Kafka refuses otherwise).
 */
export function ResetOffsets({ client, connection, group }: ResetOffsetsProps) {
  const ids = useId();
  const topics = [...new Set(group.partitions.map((p) => p.topic))].sort();
  const [topic, setTopic] = useState(topics[0] ?? '');
  const [kind, setKind] = useState<To>('earliest');
  const [offset, setOffset] = useState('0');
  const [time, setTime] = useState('');
  const [steps, setSteps] = useState<{ done: boolean; steps: ResetStepView[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const empty = group.members === 0;

  const submit = async (dryRun: boolean) => {
    const to = resetTarget(kind, offset, time);
    if (typeof to === 'string') {
      setError(to);
      return;
    }
    const req: ResetOffsetsRequest = { groupId: group.groupId, topic, to, dryRun };
    if (connection) req.connection = connection;
    setBusy(true);
    setError(null);
    try {
      setSteps({ done: !dryRun, steps: await client.api.topics.resetOffsets(req) });
    } catch (e) {
      setSteps(null);
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (topics.length === 0) return null;
  return (
    <section className="kf-reset" aria-label={`Reset offsets of ${group.groupId}`}>
      <h3>Reset offsets</h3>
      <div className="kf-toolbar">
        <label htmlFor={`${ids}-topic`}>Topic</label>
        <select id={`${ids}-topic`} value={topic} onChange={(e) => setTopic(e.target.value)}>
          {topics.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <label htmlFor={`${ids}-to`}>Reset to</label>
        <select id={`${ids}-to`} value={kind} onChange={(e) => setKind(e.target.value as To)}>
          <option value="earliest">Earliest</option>
          <option value="latest">Latest</option>
          <option value="offset">Offset</option>
          <option value="time">Time</option>
        </select>
        {kind === 'offset' && (
          <>
            <label htmlFor={`${ids}-offset`}>Offset</label>
            <input
              id={`${ids}-offset`}
              inputMode="numeric"
              size={10}
              value={offset}
              onChange={(e) => setOffset(e.target.value)}
            />
          </>
        )}
        {kind === 'time' && (
          <>
            <label htmlFor={`${ids}-time`}>Time</label>
            <input
              id={`${ids}-time`}
              type="datetime-local"
              step="1"
              value={time}
              onChange={(e) => setTime(e.target.value)}
            />
          </>
        )}
        <button type="button" disabled={busy} onClick={() => void submit(true)}>
          Preview reset
        </button>
        <button
          type="button"
          className="kf-button kf-button--primary"
          disabled={busy || !empty}
          aria-describedby={empty ? undefined : `${ids}-why`}
          onClick={() => void submit(false)}
        >
          Reset offsets
        </button>
        {!empty && (
          <span id={`${ids}-why`} className="kf-warn-text">
            Stop the group’s {group.members} member{group.members === 1 ? '' : 's'} first: Kafka resets only
            an empty group.
          </span>
        )}
      </div>
      {error && (
        <p role="alert" className="kf-error-text">
          {error}
        </p>
      )}
      {steps && (
        <Table
          caption={steps.done ? 'Offsets moved' : 'The reset would move'}
          rows={steps.steps}
          rowKey={(s) => `${s.topic}/${s.partition}`}
          columns={[
            { header: 'Partition', cell: (s) => s.partition },
            { header: 'From', className: 'kf-mono', cell: (s) => s.from ?? '–' },
            { header: 'To', className: 'kf-mono', cell: (s) => s.to },
          ]}
        />
      )}
    </section>
  );
}
