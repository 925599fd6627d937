/**
 * @module spec/parse
 * From file bytes to a JSON value, with limits, so that no input (binary junk, a
 * 100 MB file, 10,000 levels of nesting) can crash or stall the validator.
 */
import { formatPath, problem } from './problems';
import type { Problem } from './types';

/** Larger than any real pipeline (a 300-node spec is about 150 KB) and small enough to parse instantly. */
export const MAX_SPEC_BYTES = 8 * 1024 * 1024;
/** A spec is at most a few levels deep; configs add a few more. */
export const MAX_SPEC_DEPTH = 64;

export type JsonResult = { ok: true; value: unknown } | { ok: false; problems: Problem[] };

export function parseSpecText(input: string | Uint8Array): JsonResult {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > MAX_SPEC_BYTES) {
    return fail(
      `the file is ${(size / 1048576).toFixed(1)} MB; a spec may be at most ${MAX_SPEC_BYTES / 1048576} MB`,
    );
  }
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return fail('the file is not UTF-8 text; a spec is a JSON file');
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '')
    return fail(
      'the file is empty; a spec is a JSON object like { "kflow": 1, "name": ..., "nodes": [], "edges": [] }',
    );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON: ${describeJsonError(text, err)}`);
  }
  const deep = findTooDeep(value, MAX_SPEC_DEPTH);
  if (deep)
    return {
      ok: false,
      problems: [
        problem(
          'error',
          null,
          deep,
          `nested more than ${MAX_SPEC_DEPTH} levels deep here; a spec is never that deep`,
        ),
      ],
    };
  return { ok: true, value };
}

function fail(message: string): JsonResult {
  return { ok: false, problems: [problem('error', null, '', message)] };
}

function describeJsonError(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const at = /position (\d+)/.exec(message);
  const reason = message.replace(/\s*in JSON at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
  if (!at) return reason;
  const pos = Number(at[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `${reason} at line ${line}, column ${column}`;
}

/** Iterative, so that the check itself cannot overflow the stack. Returns the path of the first too-deep value. */
function findTooDeep(root: unknown, limit: number): string | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: (string | number)[] };
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= limit) return formatPath(path);
    if (Array.isArray(value)) value.forEach((v, i) => stack.push({ value: v, path: [...path, i] }));
    else for (const [k, v] of Object.entries(value)) stack.push({ value: v, path: [...path, k] });
  }
  return undefined;
}
