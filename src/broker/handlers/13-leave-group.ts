// LeaveGroup: v0-5
//
// Behavior:
// * Removes members and rebalances the rest (or empties the group, which then
//   moves to the next generation).
// * v0-2: one member id; its error is the top-level error.
// * v3+: a batch of members by member id and/or group.instance.id, each with
//   its own error: UNKNOWN_MEMBER_ID, or FENCED_INSTANCE_ID when the instance
//   id is held by another member id. An unknown group answers every member
//   with UNKNOWN_MEMBER_ID.
//
// Version notes:
// * v5 leave reasons are logged only at debug level.
import { registerApi } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/generated/index';

registerApi(ApiKey.LeaveGroup, { min: 0, max: 5 }, (req, ctx) => {
  const v = ctx.apiVersion;
  const leaving =
    v >= 3
      ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: req.memberId, groupInstanceId: null }];
  if (v >= 5) {
    const reasons = req.members
      .filter((m) => m.reason)
      .map((m) => ({ member: m.memberId, reason: m.reason }));
    if (reasons.length > 0) ctx.cluster.logger.debug({ group: req.groupId, reasons }, 'leave group');
  }
  const r = ctx.cluster.groups.leave(req.groupId, leaving);
  if (v < 3) {
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode !== ErrorCode.NONE ? r.errorCode : (r.members[0]?.errorCode ?? ErrorCode.NONE),
      members: [],
    };
  }
  return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
});
