/** Consumer-group lag over time, sampled by the groups view's polling (bounded per group). */
import type { GroupView } from '../../../api/index';
import { HISTORY_POINTS, type Series } from '../run/history';
import { pushBounded } from '../run/history';

export type LagHistory = Record<string, Series>;

/**
 * The history after one poll: each group listed gets its lag, a group missing from this poll a
 * gap, and a group gone for a whole window is forgotten.
 */
export function appendLag(history: LagHistory, groups: GroupView[], max = HISTORY_POINTS): LagHistory {
  const now = new Map(groups.map((g) => [g.groupId, g.lag]));
  const out: LagHistory = {};
  for (const id of new Set([...Object.keys(history), ...now.keys()])) {
    const next = pushBounded(history[id] ?? [], now.get(id) ?? null, max);
    if (next.some((v) => v !== null)) out[id] = next;
  }
  return out;
}
