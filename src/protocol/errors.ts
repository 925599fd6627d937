/**
 * @module protocol/errors
 * Kafka protocol error codes as data: name, code, whether clients treat the error
 * as retriable, and a short description in our own words. Names and codes follow
 * Apache Kafka's `Errors` enum (4.x); `retriable` mirrors whether Kafka's
 * exception for the code is a RetriableException.
 */

export interface KafkaErrorInfo {
  readonly name: string;
  readonly code: number;
  readonly retriable: boolean;
  readonly message: string;
}

// Kept as one literal table so that it reads like the protocol reference and diffs cleanly.
const TABLE = [
  ['UNKNOWN_SERVER_ERROR', -1, false, 'Unexpected error on the server while handling the request.'],
  ['NONE', 0, false, 'No error.'],
  ['OFFSET_OUT_OF_RANGE', 1, false, 'The offset is outside the range the partition holds.'],
  ['CORRUPT_MESSAGE', 2, true, 'A record failed its checksum, is too big, or is otherwise invalid.'],
  ['UNKNOWN_TOPIC_OR_PARTITION', 3, true, 'This broker does not host the topic-partition.'],
  ['INVALID_FETCH_SIZE', 4, false, 'The fetch size is invalid.'],
  ['LEADER_NOT_AVAILABLE', 5, true, 'The partition has no leader right now (election in progress).'],
  ['NOT_LEADER_OR_FOLLOWER', 6, true, 'This broker is not the leader (or not a replica) for the partition.'],
  ['REQUEST_TIMED_OUT', 7, true, 'The request timed out.'],
  ['BROKER_NOT_AVAILABLE', 8, false, 'The broker is not available.'],
  ['REPLICA_NOT_AVAILABLE', 9, true, 'The replica is not available for the partition.'],
  ['MESSAGE_TOO_LARGE', 10, false, 'A record is larger than the broker accepts.'],
  ['STALE_CONTROLLER_EPOCH', 11, false, 'The controller has moved to another broker.'],
  ['OFFSET_METADATA_TOO_LARGE', 12, false, 'The committed offset metadata is too long.'],
  ['NETWORK_EXCEPTION', 13, true, 'The connection closed before a response arrived.'],
  ['COORDINATOR_LOAD_IN_PROGRESS', 14, true, 'The coordinator is still loading its state.'],
  ['COORDINATOR_NOT_AVAILABLE', 15, true, 'The coordinator is not available.'],
  ['NOT_COORDINATOR', 16, true, 'This broker is not the coordinator for that group or transaction.'],
  ['INVALID_TOPIC_EXCEPTION', 17, false, 'The topic name or operation on it is invalid.'],
  ['RECORD_LIST_TOO_LARGE', 18, false, 'The record batch is larger than the segment size.'],
  ['NOT_ENOUGH_REPLICAS', 19, true, 'Too few in-sync replicas to accept the write.'],
  ['NOT_ENOUGH_REPLICAS_AFTER_APPEND', 20, true, 'Written, but to fewer in-sync replicas than required.'],
  ['INVALID_REQUIRED_ACKS', 21, false, 'The acks value is invalid.'],
  ['ILLEGAL_GENERATION', 22, false, 'The group generation id is not current.'],
  [
    'INCONSISTENT_GROUP_PROTOCOL',
    23,
    false,
    "The member's protocols do not match the group's (or are empty).",
  ],
  ['INVALID_GROUP_ID', 24, false, 'The group id is invalid.'],
  ['UNKNOWN_MEMBER_ID', 25, false, 'The coordinator does not know this member id.'],
  ['INVALID_SESSION_TIMEOUT', 26, false, "The session timeout is outside the broker's allowed range."],
  ['REBALANCE_IN_PROGRESS', 27, false, 'The group is rebalancing; the member must rejoin.'],
  ['INVALID_COMMIT_OFFSET_SIZE', 28, false, 'The offset commit data size is invalid.'],
  ['TOPIC_AUTHORIZATION_FAILED', 29, false, 'Not authorized for the topic.'],
  ['GROUP_AUTHORIZATION_FAILED', 30, false, 'Not authorized for the group.'],
  ['CLUSTER_AUTHORIZATION_FAILED', 31, false, 'Not authorized for the cluster.'],
  ['INVALID_TIMESTAMP', 32, false, 'A record timestamp is outside the accepted range.'],
  ['UNSUPPORTED_SASL_MECHANISM', 33, false, 'The broker does not offer that SASL mechanism.'],
  ['ILLEGAL_SASL_STATE', 34, false, 'The request is not allowed at this point of the SASL exchange.'],
  ['UNSUPPORTED_VERSION', 35, false, 'The broker does not support this API version.'],
  ['TOPIC_ALREADY_EXISTS', 36, false, 'A topic with that name already exists.'],
  ['INVALID_PARTITIONS', 37, false, 'The partition count is invalid.'],
  ['INVALID_REPLICATION_FACTOR', 38, false, 'The replication factor is invalid for this cluster.'],
  ['INVALID_REPLICA_ASSIGNMENT', 39, false, 'The replica assignment is invalid.'],
  ['INVALID_CONFIG', 40, false, 'The configuration is invalid.'],
  ['NOT_CONTROLLER', 41, true, 'This broker is not the controller.'],
  ['INVALID_REQUEST', 42, false, 'The request is malformed or not valid for this broker.'],
  ['UNSUPPORTED_FOR_MESSAGE_FORMAT', 43, false, 'The message format in use does not support the request.'],
  ['POLICY_VIOLATION', 44, false, 'The request violates a configured policy.'],
  ['OUT_OF_ORDER_SEQUENCE_NUMBER', 45, false, 'The producer sequence number is out of order.'],
  ['DUPLICATE_SEQUENCE_NUMBER', 46, false, 'The producer sequence number was already written.'],
  ['INVALID_PRODUCER_EPOCH', 47, false, 'The producer epoch is older than the current one.'],
  ['INVALID_TXN_STATE', 48, false, 'The transactional operation is invalid in the current state.'],
  ['INVALID_PRODUCER_ID_MAPPING', 49, false, 'The producer id is not assigned to this transactional id.'],
  ['INVALID_TRANSACTION_TIMEOUT', 50, false, 'The transaction timeout exceeds the broker maximum.'],
  ['CONCURRENT_TRANSACTIONS', 51, true, 'Another operation on the same transaction is still in progress.'],
  [
    'TRANSACTION_COORDINATOR_FENCED',
    52,
    false,
    'The transaction coordinator sending markers is no longer current.',
  ],
  ['TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 53, false, 'Not authorized for the transactional id.'],
  ['SECURITY_DISABLED', 54, false, 'Security features are disabled.'],
  ['OPERATION_NOT_ATTEMPTED', 55, false, 'Skipped because another operation in the batch failed.'],
  ['KAFKA_STORAGE_ERROR', 56, true, 'Disk error while accessing the log.'],
  ['LOG_DIR_NOT_FOUND', 57, false, 'The log directory is not configured on the broker.'],
  ['SASL_AUTHENTICATION_FAILED', 58, false, 'SASL authentication failed.'],
  ['UNKNOWN_PRODUCER_ID', 59, false, 'The broker has no state for this producer id.'],
  ['REASSIGNMENT_IN_PROGRESS', 60, false, 'A partition reassignment is in progress.'],
  ['DELEGATION_TOKEN_AUTH_DISABLED', 61, false, 'Delegation tokens are disabled.'],
  ['DELEGATION_TOKEN_NOT_FOUND', 62, false, 'The delegation token does not exist.'],
  ['DELEGATION_TOKEN_OWNER_MISMATCH', 63, false, "The principal is not the token's owner or renewer."],
  [
    'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED',
    64,
    false,
    'Delegation token requests are not allowed on this channel.',
  ],
  ['DELEGATION_TOKEN_AUTHORIZATION_FAILED', 65, false, 'Not authorized for the delegation token.'],
  ['DELEGATION_TOKEN_EXPIRED', 66, false, 'The delegation token has expired.'],
  ['INVALID_PRINCIPAL_TYPE', 67, false, 'The principal type is not supported.'],
  ['NON_EMPTY_GROUP', 68, false, 'The group still has members.'],
  ['GROUP_ID_NOT_FOUND', 69, false, 'The group does not exist.'],
  ['FETCH_SESSION_ID_NOT_FOUND', 70, true, 'The fetch session does not exist.'],
  ['INVALID_FETCH_SESSION_EPOCH', 71, true, 'The fetch session epoch is wrong.'],
  ['LISTENER_NOT_FOUND', 72, true, 'The leader has no listener matching this one.'],
  ['TOPIC_DELETION_DISABLED', 73, false, 'Topic deletion is disabled.'],
  ['FENCED_LEADER_EPOCH', 74, true, "The request's leader epoch is older than the broker's."],
  ['UNKNOWN_LEADER_EPOCH', 75, true, "The request's leader epoch is newer than the broker's."],
  ['UNSUPPORTED_COMPRESSION_TYPE', 76, false, "The client cannot read this partition's compression type."],
  ['STALE_BROKER_EPOCH', 77, false, 'The broker epoch has changed.'],
  ['OFFSET_NOT_AVAILABLE', 78, true, 'The offset is not yet available after a leader change.'],
  ['MEMBER_ID_REQUIRED', 79, false, 'The member must rejoin with the member id it was given.'],
  ['PREFERRED_LEADER_NOT_AVAILABLE', 80, true, 'The preferred leader is not available.'],
  ['GROUP_MAX_SIZE_REACHED', 81, false, 'The group is full.'],
  ['FENCED_INSTANCE_ID', 82, false, 'Another member registered with the same static instance id.'],
  ['ELIGIBLE_LEADERS_NOT_AVAILABLE', 83, true, 'No eligible leader is available for the partition.'],
  ['ELECTION_NOT_NEEDED', 84, false, 'The partition does not need a leader election.'],
  ['NO_REASSIGNMENT_IN_PROGRESS', 85, false, 'No partition reassignment is in progress.'],
  ['GROUP_SUBSCRIBED_TO_TOPIC', 86, false, 'Cannot delete offsets of a topic the group is subscribed to.'],
  ['INVALID_RECORD', 87, false, 'The broker rejected a record during validation.'],
  ['UNSTABLE_OFFSET_COMMIT', 88, true, 'Pending transactional offsets must settle first.'],
  ['THROTTLING_QUOTA_EXCEEDED', 89, true, 'The throttling quota was exceeded.'],
  ['PRODUCER_FENCED', 90, false, 'A newer producer with the same transactional id has fenced this one.'],
  ['RESOURCE_NOT_FOUND', 91, false, 'The referenced resource does not exist.'],
  ['DUPLICATE_RESOURCE', 92, false, 'The same resource appears twice in the request.'],
  ['UNACCEPTABLE_CREDENTIAL', 93, false, 'The credential does not meet the acceptance criteria.'],
  ['INCONSISTENT_VOTER_SET', 94, false, 'Sender or receiver is not among the expected voters.'],
  ['INVALID_UPDATE_VERSION', 95, false, 'The update version is invalid.'],
  ['FEATURE_UPDATE_FAILED', 96, false, 'Finalized features could not be updated.'],
  ['PRINCIPAL_DESERIALIZATION_FAILURE', 97, false, 'The forwarded principal could not be deserialized.'],
  ['SNAPSHOT_NOT_FOUND', 98, false, 'The snapshot does not exist.'],
  ['POSITION_OUT_OF_RANGE', 99, false, 'The position is outside the snapshot.'],
  ['UNKNOWN_TOPIC_ID', 100, true, 'This broker does not host a topic with that id.'],
  ['DUPLICATE_BROKER_REGISTRATION', 101, false, 'The broker id is already registered.'],
  ['BROKER_ID_NOT_REGISTERED', 102, false, 'The broker id is not registered.'],
  ['INCONSISTENT_TOPIC_ID', 103, true, "The log's topic id differs from the request's."],
  ['INCONSISTENT_CLUSTER_ID', 104, false, "The cluster id differs from the server's."],
  ['TRANSACTIONAL_ID_NOT_FOUND', 105, false, 'The transactional id does not exist.'],
  ['FETCH_SESSION_TOPIC_ID_ERROR', 106, true, 'The fetch session mixes topic ids inconsistently.'],
  ['INELIGIBLE_REPLICA', 107, false, 'The new ISR contains an ineligible replica.'],
  ['NEW_LEADER_ELECTED', 108, false, 'The partition state was updated but the leader changed.'],
  ['OFFSET_MOVED_TO_TIERED_STORAGE', 109, false, 'The offset now lives in tiered storage.'],
  ['FENCED_MEMBER_EPOCH', 110, false, 'The member epoch is fenced; the member must rejoin.'],
  ['UNRELEASED_INSTANCE_ID', 111, false, 'Another member still holds this instance id.'],
  ['UNSUPPORTED_ASSIGNOR', 112, false, 'The group does not support this assignor.'],
  ['STALE_MEMBER_EPOCH', 113, false, 'The member epoch is stale.'],
  ['MISMATCHED_ENDPOINT_TYPE', 114, false, 'The request went to the wrong kind of endpoint.'],
  ['UNSUPPORTED_ENDPOINT_TYPE', 115, false, 'This endpoint type is not supported.'],
  ['UNKNOWN_CONTROLLER_ID', 116, false, 'The controller id is unknown.'],
  ['UNKNOWN_SUBSCRIPTION_ID', 117, false, 'The telemetry subscription id is unknown or outdated.'],
  ['TELEMETRY_TOO_LARGE', 118, false, 'The telemetry payload is too large.'],
  ['INVALID_REGISTRATION', 119, false, 'The controller considers the broker registration invalid.'],
  ['TRANSACTION_ABORTABLE', 120, false, 'The transaction failed but can be aborted and retried.'],
  ['INVALID_RECORD_STATE', 121, false, 'The record state does not allow this acknowledgement.'],
  ['SHARE_SESSION_NOT_FOUND', 122, true, 'The share session does not exist.'],
  ['INVALID_SHARE_SESSION_EPOCH', 123, true, 'The share session epoch is wrong.'],
  ['FENCED_STATE_EPOCH', 124, false, 'The share-group state epoch does not match.'],
  ['INVALID_VOTER_KEY', 125, false, 'The voter key does not match the receiving replica.'],
  ['DUPLICATE_VOTER', 126, false, 'The voter is already in the voter set.'],
  ['VOTER_NOT_FOUND', 127, false, 'The voter is not in the voter set.'],
  ['INVALID_REGULAR_EXPRESSION', 128, false, 'The regular expression is invalid.'],
  ['REBOOTSTRAP_REQUIRED', 129, false, 'Client metadata is stale; the client should rebootstrap.'],
  ['STREAMS_INVALID_TOPOLOGY', 130, false, 'The streams topology is invalid.'],
  ['STREAMS_INVALID_TOPOLOGY_EPOCH', 131, false, 'The streams topology epoch is invalid.'],
  ['STREAMS_TOPOLOGY_FENCED', 132, false, 'The streams topology epoch is outdated.'],
  ['SHARE_SESSION_LIMIT_REACHED', 133, true, 'The share session limit has been reached.'],
] as const satisfies readonly (readonly [string, number, boolean, string])[];

export type KafkaErrorName = (typeof TABLE)[number][0];

/** Every known error, in code order. */
export const kafkaErrors: readonly KafkaErrorInfo[] = TABLE.map(([name, code, retriable, message]) => ({
  name,
  code,
  retriable,
  message,
}));

/** Error codes by name, e.g. `ErrorCode.UNSUPPORTED_VERSION === 35`. */
export const ErrorCode = Object.fromEntries(TABLE.map(([name, code]) => [name, code])) as {
  readonly [K in KafkaErrorName]: Extract<(typeof TABLE)[number], readonly [K, number, boolean, string]>[1];
};

const byCode = new Map<number, KafkaErrorInfo>(kafkaErrors.map((e) => [e.code, e]));

/** The table entry for a code; unknown codes map to UNKNOWN_SERVER_ERROR, as Kafka's clients do. */
export function errorForCode(code: number): KafkaErrorInfo {
  return byCode.get(code) ?? byCode.get(-1)!;
}
