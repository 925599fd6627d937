// InitProducerId: v0-5
//
// Behavior:
// * Without a transactional id (idempotent producer): a fresh producer id,
//   epoch 0, every time. Ids come from blocks of 1000 whose end is persisted,
//   so an id is never handed out twice, even across restarts.
// * With a transactional id: the id's producer id with the epoch bumped, which
//   fences every older producer of that id (PRODUCER_FENCED / INVALID_PRODUCER_EPOCH
//   on their next request). An Ongoing transaction of the old producer is
//   aborted first (ABORT markers at the bumped epoch). When the epoch is
//   exhausted (32766) a new producer id is taken, epoch 0.
// * transaction.timeout.ms must be 1..900000 (transaction.max.timeout.ms),
//   otherwise INVALID_TRANSACTION_TIMEOUT; an empty transactional id is INVALID_REQUEST.
// * CONCURRENT_TRANSACTIONS while the id's previous transaction is completing.
//
// Version notes:
// * v3+: a producer id/epoch in the request asks for a bump of that epoch
//   (KIP-360); a retry of the last bump gets the same epoch back, any other
//   epoch is PRODUCER_FENCED.
// * v0-3 get INVALID_PRODUCER_EPOCH where v4+ get PRODUCER_FENCED (KIP-588).
// * v5 (KIP-890 TRANSACTION_ABORTABLE) is served like v4: this broker never
//   answers TRANSACTION_ABORTABLE.
// * Kafka answers an InitProducerId that aborts an Ongoing transaction with
//   CONCURRENT_TRANSACTIONS and lets the client retry; here the abort completes
//   first and the new epoch is returned at once (epoch +2, as after Kafka's retry).
// * Any broker identity answers (no NOT_COORDINATOR): the coordinator is shared.
import { registerApi } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/generated/index';
import { txnErrorCode } from './txn-errors';

registerApi(ApiKey.InitProducerId, { min: 0, max: 5 }, async (req, ctx) => {
  try {
    const r = await ctx.cluster.txns.initProducerId({
      transactionalId: req.transactionalId,
      transactionTimeoutMs: req.transactionTimeoutMs,
      producerId: Number(req.producerId),
      producerEpoch: req.producerEpoch,
    });
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      producerId: BigInt(r.producerId),
      producerEpoch: r.producerEpoch,
    };
  } catch (err) {
    return { throttleTimeMs: 0, errorCode: txnErrorCode(err, ctx, 4), producerId: -1n, producerEpoch: -1 };
  }
});
