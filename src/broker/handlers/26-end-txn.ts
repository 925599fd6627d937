// EndTxn: v0-4
//
// Behavior:
// * Commit or abort: a COMMIT/ABORT control batch is appended to every
//   partition in the transaction (at the producer's epoch), then the groups
//   added with AddOffsetsToTxn make their staged offsets visible (commit) or
//   drop them (abort). The answer comes once all of that is done.
// * A retried EndTxn with the same outcome after completion succeeds; the
//   other outcome, or EndTxn with no transaction open, is INVALID_TXN_STATE.
//   CONCURRENT_TRANSACTIONS while the same outcome is still completing.
// * INVALID_PRODUCER_ID_MAPPING for an unknown transactional id or another
//   producer id; PRODUCER_FENCED for any epoch but the current one (also after
//   the coordinator aborted the transaction on its timeout).
//
// Version notes:
// * v0-1 get INVALID_PRODUCER_EPOCH where v2+ get PRODUCER_FENCED (KIP-588).
// * v4 (TRANSACTION_ABORTABLE) is served like v3. v5 (KIP-890 part 2, an epoch
//   bump per transaction) is not offered, so clients keep AddPartitionsToTxn.
// * Kafka answers once PrepareCommit/PrepareAbort is logged and writes the
//   markers afterwards; here the markers are written before the answer.
import { registerApi } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/generated/index';
import { txnErrorCode } from './txn-errors';

registerApi(ApiKey.EndTxn, { min: 0, max: 4 }, async (req, ctx) => {
  try {
    await ctx.cluster.txns.endTxn(
      req.transactionalId,
      Number(req.producerId),
      req.producerEpoch,
      req.committed,
    );
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: -1n, producerEpoch: -1 };
  } catch (err) {
    return { throttleTimeMs: 0, errorCode: txnErrorCode(err, ctx, 2), producerId: -1n, producerEpoch: -1 };
  }
});
