// DeleteGroups: v0-2
//
// Behavior:
// * Deletes Empty groups with their committed offsets (persisted as a
//   tombstone). A group with members gets NON_EMPTY_GROUP; an unknown one
//   GROUP_ID_NOT_FOUND.
//
// Version notes:
// * None.
import { registerApi } from '../api';
import { ApiKey } from '../../protocol/generated/index';

registerApi(ApiKey.DeleteGroups, { min: 0, max: 2 }, (req, ctx) => ({
  throttleTimeMs: 0,
  results: req.groupsNames.map((groupId) => ({
    groupId,
    errorCode: ctx.cluster.groups.deleteGroup(groupId),
  })),
}));
