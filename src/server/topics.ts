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
  type TopicConfigView,
  type TopicJobView,
  type TopicView,
  type GroupView,
  type ReadFrom,
  type ReadRequest,
  type TopicRecordView,
  type TopicsApi,
} from '../api/index';
import { isWatermarkMarker } from '../spec/watermark-marker';
import {
  addPartitions,
  alterTopicConfigs,
  compileTemplate,
  ConfigChangeError,
  createTopic,
  deleteGroup,
  deleteTopics,
  describeGroup,
  invalidTopicName,
  TemplateError,
  topicConfigs,
  groupLag,
  listGroups,
  listTopics,
  describeTopic,
  ImportLineError,
  produceGenerated,
  produceRecord,
  readTopic,
  resetOffsets,
  resetPlan,
  type ResetTarget,
  type StartAt,
} from '../inspector/index';
import type { ConsumedRecord, KafkaClient, TopicConfigEntry } from '../kafka/client';
import { ConnectionError } from '../kafka/errors';
import type { Log } from './errors';
import type { EventBus } from './events';
import { redriveMethods } from './redrive';
import { transferMethods, type StartJob, type TransferFiles } from './transfer-jobs';

export const MAX_READ = 1000;
const DEFAULT_READ = 100;
const MAX_TAILS = 8;
/** Records per `topic.records` event: a tail from the earliest offset arrives in pieces. */
const TAIL_CHUNK = 500;

