// ListOffsets: v1-9
//
// Behavior:
// * timestamp -1: the latest offset (high watermark; the last stable offset
//   for READ_COMMITTED), -2: the log start offset, -3 (v7+): the offset and
//   time of the record with the largest timestamp (KIP-734); any other value:
//   the first offset whose timestamp is at or after it, or -1 when none is.
// * Partitions led by another broker identity get NOT_LEADER_OR_FOLLOWER.
//
// Version notes:
// * v0 (several old-style offsets per partition) is not served.
// * v8+ -4 (local log start, KIP-405) answers like -2: there is no tiered storage.
// * v9+ -5 (earliest tiered offset) answers -1: nothing is ever tiered.
import { registerApi } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey, type ListOffsetsResponse } from '../../protocol/generated/index';
import { errorCodeOf, leaderPartition } from './partition-errors';

type PartitionResponse = ListOffsetsResponse['topics'][number]['partitions'][number];

registerApi(ApiKey.ListOffsets, { min: 1, max: 9 }, (req, ctx) => {
  const readCommitted = req.isolationLevel === 1;
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((lp): PartitionResponse => {
        const out: PartitionResponse = {
          partitionIndex: lp.partitionIndex,
          errorCode: ErrorCode.NONE,
          oldStyleOffsets: [],
          timestamp: -1n,
          offset: -1n,
          leaderEpoch: -1,
        };
        const p = leaderPartition(
          ctx.cluster,
          t.name,
          lp.partitionIndex,
          ctx.connection.brokerId,
          lp.currentLeaderEpoch,
        );
        if (typeof p === 'number') return { ...out, errorCode: p };
        out.leaderEpoch = p.leaderEpoch;
        try {
          const ts = lp.timestamp;
          if (ts === -1n)
            out.offset = BigInt(readCommitted ? p.log.lastStableOffset() : p.log.highWatermark());
          else if (ts === -2n || ts === -4n) out.offset = BigInt(p.log.earliest());
          else if (ts === -3n) {
            const max = p.log.maxTimestampOffset();
            if (max) {
              out.offset = BigInt(max.offset);
              out.timestamp = BigInt(max.timestamp);
            }
          } else if (ts === -5n) {
            return out;
          } else if (ts < 0n) {
            return { ...out, errorCode: ErrorCode.INVALID_REQUEST };
          } else {
            const found = p.log.offsetForTimestamp(Number(ts));
            if (found) {
              out.offset = BigInt(found.offset);
              out.timestamp = BigInt(found.timestamp);
            }
          }
          return out;
        } catch (err) {
          return { ...out, errorCode: errorCodeOf(err).code };
        }
      }),
    })),
  };
});
