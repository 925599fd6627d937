/**
 * @module inspector/topics
 * Topic administration for the topic tools: list with sizes, describe with offsets, create, delete,
 * configs (with defaults and sources), incremental config changes, more partitions.
 */
import type { KafkaClient, TopicConfigEntry, TopicSpec } from '../kafka/client';

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
    let offsets: Awaited<ReturnType<typeof admin.topicOffsets>>;
    try {
      offsets = await admin.topicOffsets(name);
    } catch (err) {
      // Deleted between the listing and this read (by this app's Delete, another tool, a
      // retention job): the list without it is right, not an error of the whole listing.
      if (!(await admin.listTopics()).includes(name)) continue;
      throw err;
    }
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

/**
 * Why `name` cannot be a Kafka topic, or null when it can: Kafka's rule (1-249 of
 * `[a-zA-Z0-9._-]`, not `.` or `..`).
 */
export function invalidTopicName(name: string): string | null {
  if (name.length === 0) return 'a topic name cannot be empty';
  if (name === '.' || name === '..') return `a topic cannot be named "${name}"`;
  if (name.length > 249) return `a topic name has at most 249 characters (this one has ${name.length})`;
  const bad = name.match(/[^a-zA-Z0-9._-]/);
  if (bad) return `"${bad[0]}" is not allowed in a topic name: use letters, digits, ".", "_" and "-"`;
  return null;
}

export async function topicConfigs(client: KafkaClient, topic: string): Promise<TopicConfigEntry[]> {
  return (await client.admin()).describeTopicConfigs(topic);
}

/** The alter was refused; `fields` says why per config name. */
export class ConfigChangeError extends Error {
  override name = 'ConfigChangeError';
  constructor(
    readonly topic: string,
    readonly fields: { name: string; message: string }[],
  ) {
    super(`topic "${topic}": ${fields.map((f) => `${f.name}: ${f.message}`).join('; ')}`);
  }
}

/**
 * Sets and removes overrides, leaving the others as they are (what IncrementalAlterConfigs does;
 * the client has only AlterConfigs, which replaces them all, so the current overrides are read
 * first). Each change is validated alone first, so a refusal names the config it is about.
 */
export async function alterTopicConfigs(
  client: KafkaClient,
  topic: string,
  change: { set?: Record<string, string>; remove?: string[] },
): Promise<TopicConfigEntry[]> {
  const admin = await client.admin();
  const current = await admin.describeTopicConfigs(topic);
  const known = new Set(current.map((c) => c.name));
  const overrides: Record<string, string> = {};
  for (const c of current)
    if (c.source === 'DYNAMIC_TOPIC_CONFIG' && c.value !== null) overrides[c.name] = c.value;
  const fields: { name: string; message: string }[] = [];
  for (const name of [...Object.keys(change.set ?? {}), ...(change.remove ?? [])])
    if (!known.has(name)) fields.push({ name, message: `"${name}" is not a topic config of this broker` });
  for (const [name, value] of Object.entries(change.set ?? {})) {
    if (!known.has(name)) continue;
    await admin
      .setTopicConfigs(topic, { ...overrides, [name]: value }, { validateOnly: true })
      .catch((err: unknown) => fields.push({ name, message: (err as Error)?.message ?? String(err) }));
  }
  if (fields.length > 0) throw new ConfigChangeError(topic, fields);
  const next = { ...overrides, ...change.set };
  for (const name of change.remove ?? []) delete next[name];
  await admin.setTopicConfigs(topic, next);
  return admin.describeTopicConfigs(topic);
}

/** Raises the partition count; Kafka cannot lower it, so a smaller or equal count is refused here. */
export async function addPartitions(client: KafkaClient, topic: string, count: number): Promise<void> {
  const admin = await client.admin();
  if (!(await admin.listTopics()).includes(topic)) throw new Error(`topic "${topic}" does not exist`);
  const now = (await admin.topicOffsets(topic)).length;
  if (count <= now)
    throw new Error(
      `topic "${topic}" has ${now} partitions: the new count must be more (Kafka only adds partitions)`,
    );
  await admin.createPartitions(topic, count);
}
