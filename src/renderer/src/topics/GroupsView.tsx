import { useEffect, useId, useMemo, useState } from 'react';
import type { ApiClient, GroupView } from '../../../api/index';
import { formatCount } from '../run/format';
import { Sparkline } from '../run/Sparkline';
import { appendLag, type LagHistory } from './lag-history';
import { ResetOffsets } from './ResetOffsets';
import { errorMessage } from './use-call';

export interface GroupsViewProps {
  client: ApiClient;
  connection?: string;
  /** How often to poll while the view is shown and the window visible. */
  pollMs?: number;
}

/** Consumer groups with their lag, polled while shown, with a lag trend per group and lag per partition. */
export function GroupsView({ client, connection, pollMs = 3000 }: GroupsViewProps) {
  const ids = useId();
  const [groups, setGroups] = useState<GroupView[] | null>(null);
  const [history, setHistory] = useState<LagHistory>({});
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [deleted, setDeleted] = useState<Set<string>>(new Set());

  useEffect(() => {
    let stopped = false;
    let inFlight = false;
    setGroups(null);
    setHistory({});
    const poll = async () => {
      // A hidden window costs the broker nothing; one request at a time on a slow cluster.
      if (inFlight || document.visibilityState === 'hidden') return;
      inFlight = true;
      try {
        const next = await client.api.topics.groups(connection);
        if (stopped) return;
        setGroups(next);
        setHistory((h) => appendLag(h, next));
        setError(null);
      } catch (e) {
        if (!stopped) setError(errorMessage(e));
      } finally {
        inFlight = false;
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), pollMs);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void poll();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [client, connection, pollMs]);

  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (groups ?? [])
      .filter((g) => !deleted.has(g.groupId))
      .filter((g) => !needle || g.groupId.toLowerCase().includes(needle))
      .sort((a, b) => a.groupId.localeCompare(b.groupId));
  }, [groups, search, deleted]);
  const removeGroup = async (groupId: string) => {
    setDeleteError(null);
    try {
      await client.api.topics.deleteGroup(groupId, connection);
      setDeleted((d) => new Set([...d, groupId]));
      setConfirmDelete(null);
      setSelected(null);
    } catch (e) {
      setDeleteError(errorMessage(e));
    }
  };
  const group = groups?.find((g) => g.groupId === selected) ?? null;

  return (
    <div className="kf-groups">
      <div className="kf-toolbar">
        <label htmlFor={`${ids}-search`} className="kf-visually-hidden">
          Search groups
        </label>
        <input
          id={`${ids}-search`}
          type="search"
          placeholder="Search groups"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <span className="kf-muted">Refreshed every {Math.round(pollMs / 1000)} s while shown.</span>
      </div>
      {error && (
        <p role="alert" className="kf-error-text">
          Could not list consumer groups: {error}
        </p>
      )}
      {!groups && !error && <p className="kf-muted">Loading consumer groups…</p>}
      {groups && shown.length === 0 && (
        <p className="kf-empty">{groups.length === 0 ? 'No consumer groups.' : 'No group matches.'}</p>
      )}
      {shown.length > 0 && (
        <table className="kf-table">
          <caption>Consumer groups</caption>
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">State</th>
              <th scope="col">Members</th>
              <th scope="col">Lag</th>
              <th scope="col">Lag trend</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((g) => (
              <tr key={g.groupId} aria-selected={g.groupId === selected}>
                <th scope="row">
                  <button
                    type="button"
                    className="kf-link-button"
                    aria-expanded={g.groupId === selected}
                    onClick={() => setSelected(g.groupId === selected ? null : g.groupId)}
                  >
                    {g.groupId}
                  </button>
                </th>
                <td>{g.state}</td>
                <td>{g.members}</td>
                <td className={g.lag > 0 ? 'kf-warn-text' : undefined}>{formatCount(g.lag)}</td>
                <td>
                  <Sparkline values={history[g.groupId] ?? []} label={`Lag of ${g.groupId}`} width={96} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {group && (
        <table className="kf-table kf-groups__partitions">
          <caption>Partitions of {group.groupId}</caption>
          <thead>
            <tr>
              <th scope="col">Topic</th>
              <th scope="col">Partition</th>
              <th scope="col">Committed</th>
              <th scope="col">High</th>
              <th scope="col">Lag</th>
            </tr>
          </thead>
          <tbody>
            {group.partitions.map((p) => (
              <tr key={`${p.topic}/${p.partition}`}>
                <td>{p.topic}</td>
                <td>{p.partition}</td>
                <td className="kf-mono" title={p.committed ? undefined : 'no committed offset'}>
                  {p.committed || '–'}
                </td>
                <td className="kf-mono">{p.high}</td>
                <td className={p.lag > 0 ? 'kf-warn-text' : undefined}>{formatCount(p.lag)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {group && (group.assignments?.length ?? 0) > 0 && (
        <table className="kf-table">
          <caption>Members of {group.groupId}</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Client</th>
              <th scope="col">Host</th>
              <th scope="col">Assigned</th>
            </tr>
          </thead>
          <tbody>
            {group.assignments!.map((m) => (
              <tr key={m.memberId}>
                <td className="kf-mono">{m.memberId}</td>
                <td>{m.clientId}</td>
                <td>{m.host}</td>
                <td>
                  {m.partitions.map((a) => `${a.topic} [${a.partitions.join(', ')}]`).join('; ') || '–'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {group && (
        <div className="kf-toolbar">
          <button
            type="button"
            className="kf-danger"
            disabled={group.state !== 'Empty'}
            title={group.state === 'Empty' ? undefined : 'Only an empty group (no members) can be deleted'}
            onClick={() => setConfirmDelete(group.groupId)}
          >
            Delete group…
          </button>
        </div>
      )}
      {confirmDelete && (
        <div
          role="dialog"
          aria-modal="true"
          aria-label={`Delete group ${confirmDelete}`}
          className="kf-dialog"
        >
          <p>
            Delete consumer group <strong>{confirmDelete}</strong> and its committed offsets?
          </p>
          <div className="kf-toolbar">
            <button type="button" className="kf-danger" onClick={() => void removeGroup(confirmDelete)}>
              Delete {confirmDelete}
            </button>
            <button type="button" onClick={() => setConfirmDelete(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {deleteError && (
        <p role="alert" className="kf-error-text">
          {deleteError}
        </p>
      )}
      {group && <ResetOffsets key={group.groupId} client={client} connection={connection} group={group} />}
    </div>
  );
}
