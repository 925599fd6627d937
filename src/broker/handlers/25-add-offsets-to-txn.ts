// AddOffsetsToTxn: v0-4
//
// Behavior:
// * Adds a consumer group to the producer's transaction (opening it when none
//   is), so the offsets later sent with TxnOffsetCommit become visible when
//   the transaction commits and are dropped when it aborts.
// * INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED and CONCURRENT_TRANSACTIONS as
//   for AddPartitionsToTxn; an empty group id is INVALID_GROUP_ID.
//
// Version notes:
// * v0-1 get INVALID_PRODUCER_EPOCH where v2+ get PRODUCER_FENCED (KIP-588).
// * v4 (TRANSACTION_ABORTABLE) is served like v3: never answered with that code.
// * Kafka adds the group's __consumer_offsets partition to the transaction;
//   there is no such topic here, the group id itself is recorded.
import { registerApi } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/generated/index';
import { txnErrorCode } from './txn-errors';

registerApi(ApiKey.AddOffsetsToTxn, { min: 0, max: 4 }, (req, ctx) => {
  if (req.groupId === '') return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID };
  try {
    ctx.cluster.txns.addOffsets(req.transactionalId, Number(req.producerId), req.producerEpoch, req.groupId);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE };
  } catch (err) {
    return { throttleTimeMs: 0, errorCode: txnErrorCode(err, ctx, 2) };
  }
});
