// SyncGroup: v0-5
//
// Behavior:
// * Followers wait until the leader's SyncGroup brings the assignments; then
//   every member gets its own and the group is Stable (and persisted, so its
//   members and assignments survive a restart). In a Stable group SyncGroup
//   returns the member's current assignment at once.
// * A member the leader gave no assignment gets an empty one.
// * Errors: UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, ILLEGAL_GENERATION,
//   REBALANCE_IN_PROGRESS (a new rebalance started; rejoin),
//   INCONSISTENT_GROUP_PROTOCOL (v5 protocol type/name differ from the group's).
//
// Version notes:
// * If the members do not all SyncGroup within the rebalance timeout, the
//   missing ones are removed and the group rebalances (Kafka 3.x does the same
//   for the leader and pending followers).
import { registerApi } from '../api';
import { ApiKey } from '../../protocol/generated/index';

registerApi(ApiKey.SyncGroup, { min: 0, max: 5 }, async (req, ctx) => {
  const r = await ctx.cluster.groups.sync({
    groupId: req.groupId,
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    protocolType: req.protocolType,
    protocolName: req.protocolName,
    assignments: req.assignments,
  });
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    protocolType: r.protocolType,
    protocolName: r.protocolName,
    assignment: r.assignment,
  };
});
