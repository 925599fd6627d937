// Heartbeat: v0-4
//
// Behavior:
// * Keeps a member's session alive. REBALANCE_IN_PROGRESS tells the member to
//   rejoin; ILLEGAL_GENERATION fences a member of an older generation;
//   UNKNOWN_MEMBER_ID a member the group no longer has (session expired, left,
//   or the group is Empty); FENCED_INSTANCE_ID (v3+) a static member whose
//   group.instance.id was taken over by a newer instance.
//
// Version notes:
// * None: Kafka's classic-group semantics.
import { registerApi } from '../api';
import { ApiKey } from '../../protocol/generated/index';

registerApi(ApiKey.Heartbeat, { min: 0, max: 4 }, (req, ctx) => ({
  throttleTimeMs: 0,
  errorCode: ctx.cluster.groups.heartbeat({
    groupId: req.groupId,
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
  }),
}));
