// CreatePartitions: v0-3
//
// Behavior:
// * Grows each topic to `count` partitions; a count not above the current one
//   → INVALID_PARTITIONS, an unknown topic → UNKNOWN_TOPIC_OR_PARTITION, a
//   topic named twice → INVALID_REQUEST.
// * Assignments, when given, must list one replica set per new partition with
//   known, distinct broker ids (INVALID_REPLICA_ASSIGNMENT otherwise); the first
//   broker of each set leads the new partition. Without them, new partition p
//   is led by broker p mod N, as at creation.
// * validate_only checks everything and adds nothing.
//
// Version notes:
// * Error messages are filled in at every version (the field exists from v0).
// * v2+ is the flexible encoding; v3 is identical to v2 (Kafka bumped it for
//   a KRaft-side change).
// * Leaders chosen by an assignment are not persisted across restarts.
import { registerApi } from '../api';
import { KafkaApiError, type Cluster } from '../cluster';
import { ErrorCode } from '../../protocol/errors';
import {
  ApiKey,
  type CreatePartitionsRequest,
  type CreatePartitionsResponse,
} from '../../protocol/generated/index';

type PartitionsTopic = CreatePartitionsRequest['topics'][number];
type PartitionsResult = CreatePartitionsResponse['results'][number];

registerApi(ApiKey.CreatePartitions, { min: 0, max: 3 }, (req, ctx) => {
  const counts = new Map<string, number>();
  for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const results = req.topics.map((t): PartitionsResult => {
    if ((counts.get(t.name) ?? 0) > 1) {
      return {
        name: t.name,
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `topic "${t.name}" appears more than once in the request`,
      };
    }
    try {
      grow(ctx.cluster, t, req.validateOnly);
      return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (err) {
      if (err instanceof KafkaApiError)
        return { name: t.name, errorCode: err.code, errorMessage: err.message };
      throw err;
    }
  });
  return { throttleTimeMs: 0, results };
});

function grow(cluster: Cluster, t: PartitionsTopic, validateOnly: boolean): void {
  const topic = cluster.topic(t.name);
  if (!topic)
    throw new KafkaApiError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${t.name}" does not exist`);
  const before = topic.partitions.length;
  let leaders: number[] | undefined;
  if (t.assignments !== null && t.count > before) {
    const reject = (why: string): never => {
      throw new KafkaApiError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `replica assignment of topic "${t.name}": ${why}`,
      );
    };
    if (t.assignments.length !== t.count - before) {
      reject(
        `${t.count - before} new partitions need ${t.count - before} replica sets, not ${t.assignments.length}`,
      );
    }
    const known = new Set(cluster.nodes.map((n) => n.nodeId));
    leaders = t.assignments.map((a, i) => {
      if (a.brokerIds.length === 0) reject(`new partition ${before + i} has no replicas`);
      if (new Set(a.brokerIds).size !== a.brokerIds.length)
        reject(`new partition ${before + i} lists a broker twice`);
      const unknown = a.brokerIds.find((b) => !known.has(b));
      if (unknown !== undefined)
        reject(`new partition ${before + i} names broker ${unknown}, which does not exist`);
      return a.brokerIds[0] as number;
    });
  }
  cluster.addPartitions(t.name, t.count, validateOnly);
  if (validateOnly || !leaders) return;
  leaders.forEach((leader, i) => {
    const p = topic.partitions[before + i];
    if (p) p.leader = leader;
  });
}
