/**
 * @module kafka/kafkajs-assigner
 * kflow's co-partitioning assignor (kafka/copartition) as a kafkajs partition assigner, instead
 * of kafkajs' round robin. The bytes and the assignment are copartition's, so kafkajs members and
 * wire members (wire/group) can share a group.
 */
import type { PartitionAssigner } from 'kafkajs';
import { COPARTITION_ASSIGNER, copartitionAssign, encodeAssignment, encodeSubscription } from './copartition';

export { COPARTITION_ASSIGNER, assignUnits, dealUnits } from './copartition';

/** The kafkajs assigner for `groups` of co-partitioned topics. */
export function copartitionAssigner(groups: readonly (readonly string[])[]): PartitionAssigner {
  return ({ cluster }) => ({
    name: COPARTITION_ASSIGNER,
    version: 0,
    async assign({ members, topics }) {
      const dealt = copartitionAssign(
        // kafkajs hands over the union of the members' subscriptions as `topics`.
        members.map((m) => ({ memberId: m.memberId, topics })),
        (t) => cluster.findTopicPartitionMetadata(t).map((m) => m.partitionId),
        groups,
      );
      return [...dealt].map(([memberId, assignment]) => ({
        memberId,
        memberAssignment: encodeAssignment(assignment),
      }));
    },
    protocol({ topics }) {
      return { name: COPARTITION_ASSIGNER, metadata: encodeSubscription(topics) };
    },
  });
}
