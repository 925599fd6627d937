import { useEffect, useId, useMemo, useState } from 'react';
import type { ApiClient, GroupView } from '../../../api/index';
import { formatCount } from '../run/format';
import { Sparkline } from '../run/Sparkline';
import { Table } from '../run/Table';
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
        <Table
          caption="Consumer groups"
          rows={shown}
          rowKey={(g) => g.groupId}
          rowProps={(g) => ({ 'aria-selected': g.groupId === selected })}
          columns={[
            {
              header: 'Group',
              rowHeader: true,
              cell: (g) => (
                <button
                  type="button"
                  className="kf-link-button"
                  aria-expanded={g.groupId === selected}
                  onClick={() => setSelected(g.groupId === selected ? null : g.groupId)}
                >
                  {g.groupId}
                </button>
              ),
            },
            { header: 'State', cell: (g) => g.state },
            { header: 'Members', cell: (g) => g.members },
            { header: 'Lag', cellProps: (g) => lagClass(g.lag), cell: (g) => formatCount(g.lag) },
            {
              header: 'Lag trend',
              cell: (g) => (
                <Sparkline values={history[g.groupId] ?? []} label={`Lag of ${g.groupId}`} width={96} />
              ),
            },
          ]}
        />
      )}
      {group && (
        <Table
          caption={`Partitions of ${group.groupId}`}
          className="kf-groups__partitions"
          rows={group.partitions}
          rowKey={(p) => `${p.topic}/${p.partition}`}
          columns={[
            { header: 'Topic', cell: (p) => p.topic },
            { header: 'Partition', cell: (p) => p.partition },
            {
              header: 'Committed',
              className: 'kf-mono',
              cellProps: (p) => (p.committed ? {} : { title: 'no committed offset' }),
              cell: (p) => p.committed || '–',
            },
            { header: 'High', className: 'kf-mono', cell: (p) => p.high },
            { header: 'Lag', cellProps: (p) => lagClass(p.lag), cell: (p) => formatCount(p.lag) },
          ]}
        />
      )}
      {group && (group.assignments?.length ?? 0) > 0 && (
        <Table
          caption={`Members of ${group.groupId}`}
          rows={group.assignments!}
          rowKey={(m) => m.memberId}
          columns={[
            { header: 'Member', className: 'kf-mono', cell: (m) => m.memberId },
            { header: 'Client', cell: (m) => m.clientId },
            { header: 'Host', cell: (m) => m.host },
            {
              header: 'Assigned',
              cell: (m) =>
                m.partitions.map((a) => `${a.topic} [${a.partitions.join(', ')}]`).join('; ') || '–',
            },
          ]}
        />
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

/** A group or partition behind its high offset. */
function lagClass(lag: number): { className?: string } {
  return lag > 0 ? { className: 'kf-warn-text' } : {};
}
