/**
 * @module kafka/copartition
 * kflow's consumer-group assignor, shared by the kafkajs consumer (kafkajs-assigner) and the wire
 * consumer (wire/group), so members of both kinds can share a group: the same protocol name, the
 * same "consumer" protocol bytes (ConsumerProtocolSubscription / ConsumerProtocolAssignment v0,
 * as the Java client and kafkajs' AssignerProtocol write them) and the same assignment.
 *
 * Co-partitioned topics stay together: partition P of every topic of one group goes to the same
 * member, as Kafka Streams' assignor hands out whole tasks. A join's task reads partition P of
 * both its inputs; a round robin could give them to two instances, each then holding half of the
 * task's state. Topics in no group are units of their own per partition. Units are sorted and
 * dealt out over the members sorted by id, so every member computing it (the group leader does)
 * gets the same result.
 */

export const COPARTITION_ASSIGNER = 'KflowCopartitionAssigner';

export type TopicPartitions = Record<string, number[]>;

/** Unit key of each topic-partition: `<group index or topic>/<partition>`, in dealing order. */
export function assignUnits(
  topics: readonly string[],
  partitionsOf: (topic: string) => number[],
  groups: readonly (readonly string[])[],
): Map<string, { topic: string; partition: number }[]> {
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((t) => groupOf.set(t, i)));
  const units = new Map<string, { topic: string; partition: number }[]>();
  for (const topic of [...topics].sort()) {
    const g = groupOf.get(topic);
    for (const partition of partitionsOf(topic)) {
      const key = g === undefined ? `t:${topic}/${partition}` : `g:${g}/${partition}`;
      const list = units.get(key);
      if (list) list.push({ topic, partition });
      else units.set(key, [{ topic, partition }]);
    }
  }
  return new Map([...units].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** member id → topic → partitions: units dealt round robin over the sorted members. */
export function dealUnits(
  memberIds: readonly string[],
  units: Map<string, { topic: string; partition: number }[]>,
): Map<string, TopicPartitions> {
  const members = [...memberIds].sort();
  const out = new Map<string, TopicPartitions>(members.map((m) => [m, {}]));
  if (members.length === 0) return out;
  let i = 0;
  for (const tps of units.values()) {
    const a = out.get(members[i++ % members.length] as string) as TopicPartitions;
    for (const { topic, partition } of tps) (a[topic] ??= []).push(partition);
  }
  return out;
}

/**
 * The whole assignment as the group leader computes it: every member's subscribed topics (the
 * union is assigned, as kafkajs and the Java client do), partitions per topic, the groups.
 */
export function copartitionAssign(
  members: readonly { memberId: string; topics: readonly string[] }[],
  partitionsOf: (topic: string) => number[],
  groups: readonly (readonly string[])[],
): Map<string, TopicPartitions> {
  const topics = [...new Set(members.flatMap((m) => m.topics))];
  return dealUnits(
    members.map((m) => m.memberId),
    assignUnits(topics, partitionsOf, groups),
  );
}

// ---- the "consumer" protocol's bytes (version 0: no owned partitions, no rack) ----

/** ConsumerProtocolSubscription v0: int16 version, [string topic], bytes userData. */
export function encodeSubscription(topics: readonly string[]): Buffer {
  const names = topics.map((t) => Buffer.from(t, 'utf8'));
  const out = Buffer.alloc(2 + 4 + names.reduce((n, b) => n + 2 + b.length, 0) + 4);
  let pos = out.writeInt16BE(0, 0);
  pos = out.writeInt32BE(names.length, pos);
  for (const b of names) {
    pos = out.writeInt16BE(b.length, pos);
    pos += b.copy(out, pos);
  }
  out.writeInt32BE(0, pos);
  return out;
}

/** ConsumerProtocolAssignment v0: int16 version, [string topic, [int32 partition]], bytes userData. */
export function encodeAssignment(assignment: TopicPartitions): Buffer {
  const entries = Object.entries(assignment).map(([t, ps]) => [Buffer.from(t, 'utf8'), ps] as const);
  const size = entries.reduce((n, [b, ps]) => n + 2 + b.length + 4 + 4 * ps.length, 2 + 4 + 4);
  const out = Buffer.alloc(size);
  let pos = out.writeInt16BE(0, 0);
  pos = out.writeInt32BE(entries.length, pos);
  for (const [b, ps] of entries) {
    pos = out.writeInt16BE(b.length, pos);
    pos += b.copy(out, pos);
    pos = out.writeInt32BE(ps.length, pos);
    for (const p of ps) pos = out.writeInt32BE(p, pos);
  }
  out.writeInt32BE(0, pos);
  return out;
}

/** A member's metadata or assignment that does not decode. */
export class ConsumerProtocolError extends Error {
  override name = 'ConsumerProtocolError';
}

class Cursor {
  pos = 0;
  constructor(
    private readonly b: Buffer,
    private readonly what: string,
  ) {}
  need(n: number): void {
    if (this.pos + n > this.b.length)
      throw new ConsumerProtocolError(`${this.what}: ${this.b.length} bytes end at byte ${this.pos}`);
  }
  int16(): number {
    this.need(2);
    const v = this.b.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.b.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  string(): string {
    const len = this.int16();
    if (len < 0) throw new ConsumerProtocolError(`${this.what}: a null topic name at byte ${this.pos - 2}`);
    this.need(len);
    const s = this.b.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
  count(): number {
    const n = this.int32();
    if (n < 0 || n > this.b.length) throw new ConsumerProtocolError(`${this.what}: bad count ${n}`);
    return n;
  }
}

/** The topics of a member's subscription (any version: later ones only append fields). */
export function decodeSubscription(bytes: Buffer): string[] {
  const c = new Cursor(bytes, 'consumer subscription');
  c.int16();
  const n = c.count();
  const topics: string[] = [];
  for (let i = 0; i < n; i++) topics.push(c.string());
  return topics;
}

/** topic → partitions of an assignment (any version); empty for no bytes (a member given nothing). */
export function decodeAssignment(bytes: Buffer): TopicPartitions {
  const out: TopicPartitions = {};
  if (bytes.length === 0) return out;
  const c = new Cursor(bytes, 'consumer assignment');
  c.int16();
  const n = c.count();
  for (let i = 0; i < n; i++) {
    const topic = c.string();
    const k = c.count();
    const ps: number[] = [];
    for (let j = 0; j < k; j++) ps.push(c.int32());
    out[topic] = ps;
  }
  return out;
}
