/**
 * @module server/transfer-jobs
 * Topic export and import as cancellable jobs, and the files they move. A JSONL file can hold
 * millions of records, so it never crosses the API as a parameter: an export is written to a
 * file in the app data dir and downloaded from `GET /transfers/<fileId>`; an import's file is
 * streamed to `PUT /transfers` first and produced from disk. Both ends stay bounded in memory.
 * The web server applies its Host, Origin and token checks before calling `handleRequest`.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApiError, type ExportTopicRequest, type ImportTopicRequest, type TopicJobView } from '../api/index';
import { exportTopic, importTopic, type StartAt, type StopAt } from '../inspector/index';
import type { KafkaClient } from '../kafka/client';

/** What a job's work resolves to: records done, and for an export the file it wrote. */
export interface JobResult {
  done: number;
  fileId?: string;
}

export type StartJob = (
  kind: TopicJobView['kind'],
  total: number | null,
  work: (job: { signal: AbortSignal; progress(done: number): void }) => Promise<number | JobResult>,
) => string;

export interface TransferFiles {
  /** Handles `/transfers…` requests that already passed the server's checks. */
  handleRequest(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void>;
  /** A new export file; `name` is what the download is called. */
  newExport(name: string): { fileId: string; file: string };
  /** The uploaded file, which the caller takes over (and deletes when done). */
  takeUpload(uploadId: string): string | null;
  /**
   * The desktop app's upload: a copy of a local file the user picked (the copy is what an import
   * takes over and deletes, as with `PUT /transfers`; the user's file is left as it was).
   */
  uploadFrom(source: string): Promise<{ uploadId: string }>;
  /** A finished export's file and download name, or null for an unknown id. */
  exportFile(fileId: string): { file: string; name: string } | null;
  close(): Promise<void>;
}

const ID = /^[0-9a-f]{32}$/;

export function createTransferFiles(dir: string): TransferFiles {
  const exports = new Map<string, { file: string; name: string }>();
  const uploads = new Map<string, string>();
  // Files of an earlier run that ended without closing are not anyone's any more.
  const ready = fs
    .rm(dir, { recursive: true, force: true })
    .then(() => fs.mkdir(dir, { recursive: true, mode: 0o700 }));
  const newId = () => randomBytes(16).toString('hex');
  /** Names an upload's file and registers it once `fill` wrote it; a failed fill leaves no file. */
  const newUpload = async (fill: (file: string) => Promise<void>): Promise<string> => {
    const uploadId = newId();
    const file = path.join(dir, `upload-${uploadId}.jsonl`);
    try {
      await fill(file);
    } catch (e) {
      await fs.rm(file, { force: true });
      throw e;
    }
    uploads.set(uploadId, file);
    return uploadId;
  };

  const reply = (res: ServerResponse, status: number, body: string, headers: Record<string, string>) => {
    res.writeHead(status, {
      ...headers,
      'Content-Type': status === 200 ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  };

  return {
    async handleRequest(req, res, headers) {
      await ready;
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'PUT' && url.pathname === '/transfers') {
        let uploadId: string;
        try {
          uploadId = await newUpload((file) => pipeline(req, createWriteStream(file, { mode: 0o600 })));
        } catch {
          return reply(res, 400, 'the upload did not complete\n', headers);
        }
        return reply(res, 200, JSON.stringify({ uploadId }), headers);
      }
      const m = /^\/transfers\/([0-9a-f]{32})$/.exec(url.pathname);
      const entry = m ? exports.get(m[1]!) : undefined;
      if ((req.method !== 'GET' && req.method !== 'HEAD') || !entry)
        return reply(res, 404, 'no such export\n', headers);
      const stat = await fs.stat(entry.file).catch(() => null);
      if (!stat) return reply(res, 404, 'no such export\n', headers);
      res.writeHead(200, {
        ...headers,
        'Content-Type': 'application/x-ndjson',
        'Content-Length': String(stat.size),
        'Content-Disposition': `attachment; filename="${entry.name.replace(/[^\w.-]/g, '_')}"`,
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') return void res.end();
      await pipeline(createReadStream(entry.file), res);
    },
    newExport(name) {
      const fileId = newId();
      const file = path.join(dir, `export-${fileId}.jsonl`);
      exports.set(fileId, { file, name });
      return { fileId, file };
    },
    async uploadFrom(source) {
      await ready;
      try {
        return { uploadId: await newUpload((file) => fs.copyFile(source, file)) };
      } catch (e) {
        const why =
          (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message;
        throw new ApiError('invalid', `cannot read the file to import "${source}": ${why}`);
      }
    },
    exportFile(fileId) {
      return (ID.test(fileId) && exports.get(fileId)) || null;
    },
    takeUpload(uploadId) {
      if (!ID.test(uploadId)) return null;
      const file = uploads.get(uploadId);
      uploads.delete(uploadId);
      return file ?? null;
    },
    async close() {
      exports.clear();
      uploads.clear();
      await ready.catch(() => undefined);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

function stopAt(until: ExportTopicRequest['until']): StopAt {
  if (!until) return { kind: 'end' };
  return until.kind === 'offset' ? { kind: 'offset', offset: BigInt(until.offset) } : until;
}

/** `topics.exportStart` and `topics.importStart`, as jobs of the topic tools. */
export function transferMethods(deps: {
  client(connection: string | undefined): Promise<KafkaClient>;
  startJob: StartJob;
  files: TransferFiles | undefined;
  startAt(from: ExportTopicRequest['from']): StartAt;
}) {
  const files = (method: string) => {
    if (!deps.files) throw new ApiError('invalid', `${method}: file transfers are not available here`);
    return deps.files;
  };
  const topicExists = async (client: KafkaClient, topic: string, method: string) => {
    if (!(await (await client.admin()).listTopics()).includes(topic))
      throw new ApiError('not-found', `${method}: topic "${topic}" does not exist`);
  };
  return {
    async exportStart(req: ExportTopicRequest): Promise<{ jobId: string }> {
      const store = files('topics.exportStart');
      const client = await deps.client(req.connection);
      await topicExists(client, req.topic, 'topics.exportStart');
      const { fileId, file } = store.newExport(`${req.topic}.jsonl`);
      const jobId = deps.startJob('export', req.limit ?? null, async ({ signal, progress }) => {
        const r = await exportTopic(client, file, {
          topic: req.topic,
          ...(req.partitions ? { partitions: req.partitions } : {}),
          from: deps.startAt(req.from),
          to: stopAt(req.until),
          ...(req.filter ? { filter: req.filter } : {}),
          ...(req.limit !== undefined ? { limit: req.limit } : {}),
          signal,
          onProgress: (p) => progress(p.matched),
        });
        return { done: r.records, fileId };
      });
      return { jobId };
    },

    async importStart(req: ImportTopicRequest): Promise<{ jobId: string }> {
      const store = files('topics.importStart');
      const client = await deps.client(req.connection);
      await topicExists(client, req.topic, 'topics.importStart');
      const file = store.takeUpload(req.uploadId);
      if (!file)
        throw new ApiError(
          'not-found',
          `topics.importStart: no upload "${req.uploadId}" (upload the file first)`,
        );
      const jobId = deps.startJob('import', null, async ({ signal, progress }) => {
        try {
          const r = await importTopic(client, file, {
            topic: req.topic,
            ...(req.partitioning ? { partitioning: req.partitioning } : {}),
            ...(req.timestamps ? { timestamps: req.timestamps } : {}),
            ...(req.pace ? { pace: req.pace } : {}),
            ...(req.speed !== undefined ? { speed: req.speed } : {}),
            signal,
            onProgress: (p) => progress(p.records),
          });
          return r.records;
        } finally {
          await fs.rm(file, { force: true });
        }
      });
      return { jobId };
    },
  };
}
