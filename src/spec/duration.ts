/**
 * @module spec/duration
 * Durations as people write them: `250ms`, `30s`, `5m`, `1h30m`, `2d`, or a number
 * of milliseconds.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

export function parseDuration(value: unknown): DurationResult {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0)
      return { ok: false, message: 'a duration must be zero or more milliseconds' };
    return { ok: true, ms: value };
  }
  if (typeof value !== 'string')
    return { ok: false, message: 'a duration is a string like "5m" or a number of milliseconds' };
  const text = value.trim();
  if (text === '') return { ok: false, message: 'the duration is empty; write e.g. "30s" or "5m"' };
  if (/^\d+$/.test(text)) return { ok: true, ms: Number(text) };
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const m = PART.exec(text);
    if (!m) {
      return {
        ok: false,
        message: `"${value}" is not a duration: expected a number and a unit (ms, s, m, h, d) at "${text.slice(at)}"`,
      };
    }
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  }
  return { ok: true, ms: Math.round(total) };
}

/** The shortest exact text for a duration, e.g. 90000 → `90s`, 3600000 → `1h`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
