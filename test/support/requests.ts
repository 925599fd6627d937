/**
 * Request bodies and record helpers shared by the broker's wire-level tests, so
 * each test states only what differs from a plain request.
 */
import type { FetchRequest, ProduceRequest } from '../../src/protocol/generated/index';
import { decodeRecords, splitBatches } from '../../src/protocol/records/batch';

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** A Produce request for one partition (acks=all unless told otherwise). */
export function produceRequest(
  topic: string,
  partition: number,
  records: Buffer,
  opts: { acks?: number; transactionalId?: string | null } = {},
): ProduceRequest {
  return {
    transactionalId: opts.transactionalId ?? null,
    acks: opts.acks ?? -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  };
}

/** A full (sessionless) Fetch request for one partition; `opts` overrides request-level fields. */
export function fetchRequest(
  topic: string,
  partition: number,
  offset: number,
  opts: Partial<FetchRequest> & { partitionMaxBytes?: number; topicId?: string } = {},
): FetchRequest {
  const { partitionMaxBytes = 1 << 20, topicId = ZERO_UUID, ...request } = opts;
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: Math.max(1 << 20, partitionMaxBytes),
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        topicId,
        partitions: [
          {
            partition,
            currentLeaderEpoch: -1,
            fetchOffset: BigInt(offset),
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes,
            replicaDirectoryId: ZERO_UUID,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
    ...request,
  };
}

/** Values of the data records in fetched bytes (control batches carry none of interest). */
export function recordValues(records: Buffer | null | undefined): string[] {
  if (!records) return [];
  return splitBatches(records)
    .filter((b) => (b.attributes & 0x20) === 0)
    .flatMap((b) => decodeRecords(b).map((r) => r.value?.toString() ?? 'null'));
}
