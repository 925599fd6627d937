// AlterConfigs: v0-2
//
// Behavior:
// * TOPIC resources: the given configs replace all of the topic's overrides
//   (configs left out return to their defaults), as Kafka's legacy
//   AlterConfigs does; they apply to the partition logs at once and persist.
//   An unknown name, a bad or null value → INVALID_CONFIG naming the config,
//   and the topic is left unchanged. Unknown topics → UNKNOWN_TOPIC_OR_PARTITION.
// * BROKER resources → INVALID_REQUEST: broker configs are read-only here
//   (they come from startBroker's options).
// * A resource named twice → INVALID_REQUEST for it; validate_only changes nothing.
//
// Version notes:
// * v2 is the flexible encoding of v1; no differences in behaviour.
import { registerApi } from '../api';
import { KafkaApiError } from '../cluster';
import { ErrorCode } from '../protocol/errors';
import { ApiKey, type AlterConfigsResponse } from '../protocol/generated/index';
import { ResourceType } from './config-resources';

type ResourceResponse = AlterConfigsResponse['responses'][number];

registerApi(ApiKey.AlterConfigs, { min: 0, max: 2 }, (req, ctx) => {
  const counts = new Map<string, number>();
  for (const r of req.resources)
    counts.set(
      `${r.resourceType}:${r.resourceName}`,
      (counts.get(`${r.resourceType}:${r.resourceName}`) ?? 0) + 1,
    );
  const responses = req.resources.map((r): ResourceResponse => {
    const result = (errorCode: number, errorMessage: string | null): ResourceResponse => ({
      errorCode,
      errorMessage,
      resourceType: r.resourceType,
      resourceName: r.resourceName,
    });
    if ((counts.get(`${r.resourceType}:${r.resourceName}`) ?? 0) > 1) {
      return result(
        ErrorCode.INVALID_REQUEST,
        `resource "${r.resourceName}" appears more than once in the request`,
      );
    }
    if (r.resourceType === ResourceType.BROKER) {
      return result(
        ErrorCode.INVALID_REQUEST,
        'broker configs of the embedded broker are read-only (set them through startBroker options)',
      );
    }
    if (r.resourceType !== ResourceType.TOPIC) {
      return result(
        ErrorCode.INVALID_REQUEST,
        `resource type ${r.resourceType} cannot be altered; use TOPIC (2)`,
      );
    }
    const configs: Record<string, string> = {};
    for (const c of r.configs) {
      if (c.value === null) return result(ErrorCode.INVALID_CONFIG, `config "${c.name}" has a null value`);
      configs[c.name] = c.value;
    }
    try {
      ctx.cluster.setTopicConfigs(r.resourceName, configs, req.validateOnly);
      return result(ErrorCode.NONE, null);
    } catch (err) {
      if (err instanceof KafkaApiError) return result(err.code, err.message);
      throw err;
    }
  });
  return { throttleTimeMs: 0, responses };
});
