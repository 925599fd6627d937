/**
 * @module engine/io/errors
 * Errors of sources and sinks carry where they happened (node, file, line) so a
 * run log or a dead letter points at the exact input.
 */

export interface IoWhere {
  nodeId?: string;
  file?: string;
  line?: number;
}

export class IoError extends Error {
  readonly nodeId: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(message: string, where: IoWhere = {}, options?: { cause?: unknown }) {
    super(`${prefix(where)}${message}`, options);
    this.name = 'IoError';
    this.nodeId = where.nodeId;
    this.file = where.file;
    this.line = where.line;
  }
}

function prefix(w: IoWhere): string {
  const parts: string[] = [];
  if (w.nodeId !== undefined) parts.push(`node "${w.nodeId}"`);
  if (w.file !== undefined) parts.push(w.line !== undefined ? `${w.file}:${w.line}` : w.file);
  else if (w.line !== undefined) parts.push(`line ${w.line}`);
  return parts.length > 0 ? `${parts.join(', ')}: ` : '';
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
