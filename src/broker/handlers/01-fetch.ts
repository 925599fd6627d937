// Fetch: v4-16
//
// Behavior:
// * Long poll: when fewer than min_bytes are ready the request waits for an
//   append to one of its partitions, up to max_wait_ms (or until the
//   connection closes), then answers with whatever is there.
// * Whole stored batches are returned; the first may start before the fetch
//   offset (clients skip the records below it), as Kafka does. The first
//   partition with data gets at least one batch even when it is larger than
//   the limits (KIP-74); after that max_bytes and partition_max_bytes hold.
// * READ_COMMITTED stops at the last stable offset and lists the aborted
//   transactions in the returned range, so clients drop aborted records.
// * An offset outside [log start, log end] gets OFFSET_OUT_OF_RANGE; a
//   partition led by another broker identity NOT_LEADER_OR_FOLLOWER; a stale
//   or future current_leader_epoch FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH.
//
// Version notes:
// * v0-3 (message format v0/v1) are not served.
// * v7+ fetch sessions (KIP-227) are declined: the response's session id is 0,
//   so clients send full fetch requests, which every client supports.
// * v13+ topics are named by id; unknown ids get UNKNOWN_TOPIC_ID.
// * v11+ rack-aware preferred read replicas: always -1 (no follower fetching).
import { registerApi, type RequestContext } from '../api';
import type { Cluster } from '../cluster';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey, type FetchRequest, type FetchResponse } from '../../protocol/generated/index';
import { errorCodeOf, leaderPartition } from './partition-errors';

type PartitionData = FetchResponse['responses'][number]['partitions'][number];
const EMPTY = Buffer.alloc(0);

registerApi(ApiKey.Fetch, { min: 4, max: 16 }, async (req, ctx) => {
  const deadline = Date.now() + Math.max(0, req.maxWaitMs);
  for (;;) {
    const { response, bytes, hasError } = readOnce(req, ctx);
    const remaining = deadline - Date.now();
    if (bytes >= Math.max(1, req.minBytes) || hasError || remaining <= 0 || ctx.signal.aborted)
      return response;
    await waitForAppend(ctx.cluster, req, ctx, remaining);
  }
});

function readOnce(
  req: FetchRequest,
  ctx: RequestContext,
): { response: FetchResponse; bytes: number; hasError: boolean } {
  const { cluster } = ctx;
  const readCommitted = req.isolationLevel === 1;
  let budget = req.maxBytes > 0 ? req.maxBytes : Number.MAX_SAFE_INTEGER;
  let bytes = 0;
  let hasError = false;
  let first = true;
  const responses: FetchResponse['responses'] = [];
  for (const t of req.topics) {
    const byId = ctx.apiVersion >= 13;
    const topic = byId ? cluster.topicById(t.topicId) : cluster.topic(t.topic);
    const partitions: PartitionData[] = [];
    for (const fp of t.partitions) {
      const out: PartitionData = {
        partitionIndex: fp.partition,
        errorCode: ErrorCode.NONE,
        highWatermark: -1n,
        lastStableOffset: -1n,
        logStartOffset: -1n,
        divergingEpoch: { epoch: -1, endOffset: -1n },
        currentLeader: { leaderId: -1, leaderEpoch: -1 },
        snapshotId: { endOffset: -1n, epoch: -1 },
        abortedTransactions: readCommitted ? [] : null,
        preferredReadReplica: -1,
        records: EMPTY,
      };
      partitions.push(out);
      if (!topic) {
        out.errorCode = byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        hasError = true;
        continue;
      }
      const p = leaderPartition(
        cluster,
        topic.name,
        fp.partition,
        ctx.connection.brokerId,
        fp.currentLeaderEpoch,
      );
      if (typeof p === 'number') {
        out.errorCode = p;
        const current = cluster.partition(topic.name, fp.partition);
        if (current) out.currentLeader = { leaderId: current.leader, leaderEpoch: current.leaderEpoch };
        hasError = true;
        continue;
      }
      const offset = Number(fp.fetchOffset);
      const logStart = p.log.earliest();
      const logEnd = p.log.latest();
      out.highWatermark = BigInt(p.log.highWatermark());
      out.lastStableOffset = BigInt(p.log.lastStableOffset());
      out.logStartOffset = BigInt(logStart);
      if (offset < logStart || offset > logEnd) {
        out.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
        hasError = true;
        continue;
      }
      const limit = Math.min(fp.partitionMaxBytes, budget);
      if (limit <= 0 && !first) continue;
      try {
        const read = p.log.read(offset, Math.max(0, limit), {
          isolation: readCommitted ? 'read_committed' : 'read_uncommitted',
          minOneBatch: first,
        });
        out.records = read.records;
        out.highWatermark = BigInt(read.highWatermark);
        out.lastStableOffset = BigInt(read.lastStableOffset);
        out.logStartOffset = BigInt(read.logStartOffset);
        if (readCommitted) {
          out.abortedTransactions = (read.abortedTransactions ?? []).map((a) => ({
            producerId: BigInt(a.producerId),
            firstOffset: BigInt(a.firstOffset),
          }));
        }
        bytes += read.records.length;
        budget -= read.records.length;
        if (read.records.length > 0) first = false;
      } catch (err) {
        const e = errorCodeOf(err);
        out.errorCode = e.code;
        hasError = true;
      }
    }
    responses.push({ topic: topic?.name ?? t.topic, topicId: topic?.id ?? t.topicId, partitions });
  }
  return {
    response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses, nodeEndpoints: [] },
    bytes,
    hasError,
  };
}

/** Resolves on the next append to a requested partition, after `ms`, or when the connection closes. */
function waitForAppend(cluster: Cluster, req: FetchRequest, ctx: RequestContext, ms: number): Promise<void> {
  const wanted = new Set<string>();
  for (const t of req.topics) {
    const name = ctx.apiVersion >= 13 ? cluster.topicById(t.topicId)?.name : t.topic;
    if (name !== undefined) for (const p of t.partitions) wanted.add(`${name}\u0000${p.partition}`);
  }
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      cluster.events.off('append', onAppend);
      ctx.signal.removeEventListener('abort', done);
      resolve();
    };
    const onAppend = (topic: string, partition: number) => {
      if (wanted.has(`${topic}\u0000${partition}`)) done();
    };
    const timer = setTimeout(done, ms);
    cluster.events.on('append', onAppend);
    ctx.signal.addEventListener('abort', done, { once: true });
  });
}
