/**
 * @module engine/time/event-time
 * Turning the value of an event-time field into epoch milliseconds.
 *
 * Decision on numbers: a number is epoch **milliseconds**, as everywhere else in
 * kflow (the expression language's `timestamp` type, `_timestamp`, datagen). Guessing
 * seconds from the magnitude (n < 1e11) would silently misread small synthetic times
 * such as `ts: 300000` (5 minutes), so it is only done when asked for with
 * `unit: 'auto'`; `unit: 's'` always reads seconds. Users with second-based fields can
 * also write `eventTime: "ts * 1000"`.
 *
 * Strings are ISO-8601 (`2024-01-02T03:04:05Z`, with optional fraction and offset;
 * without an offset the time is UTC, like `parse_timestamp`) or all-digit numbers.
 */

export type EpochUnit = 'ms' | 's' | 'auto';

/** Below this, `unit: 'auto'` reads a number as seconds: 1e11 ms is March 1973, 1e11 s is year 5138. */
export const AUTO_SECONDS_BELOW = 1e11;

export type EventTimeResult = { ok: true; ms: number } | { ok: false; message: string };

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parses ISO-8601 date-time text strictly (no Date.parse leniency); undefined when invalid. */
export function parseIsoTimestamp(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Number((frac + '000').slice(0, 3));
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 31 February over into March; reject instead.
  if (new Date(t).getUTCDate() !== day) return undefined;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    t -= sign * offset * 60_000;
  }
  return t;
}

function fromNumber(n: number, unit: EpochUnit): EventTimeResult {
  if (!Number.isFinite(n)) return { ok: false, message: `event time ${n} is not a finite number` };
  const seconds = unit === 's' || (unit === 'auto' && Math.abs(n) < AUTO_SECONDS_BELOW);
  return { ok: true, ms: Math.floor(seconds ? n * 1000 : n) };
}

/** Reads an event time from a field value: a number, numeric text or ISO-8601 text. */
export function toEventTime(value: unknown, unit: EpochUnit = 'ms'): EventTimeResult {
  if (typeof value === 'number') return fromNumber(value, unit);
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^-?\d+(\.\d+)?$/.test(text)) return fromNumber(Number(text), unit);
    const t = parseIsoTimestamp(text);
    if (t !== undefined) return { ok: true, ms: t };
    return { ok: false, message: `event time "${value}" is neither a number nor ISO-8601 text` };
  }
  if (value === null || value === undefined) return { ok: false, message: 'the event time is missing' };
  return { ok: false, message: `event time must be a number or text, got ${typeof value}` };
}
