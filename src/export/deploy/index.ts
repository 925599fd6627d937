/**
 * @module export/deploy
 * `kflow deploy`: the deployment model applied to AWS (idempotently), its
 * live status, and its drift from the spec. Only this part of export calls AWS.
 */
export { sdkCaller, AwsCallError, type AwsCaller, type AwsService } from './aws';
export { readState, knownRefs, type DeployedState } from './state';
export { compareState, type Difference } from './drift';
export { applyDeployment, DeployError, DEFAULT_TUNING, type ApplyResult, type DeployTuning } from './apply';
export { formatStatus } from './status';
export { formatDifference, streamProgress, type Progress } from './progress';
