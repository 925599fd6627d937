// DeleteTopics: v0-6
//
// Behavior:
// * Deletes each named topic with its partition logs and reports per topic;
//   unknown names get UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID.
// * A topic named twice in one request → INVALID_REQUEST for it.
// * Deletion is immediate: the topic is gone from Metadata when the response
//   is written (Kafka deletes asynchronously and may briefly still list it).
//
// Version notes:
// * v5+: error messages are filled in.
// * v6: topics may be named by id (name null); the response carries both.
// * Internal topics (names starting "__", e.g. __consumer_offsets) cannot be
//   deleted here: INVALID_REQUEST, because the coordinators keep state in them.
import { registerApi } from '../api';
import { KafkaApiError } from '../cluster';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey, type DeleteTopicsResponse } from '../../protocol/generated/index';

type DeletableResult = DeleteTopicsResponse['responses'][number];

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

registerApi(ApiKey.DeleteTopics, { min: 0, max: 6 }, (req, ctx) => {
  const cluster = ctx.cluster;
  const wanted =
    ctx.apiVersion >= 6
      ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
      : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  const keyOf = (w: { name: string | null; topicId: string }) =>
    w.name !== null ? `n:${w.name}` : `i:${w.topicId}`;
  const counts = new Map<string, number>();
  for (const w of wanted) counts.set(keyOf(w), (counts.get(keyOf(w)) ?? 0) + 1);

  const responses = wanted.map(({ name, topicId }): DeletableResult => {
    const result = (
      errorCode: number,
      errorMessage: string | null,
      n = name,
      id = topicId,
    ): DeletableResult => ({
      name: n,
      topicId: id,
      errorCode,
      errorMessage,
    });
    if ((counts.get(keyOf({ name, topicId })) ?? 0) > 1) {
      return result(
        ErrorCode.INVALID_REQUEST,
        `topic ${name ?? topicId} appears more than once in the request`,
      );
    }
    const topic = name !== null ? cluster.topic(name) : cluster.topicById(topicId);
    if (!topic) {
      return name !== null
        ? result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${name}" does not exist`)
        : result(ErrorCode.UNKNOWN_TOPIC_ID, `no topic has id ${topicId}`);
    }
    if (topic.internal)
      return result(
        ErrorCode.INVALID_REQUEST,
        `internal topic "${topic.name}" cannot be deleted`,
        topic.name,
        topic.id,
      );
    try {
      cluster.deleteTopic(topic.name);
    } catch (err) {
      if (err instanceof KafkaApiError) return result(err.code, err.message, topic.name, topic.id);
      throw err;
    }
    return result(ErrorCode.NONE, null, topic.name, topic.id);
  });
  return { throttleTimeMs: 0, responses };
});
