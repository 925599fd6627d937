/**
 * @module server/topics
 * The topic tools over the inspector: list, describe, bounded reads (at most `MAX_READ` records),
 * produce, consumer groups with lag, offset resets, and live tails pushed as `topic.records`
 * events. 64-bit offsets cross the wire as decimal strings.
 */
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import {
  ApiError,
  type GroupView,
  type ReadFrom,
  type ReadRequest,
  type TopicRecordView,
  type TopicsApi,
} from '../api/index';
import {
  groupLag,
  listGroups,
  listTopics,
  describeTopic,
  produceRecord,
  readTopic,
  resetOffsets,
  resetPlan,
  type ResetTarget,
  type StartAt,
} from '../inspector/index';
import type { ConsumedRecord, KafkaClient } from '../kafka/client';
import type { Log } from './errors';
import type { EventBus } from './events';

export const MAX_READ = 1000;
const DEFAULT_READ = 100;
const MAX_TAILS = 8;
/** Records per `topic.records` event: a tail from the earliest offset arrives in pieces. */
const TAIL_CHUNK = 500;

interface Tail {
  abort: AbortController;
  /** Why the backend ended it, when it was not the page's tailStop. */
  reason?: string;
}

export interface Topics {
  api: TopicsApi;
  close(): Promise<void>;
}

export function startAt(from: ReadFrom | undefined): StartAt {
  if (!from) return { kind: 'earliest' };
  switch (from.kind) {
    case 'offset':
      return { kind: 'offset', offset: BigInt(from.offset) };
    case 'last':
      return { kind: 'last', count: BigInt(from.count) };
    default:
      return from;
  }
}

export function recordView(r: ConsumedRecord): TopicRecordView {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) {
    if (v === undefined) continue;
    const b = Array.isArray(v) ? v[v.length - 1] : v;
    if (b) headers[k] = isUtf8(b) ? b.toString('utf8') : `0x${b.toString('hex')}`;
  }
  const { value, format } = valueView(r.value);
  return {
    partition: r.partition,
    offset: r.offset.toString(),
    timestamp: Number(r.timestamp),
    key: r.key === null ? null : isUtf8(r.key) ? r.key.toString('utf8') : `0x${r.key.toString('hex')}`,
    value,
    format,
    headers,
  };
}

function valueView(b: Buffer | null): { value: string | null; format: string } {
  if (b === null) return { value: null, format: 'text' };
  if (!isUtf8(b)) return { value: b.toString('base64'), format: 'base64' };
  const text = b.toString('utf8');
  try {
    JSON.parse(text);
    return { value: text, format: 'json' };
  } catch {
    return { value: text, format: 'text' };
  }
}

