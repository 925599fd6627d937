// OffsetCommit: v0-9
//
// Behavior:
// * Stores committed offsets in the group coordinator (`cluster.groups`),
//   persisted under `<dataDir>/groups` so they survive a restart.
// * Group commits (generation >= 0 or a member id) are checked against the
//   group: UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID (static member replaced),
//   ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS while the group waits for its
//   SyncGroup. Simple commits (generation -1, no member) are accepted for a
//   group without members (creating it if needed) and refused with
//   UNKNOWN_MEMBER_ID while it has members.
// * A partition that does not exist gets UNKNOWN_TOPIC_OR_PARTITION; metadata
//   over 4096 bytes gets OFFSET_METADATA_TOO_LARGE.
// * A member's commit counts as a heartbeat, as in Kafka.
//
// Version notes:
// * v0 (ZooKeeper-stored in Kafka) and v1+ share one store.
// * v1 commit timestamps and v2-4 retention times are ignored: offsets never
//   expire (no offsets.retention.minutes).
// * v9 (KIP-848 member epoch) is served like v8: only classic groups exist.
import { registerApi } from '../api';
import type { OffsetToCommit } from '../groups/coordinator';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey, type OffsetCommitResponse } from '../../protocol/generated/index';

registerApi(ApiKey.OffsetCommit, { min: 0, max: 9 }, (req, ctx) => {
  const { cluster } = ctx;
  const offsets: OffsetToCommit[] = [];
  // Slots to fill with the coordinator's codes, in the order of `offsets`.
  const slots: { errorCode: number }[] = [];
  const topics: OffsetCommitResponse['topics'] = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const out = { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE as number };
      if (!cluster.partition(t.name, p.partitionIndex)) {
        out.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        return out;
      }
      offsets.push({
        topic: t.name,
        partition: p.partitionIndex,
        offset: Number(p.committedOffset),
        leaderEpoch: p.committedLeaderEpoch,
        metadata: p.committedMetadata,
      });
      slots.push(out);
      return out;
    }),
  }));
  if (offsets.length > 0) {
    const codes = cluster.groups.commitOffsets({
      groupId: req.groupId,
      generationId: req.generationIdOrMemberEpoch,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      offsets,
    });
    codes.forEach((code, i) => {
      const slot = slots[i];
      if (slot) slot.errorCode = code;
    });
  }
  return { throttleTimeMs: 0, topics };
});
