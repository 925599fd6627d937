/** Display helpers shared by the run view, the topic tools and the export dialog. */

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en');

/** 1234 → `1,234`; 1234567 → `1.2M` (counts on node cards must stay short). */
export function formatCount(n: number): string {
  return Math.abs(n) < 100_000 ? whole.format(n) : compact.format(n);
}

/** Records per second: one decimal below 10, whole numbers above. */
export function formatRate(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return n < 10 ? (Math.round(n * 10) / 10).toString() : formatCount(Math.round(n));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** Milliseconds since the epoch as local `YYYY-MM-DD HH:MM:SS.mmm`. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** A value as a reader wants it: strings as they are, anything else as indented JSON. */
export function prettyValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** A topic record's value rendered by its format: JSON indented, other text as is. */
export function prettyRecordValue(value: string | null, format: string): string {
  if (value === null) return '';
  if (format !== 'json') return value;
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

/** One line for a table cell. */
export function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
