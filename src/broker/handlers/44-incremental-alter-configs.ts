// IncrementalAlterConfigs: v0-1
//
// Behavior:
// * TOPIC resources: SET, DELETE (back to the default), APPEND and SUBTRACT
//   (list configs only, e.g. cleanup.policy; they start from the default when
//   there is no override) are applied to the topic's overrides in request
//   order, validated as a whole, then applied to the logs and persisted. A bad
//   name or value, or APPEND/SUBTRACT on a non-list config → INVALID_CONFIG
//   naming the config, with the topic unchanged. A key twice in one resource
//   or an unknown operation → INVALID_REQUEST.
// * BROKER resources → INVALID_REQUEST: broker configs are read-only here.
// * Unknown topics → UNKNOWN_TOPIC_OR_PARTITION; validate_only changes nothing.
//
// Version notes:
// * v1 is the flexible encoding of v0; no differences in behaviour.
import { registerApi } from '../api';
import { KafkaApiError } from '../cluster';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey, type IncrementalAlterConfigsResponse } from '../../protocol/generated/index';
import { applyIncrementalOps, TopicConfigError } from '../topic-config';
import { alterRefusal } from './config-resources';

type ResourceResponse = IncrementalAlterConfigsResponse['responses'][number];

registerApi(ApiKey.IncrementalAlterConfigs, { min: 0, max: 1 }, (req, ctx) => {
  const responses = req.resources.map((r): ResourceResponse => {
    const result = (errorCode: number, errorMessage: string | null): ResourceResponse => ({
      errorCode,
      errorMessage,
      resourceType: r.resourceType,
      resourceName: r.resourceName,
    });
    const refused = alterRefusal(r, req.resources);
    if (refused) return result(refused.code, refused.message);
    const topic = ctx.cluster.topic(r.resourceName);
    if (!topic)
      return result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${r.resourceName}" does not exist`);
    try {
      const next = applyIncrementalOps(
        topic.configs,
        r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value })),
      );
      ctx.cluster.setTopicConfigs(r.resourceName, next, req.validateOnly);
      return result(ErrorCode.NONE, null);
    } catch (err) {
      if (err instanceof TopicConfigError) {
        return result(
          err.kind === 'request' ? ErrorCode.INVALID_REQUEST : ErrorCode.INVALID_CONFIG,
          err.message,
        );
      }
      if (err instanceof KafkaApiError) return result(err.code, err.message);
      throw err;
    }
  });
  return { throttleTimeMs: 0, responses };
});
