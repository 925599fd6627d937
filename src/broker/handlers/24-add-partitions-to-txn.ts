// AddPartitionsToTxn: v0-5
//
// Behavior:
// * Adds partitions to the producer's transaction, opening it (Ongoing, the
//   transaction timeout starts) when none is. Adding partitions already in an
//   Ongoing transaction is a no-op.
// * Errors for the whole request, reported on every partition:
//   INVALID_PRODUCER_ID_MAPPING (unknown transactional id or another producer
//   id), PRODUCER_FENCED (older epoch), CONCURRENT_TRANSACTIONS (the previous
//   transaction is still completing).
// * A partition that does not exist gets UNKNOWN_TOPIC_OR_PARTITION and the
//   others OPERATION_NOT_ATTEMPTED; nothing is added.
//
// Version notes:
// * v0-1 get INVALID_PRODUCER_EPOCH where v2+ get PRODUCER_FENCED (KIP-588).
// * v4+ (the batched form brokers send, KIP-890): each transaction is answered
//   on its own; verify_only checks partitions without adding them
//   (INVALID_TXN_STATE for a partition not in the transaction).
// * v5 (TRANSACTION_ABORTABLE) is served like v4: never answered with that code.
// * Any broker identity answers (no NOT_COORDINATOR): the coordinator is shared.
import { registerApi, type RequestContext } from '../api';
import { ErrorCode } from '../../protocol/errors';
import {
  ApiKey,
  type AddPartitionsToTxnRequest,
  type AddPartitionsToTxnResponse,
} from '../../protocol/generated/index';
import type { TxnTopicPartition } from '../txn/coordinator';
import { txnErrorCode } from './txn-errors';

type Topics = AddPartitionsToTxnRequest['v3AndBelowTopics'];
type TopicResults = AddPartitionsToTxnResponse['resultsByTopicV3AndBelow'];

registerApi(ApiKey.AddPartitionsToTxn, { min: 0, max: 5 }, (req, ctx) => {
  if (ctx.apiVersion <= 3) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      resultsByTransaction: [],
      resultsByTopicV3AndBelow: addOne(
        ctx,
        req.v3AndBelowTransactionalId,
        req.v3AndBelowProducerId,
        req.v3AndBelowProducerEpoch,
        req.v3AndBelowTopics,
        false,
      ),
    };
  }
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    resultsByTransaction: req.transactions.map((t) => ({
      transactionalId: t.transactionalId,
      topicResults: addOne(ctx, t.transactionalId, t.producerId, t.producerEpoch, t.topics, t.verifyOnly),
    })),
    resultsByTopicV3AndBelow: [],
  };
});

function addOne(
  ctx: RequestContext,
  transactionalId: string,
  producerId: bigint,
  producerEpoch: number,
  topics: Topics,
  verifyOnly: boolean,
): TopicResults {
  const { cluster } = ctx;
  const wanted: TxnTopicPartition[] = topics.flatMap((t) =>
    t.partitions.map((partition) => ({ topic: t.name, partition })),
  );
  const answer = (codeOf: (tp: TxnTopicPartition, i: number) => number): TopicResults => {
    let i = 0;
    return topics.map((t) => ({
      name: t.name,
      resultsByPartition: t.partitions.map((partition) => ({
        partitionIndex: partition,
        partitionErrorCode: codeOf({ topic: t.name, partition }, i++),
      })),
    }));
  };
  const missing = new Set(wanted.filter((tp) => !cluster.partition(tp.topic, tp.partition)));
  if (missing.size > 0) {
    return answer((tp) =>
      [...missing].some((m) => m.topic === tp.topic && m.partition === tp.partition)
        ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        : ErrorCode.OPERATION_NOT_ATTEMPTED,
    );
  }
  try {
    if (verifyOnly) {
      const codes = cluster.txns.verifyPartitions(transactionalId, Number(producerId), producerEpoch, wanted);
      return answer((_tp, i) => codes[i] ?? ErrorCode.UNKNOWN_SERVER_ERROR);
    }
    cluster.txns.addPartitions(transactionalId, Number(producerId), producerEpoch, wanted);
    return answer(() => ErrorCode.NONE);
  } catch (err) {
    const code = txnErrorCode(err, ctx, 2);
    return answer(() => code);
  }
}
