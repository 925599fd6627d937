// Produce: v3-11
//
// Behavior:
// * Batches are validated (magic 2, CRC-32C, lengths) and appended as sent,
//   compressed or not; offsets are assigned by rewriting each batch's base
//   offset. One copy of the data exists, so acks=1 and acks=all both answer
//   once the batch is written to the log file (it then survives kill -9 of
//   the broker; fsync follows flush.messages / flush.ms).
// * acks=0 gets no response at all, as in Kafka.
// * Idempotent producers: the log's producer state drops duplicates (answered
//   with the original offsets) and rejects gaps (OUT_OF_ORDER_SEQUENCE_NUMBER).
// * Transactional batches are checked with the transaction coordinator first
//   (Kafka 3.6+ verification, KIP-890): a stale epoch is INVALID_PRODUCER_EPOCH,
//   a partition not added with AddPartitionsToTxn is INVALID_TXN_STATE.
// * A partition led by another broker identity gets NOT_LEADER_OR_FOLLOWER.
// * Topics are not auto-created here (clients create them through Metadata).
//
// Version notes:
// * v0-2 (message format v0/v1) are not served: every supported client uses v3+.
// * v8: record_errors is filled with the batch that failed, when one did.
// * v10+: current_leader is filled on NOT_LEADER_OR_FOLLOWER (KIP-951).
import { NO_RESPONSE, registerApi } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey, type ProduceResponse } from '../../protocol/generated/index';
import type { Cluster } from '../cluster';
import { BATCH_HEADER_BYTES, isTransactional, readBatchHeader } from '../../protocol/records/batch';
import { errorCodeOf, leaderPartition } from './partition-errors';

type PartitionResponse = ProduceResponse['responses'][number]['partitionResponses'][number];

registerApi(ApiKey.Produce, { min: 3, max: 11 }, (req, ctx) => {
  const { cluster } = ctx;
  const acks = req.acks;
  const responses: ProduceResponse['responses'] = [];
  for (const topic of req.topicData) {
    const partitionResponses: PartitionResponse[] = [];
    for (const pd of topic.partitionData) {
      partitionResponses.push(produceTo(topic.name, pd.index, pd.records));
    }
    responses.push({ name: topic.name, partitionResponses });
  }
  if (acks === 0) return NO_RESPONSE;
  return { responses, throttleTimeMs: 0, nodeEndpoints: [] };

  function produceTo(topic: string, partition: number, records: Buffer | null): PartitionResponse {
    const base: PartitionResponse = {
      index: partition,
      errorCode: ErrorCode.NONE,
      baseOffset: -1n,
      logAppendTimeMs: -1n,
      logStartOffset: -1n,
      recordErrors: [],
      errorMessage: null,
      currentLeader: { leaderId: -1, leaderEpoch: -1 },
    };
    if (acks !== 0 && acks !== 1 && acks !== -1) {
      return {
        ...base,
        errorCode: ErrorCode.INVALID_REQUIRED_ACKS,
        errorMessage: `acks must be 0, 1 or -1 (all), not ${acks}`,
      };
    }
    const p = leaderPartition(cluster, topic, partition, ctx.connection.brokerId);
    if (typeof p === 'number') {
      const current = cluster.partition(topic, partition);
      return {
        ...base,
        errorCode: p,
        currentLeader: current
          ? { leaderId: current.leader, leaderEpoch: current.leaderEpoch }
          : base.currentLeader,
      };
    }
    if (records === null || records.length === 0) {
      return {
        ...base,
        errorCode: ErrorCode.CORRUPT_MESSAGE,
        errorMessage: 'the request carries no record batch',
      };
    }
    const txnError = transactionCheck(cluster, topic, partition, records);
    if (txnError !== ErrorCode.NONE) return { ...base, errorCode: txnError };
    try {
      const result = p.log.append(records, { leaderEpoch: p.leaderEpoch });
      if (!result.duplicate) cluster.notifyAppend(topic, partition);
      return {
        ...base,
        baseOffset: BigInt(result.baseOffset),
        logAppendTimeMs: BigInt(result.logAppendTime),
        logStartOffset: BigInt(result.logStartOffset),
      };
    } catch (err) {
      const { code, message } = errorCodeOf(err);
      if (code === ErrorCode.UNKNOWN_SERVER_ERROR)
        cluster.logger.error({ topic, partition, err: message }, 'append failed');
      return {
        ...base,
        errorCode: code,
        errorMessage: message,
        recordErrors:
          code === ErrorCode.CORRUPT_MESSAGE ? [{ batchIndex: 0, batchIndexErrorMessage: message }] : [],
      };
    }
  }
});

/**
 * The transaction coordinator's verdict on a batch (KIP-890 verification): a transactional batch
 * must come from the current epoch, for a partition added to the ongoing transaction. A buffer
 * too short for a header is left to the log, which reports it as corrupt.
 */
function transactionCheck(cluster: Cluster, topic: string, partition: number, records: Buffer): number {
  if (records.length < BATCH_HEADER_BYTES) return ErrorCode.NONE;
  const h = readBatchHeader(records);
  return cluster.txns.checkProduce(
    h.producerId,
    h.producerEpoch,
    topic,
    partition,
    isTransactional(h.attributes),
  );
}
