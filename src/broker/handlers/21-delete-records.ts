// DeleteRecords: v0-2
//
// Behavior:
// * Moves each partition's log start offset (low watermark) up to `offset`;
//   -1 means the high watermark (delete everything). Whole segments below the
//   new start are removed by the log; the low watermark is returned.
// * An offset above the high watermark or below -1 → OFFSET_OUT_OF_RANGE; an
//   offset below the current low watermark changes nothing and returns it.
// * The request must reach each partition's leader (NOT_LEADER_OR_FOLLOWER
//   otherwise); unknown topics or partitions → UNKNOWN_TOPIC_OR_PARTITION.
//
// Version notes:
// * v2 is the flexible encoding of v1; no differences in behaviour.
// * The deletion is synchronous, so timeout_ms is never reached.
import { registerApi } from '../api';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey, type DeleteRecordsResponse } from '../../protocol/generated/index';

type PartitionResult = DeleteRecordsResponse['topics'][number]['partitions'][number];

registerApi(ApiKey.DeleteRecords, { min: 0, max: 2 }, (req, ctx) => {
  const cluster = ctx.cluster;
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map(({ partitionIndex, offset }): PartitionResult => {
      const result = (errorCode: number, lowWatermark = -1n): PartitionResult => ({
        partitionIndex,
        lowWatermark,
        errorCode,
      });
      const p = cluster.partition(t.name, partitionIndex);
      if (!p) return result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      if (p.leader !== ctx.connection.brokerId) return result(ErrorCode.NOT_LEADER_OR_FOLLOWER);
      const hw = p.log.highWatermark();
      const target = offset === -1n ? hw : Number(offset);
      if (offset < -1n || target > hw) return result(ErrorCode.OFFSET_OUT_OF_RANGE);
      const low = target <= p.log.earliest() ? p.log.earliest() : p.log.deleteRecordsBefore(target);
      cluster.logger.debug(
        { topic: t.name, partition: partitionIndex, lowWatermark: low },
        'records deleted',
      );
      return result(ErrorCode.NONE, BigInt(low));
    }),
  }));
  return { throttleTimeMs: 0, topics };
});
