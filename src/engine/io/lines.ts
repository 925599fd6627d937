/**
 * @module engine/io/lines
 * Streaming a text file line by line (never loading it whole), and the one way
 * sources hand over input they cannot read.
 */
import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { IoError, messageOf } from './errors';
import type { SourceContext } from './types';

export interface Line {
  text: string;
  /** 1-based number of the (first) physical line. */
  line: number;
}

export async function assertReadable(path: string, nodeId: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch (e) {
    throw new IoError(`cannot read the input file: ${messageOf(e)}`, { nodeId, file: path }, { cause: e });
  }
}

/**
 * Non-empty lines of `path`. `continues(text)` says a record goes on past the
 * line break (a quoted CSV field); those lines are joined with "\n".
 */
export async function* readLines(
  path: string,
  signal: AbortSignal,
  continues?: (text: string) => boolean,
): AsyncGenerator<Line & { unterminated?: boolean }> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  let pending: Line | undefined;
  try {
    for await (const raw of rl) {
      if (signal.aborted) return;
      n++;
      const text = n === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (pending) {
        pending.text += `\n${text}`;
        if (continues?.(pending.text)) continue;
        yield pending;
        pending = undefined;
        continue;
      }
      if (text.trim() === '') continue;
      if (continues?.(text)) {
        pending = { text, line: n };
        continue;
      }
      yield { text, line: n };
    }
    if (pending) yield { ...pending, unterminated: true };
  } finally {
    rl.close();
    stream.destroy();
  }
}

/** Hands unreadable input to the dead-letter path, or at least to the log. */
export async function rejectInput(
  ctx: SourceContext,
  raw: string,
  error: unknown,
  line: number,
): Promise<void> {
  if (ctx.deadLetter) {
    await ctx.deadLetter(raw, error, { line });
    return;
  }
  ctx.log.warn('unreadable input (no dead-letter output)', {
    node: ctx.nodeId,
    line,
    error: messageOf(error),
    raw,
  });
}
