/**
 * Maps what the partition log throws onto Kafka error codes, in one place for
 * Produce, Fetch and ListOffsets.
 */
import {
  InvalidProducerEpochError,
  OffsetOutOfRangeError,
  OutOfOrderSequenceError,
  RecordTooLargeError,
} from '../log/storage';
import { ErrorCode } from '../../protocol/errors';
import { CorruptRecordError, UnsupportedMessageFormatError } from '../../protocol/records/batch';
import { KafkaApiError, type Cluster, type PartitionState } from '../cluster';

export function errorCodeOf(err: unknown): { code: number; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof KafkaApiError) return { code: err.code, message };
  if (err instanceof CorruptRecordError) return { code: ErrorCode.CORRUPT_MESSAGE, message };
  if (err instanceof UnsupportedMessageFormatError)
    return { code: ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, message };
  if (err instanceof RecordTooLargeError) return { code: ErrorCode.MESSAGE_TOO_LARGE, message };
  if (err instanceof OutOfOrderSequenceError)
    return { code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, message };
  if (err instanceof InvalidProducerEpochError) return { code: ErrorCode.INVALID_PRODUCER_EPOCH, message };
  if (err instanceof OffsetOutOfRangeError) return { code: ErrorCode.OFFSET_OUT_OF_RANGE, message };
  return { code: ErrorCode.UNKNOWN_SERVER_ERROR, message };
}

/**
 * The partition when this broker identity leads it; otherwise the error a
 * client expects (it refreshes metadata on NOT_LEADER_OR_FOLLOWER and retries).
 */
export function leaderPartition(
  cluster: Cluster,
  topic: string,
  partition: number,
  brokerId: number,
  currentLeaderEpoch = -1,
): PartitionState | number {
  const p = cluster.partition(topic, partition);
  if (!p) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  if (p.leader !== brokerId) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
  // KIP-320: a client with a newer epoch than ours knows of a leader we do not; an older one is stale.
  if (currentLeaderEpoch >= 0 && currentLeaderEpoch > p.leaderEpoch) return ErrorCode.UNKNOWN_LEADER_EPOCH;
  if (currentLeaderEpoch >= 0 && currentLeaderEpoch < p.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH;
  return p;
}
