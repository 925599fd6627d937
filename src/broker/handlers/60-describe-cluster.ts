// DescribeCluster: v0-1
//
// Behavior:
// * Lists every broker identity of this process, the controller (node 0) and
//   the cluster id, as Metadata does.
// * Cluster authorized operations, when asked, are every operation Kafka
//   defines on the CLUSTER resource: there are no ACLs, so an authenticated
//   client may do anything.
//
// Version notes:
// * v1: endpoint type BROKERS (1) is served; CONTROLLERS (2) →
//   UNSUPPORTED_ENDPOINT_TYPE, as a Kafka broker answers it (only controllers
//   list themselves).
import { registerApi } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/generated/index';

const OPS_NOT_COMPUTED = -2147483648;
const ENDPOINT_BROKERS = 1;
/** Kafka's AclOperation codes valid on the CLUSTER resource. */
const CLUSTER_OPS = {
  CREATE: 5,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
};
const ALL_CLUSTER_OPS = Object.values(CLUSTER_OPS).reduce((bits, op) => bits | (1 << op), 0);

registerApi(ApiKey.DescribeCluster, { min: 0, max: 1 }, (req, ctx) => {
  const cluster = ctx.cluster;
  const base = {
    throttleTimeMs: 0,
    endpointType: req.endpointType,
    clusterId: cluster.clusterId,
    controllerId: cluster.controllerId,
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? ALL_CLUSTER_OPS : OPS_NOT_COMPUTED,
  };
  if (ctx.apiVersion >= 1 && req.endpointType !== ENDPOINT_BROKERS) {
    return {
      ...base,
      errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
      errorMessage: `endpoint type ${req.endpointType} is not served by brokers; use 1 (brokers)`,
      controllerId: -1,
      brokers: [],
    };
  }
  return {
    ...base,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    brokers: cluster.nodes.map((n) => ({ brokerId: n.nodeId, host: n.host, port: n.port, rack: n.rack })),
  };
});
