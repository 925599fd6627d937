/**
 * @module server/redrive
 * `topics.redrivePreview` and `topics.redrive`: dead-letter redrive (src/inspector/redrive) for the
 * app. The redrive runs as a topic job, so it reports progress and `topics.jobStop` cancels it;
 * its report arrives as one `topic.redriveDone` event before the job's `topic.jobDone`.
 */
import { ApiError, type RedriveReportView, type RedriveRequest, type TopicsApi } from '../api/index';
import {
  redrive,
  RedriveInputError,
  selectRecords,
  type RedriveOptions,
  type RedriveReport,
} from '../inspector/redrive';
import type { KafkaClient } from '../kafka/client';
import type { EventBus } from './events';

/** The topic job runner of src/server/topics.ts, as redrive uses it. */
export type StartRedriveJob = (
  kind: 'redrive',
  total: number | null,
  work: (job: { signal: AbortSignal; progress(done: number): void }) => Promise<number>,
) => string;

function options(req: RedriveRequest): RedriveOptions {
  const selection: NonNullable<RedriveOptions['selection']> = {};
  if (req.filter !== undefined && req.filter.trim() !== '') selection.filter = req.filter;
  if (req.sourceTopic) selection.sourceTopic = req.sourceTopic;
  if (req.node) selection.node = req.node;
  if (req.error) selection.error = req.error;
  return {
    topic: req.topic,
    selection,
    ...(req.to ? { to: req.to } : {}),
    ...(req.from
      ? { from: typeof req.from === 'object' ? { offset: BigInt(req.from.offset) } : req.from }
      : {}),
    ...(req.limit !== undefined ? { limit: req.limit } : {}),
    ...(req.samples !== undefined ? { samples: req.samples } : {}),
  };
}

/** A bad request becomes `invalid` (or `not-found` for a missing topic), naming the method. */
function apiError(method: string) {
  return (err: unknown): never => {
    if (err instanceof RedriveInputError)
      throw new ApiError(
        /does not exist/.test(err.message) ? 'not-found' : 'invalid',
        `${method}: ${err.message}`,
      );
    throw err;
  };
}

const view = (r: RedriveReport): RedriveReportView => r;

export function redriveMethods(deps: {
  client(connection: string | undefined): Promise<KafkaClient>;
  startJob: StartRedriveJob;
  events: EventBus;
}): Pick<TopicsApi, 'redrivePreview' | 'redrive'> {
  return {
    async redrivePreview(req) {
      const client = await deps.client(req.connection);
      const report = await redrive(client, { ...options(req), dryRun: true }).catch(
        apiError('topics.redrivePreview'),
      );
      return view(report);
    },

    async redrive(req) {
      const opts = options(req);
      const client = await deps.client(req.connection);
      // Checked before the job starts, so a bad filter or a missing topic is the call's error.
      try {
        selectRecords(opts.selection);
      } catch (err) {
        apiError('topics.redrive')(err);
      }
      const topics = new Set(await (await client.admin()).listTopics());
      for (const [t, what] of [
        [req.topic, 'dead-letter topic'],
        [req.to, 'target topic'],
      ] as const)
        if (t !== undefined && !topics.has(t))
          throw new ApiError('not-found', `topics.redrive: ${what} "${t}" does not exist`);
      let jobId = '';
      jobId = deps.startJob('redrive', null, async ({ signal, progress }) => {
        const report = await redrive(client, { ...opts, signal, onProgress: (p) => progress(p.moved) });
        deps.events.emit({ type: 'topic.redriveDone', jobId, report: view(report) });
        return report.moved;
      });
      return { jobId };
    },
  };
}
