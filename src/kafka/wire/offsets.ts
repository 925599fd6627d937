/**
 * @module kafka/wire/offsets
 * ListOffsets: each partition's log start, end (high watermark, or last stable offset for
 * read_committed) or first offset at a time, one request per leader.
 */
import { ApiKey } from '../../protocol/generated/index';
import { KafkaResponseError, LEADER_MOVED } from './errors';
import type { WireCluster } from './metadata';

/** Which offset to look up. */
export type OffsetSpec = 'earliest' | 'latest' | { time: number };

const timestampOf = (s: OffsetSpec): bigint =>
  s === 'earliest' ? -2n : s === 'latest' ? -1n : BigInt(s.time);

/**
 * The offset of each partition (all of the topic's by default). For a time with no record at or
 * after it the answer is -1n, as Kafka's.
 */
export async function listOffsets(
  cluster: WireCluster,
  topic: string,
  spec: OffsetSpec,
  opts: { partitions?: number[]; isolation?: 'read_committed' | 'read_uncommitted' } = {},
): Promise<Map<number, bigint>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await listOnce(cluster, topic, spec, opts);
    } catch (err) {
      if (attempt < 3 && err instanceof KafkaResponseError && LEADER_MOVED.has(err.errorCode)) {
        cluster.forget(topic);
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
        continue;
      }
      throw err;
    }
  }
}

async function listOnce(
  cluster: WireCluster,
  topic: string,
  spec: OffsetSpec,
  opts: { partitions?: number[]; isolation?: 'read_committed' | 'read_uncommitted' },
): Promise<Map<number, bigint>> {
  const all = await cluster.partitions(topic);
  const chosen = opts.partitions ? all.filter((p) => opts.partitions!.includes(p.partition)) : all;
  const byLeader = new Map<number, number[]>();
  for (const p of chosen) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), p.partition]);
  const out = new Map<number, bigint>();
  const timestamp = timestampOf(spec);
  await Promise.all(
    [...byLeader].map(async ([leader, partitions]) => {
      const conn = await cluster.connection(leader);
      const res = await conn.request(ApiKey.ListOffsets, {
        replicaId: -1,
        isolationLevel: opts.isolation === 'read_committed' ? 1 : 0,
        topics: [
          {
            name: topic,
            partitions: partitions.map((p) => ({
              partitionIndex: p,
              currentLeaderEpoch: -1,
              timestamp,
              maxNumOffsets: 1,
            })),
          },
        ],
        timeoutMs: 30_000,
      });
      for (const t of res.topics)
        for (const p of t.partitions) {
          if (p.errorCode !== 0)
            throw new KafkaResponseError(conn.address, 'ListOffsets', p.errorCode, topic, p.partitionIndex);
          out.set(p.partitionIndex, p.offset);
        }
    }),
  );
  return out;
}
