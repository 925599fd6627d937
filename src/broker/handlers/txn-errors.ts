/**
 * Maps what the transaction coordinator throws onto the error code of a
 * transactional API's response, in one place for InitProducerId,
 * AddPartitionsToTxn, AddOffsetsToTxn, EndTxn and TxnOffsetCommit.
 */
import type { RequestContext } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { TxnError } from '../txn/coordinator';

/**
 * The error code for `err`. PRODUCER_FENCED (KIP-588) is only known to clients from
 * `fencedSince` on; older versions get INVALID_PRODUCER_EPOCH, as Kafka answers them.
 * Anything but a TxnError is a broker bug: logged, answered UNKNOWN_SERVER_ERROR.
 */
export function txnErrorCode(err: unknown, ctx: RequestContext, fencedSince: number): number {
  if (err instanceof TxnError) {
    ctx.cluster.logger.debug(
      { conn: ctx.connection.id, code: err.code, err: err.message },
      'transactional request refused',
    );
    return err.code === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < fencedSince
      ? ErrorCode.INVALID_PRODUCER_EPOCH
      : err.code;
  }
  ctx.cluster.logger.error(
    { conn: ctx.connection.id, err: (err as Error).message },
    'transactional request failed',
  );
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}
