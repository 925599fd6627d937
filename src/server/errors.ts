/**
 * @module server/errors
 * Every failure that crosses the trust boundary becomes an `ApiError`: a code the UI can branch on
 * and a message that says what failed and where. Errors the backend knows (bad profiles, missing
 * secrets, unreachable brokers, bad filters, busy groups, missing files) keep their own message;
 * anything else is a bug and reaches the page only as "internal error in <method>" — the stack
 * and the original message go to the backend's log, never to the page.
 */
import { ApiError, type ApiErrorBody } from '../api/index';
import { ConnectionError } from '../kafka/errors';
import { ProfileError, SecretError } from '../kafka/profile';
import { FilterError, GroupNotEmptyError } from '../inspector/index';
import { PipelineError } from '../engine/runtime/index';

export interface Log {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} };

/** Known error kinds to their API code; null means "a bug, do not show its message". */
export function classify(err: unknown): ApiErrorBody['code'] | null {
  if (err instanceof ApiError) return err.code;
  if (err instanceof ConnectionError) return 'connection';
  if (err instanceof ProfileError || err instanceof SecretError || err instanceof FilterError)
    return 'invalid';
  if (err instanceof PipelineError) return 'invalid';
  if (err instanceof GroupNotEmptyError) return 'conflict';
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'not-found';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EISDIR' || code === 'ENOTDIR') return 'invalid';
  return null;
}

/** The error as the page may see it. `what` names the call (`pipelines.open`). */
export function toApiError(err: unknown, what: string, log: Log = silentLog): ApiError {
  if (err instanceof ApiError) return err;
  const code = classify(err);
  if (code === null) {
    log.error(`internal error in ${what}`, {
      error: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    return new ApiError('internal', `internal error in ${what}; the kflow log has the details`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError(code, `${what}: ${fsMessage(err) ?? message}`);
}

// Node's fs messages read "ENOENT: no such file or directory, open '/x'": say it in words.
function fsMessage(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException | null;
  if (!e?.code || !e.path) return null;
  const words: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    EISDIR: 'is a folder, not a file',
    ENOTDIR: 'a parent is not a folder',
  };
  const w = words[e.code];
  return w ? `${e.path}: ${w}` : null;
}

export function toErrorBody(err: ApiError): ApiErrorBody {
  const body: ApiErrorBody = { code: err.code, message: err.message };
  if (err.problems) body.problems = err.problems;
  return body;
}
