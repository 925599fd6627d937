/**
 * @module engine/runtime/restore
 * Reads partitions of changelog topics from their start to their current end, as Kafka Streams'
 * restore consumer does. The seam has group consumers only, so a throwaway group reads them
 * (auto-committing, which also moves past transaction markers the handler never sees) and is
 * deleted afterwards. A partition is done when a record at end − 1 was seen or the group's
 * committed position reached the end (the last entries were control records).
 */
import { randomUUID } from 'node:crypto';
import type { ConsumedRecord, KafkaClient } from '../../kafka/client';

export class RestoreError extends Error {
  constructor(
    message: string,
    readonly topics: string[],
  ) {
    super(message);
    this.name = 'RestoreError';
  }
}

export interface RestoreRequest {
  topic: string;
  partitions: number[];
}

/** Records of the requested partitions, in offset order, keyed `topic/partition`. */
export async function readToEnd(
  client: KafkaClient,
  groupPrefix: string,
  requests: RestoreRequest[],
  opts: { timeoutMs?: number; isolation?: 'read_committed' | 'read_uncommitted' } = {},
): Promise<Map<string, ConsumedRecord[]>> {
  const out = new Map<string, ConsumedRecord[]>();
  const admin = await client.admin();
  const pending = new Map<string, bigint>(); // topic/partition → end offset
  for (const r of requests) {
    const offsets = await admin.topicOffsets(r.topic);
    for (const p of r.partitions) {
      out.set(`${r.topic}/${p}`, []);
      const o = offsets.find((x) => x.partition === p);
      if (o && o.high > o.low) pending.set(`${r.topic}/${p}`, o.high);
    }
  }
  if (pending.size === 0) return out;
  const topics = [...new Set([...pending.keys()].map((k) => k.slice(0, k.lastIndexOf('/'))))];
  const groupId = `${groupPrefix}-restore-${randomUUID().slice(0, 8)}`;
  const consumer = await client.consumer({
    groupId,
    isolation: opts.isolation ?? 'read_committed',
    fromBeginning: true,
    autoCommit: true,
    maxWaitMs: 100,
  });
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const markDone = (k: string) => {
    pending.delete(k);
    if (pending.size === 0) finish();
  };
  try {
    await consumer.subscribe(topics);
    void consumer
      .run(async (batch) => {
        const k = `${batch.topic}/${batch.partition}`;
        const list = out.get(k);
        const end = pending.get(k);
        if (!list) return;
        for (const r of batch.records) if (end === undefined || r.offset < end) list.push(r);
        const last = batch.records[batch.records.length - 1];
        if (end !== undefined && last && last.offset + 1n >= end) markDone(k);
      })
      .catch(() => finish());
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    while (pending.size > 0) {
      const t = await Promise.race([finished.then(() => 'done'), sleep(250).then(() => 'poll')]);
      if (t === 'done' || pending.size === 0) break;
      // Markers at the end never reach the handler; the group's position tells they were passed.
      const committed = await admin.groupOffsets(groupId, topics).catch(() => []);
      for (const c of committed) {
        const k = `${c.topic}/${c.partition}`;
        const end = pending.get(k);
        if (end !== undefined && c.offset >= end) markDone(k);
      }
      if (Date.now() > deadline)
        throw new RestoreError(`restoring ${[...pending.keys()].join(', ')} did not finish in time`, topics);
    }
  } finally {
    await consumer.close().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
