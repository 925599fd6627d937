// TxnOffsetCommit: v0-4
//
// Behavior:
// * Stages consumer offsets inside a transaction: the producer id/epoch are
//   checked with the transaction coordinator, then the group coordinator keeps
//   the offsets aside until EndTxn makes them visible (commit) or drops them
//   (abort). OffsetFetch does not return them before the commit.
// * INVALID_PRODUCER_ID_MAPPING for a producer that does not own the
//   transactional id, INVALID_PRODUCER_EPOCH for a stale epoch (fenced),
//   INVALID_TXN_STATE when the group was not added with AddOffsetsToTxn.
//   A partition that does not exist gets UNKNOWN_TOPIC_OR_PARTITION.
//
// Version notes:
// * v3+: generation id / member id / group instance id (KIP-447) are passed to
//   the group coordinator, which checks them as for OffsetCommit.
// * v4 (TRANSACTION_ABORTABLE) is served like v3.
// * Stricter than Kafka 3.x: offsets for a group not added with
//   AddOffsetsToTxn are refused (Kafka would stage them under a transaction
//   that never completes them).
import { registerApi } from '../api';
import { KafkaApiError } from '../cluster';
import { ErrorCode } from '../../protocol/errors';
import type { OffsetToCommit } from '../groups/coordinator';
import { ApiKey, type TxnOffsetCommitResponse } from '../../protocol/generated/index';
import { txnErrorCode } from './txn-errors';

type Topics = TxnOffsetCommitResponse['topics'];

registerApi(ApiKey.TxnOffsetCommit, { min: 0, max: 4 }, (req, ctx) => {
  const { cluster } = ctx;
  const all = (code: number): Topics =>
    req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })),
    }));
  if (req.groupId === '') return { throttleTimeMs: 0, topics: all(ErrorCode.INVALID_GROUP_ID) };
  try {
    cluster.txns.checkTxnOffsetCommit(
      req.transactionalId,
      Number(req.producerId),
      req.producerEpoch,
      req.groupId,
    );
  } catch (err) {
    return { throttleTimeMs: 0, topics: all(txnErrorCode(err, ctx, Number.MAX_SAFE_INTEGER)) };
  }
  const memberError = cluster.groups.txnCommitError(
    req.groupId,
    req.generationId,
    req.memberId,
    req.groupInstanceId,
  );
  if (memberError !== ErrorCode.NONE) return { throttleTimeMs: 0, topics: all(memberError) };
  const offsets: OffsetToCommit[] = [];
  const topics: Topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      if (!cluster.partition(t.name, p.partitionIndex))
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      offsets.push({
        topic: t.name,
        partition: p.partitionIndex,
        offset: Number(p.committedOffset),
        leaderEpoch: p.committedLeaderEpoch,
        metadata: p.committedMetadata,
      });
      return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
    }),
  }));
  try {
    cluster.groups.stageTxnOffsets(req.groupId, Number(req.producerId), req.producerEpoch, offsets);
  } catch (err) {
    const code = err instanceof KafkaApiError ? err.code : txnErrorCode(err, ctx, Number.MAX_SAFE_INTEGER);
    for (const t of topics)
      for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = code;
  }
  return { throttleTimeMs: 0, topics };
});
