// Metadata: v0-12
//
// Behavior:
// * Lists every broker identity of this process and, per partition, its
//   leader; replicas and ISR are the leader alone (one copy of the data).
// * A null topic list means all topics; an empty list (v1+) means none.
// * Unknown topics are created when auto-creation is on and the request allows
//   it (v4+ allow_auto_topic_creation; always for v0-3, as Kafka does),
//   otherwise UNKNOWN_TOPIC_OR_PARTITION. Invalid names get INVALID_TOPIC_EXCEPTION.
//
// Version notes:
// * v10+: topic ids are returned; v12 lookups by topic id are served.
// * v8-10: authorized operations are reported as -2147483648 (not computed).
import { registerApi } from '../api';
import { Cluster, type TopicState } from '../cluster';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey, type MetadataResponse } from '../../protocol/generated/index';

type MetadataResponseTopic = MetadataResponse['topics'][number];

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const OPS_NOT_COMPUTED = -2147483648;

registerApi(ApiKey.Metadata, { min: 0, max: 12 }, (req, ctx) => {
  const cluster = ctx.cluster;
  const topics: MetadataResponseTopic[] = [];
  if (req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0)) {
    for (const t of cluster.topics.values()) topics.push(describe(t));
  } else {
    const autoCreate = ctx.apiVersion < 4 || req.allowAutoTopicCreation;
    for (const wanted of req.topics) {
      const byId = wanted.name === null && wanted.topicId !== ZERO_UUID;
      const found = byId
        ? cluster.topicById(wanted.topicId)
        : wanted.name !== null
          ? cluster.topic(wanted.name)
          : undefined;
      if (found) {
        topics.push(describe(found));
        continue;
      }
      const name = wanted.name ?? '';
      if (byId) {
        topics.push(missing(null, wanted.topicId, ErrorCode.UNKNOWN_TOPIC_ID));
      } else if (Cluster.invalidTopicName(name)) {
        topics.push(missing(name, ZERO_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION));
      } else if (autoCreate && cluster.options.autoCreateTopics) {
        const created = cluster.topicOrAutoCreate(name);
        topics.push(
          created ? describe(created) : missing(name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION),
        );
      } else {
        topics.push(missing(name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      }
    }
  }
  return {
    throttleTimeMs: 0,
    brokers: cluster.nodes.map((n) => ({ nodeId: n.nodeId, host: n.host, port: n.port, rack: n.rack })),
    clusterId: cluster.clusterId,
    controllerId: cluster.controllerId,
    topics,
    clusterAuthorizedOperations: OPS_NOT_COMPUTED,
  };
});

function describe(t: TopicState): MetadataResponseTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.id,
    isInternal: t.internal,
    partitions: t.partitions.map((p) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: p.partition,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: [p.leader],
      isrNodes: [p.leader],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: OPS_NOT_COMPUTED,
  };
}

function missing(name: string | null, topicId: string, errorCode: number): MetadataResponseTopic {
  return {
    errorCode,
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: OPS_NOT_COMPUTED,
  };
}
