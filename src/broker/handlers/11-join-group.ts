// JoinGroup: v0-9
//
// Behavior:
// * Joins the member to the group and answers when the join phase ends: when
//   every known member has rejoined, at the rebalance timeout, or, for a group
//   that was Empty, after group.initial.rebalance.delay.ms (extended while new
//   members keep arriving). The leader gets every member's metadata for the
//   selected protocol (the one all members support, by the members' vote).
// * v4+: a dynamic member's first join (empty member id) is answered
//   MEMBER_ID_REQUIRED with its member id, which it must join with (KIP-394).
// * v5+ static members (group.instance.id, KIP-345): a restarted instance takes
//   its old member id's place without a rebalance when its protocols still fit
//   the group; the old member id gets FENCED_INSTANCE_ID from then on.
// * Errors: INVALID_GROUP_ID, INVALID_SESSION_TIMEOUT (outside 6000-1800000 ms),
//   INCONSISTENT_GROUP_PROTOCOL (protocol type differs or no common protocol),
//   UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS for a superseded duplicate join.
//
// Version notes:
// * v0: the rebalance timeout is the session timeout, as in Kafka.
// * v8 join reasons are logged, not stored.
// * v9 skip_assignment (KIP-814) is set for a static leader rejoining a Stable
//   group; before v9 that leader is answered with its old member id as leader,
//   so it acts as a follower and keeps the current assignment.
// * No group.max.size: GROUP_MAX_SIZE_REACHED is never returned.
import { registerApi } from '../api';
import { ApiKey } from '../../protocol/generated/index';

/** Kafka reports a member's host as "/<ip>". */
export function clientHostOf(remoteAddress: string): string {
  const colon = remoteAddress.lastIndexOf(':');
  return `/${colon > 0 ? remoteAddress.slice(0, colon) : remoteAddress}`;
}

registerApi(ApiKey.JoinGroup, { min: 0, max: 9 }, async (req, ctx) => {
  const v = ctx.apiVersion;
  const r = await ctx.cluster.groups.join({
    groupId: req.groupId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    clientId: ctx.connection.clientId ?? '',
    clientHost: clientHostOf(ctx.connection.remoteAddress),
    sessionTimeoutMs: req.sessionTimeoutMs,
    rebalanceTimeoutMs: v >= 1 ? req.rebalanceTimeoutMs : -1,
    protocolType: req.protocolType,
    protocols: req.protocols,
    requireKnownMemberId: v >= 4,
    supportsSkipAssignment: v >= 9,
    reason: req.reason,
  });
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    generationId: r.generationId,
    protocolType: r.protocolType,
    // Non-nullable before v7.
    protocolName: v >= 7 ? r.protocolName : (r.protocolName ?? ''),
    leader: r.leaderId,
    skipAssignment: r.skipAssignment,
    memberId: r.memberId,
    members: r.members,
  };
});
