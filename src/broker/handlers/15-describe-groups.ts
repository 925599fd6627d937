// DescribeGroups: v0-5
//
// Behavior:
// * State (Empty, PreparingRebalance, CompletingRebalance, Stable), protocol
//   type, and members with client id and host. As in Kafka, member metadata,
//   assignment and the protocol name (protocol_data) are only given once the
//   group is Stable.
// * An unknown group is reported with state "Dead", no error (Kafka before v6).
//
// Version notes:
// * v3+ authorized operations are reported as -2147483648 (not computed).
import { registerApi } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/generated/index';

const OPS_NOT_COMPUTED = -2147483648;

registerApi(ApiKey.DescribeGroups, { min: 0, max: 5 }, (req, ctx) => ({
  throttleTimeMs: 0,
  groups: req.groups.map((groupId) => {
    const g = ctx.cluster.groups.describe(groupId);
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: g?.state ?? 'Dead',
      protocolType: g?.protocolType ?? '',
      protocolData: g?.protocolData ?? '',
      members: (g?.members ?? []).map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: m.metadata,
        memberAssignment: m.assignment,
      })),
      authorizedOperations: OPS_NOT_COMPUTED,
    };
  }),
}));