const MAX_JOBS = 8;
/** At most five progress events a second per job. */
const JOB_PROGRESS_MS = 200;

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
    ...(isWatermarkMarker(r) ? { marker: true as const } : {}),
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
  /** Where exports and uploads live; without it exportStart/importStart are refused. */
  transfers?: TransferFiles;
}): Topics {
  const tails = new Map<string, Tail>();
  const jobs = new Map<string, AbortController>();

  async function describe(topic: string, connection: string | undefined): Promise<TopicView> {
    const client = await opts.client(connection);
    const d = await describeTopic(client, topic).catch(notFound(topic));
    const configs = (await topicConfigs(client, topic).catch(adminError('topics.describe'))).map(configView);
    const config: Record<string, string> = {};
    for (const c of configs) if (c.value !== null) config[c.name] = c.value;
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
      config,
      configs,
    };
  }

  const startJob: StartJob = (kind, total, work) => {
    if (jobs.size >= MAX_JOBS)
      throw new ApiError('conflict', `at most ${MAX_JOBS} topic jobs run at once: stop one first`);
    const jobId = `job-${randomBytes(6).toString('hex')}`;
    const abort = new AbortController();
    jobs.set(jobId, abort);
    let last = 0;
    let latest = 0;
    const view = (done: number): TopicJobView => ({ jobId, kind, done, total });
    const progress = (done: number) => {
      latest = done;
      const now = Date.now();
      if (now - last < JOB_PROGRESS_MS) return;
      last = now;
      opts.events.emit({ type: 'topic.job', job: view(done) });
    };
    work({ signal: abort.signal, progress }).then(
      (r) => {
        jobs.delete(jobId);
        const job =
          typeof r === 'number' ? view(r) : { ...view(r.done), ...(r.fileId ? { fileId: r.fileId } : {}) };
        opts.events.emit({ type: 'topic.jobDone', job, stopped: abort.signal.aborted });
      },
      (err: unknown) => {
        jobs.delete(jobId);
        opts.log.warn('topic job failed', { jobId, error: String((err as Error)?.message ?? err) });
        opts.events.emit({
          type: 'topic.jobDone',
          // An import stopped by a bad line says which, and how many records went out before it.
          job: err instanceof ImportLineError ? { ...view(latest), line: err.line } : view(latest),
          stopped: abort.signal.aborted,
          error: err instanceof Error ? err.message : 'the job stopped on an internal error',
        });
      },
    );
    return jobId;
  };

  const api: TopicsApi = {
    ...redriveMethods({ client: opts.client, startJob, events: opts.events }),
    ...transferMethods({ client: opts.client, startJob, files: opts.transfers, startAt }),
    async list(connection) {
      const topics = await listTopics(await opts.client(connection));
      return topics.map((t) => ({ name: t.name, partitions: t.partitions, records: t.records.toString() }));
    },

    describe(topic, connection) {
      return describe(topic, connection);
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
        const d = await describeGroup(client, g.groupId).catch(() => null);
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
          assignments: (d?.members ?? []).map((m) => ({
            memberId: m.memberId,
            clientId: m.clientId,
            host: m.host,
            partitions: m.assignment.map((a) => ({ topic: a.topic, partitions: [...a.partitions] })),
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

    async create(req) {
      const bad = invalidTopicName(req.name);
      if (bad) throw new ApiError('invalid', `topics.create: ${bad}`);
      const client = await opts.client(req.connection);
      if ((await (await client.admin()).listTopics()).includes(req.name))
        throw new ApiError('conflict', `topics.create: topic "${req.name}" already exists`);
      await createTopic(client, {
        name: req.name,
        partitions: req.partitions,
        ...(req.replicationFactor !== undefined ? { replicationFactor: req.replicationFactor } : {}),
        ...(req.configs ? { config: req.configs } : {}),
      }).catch(adminError('topics.create'));
      return describe(req.name, req.connection);
    },

    async delete(topic, connection) {
      await deleteTopics(await opts.client(connection), [topic]).catch((err: unknown) => {
        if (/no such topic/.test(String((err as Error)?.message)))
          throw new ApiError('not-found', `topics.delete: topic "${topic}" does not exist`);
        return adminError('topics.delete')(err);
      });
    },

    async addPartitions(req) {
      await addPartitions(await opts.client(req.connection), req.topic, req.count).catch((err: unknown) => {
        if (/does not exist/.test(String((err as Error)?.message)))
          throw new ApiError('not-found', `topics.addPartitions: topic "${req.topic}" does not exist`);
        return adminError('topics.addPartitions')(err);
      });
      return describe(req.topic, req.connection);
    },

    async configs(topic, connection) {
      const client = await opts.client(connection);
      await describeTopic(client, topic).catch(notFound(topic));
      return (await topicConfigs(client, topic).catch(adminError('topics.configs'))).map(configView);
    },

    async alterConfigs(req) {
      const client = await opts.client(req.connection);
      await describeTopic(client, req.topic).catch(notFound(req.topic));
      const change = { ...(req.set ? { set: req.set } : {}), ...(req.remove ? { remove: req.remove } : {}) };
      try {
        return (await alterTopicConfigs(client, req.topic, change)).map(configView);
      } catch (err) {
        if (err instanceof ConfigChangeError)
          throw new ApiError(
            'invalid',
            `topics.alterConfigs: ${err.message}`,
            err.fields.map((f) => ({ severity: 'error', nodeId: null, path: f.name, message: f.message })),
          );
        return adminError('topics.alterConfigs')(err);
      }
    },

    async deleteGroup(groupId, connection) {
      const client = await opts.client(connection);
      if (!(await listGroups(client)).some((g) => g.groupId === groupId))
        throw new ApiError('not-found', `topics.deleteGroup: no consumer group "${groupId}"`);
      await deleteGroup(client, groupId);
    },

    async produceTemplate(req) {
      try {
        // Compiled here too, so a bad template is refused before a job starts.
        compileTemplate(req.value, 'value');
        if (req.key != null) compileTemplate(req.key, 'key');
        for (const [k, v] of Object.entries(req.headers ?? {})) compileTemplate(v, `header ${k}`);
      } catch (err) {
        if (err instanceof TemplateError)
          throw new ApiError('invalid', `topics.produceTemplate: ${err.message}`);
        throw err;
      }
      const client = await opts.client(req.connection);
      if (!(await (await client.admin()).listTopics()).includes(req.topic))
        throw new ApiError('not-found', `topics.produceTemplate: topic "${req.topic}" does not exist`);
      return {
        jobId: startJob('produce', req.count, ({ signal, progress }) =>
          produceGenerated(client, {
            topic: req.topic,
            ...(req.key != null ? { key: req.key } : {}),
            value: req.value,
            ...(req.headers ? { headers: req.headers } : {}),
            count: req.count,
            ...(req.rate !== undefined ? { rate: req.rate } : {}),
            signal,
            onProgress: progress,
          }),
        ),
      };
    },

    async jobStop(jobId) {
      const j = jobs.get(jobId);
      if (!j) throw new ApiError('not-found', `no job "${jobId}"`);
      j.abort();
    },
  };

  return {
    api,
    async close() {
      for (const t of tails.values()) t.abort.abort();
      tails.clear();
      for (const j of jobs.values()) j.abort();
      jobs.clear();
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

function configView(c: TopicConfigEntry): TopicConfigView {
  return { ...c, synonyms: c.synonyms.map((y) => ({ ...y })) };
}

/** A broker's refusal (kafkajs protocol errors) says what is wrong with the request: show it. */
function adminError(what: string) {
  return (err: unknown): never => {
    if (err instanceof ApiError || err instanceof ConnectionError) throw err;
    const e = err as (Error & { type?: string }) | null;
    if (e instanceof Error && (e.name.startsWith('KafkaJS') || e.type !== undefined)) {
      const code = /ALREADY_EXISTS|already exists/.test(`${e.type} ${e.message}`) ? 'conflict' : 'invalid';
      throw new ApiError(
        code,
        `${what}: ${e.message}${e.type && !e.message.includes(e.type) ? ` (${e.type})` : ''}`,
      );
    }
    if (e instanceof Error && !(e instanceof TypeError) && !(e instanceof RangeError))
      throw new ApiError('invalid', `${what}: ${e.message}`);
    throw err;
  };
}
