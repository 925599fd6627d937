// DescribeConfigs: v0-4
//
// Behavior:
// * TOPIC resources list every config of topic-config.ts (or the requested
//   keys; unknown keys are left out, as Kafka does): an override is reported
//   with source DYNAMIC_TOPIC_CONFIG, anything else with its default and
//   DEFAULT_CONFIG. Nothing is read-only. Unknown topics →
//   UNKNOWN_TOPIC_OR_PARTITION, invalid names → INVALID_TOPIC_EXCEPTION, per
//   resource.
// * BROKER resources (name = a node id of this process) list the broker
//   configs of config-resources.ts, all read-only;
//   source STATIC_BROKER_CONFIG when startBroker was given a non-default value.
//   Other node ids or non-numeric names → INVALID_REQUEST.
// * Other resource types (BROKER_LOGGER, ...) → INVALID_REQUEST.
//
// Version notes:
// * v0: is_default instead of a source.
// * v1+: synonyms when asked: for a topic config its override (if any) and
//   the broker config that sets its default (DEFAULT_CONFIG); for a broker
//   config itself.
// * v3+: config types and, when asked, documentation.
// * BROKER "" (the cluster-wide default resource) lists the controller's
//   configs; Kafka lists only dynamic cluster-wide overrides there (usually none).
import { registerApi } from '../api';
import { Cluster } from '../cluster';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey, type DescribeConfigsResponse } from '../../protocol/generated/index';
import { TOPIC_CONFIGS } from '../topic-config';
import { brokerConfigs, brokerOfResource, ConfigSource, ResourceType } from './config-resources';

type ResourceResult = DescribeConfigsResponse['results'][number];
type ConfigResult = ResourceResult['configs'][number];

registerApi(ApiKey.DescribeConfigs, { min: 0, max: 4 }, (req, ctx) => {
  const synonyms = ctx.apiVersion >= 1 && req.includeSynonyms;
  const documentation = ctx.apiVersion >= 3 && req.includeDocumentation;
  const results = req.resources.map((r): ResourceResult => {
    const result = (
      configs: ConfigResult[],
      errorCode: number = ErrorCode.NONE,
      errorMessage: string | null = null,
    ): ResourceResult => ({
      errorCode,
      errorMessage,
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      configs,
    });
    const wanted = (name: string) => r.configurationKeys === null || r.configurationKeys.includes(name);

    if (r.resourceType === ResourceType.TOPIC) {
      const bad = Cluster.invalidTopicName(r.resourceName);
      if (bad) return result([], ErrorCode.INVALID_TOPIC_EXCEPTION, bad);
      const topic = ctx.cluster.topic(r.resourceName);
      if (!topic)
        return result([], ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${r.resourceName}" does not exist`);
      return result(
        TOPIC_CONFIGS.filter((def) => wanted(def.name)).map((def): ConfigResult => {
          const override = topic.configs[def.name];
          const value = def.sensitive ? null : (override ?? def.default);
          const source =
            override === undefined ? ConfigSource.DEFAULT_CONFIG : ConfigSource.DYNAMIC_TOPIC_CONFIG;
          return {
            name: def.name,
            value,
            readOnly: false,
            isDefault: override === undefined,
            configSource: source,
            isSensitive: def.sensitive ?? false,
            synonyms: !synonyms
              ? []
              : [
                  ...(override === undefined
                    ? []
                    : [{ name: def.name, value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }]),
                  {
                    name: def.brokerSynonym,
                    value: def.sensitive ? null : def.default,
                    source: ConfigSource.DEFAULT_CONFIG,
                  },
                ],
            configType: def.type,
            documentation: documentation ? def.doc : null,
          };
        }),
      );
    }

    if (r.resourceType === ResourceType.BROKER) {
      const nodeId = brokerOfResource(ctx.cluster, r.resourceName);
      if (nodeId === undefined) {
        return result(
          [],
          ErrorCode.INVALID_REQUEST,
          `broker "${r.resourceName}" is not a node id of this cluster`,
        );
      }
      return result(
        brokerConfigs(ctx.cluster, nodeId)
          .filter((c) => wanted(c.name))
          .map((c): ConfigResult => {
            const source = c.isDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.STATIC_BROKER_CONFIG;
            return {
              name: c.name,
              value: c.value,
              readOnly: true,
              isDefault: c.isDefault,
              configSource: source,
              isSensitive: false,
              synonyms: synonyms ? [{ name: c.name, value: c.value, source }] : [],
              configType: c.type,
              documentation: documentation ? c.doc : null,
            };
          }),
      );
    }

    return result(
      [],
      ErrorCode.INVALID_REQUEST,
      `resource type ${r.resourceType} is not supported; use TOPIC (2) or BROKER (4)`,
    );
  });
  return { throttleTimeMs: 0, results };
});
