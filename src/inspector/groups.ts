/**
 * @module inspector/groups
 * Consumer groups: list, describe, lag, offset resets with a dry run, delete. A reset is planned
 * first (resetPlan) and applied exactly as planned, so the dry run shows what the reset does.
 */
import type { GroupDescription, KafkaAdmin, KafkaClient } from '../kafka/client';

export interface GroupSummary {
  groupId: string;
  state: string;
  protocolType: string;
  members: number;
}

export async function listGroups(client: KafkaClient): Promise<GroupSummary[]> {
  const admin = await client.admin();
  const groups = (await admin.listGroups()).sort((a, b) => a.groupId.localeCompare(b.groupId));
  if (groups.length === 0) return [];
  const described = new Map(
    (await admin.describeGroups(groups.map((g) => g.groupId))).map((d) => [d.groupId, d]),
  );
  return groups.map((g) => {
    const d = described.get(g.groupId);
    return {
      groupId: g.groupId,
      state: d?.state ?? 'Unknown',
      protocolType: g.protocolType,
      members: d?.members.length ?? 0,
    };
  });
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Committed offset; null when the group has none for this partition. */
  committed: bigint | null;
  low: bigint;
  high: bigint;
  /** high - committed, or high - low without a commit. */
  lag: bigint;
  /** Member that owns the partition now, if any. */
  owner: string | null;
}

export interface GroupLag {
  groupId: string;
  state: string;
  partitions: PartitionLag[];
  total: bigint;
}

async function describeOne(admin: KafkaAdmin, groupId: string): Promise<GroupDescription> {
  const [d] = await admin.describeGroups([groupId]);
  return d ?? { groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
}

export async function describeGroup(
  client: KafkaClient,
  groupId: string,
): Promise<GroupDescription & { lag: GroupLag }> {
  const admin = await client.admin();
  const d = await describeOne(admin, groupId);
  return { ...d, lag: await lagOf(admin, d) };
}

export async function groupLag(client: KafkaClient, groupId: string): Promise<GroupLag> {
  const admin = await client.admin();
  return lagOf(admin, await describeOne(admin, groupId));
}

async function lagOf(admin: KafkaAdmin, d: GroupDescription): Promise<GroupLag> {
  const owners = new Map<string, string>();
  for (const m of d.members)
    for (const a of m.assignment)
      for (const p of a.partitions) owners.set(`${a.topic}\0${p}`, m.clientId || m.memberId);
  const committed = await admin.groupOffsets(d.groupId);
  const topics = new Set([
    ...committed.map((c) => c.topic),
    ...d.members.flatMap((m) => m.assignment.map((a) => a.topic)),
  ]);
  const byKey = new Map(committed.map((c) => [`${c.topic}\0${c.partition}`, c.offset]));
  const partitions: PartitionLag[] = [];
  for (const topic of [...topics].sort()) {
    const offsets = await admin.topicOffsets(topic);
    for (const { partition, low, high } of offsets) {
      const key = `${topic}\0${partition}`;
      const c = byKey.get(key);
      const has = c !== undefined && c >= 0n;
      // Only partitions the group consumed or owns: a topic's other partitions are not its concern.
      if (!has && !owners.has(key)) continue;
      const from = has ? c : low;
      partitions.push({
        topic,
        partition,
        committed: has ? c : null,
        low,
        high,
        lag: high > from ? high - from : 0n,
        owner: owners.get(key) ?? null,
      });
    }
  }
  return {
    groupId: d.groupId,
    state: d.state,
    partitions,
    total: partitions.reduce((n, p) => n + p.lag, 0n),
  };
}

export type ResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: bigint }
  /** The first offset at or after this time (epoch ms); the end when there is none. */
  | { kind: 'time'; ms: number }
  /** Committed offset plus `by` (negative moves back); the log start without a commit. */
  | { kind: 'shift'; by: bigint };

export interface ResetOptions {
  groupId: string;
  /** Topics to reset; the topics the group has committed offsets for by default. */
  topics?: string[];
  /** Partitions to reset (with a single topic); all by default. */
  partitions?: number[];
  to: ResetTarget;
}

