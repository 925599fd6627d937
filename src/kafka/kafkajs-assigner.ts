/**
 * @module kafka/kafkajs-assigner
 * A kafkajs partition assigner that keeps co-partitioned topics together: partition P of every
 * topic of one group goes to the same member, as Kafka Streams' assignor hands out whole tasks.
 * A join's task reads partition P of both its inputs; kafkajs' round robin could give them to two
 * instances, each then holding half of the task's state. Topics in no group are units of their
 * own per partition. Units are sorted and dealt out over the members sorted by id, so every
 * member computing it (the group leader does) gets the same result.
 */
import type { PartitionAssigner } from 'kafkajs';
import { kafkajs } from './kafkajs-module';

export const COPARTITION_ASSIGNER = 'KflowCopartitionAssigner';

/** Unit key of each topic-partition: `<group index or topic>/<partition>`, in dealing order. */
export function assignUnits(
  topics: readonly string[],
  partitionsOf: (topic: string) => number[],
  groups: readonly (readonly string[])[],
): Map<string, { topic: string; partition: number }[]> {
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((t) => groupOf.set(t, i)));
  const units = new Map<string, { topic: string; partition: number }[]>();
  for (const topic of [...topics].sort()) {
    const g = groupOf.get(topic);
    for (const partition of partitionsOf(topic)) {
      const key = g === undefined ? `t:${topic}/${partition}` : `g:${g}/${partition}`;
      const list = units.get(key);
      if (list) list.push({ topic, partition });
      else units.set(key, [{ topic, partition }]);
    }
  }
  return new Map([...units].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** member id → topic → partitions: units dealt round robin over the sorted members. */
export function dealUnits(
  memberIds: readonly string[],
  units: Map<string, { topic: string; partition: number }[]>,
): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const out = new Map<string, Record<string, number[]>>(members.map((m) => [m, {}]));
  if (members.length === 0) return out;
  let i = 0;
  for (const tps of units.values()) {
    const a = out.get(members[i++ % members.length] as string) as Record<string, number[]>;
    for (const { topic, partition } of tps) (a[topic] ??= []).push(partition);
  }
  return out;
}

/** The kafkajs assigner for `groups` of co-partitioned topics. */
export function copartitionAssigner(groups: readonly (readonly string[])[]): PartitionAssigner {
  const { MemberAssignment, MemberMetadata } = kafkajs.AssignerProtocol;
  return ({ cluster }) => ({
    name: COPARTITION_ASSIGNER,
    version: 0,
    async assign({ members, topics }) {
      const units = assignUnits(
        topics,
        (t) => cluster.findTopicPartitionMetadata(t).map((m) => m.partitionId),
        groups,
      );
      const dealt = dealUnits(
        members.map((m) => m.memberId),
        units,
      );
      return [...dealt].map(([memberId, assignment]) => ({
        memberId,
        memberAssignment: MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return {
        name: COPARTITION_ASSIGNER,
        metadata: MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
      };
    },
  });
}
