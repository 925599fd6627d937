/**
 * @module engine/time/sessions
 * Session windows as pure functions, after Kafka Streams' SessionWindows.
 *
 * A session is `[start, end]` with both bounds being event times of records in it
 * (inclusive, unlike tumbling windows). An event at `t` joins every session of its
 * key with `start - gap ≤ t ≤ end + gap`; when it reaches two sessions it bridges
 * them and they merge into one.
 *
 *   gap = 5m:  a@0 ─ a@3m   (session [0,3m])        a@12m (session [12m,12m])
 *              a@8m arrives: 8m ≤ 3m+5m and 8m ≥ 12m−5m → all three merge: [0,12m]
 */

/** A session: first and last event time, both inclusive. */
export interface Session {
  start: number;
  end: number;
}

/** Whether an event at `t` extends (or bridges into) `session`. */
export function sessionReaches(session: Session, t: number, gap: number): boolean {
  return t >= session.start - gap && t <= session.end + gap;
}

/** The sessions an event at `t` falls into, and the session they all merge into with it. */
export function mergeSessions(
  existing: readonly Session[],
  t: number,
  gap: number,
): { merged: Session; absorbed: Session[] } {
  const absorbed = existing.filter((s) => sessionReaches(s, t, gap));
  let start = t;
  let end = t;
  for (const s of absorbed) {
    start = Math.min(start, s.start);
    end = Math.max(end, s.end);
  }
  return { merged: { start, end }, absorbed };
}

/**
 * Whether a session can no longer grow: Kafka Streams' `end < streamTime - grace - gap`.
 * An event at `end + gap` still extends it, so the bound is strict.
 *
 *   session [0,3m], gap 5m, grace 1m:  wm = 9m → open (an event at 8m would still be on time)
 *                                      wm = 9m + 1ms → closed
 */
export function sessionClosed(session: Session, gap: number, grace: number, watermark: number): boolean {
  return session.end + gap + grace < watermark;
}