export interface ResetStep {
  topic: string;
  partition: number;
  current: bigint | null;
  target: bigint;
  /** Lag after the reset. */
  lag: bigint;
}

/** The group is not Empty: offsets of a group with live members cannot be changed. */
export class GroupNotEmptyError extends Error {
  override name = 'GroupNotEmptyError';
  constructor(
    readonly groupId: string,
    readonly state: string,
    readonly members: number,
  ) {
    super(
      `group "${groupId}" is ${state} with ${members} member(s): stop its consumers first (offsets can only be reset for an Empty group)`,
    );
  }
}

/** Computes a reset without applying it (the dry run). Throws GroupNotEmptyError for an active group. */
export async function resetPlan(client: KafkaClient, opts: ResetOptions): Promise<ResetStep[]> {
  const admin = await client.admin();
  const d = await describeOne(admin, opts.groupId);
  // Dead means the broker has no such group: offsets can be set for it, as kafka-consumer-groups does.
  if (d.state !== 'Empty' && d.state !== 'Dead')
    throw new GroupNotEmptyError(opts.groupId, d.state, d.members.length);
  const committed = await admin.groupOffsets(opts.groupId);
  const topics = opts.topics ?? [...new Set(committed.map((c) => c.topic))].sort();
  if (topics.length === 0)
    throw new Error(`group "${opts.groupId}" has no committed offsets: name the topic(s) to reset`);
  if (opts.partitions && topics.length !== 1) throw new Error('choosing partitions needs exactly one topic');
  const byKey = new Map(committed.map((c) => [`${c.topic}\0${c.partition}`, c.offset]));
  const steps: ResetStep[] = [];
  for (const topic of topics) {
    const offsets = await admin.topicOffsets(topic);
    if (offsets.length === 0) throw new Error(`topic "${topic}" does not exist`);
    const missing = (opts.partitions ?? []).filter((p) => !offsets.some((o) => o.partition === p));
    if (missing.length > 0) throw new Error(`topic "${topic}" has no partition ${missing.join(', ')}`);
    const times =
      opts.to.kind === 'time'
        ? new Map((await admin.offsetsForTime(topic, opts.to.ms)).map((x) => [x.partition, x.offset]))
        : undefined;
    for (const { partition, low, high } of offsets) {
      if (opts.partitions && !opts.partitions.includes(partition)) continue;
      const c = byKey.get(`${topic}\0${partition}`);
      const current = c !== undefined && c >= 0n ? c : null;
      let target: bigint;
      switch (opts.to.kind) {
        case 'earliest':
          target = low;
          break;
        case 'latest':
          target = high;
          break;
        case 'offset':
          target = opts.to.offset;
          break;
        case 'time': {
          const o = times!.get(partition) ?? -1n;
          target = o < 0n ? high : o;
          break;
        }
        case 'shift':
          target = (current ?? low) + opts.to.by;
          break;
      }
      // Outside the log a consumer would hit auto.offset.reset; clamp as kafka-consumer-groups does.
      if (target < low) target = low;
      if (target > high) target = high;
      steps.push({ topic, partition, current, target, lag: high - target });
    }
  }
  return steps;
}

/** Applies a reset: the plan resetPlan returns, committed as is. Returns that plan. */
export async function resetOffsets(client: KafkaClient, opts: ResetOptions): Promise<ResetStep[]> {
  const steps = await resetPlan(client, opts);
  const admin = await client.admin();
  await admin.setGroupOffsets(
    opts.groupId,
    steps.map((s) => ({ topic: s.topic, partition: s.partition, offset: s.target })),
  );
  return steps;
}

export async function deleteGroup(client: KafkaClient, groupId: string): Promise<void> {
  const admin = await client.admin();
  const d = await describeOne(admin, groupId);
  if (d.state !== 'Empty' && d.state !== 'Dead')
    throw new GroupNotEmptyError(groupId, d.state, d.members.length);
  await admin.deleteGroups([groupId]);
}
