/**
 * @module inspector/template
 * Record templates for test data: text with generated fields, filled once per record.
 *
 *   {{seq}}            1, 2, 3, … (the record's number in the run, from `start`)
 *   {{uuid}}           a random UUID
 *   {{choice:a|b|c}}   one of the listed values, at random
 *   {{int:1-100}}      a random integer in the range, both ends included
 *   {{now}}            the time of the record in epoch milliseconds
 *   {{iso}}            the same time as an ISO-8601 string
 *
 * Pure: the randomness and the clock come from the caller, so a run is reproducible in tests.
 */

export interface TemplateContext {
  seq: number;
  now: number;
  /** A number in [0, 1). */
  random(): number;
  uuid(): string;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(
    readonly field: string,
    readonly column: number,
    message: string,
  ) {
    super(`${field}, column ${column}: ${message}`);
  }
}

type Part = string | ((ctx: TemplateContext) => string);

const FIELD = /\{\{\s*([a-z]+)(?::([^}]*))?\s*\}\}/g;

/** Compiles `text` (named `field` in errors) into a function that fills it for one record. */
export function compileTemplate(text: string, field = 'template'): (ctx: TemplateContext) => string {
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(FIELD)) {
    const at = m.index ?? 0;
    if (at > last) parts.push(text.slice(last, at));
    last = at + m[0].length;
    parts.push(generator(m[1] ?? '', m[2], field, at + 1));
  }
  if (last < text.length) parts.push(text.slice(last));
  return (ctx) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(ctx);
    return out;
  };
}

function generator(
  kind: string,
  arg: string | undefined,
  field: string,
  column: number,
): (ctx: TemplateContext) => string {
  switch (kind) {
    case 'seq':
      return (ctx) => String(ctx.seq);
    case 'uuid':
      return (ctx) => ctx.uuid();
    case 'now':
      return (ctx) => String(ctx.now);
    case 'iso':
      return (ctx) => new Date(ctx.now).toISOString();
    case 'choice': {
      const options = (arg ?? '').split('|');
      if (arg === undefined || arg === '')
        throw new TemplateError(field, column, '{{choice:…}} needs values separated by "|"');
      return (ctx) => options[Math.floor(ctx.random() * options.length)] ?? '';
    }
    case 'int': {
      const r = /^\s*(-?\d+)\s*-\s*(-?\d+)\s*$/.exec(arg ?? '');
      const lo = Number(r?.[1]);
      const hi = Number(r?.[2]);
      if (!r || hi < lo)
        throw new TemplateError(field, column, '{{int:LOW-HIGH}} needs two integers, LOW ≤ HIGH');
      return (ctx) => String(lo + Math.floor(ctx.random() * (hi - lo + 1)));
    }
    default:
      throw new TemplateError(
        field,
        column,
        `unknown field {{${kind}}}: use seq, uuid, choice:a|b, int:1-10, now or iso`,
      );
  }
}
