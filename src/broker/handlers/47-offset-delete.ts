// OffsetDelete: v0
//
// Behavior:
// * Deletes committed offsets of a group. For an Empty group any partition may
//   go; for a live consumer group (protocol type "consumer") partitions of
//   topics a member subscribes to get GROUP_SUBSCRIBED_TO_TOPIC (read from the
//   members' ConsumerProtocolSubscription); a live group of another protocol
//   type gets NON_EMPTY_GROUP. Unknown group: GROUP_ID_NOT_FOUND. A partition
//   that does not exist: UNKNOWN_TOPIC_OR_PARTITION.
//
// Version notes:
// * None.
import { registerApi } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey, type OffsetDeleteResponse } from '../../protocol/generated/index';

registerApi(ApiKey.OffsetDelete, { min: 0, max: 0 }, (req, ctx) => {
  const { cluster } = ctx;
  const wanted: { topic: string; partition: number }[] = [];
  const slots: { errorCode: number }[] = [];
  const topics: OffsetDeleteResponse['topics'] = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const out = { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE as number };
      if (!cluster.partition(t.name, p.partitionIndex)) out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else {
        wanted.push({ topic: t.name, partition: p.partitionIndex });
        slots.push(out);
      }
      return out;
    }),
  }));
  const r = cluster.groups.deleteOffsets(req.groupId, wanted);
  if (r.errorCode !== ErrorCode.NONE) return { errorCode: r.errorCode, throttleTimeMs: 0, topics: [] };
  r.partitions.forEach((code, i) => {
    const slot = slots[i];
    if (slot) slot.errorCode = code;
  });
  return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics };
});
