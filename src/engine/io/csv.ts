/**
 * @module engine/io/csv
 * RFC 4180 CSV, one record at a time: quoted fields may hold the delimiter,
 * doubled quotes and line breaks (the reader joins physical lines until the
 * quotes balance).
 */

export class CsvParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvParseError';
  }
}

/** True when `text` ends inside a quoted field, so the record continues on the next line. */
export function csvOpenQuote(text: string): boolean {
  let open = false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 34) open = !open;
  return open;
}

/** The fields of one CSV record (which may span lines joined by "\n"). */
export function parseCsvRecord(text: string, delimiter = ','): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) throw new CsvParseError('a quoted field is not closed');
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(field);
      if (i === text.length) return out;
      if (text[i] !== delimiter)
        throw new CsvParseError(`unexpected "${text[i] ?? ''}" after a quoted field at column ${i + 1}`);
      i++;
    } else {
      const d = text.indexOf(delimiter, i);
      const end = d === -1 ? text.length : d;
      const field = text.slice(i, end);
      if (field.includes('"')) throw new CsvParseError(`a quote inside an unquoted field at column ${i + 1}`);
      out.push(field);
      if (d === -1) return out;
      i = d + 1;
    }
  }
}

/** One CSV field, quoted when it must be (delimiter, quote, line break, outer spaces). */
export function csvField(value: unknown, delimiter = ','): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value as number | boolean | bigint);
  const needs =
    text.includes(delimiter) ||
    text.includes('"') ||
    text.includes('\n') ||
    text.includes('\r') ||
    text !== text.trim();
  return needs ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: unknown[], delimiter = ','): string {
  return values.map((v) => csvField(v, delimiter)).join(delimiter);
}
