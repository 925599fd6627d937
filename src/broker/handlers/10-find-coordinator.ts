// FindCoordinator: v0-6
//
// Behavior:
// * GROUP (0) and TRANSACTION (1) keys map to a broker identity of this
//   process by a hash of the key over the broker list (as Kafka maps a key to
//   a __consumer_offsets / __transaction_state partition and its leader), so
//   clients of a multi-broker setup talk to several coordinators. The state is
//   one in-process coordinator, so every identity can serve every group.
// * v4+: several keys per request, each with its own result.
// * An empty key gets INVALID_REQUEST; other key types (share groups, v6) get
//   INVALID_REQUEST.
//
// Version notes:
// * No broker ever answers NOT_COORDINATOR for a group it does not "own".
import { registerApi } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/generated/index';
import type { BrokerNode } from '../cluster';

/** Java's String.hashCode, so the spread over brokers is stable across runs. */
function hashKey(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return h & 0x7fffffff;
}

type Found =
  | { node: BrokerNode; errorCode: number; errorMessage: string | null }
  | { node: null; errorCode: number; errorMessage: string };

function locate(nodes: BrokerNode[], key: string, keyType: number): Found {
  if (keyType !== 0 && keyType !== 1) {
    return {
      node: null,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: `unsupported key type ${keyType}`,
    };
  }
  if (key === '')
    return { node: null, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'empty coordinator key' };
  const node = nodes[hashKey(key) % Math.max(1, nodes.length)];
  if (!node)
    return { node: null, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'no broker is up' };
  return { node, errorCode: ErrorCode.NONE, errorMessage: null };
}

registerApi(ApiKey.FindCoordinator, { min: 0, max: 6 }, (req, ctx) => {
  const nodes = ctx.cluster.nodes;
  if (ctx.apiVersion >= 4) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      nodeId: 0,
      host: '',
      port: 0,
      coordinators: req.coordinatorKeys.map((key) => {
        const f = locate(nodes, key, req.keyType);
        return {
          key,
          nodeId: f.node?.nodeId ?? -1,
          host: f.node?.host ?? '',
          port: f.node?.port ?? -1,
          errorCode: f.errorCode,
          errorMessage: f.errorMessage,
        };
      }),
    };
  }
  const f = locate(nodes, req.key, req.keyType);
  return {
    throttleTimeMs: 0,
    errorCode: f.errorCode,
    errorMessage: f.errorMessage,
    nodeId: f.node?.nodeId ?? -1,
    host: f.node?.host ?? '',
    port: f.node?.port ?? -1,
    coordinators: [],
  };
});
