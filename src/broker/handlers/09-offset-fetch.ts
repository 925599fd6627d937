// OffsetFetch: v0-9
//
// Behavior:
// * Returns committed offsets from the group coordinator; a partition with no
//   commit (or of an unknown group or topic) gets offset -1, leader epoch -1,
//   empty metadata and no error, as in Kafka.
// * A null topic list (v2+) returns every partition the group has committed.
// * v7+ require_stable: partitions with transactional offsets staged by an
//   open transaction get UNSTABLE_OFFSET_COMMIT (the client retries); without
//   it, the last committed offset is returned and the staged one stays hidden.
// * v8+: several groups per request, each with its own error code.
//
// Version notes:
// * v0 (ZooKeeper-stored in Kafka) reads the same store as v1+.
// * v9 member id / member epoch (KIP-848) are ignored: only classic groups exist.
import { registerApi } from '../api';
import type { FetchedOffset } from '../groups/coordinator';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey, type OffsetFetchResponse } from '../../protocol/generated/index';

type Wanted = { name: string; partitionIndexes: number[] }[] | null;

function byTopic(fetched: FetchedOffset[]): Map<string, FetchedOffset[]> {
  const out = new Map<string, FetchedOffset[]>();
  for (const f of fetched) {
    const list = out.get(f.topic);
    if (list) list.push(f);
    else out.set(f.topic, [f]);
  }
  return out;
}

function partitionsOf(topics: Wanted): { topic: string; partition: number }[] | null {
  return topics === null
    ? null
    : topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
}

function toPartition(f: FetchedOffset) {
  return {
    partitionIndex: f.partition,
    committedOffset: BigInt(f.offset),
    committedLeaderEpoch: f.leaderEpoch,
    metadata: f.metadata,
    errorCode: f.errorCode,
  };
}

registerApi(ApiKey.OffsetFetch, { min: 0, max: 9 }, (req, ctx) => {
  const { groups } = ctx.cluster;
  const requireStable = ctx.apiVersion >= 7 && req.requireStable;
  if (ctx.apiVersion >= 8) {
    const out: OffsetFetchResponse['groups'] = req.groups.map((g) => {
      const fetched = byTopic(groups.fetchOffsets(g.groupId, partitionsOf(g.topics), requireStable));
      return {
        groupId: g.groupId,
        errorCode: ErrorCode.NONE,
        topics: [...fetched].map(([name, list]) => ({ name, partitions: list.map(toPartition) })),
      };
    });
    return { throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE, groups: out };
  }
  // v0-1 have no null topic list; an empty one asks for nothing.
  const fetched = byTopic(groups.fetchOffsets(req.groupId, partitionsOf(req.topics), requireStable));
  return {
    throttleTimeMs: 0,
    topics: [...fetched].map(([name, list]) => ({ name, partitions: list.map(toPartition) })),
    errorCode: ErrorCode.NONE,
    groups: [],
  };
});
