/**
 * The record browser's and the produce form's inputs turned into API requests, with a readable
 * error for each bad input (pure, so the rules are tested without a DOM).
 */
import type { ReadFrom, ReadRequest, TopicsApi } from '../../../api/index';

export type FromKind = ReadFrom['kind'];

export interface ReadForm {
  from: FromKind;
  offset: string;
  count: string;
  /** `YYYY-MM-DDTHH:MM` (a datetime-local input), local time. */
  time: string;
  /** `all` or a partition number. */
  partition: string;
  filter: string;
  limit: string;
}

export const DEFAULT_READ_FORM: ReadForm = {
  from: 'last',
  offset: '0',
  count: '50',
  time: '',
  partition: 'all',
  filter: '',
  limit: '100',
};

/** The most records one read asks for; the backend caps it too. */
export const MAX_LIMIT = 10_000;

export type Built<T> = { ok: true; value: T } | { ok: false; error: string };

function wholeNumber(text: string): number | null {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

export function buildReadRequest(form: ReadForm, topic: string, connection?: string): Built<ReadRequest> {
  let from: ReadFrom;
  switch (form.from) {
    case 'earliest':
    case 'latest':
      from = { kind: form.from };
      break;
    case 'offset': {
      const offset = form.offset.trim();
      if (!/^\d+$/.test(offset)) return { ok: false, error: 'Offset must be a whole number (0 or more).' };
      from = { kind: 'offset', offset };
      break;
    }
    case 'last': {
      const count = wholeNumber(form.count);
      if (count === null || count < 1)
        return { ok: false, error: 'Last N must be a whole number of at least 1.' };
      from = { kind: 'last', count };
      break;
    }
    case 'time': {
      const ms = form.time ? new Date(form.time).getTime() : NaN;
      if (!Number.isFinite(ms)) return { ok: false, error: 'Pick the time to read from.' };
      from = { kind: 'time', ms };
      break;
    }
  }
  const limit = wholeNumber(form.limit);
  if (limit === null || limit < 1 || limit > MAX_LIMIT)
    return { ok: false, error: `Limit must be a whole number from 1 to ${MAX_LIMIT}.` };
  const req: ReadRequest = { topic, from, limit };
  if (connection) req.connection = connection;
  if (form.partition !== 'all') {
    const p = wholeNumber(form.partition);
    if (p === null) return { ok: false, error: `Partition must be a number, not ${form.partition}.` };
    req.partitions = [p];
  }
  if (form.filter.trim()) req.filter = form.filter.trim();
  return { ok: true, value: req };
}

/** `name: value` per line (blank lines skipped) → headers. */
export function parseHeaders(text: string): Built<Record<string, string>> {
  const headers: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, error: `Headers line ${i + 1}: write name: value.` };
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return { ok: true, value: headers };
}

export interface ProduceForm {
  key: string;
  value: string;
  tombstone: boolean;
  headers: string;
  /** Blank: the partitioner picks by key. */
  partition: string;
}

export type ProduceRequest = Parameters<TopicsApi['produce']>[0];

export function buildProduceRequest(
  form: ProduceForm,
  topic: string,
  partitions: number | null,
  connection?: string,
): Built<ProduceRequest> {
  const headers = parseHeaders(form.headers);
  if (!headers.ok) return headers;
  const req: ProduceRequest = {
    topic,
    key: form.key === '' ? null : form.key,
    value: form.tombstone ? null : form.value,
  };
  if (connection) req.connection = connection;
  if (Object.keys(headers.value).length > 0) req.headers = headers.value;
  if (form.partition.trim() !== '') {
    const p = wholeNumber(form.partition);
    if (p === null) return { ok: false, error: 'Partition must be a whole number, or blank to pick by key.' };
    if (partitions !== null && p >= partitions)
      return {
        ok: false,
        error: `Partition ${p} does not exist: ${topic} has ${partitions} (0 to ${partitions - 1}).`,
      };
    req.partition = p;
  }
  return { ok: true, value: req };
}
