/**
 * @module inspector/topics
 * Topic administration for the topic tools: list with sizes, describe with offsets, create, delete.
 */
import type { KafkaClient, TopicSpec } from '../kafka/client';

export interface TopicSummary {
  name: string;
  partitions: number;
  /** Sum over partitions of high watermark minus log start. */
  records: bigint;
}

export async function listTopics(
  client: KafkaClient,
  opts: { internal?: boolean } = {},
): Promise<TopicSummary[]> {
  const admin = await client.admin();
  const names = (await admin.listTopics()).filter((n) => opts.internal || !n.startsWith('__')).sort();
  const out: TopicSummary[] = [];
  for (const name of names) {
    const offsets = await admin.topicOffsets(name);
    out.push({
      name,
      partitions: offsets.length,
      records: offsets.reduce((n, p) => n + (p.high - p.low), 0n),
    });
  }
  return out;
}

export interface TopicDetails {
  name: string;
  partitions: {
    partition: number;
    leader: number;
    replicas: number[];
    isr: number[];
    low: bigint;
    high: bigint;
    records: bigint;
  }[];
  records: bigint;
}

export async function describeTopic(client: KafkaClient, name: string): Promise<TopicDetails> {
  const admin = await client.admin();
  if (!(await admin.listTopics()).includes(name)) throw new Error(`topic "${name}" does not exist`);
  const [d] = await admin.describeTopics([name]);
  const offsets = new Map((await admin.topicOffsets(name)).map((o) => [o.partition, o]));
  const partitions = (d?.partitions ?? [])
    .map((p) => {
      const o = offsets.get(p.partition);
      const low = o?.low ?? 0n;
      const high = o?.high ?? 0n;
      return { ...p, low, high, records: high - low };
    })
    .sort((a, b) => a.partition - b.partition);
  return { name, partitions, records: partitions.reduce((n, p) => n + p.records, 0n) };
}

export async function createTopic(client: KafkaClient, spec: TopicSpec): Promise<void> {
  const admin = await client.admin();
  await admin.createTopics([spec]);
}

export async function deleteTopics(client: KafkaClient, names: string[]): Promise<void> {
  const admin = await client.admin();
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((n) => !existing.has(n));
  if (missing.length > 0) throw new Error(`no such topic: ${missing.join(', ')}`);
  await admin.deleteTopics(names);
}
