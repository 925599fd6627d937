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
import { ErrorCode } from '../../protocol/errors';
import { ApiKey, type AlterConfigsResponse } from '../../protocol/generated/index';
import { alterRefusal } from './config-resources';

type ResourceResponse = AlterConfigsResponse['responses'][number];

registerApi(ApiKey.AlterConfigs, { min: 0, max: 2 }, (req, ctx) => {
  const responses = req.resources.map((r): ResourceResponse => {
    const result = (errorCode: number, errorMessage: string | null): ResourceResponse => ({
      errorCode,
      errorMessage,
      resourceType: r.resourceType,
      resourceName: r.resourceName,
    });
    const refused = alterRefusal(r, req.resources);
    if (refused) return result(refused.code, refused.message);
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
