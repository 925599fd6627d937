// CreateTopics: v0-7
//
// Behavior:
// * Each topic is created independently; one failure does not stop the others.
// * num_partitions -1 means num.partitions (the broker's defaultPartitions);
//   replication_factor -1 means default.replication.factor (1). A factor of
//   1..N is accepted where N is the number of broker identities of this
//   process, above that INVALID_REPLICATION_FACTOR; 0 or < -1 too.
// * Manual replica assignments (num_partitions and replication_factor both -1,
//   as Kafka requires) are checked like Kafka does (partitions 0..n-1, one
//   replica list length, no duplicate or unknown broker ids →
//   INVALID_REPLICA_ASSIGNMENT) and the first broker of each list becomes the
//   partition's leader.
// * Configs are validated through topic-config.ts: an unknown name, a bad value
//   or a null value → INVALID_CONFIG with a message naming the config.
// * A topic named twice in one request → INVALID_REQUEST for that name.
// * validate_only checks everything and creates nothing.
//
// Version notes:
// * v1+: error messages are filled in; v0 has no message field.
// * v5+: on success the partition count, replication factor and every topic
//   config (value, DEFAULT_CONFIG or DYNAMIC_TOPIC_CONFIG source) are returned;
//   topic_config_error_code is always NONE.
// * v7: the created topic's id is returned.
// * Data is stored once whatever the replication factor; leaders chosen by an
//   assignment are not persisted, so after a restart partition p is led by
//   broker p mod N again.
import { registerApi } from '../api';
import { Cluster, KafkaApiError, type TopicState } from '../cluster';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey, type CreateTopicsRequest, type CreateTopicsResponse } from '../../protocol/generated/index';
import { TOPIC_CONFIGS } from '../topic-config';

type Creatable = CreateTopicsRequest['topics'][number];
type CreatableResult = CreateTopicsResponse['topics'][number];

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const DEFAULT_REPLICATION_FACTOR = 1;
/** Kafka's ConfigSource codes. */
const DYNAMIC_TOPIC_CONFIG = 1;
const DEFAULT_CONFIG = 5;

registerApi(ApiKey.CreateTopics, { min: 0, max: 7 }, (req, ctx) => {
  const counts = new Map<string, number>();
  for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const topics = req.topics.map((t): CreatableResult => {
    if ((counts.get(t.name) ?? 0) > 1) {
      return failure(
        t.name,
        ErrorCode.INVALID_REQUEST,
        `topic "${t.name}" appears more than once in the request`,
      );
    }
    try {
      const plan = planTopic(ctx.cluster, t);
      const created = ctx.cluster.createTopic(t.name, plan.partitions, plan.configs, req.validateOnly);
      if (created && plan.leaders) {
        plan.leaders.forEach((leader, p) => {
          const partition = created.partitions[p];
          if (partition) partition.leader = leader;
        });
      }
      return success(t.name, created, plan);
    } catch (err) {
      if (err instanceof KafkaApiError) return failure(t.name, err.code, err.message);
      throw err;
    }
  });
  return { throttleTimeMs: 0, topics };
});

interface TopicPlan {
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
  /** Leader per partition from a manual assignment; undefined to spread leaders as usual. */
  leaders?: number[];
}

/** Resolves defaults and checks everything CreateTopics may reject before the cluster sees the topic. */
function planTopic(cluster: Cluster, t: Creatable): TopicPlan {
  const bad = Cluster.invalidTopicName(t.name);
  if (bad) throw new KafkaApiError(ErrorCode.INVALID_TOPIC_EXCEPTION, bad);
  if (cluster.topic(t.name))
    throw new KafkaApiError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic "${t.name}" already exists`);
  const configs: Record<string, string> = {};
  for (const c of t.configs) {
    if (c.value === null)
      throw new KafkaApiError(ErrorCode.INVALID_CONFIG, `config "${c.name}" has a null value`);
    configs[c.name] = c.value;
  }
  const brokers = cluster.nodes.length;
  if (t.assignments.length > 0) {
    if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
      throw new KafkaApiError(
        ErrorCode.INVALID_REQUEST,
        'num_partitions and replication_factor must be -1 when replica assignments are given',
      );
    }
    const leaders = checkAssignments(cluster, t);
    return {
      partitions: leaders.length,
      replicationFactor: t.assignments[0]?.brokerIds.length ?? 1,
      configs,
      leaders,
    };
  }
  const partitions = t.numPartitions === -1 ? cluster.options.defaultPartitions : t.numPartitions;
  if (partitions < 1)
    throw new KafkaApiError(
      ErrorCode.INVALID_PARTITIONS,
      `partition count must be at least 1, not ${t.numPartitions}`,
    );
  const replicationFactor = t.replicationFactor === -1 ? DEFAULT_REPLICATION_FACTOR : t.replicationFactor;
  if (replicationFactor < 1 || replicationFactor > brokers) {
    throw new KafkaApiError(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `replication factor ${t.replicationFactor} must be between 1 and the number of brokers (${brokers})`,
    );
  }
  return { partitions, replicationFactor, configs };
}

/** Returns the leader (first replica) of each partition of a valid manual assignment. */
function checkAssignments(cluster: Cluster, t: Creatable): number[] {
  const sorted = [...t.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
  const factor = sorted[0]?.brokerIds.length ?? 0;
  const known = new Set(cluster.nodes.map((n) => n.nodeId));
  const reject = (why: string): never => {
    throw new KafkaApiError(
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
      `replica assignment of topic "${t.name}": ${why}`,
    );
  };
  return sorted.map((a, i) => {
    if (a.partitionIndex !== i) reject(`partitions must be numbered 0..${sorted.length - 1} without gaps`);
    if (a.brokerIds.length === 0 || a.brokerIds.length !== factor) {
      reject(
        `every partition needs the same non-zero number of replicas (partition ${a.partitionIndex} has ${a.brokerIds.length})`,
      );
    }
    if (new Set(a.brokerIds).size !== a.brokerIds.length)
      reject(`partition ${a.partitionIndex} lists a broker twice`);
    const unknown = a.brokerIds.find((b) => !known.has(b));
    if (unknown !== undefined)
      reject(`partition ${a.partitionIndex} names broker ${unknown}, which does not exist`);
    return a.brokerIds[0] as number;
  });
}

function success(name: string, created: TopicState | undefined, plan: TopicPlan): CreatableResult {
  const overrides = created?.configs ?? plan.configs;
  return {
    name,
    topicId: created?.id ?? ZERO_UUID,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: plan.partitions,
    replicationFactor: plan.replicationFactor,
    configs: TOPIC_CONFIGS.map((def) => {
      const override = overrides[def.name];
      return {
        name: def.name,
        value: def.sensitive ? null : (override ?? def.default),
        readOnly: false,
        configSource: override === undefined ? DEFAULT_CONFIG : DYNAMIC_TOPIC_CONFIG,
        isSensitive: def.sensitive ?? false,
      };
    }),
  };
}

function failure(name: string, errorCode: number, message: string): CreatableResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage: message,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  };
}
