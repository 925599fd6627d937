/**
 * @module engine/io/joda
 * The part of Joda-Time that Confluent's TimeBasedPartitioner uses: a
 * `DateTimeFormat` pattern (quoted literals, year, month, day, hour, minute,
 * second, millisecond, day of year), time zones (UTC, fixed offsets, IANA names
 * through Intl), and its bucketing of a timestamp into a partition.
 */

export class JodaPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JodaPatternError';
  }
}

type Token = { lit: string } | { letter: string; count: number };

const SUPPORTED = new Set(['Y', 'y', 'M', 'd', 'H', 'm', 's', 'S', 'D']);
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function tokenizeJoda(pattern: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      // '' is a quote; '...' is literal text in which '' is a quote.
      if (pattern[i + 1] === "'") {
        out.push({ lit: "'" });
        i += 2;
        continue;
      }
      let text = '';
      i++;
      for (;;) {
        if (i >= pattern.length) throw new JodaPatternError(`unterminated quote in "${pattern}"`);
        if (pattern[i] === "'") {
          if (pattern[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += pattern[i];
        i++;
      }
      out.push({ lit: text });
    } else if (/[A-Za-z]/.test(ch)) {
      let count = 1;
      while (pattern[i + count] === ch) count++;
      if (!SUPPORTED.has(ch)) {
        throw new JodaPatternError(
          `"${ch.repeat(count)}" in "${pattern}" is not supported here (use Y/y, M, d, H, m, s, S, D, and quote literal text)`,
        );
      }
      out.push({ letter: ch, count });
      i += count;
    } else {
      out.push({ lit: ch });
      i++;
    }
  }
  return out;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A compiled pattern: formats an instant in `zone`. */
export function jodaFormatter(pattern: string, zone: Zone): (utcMs: number) => string {
  const tokens = tokenizeJoda(pattern);
  return (utcMs) => {
    const d = new Date(utcMs + zone.offsetAt(utcMs));
    return tokens
      .map((t) => {
        if ('lit' in t) return t.lit;
        switch (t.letter) {
          case 'Y':
          case 'y':
            return t.count === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), t.count);
          case 'M': {
            const m = d.getUTCMonth();
            if (t.count >= 4) return MONTHS[m] as string;
            if (t.count === 3) return (MONTHS[m] as string).slice(0, 3);
            return pad(m + 1, t.count);
          }
          case 'd':
            return pad(d.getUTCDate(), t.count);
          case 'H':
            return pad(d.getUTCHours(), t.count);
          case 'm':
            return pad(d.getUTCMinutes(), t.count);
          case 's':
            return pad(d.getUTCSeconds(), t.count);
          case 'S':
            return pad(d.getUTCMilliseconds(), 3).padEnd(t.count, '0').slice(0, t.count);
          default: {
            const startOfYear = Date.UTC(d.getUTCFullYear(), 0, 1);
            return pad(Math.floor((d.getTime() - startOfYear) / 86_400_000) + 1, t.count);
          }
        }
      })
      .join('');
  };
}

export interface Zone {
  readonly id: string;
  /** Milliseconds to add to UTC for local time at instant `utcMs`. */
  offsetAt(utcMs: number): number;
}

const FIXED = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/;

/** A time zone as Joda's `DateTimeZone.forID` reads it: UTC, `+02:00`, or an IANA name. */
export function zoneOf(id: string): Zone {
  const text = id.trim();
  if (/^(UTC|GMT|Z|Etc\/UTC|Etc\/GMT)$/i.test(text)) return { id: text, offsetAt: () => 0 };
  const fixed = FIXED.exec(text);
  if (fixed) {
    const hours = Number(fixed[2]);
    const minutes = Number(fixed[3] ?? 0);
    if (hours > 23 || minutes > 59) throw new JodaPatternError(`"${id}" is not a valid UTC offset`);
    const ms = (fixed[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
    return { id: text, offsetAt: () => ms };
  }
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: text,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new JodaPatternError(
      `unknown time zone "${id}"; use UTC, an offset like +02:00, or a name like Europe/Paris`,
    );
  }
  return {
    id: text,
    offsetAt(utcMs) {
      const p: Record<string, number> = {};
      for (const part of fmt.formatToParts(utcMs))
        if (part.type !== 'literal') p[part.type] = Number(part.value);
      const local = Date.UTC(
        p['year'] ?? 1970,
        (p['month'] ?? 1) - 1,
        p['day'] ?? 1,
        p['hour'] ?? 0,
        p['minute'] ?? 0,
        p['second'] ?? 0,
      );
      return local - Math.floor(utcMs / 1000) * 1000;
    },
  };
}

/** Local wall time back to UTC; in a DST gap or overlap, the later offset, as Joda's non-strict conversion. */
export function localToUtc(localMs: number, zone: Zone): number {
  return localMs - zone.offsetAt(localMs - zone.offsetAt(localMs));
}

/**
 * Start of the partition holding `utcMs`: buckets of `durationMs` counted in
 * local time (Java's truncating division, as TimeBasedPartitioner.getPartition).
 */
export function partitionStart(durationMs: number, utcMs: number, zone: Zone): number {
  const local = utcMs + zone.offsetAt(utcMs);
  return localToUtc(Math.trunc(local / durationMs) * durationMs, zone);
}

/** DateTimeUtils.getNextTimeAdjustedByDay: the next multiple of `periodMs` after local midnight, at most the next midnight. */
export function nextTimeAdjustedByDay(nowMs: number, periodMs: number, zone: Zone): number {
  const DAY = 86_400_000;
  const startOfDay = localToUtc(Math.trunc((nowMs + zone.offsetAt(nowMs)) / DAY) * DAY, zone);
  const next = (Math.trunc((nowMs - startOfDay) / periodMs) + 1) * periodMs;
  return startOfDay + Math.min(next, DAY);
}
