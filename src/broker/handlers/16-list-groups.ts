// ListGroups: v0-5
//
// Behavior:
// * Every group the coordinator knows, with its protocol type; v4+ with its
//   state, filtered by states_filter (case-insensitive, empty = all); v5+ with
//   group type "classic", filtered by types_filter (empty = all).
//
// Version notes:
// * Only classic groups exist, so a types filter without "classic" lists none.
import { registerApi } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/generated/index';

registerApi(ApiKey.ListGroups, { min: 0, max: 5 }, (req, ctx) => {
  const states = new Set(req.statesFilter.map((s) => s.toLowerCase()));
  const types = new Set(req.typesFilter.map((s) => s.toLowerCase()));
  const groups = ctx.cluster.groups
    .list()
    .filter((g) => states.size === 0 || states.has(g.state.toLowerCase()))
    .filter(() => types.size === 0 || types.has('classic'))
    .map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType,
      groupState: g.state,
      groupType: 'classic',
    }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
});