export function createTopics(opts: {
  client(connection: string | undefined): Promise<KafkaClient>;
  events: EventBus;
  log: Log;
}): Topics {
  const tails = new Map<string, Tail>();

  const api: TopicsApi = {
    async list(connection) {
      const topics = await listTopics(await opts.client(connection));
      return topics.map((t) => ({ name: t.name, partitions: t.partitions, records: t.records.toString() }));
    },

    async describe(topic, connection) {
      const d = await describeTopic(await opts.client(connection), topic).catch((err: unknown) => {
        if (/does not exist/.test(String((err as Error)?.message)))
          throw new ApiError('not-found', `topic "${topic}" does not exist`);
        throw err;
      });
      return {
        name: d.name,
        partitions: d.partitions.map((p) => ({
          partition: p.partition,
          leader: p.leader,
          replicas: p.replicas,
          isr: p.isr,
          low: p.low.toString(),
          high: p.high.toString(),
        })),
        // The client seam does not describe topic configs yet.
        config: {},
      };
    },

    async read(req: ReadRequest) {
      const records: TopicRecordView[] = [];
      const r = await readTopic(await opts.client(req.connection), {
        topic: req.topic,
        ...(req.partitions ? { partitions: req.partitions } : {}),
        from: startAt(req.from),
        to: { kind: 'end' },
        ...(req.filter ? { filter: req.filter } : {}),
        limit: Math.min(req.limit ?? DEFAULT_READ, MAX_READ),
        onRecords: (batch) => {
          for (const rec of batch) records.push(recordView(rec));
        },
      }).catch(notFound(req.topic));
      return { records, scanned: r.scanned, reason: r.reason };
    },

    async produce(req) {
      const meta = await produceRecord(await opts.client(req.connection), {
        topic: req.topic,
        key: req.key ?? null,
        value: req.value,
        ...(req.headers ? { headers: req.headers } : {}),
        ...(req.partition !== undefined ? { partition: req.partition } : {}),
      });
      return { partition: meta.partition, offset: meta.offset.toString() };
    },

    async groups(connection) {
      const client = await opts.client(connection);
      const out: GroupView[] = [];
      for (const g of await listGroups(client)) {
        const lag = await groupLag(client, g.groupId);
        out.push({
          groupId: g.groupId,
          state: g.state,
          members: g.members,
          lag: Number(lag.total),
          partitions: lag.partitions.map((p) => ({
            topic: p.topic,
            partition: p.partition,
            committed: p.committed === null ? '' : p.committed.toString(),
            high: p.high.toString(),
            lag: Number(p.lag),
          })),
        });
      }
      return out;
    },

    async resetOffsets(req) {
      const to: ResetTarget =
        req.to.kind === 'offset' ? { kind: 'offset', offset: BigInt(req.to.offset) } : req.to;
      const client = await opts.client(req.connection);
      const reset = { groupId: req.groupId, topics: [req.topic], to };
      const steps = req.dryRun ? await resetPlan(client, reset) : await resetOffsets(client, reset);
      return steps.map((s) => ({
        topic: s.topic,
        partition: s.partition,
        from: s.current === null ? null : s.current.toString(),
        to: s.target.toString(),
      }));
    },

    async tailStart(req) {
      const client = await opts.client(req.connection);
      if (!(await (await client.admin()).listTopics()).includes(req.topic))
        throw new ApiError('not-found', `topics.tailStart: topic "${req.topic}" does not exist`);
      // A page that reloads forgets its tails; the oldest one makes room instead of refusing.
      const oldest = tails.size >= MAX_TAILS ? tails.entries().next().value : undefined;
      if (oldest) {
        oldest[1].reason = `stopped to make room: at most ${MAX_TAILS} tails run at once`;
        oldest[1].abort.abort();
        tails.delete(oldest[0]);
      }
      const tailId = `tail-${randomBytes(6).toString('hex')}`;
      const tail: Tail = { abort: new AbortController() };
      tails.set(tailId, tail);
      readTopic(client, {
        topic: req.topic,
        ...(req.partitions ? { partitions: req.partitions } : {}),
        from: startAt(req.from ?? { kind: 'latest' }),
        to: { kind: 'never' },
        ...(req.filter ? { filter: req.filter } : {}),
        signal: tail.abort.signal,
        onRecords: (batch) => {
          for (let i = 0; i < batch.length; i += TAIL_CHUNK)
            opts.events.emit({
              type: 'topic.records',
              tailId,
              records: batch.slice(i, i + TAIL_CHUNK).map(recordView),
            });
        },
      }).then(
        () => {
          tails.delete(tailId);
          opts.events.emit({
            type: 'topic.tailEnded',
            tailId,
            ...(tail.reason !== undefined ? { error: tail.reason } : {}),
          });
        },
        (err: unknown) => {
          tails.delete(tailId);
          opts.log.warn('tail ended on an error', { tailId, error: String((err as Error)?.message ?? err) });
          opts.events.emit({
            type: 'topic.tailEnded',
            tailId,
            error: err instanceof Error ? err.message : 'the tail stopped on an internal error',
          });
        },
      );
      return { tailId };
    },

    async tailStop(tailId) {
      const t = tails.get(tailId);
      if (!t) throw new ApiError('not-found', `no tail "${tailId}"`);
      t.abort.abort();
    },
  };

  return {
    api,
    async close() {
      for (const t of tails.values()) t.abort.abort();
      tails.clear();
    },
  };
}

function notFound(topic: string) {
  return (err: unknown): never => {
    if (/does not exist/.test(String((err as Error)?.message)))
      throw new ApiError('not-found', `topic "${topic}" does not exist`);
    throw err;
  };
}
