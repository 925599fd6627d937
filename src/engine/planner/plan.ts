/**
 * @module engine/planner/plan
 * Spec → physical plan, as Kafka Streams' InternalTopologyBuilder does it, without I/O:
 * the caller passes the partition counts of the topics that exist.
 *
 * 1. Repartition edges. An edge into a keyed node (window, aggregate, dedupe, join) carries
 *    records through a topic `<pipeline>-<node>-repartition` when the records of one key may
 *    sit in different partitions there:
 *      - the key changed upstream since the last repartition (a rekey), or
 *      - the node groups by its own expression (groupBy, a join side's key, dedupe's id; not
 *        `_key`, the record key itself), or
 *      - the side's source topics have other partition counts than the node's other inputs
 *        (co-partitioning, joins and merges into a keyed node),
 *    and not when the node's one input comes from one source with one partition: one task then
 *    sees every key, so there is nothing to shuffle (noted). Into a tumbling window the records cross as partial
 *    aggregates when that is exact (./combine), else one by one (the reason is in the plan).
 * 2. Sub-topologies: nodes connected by edges that are not repartition edges. Each reads its
 *    source topics and the repartition topics written into it.
 * 3. Tasks: one per partition of a sub-topology (its partition count is the largest of its
 *    input topics); task `S_P` reads partition P of every input topic of sub-topology S.
 * 4. Internal topics: changelogs (compacted, one partition per task), late topics for late
 *    ports without an edge, the dead-letter topic, and the consumer group `kflow-<pipeline>`.
 */
import { checkGraph, type ResolvedEdge } from '../../spec/graph';
import type { PipelineSpec, Problem, SpecNode } from '../../spec/types';
import { getNodeKind, outputPorts } from '../../nodes/index';
import { crossingMode, type CrossingMode } from './combine';

export type TopicRole = 'source' | 'sink' | 'repartition' | 'changelog' | 'late' | 'dlq';

export interface PlannedTopic {
  name: string;
  role: TopicRole;
  partitions: number;
  config: Record<string, string>;
  replicationFactor?: number;
  /** true when the topic does not exist yet and the run creates it. */
  create: boolean;
  /** The node it belongs to (sources, sinks, changelogs, late topics, repartitions). */
  nodeId?: string;
}

/** How the records of one edge reach a keyed node through a topic. */
export interface Repartition {
  topic: string;
  /** The edge (`from.port → to.port`) it replaces. */
  from: string;
  fromPort: string;
  to: string;
  toPort: string;
  /** Expression whose value picks the partition; undefined: the record key. */
  keyExpr?: string;
  partitions: number;
  reason: string;
  /**
   * `partial`: each upstream task sends one partial aggregate per (group, window) per flush
   * instead of its records (a map-side combine); `per-record` otherwise, with `why`.
   */
  crossing: CrossingMode;
}

export interface SourceBinding {
  nodeId: string;
  topic: string;
  /** Records of an external source (datagen without topic, file) enter task 0 in-process. */
  external: boolean;
}

export interface Subtopology {
  id: number;
  nodes: string[];
  /** Topic sources and in-process sources of this sub-topology. */
  sources: SourceBinding[];
  /** Repartition topics this sub-topology reads. */
  repartitionInputs: string[];
  partitions: number;
}

export interface TaskPlan {
  /** `S_P`, as Kafka Streams names tasks. */
  id: string;
  subtopology: number;
  partition: number;
  /** Topic partitions this task reads. */
  inputs: { topic: string; partition: number }[];
}

export interface PhysicalPlan {
  pipeline: string;
  groupId: string;
  dlqTopic: string;
  subtopologies: Subtopology[];
  tasks: TaskPlan[];
  repartitions: Repartition[];
  topics: PlannedTopic[];
  /** node id → its changelog topic (stateful nodes only). */
  changelogs: Record<string, string>;
  /** node id → its late topic (late ports without an edge). */
  lateTopics: Record<string, string>;
  /** Things the plan decided that a reader should know (co-partitioning, created sources). */
  notes: string[];
}

export interface PlanInput {
  /** Partition counts of the topics that exist now (from admin metadata). */
  existingTopics: Record<string, number>;
}

export class PlanError extends Error {
  constructor(
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

const KEYED = new Set([
  'window.tumbling',
  'window.hopping',
  'window.session',
  'aggregate',
  'dedupe',
  'join.stream-stream',
  'join.stream-table',
]);

const STATEFUL = KEYED;

/** The topic a source node reads, or undefined for an in-process source. */
export function sourceTopic(node: SpecNode): string | undefined {
  const c = node.config;
  if (node.kind === 'source.topic') return c['topic'] as string;
  if (node.kind === 'source.datagen') return typeof c['topic'] === 'string' ? c['topic'] : undefined;
  if (node.kind === 'source.cdc.mysql') {
    const local = c['local'] as { topic?: string; file?: string } | undefined;
    if (local?.file !== undefined) return undefined;
    if (local?.topic !== undefined) return local.topic;
    return `${String(c['topicPrefix'])}.${String(c['table'])}`;
  }
  return undefined;
}

/** The expression a keyed node partitions an input port by, or undefined for the record key. */
export function partitionKeyExpr(node: SpecNode, port: string): string | undefined {
  const c = node.config;
  const s = (f: string) => (typeof c[f] === 'string' ? (c[f] as string) : undefined);
  switch (node.kind) {
    case 'window.tumbling':
    case 'window.hopping':
    case 'window.session':
    case 'aggregate': {
      const g = c['groupBy'];
      if (Array.isArray(g)) return g.length === 0 ? undefined : `[${(g as string[]).join(', ')}]`;
      return s('groupBy');
    }
    case 'dedupe':
      return s('id');
    case 'join.stream-stream':
      return port === 'left' ? s('leftKey') : port === 'right' ? s('rightKey') : undefined;
    case 'join.stream-table':
      return port === 'stream' ? s('streamKey') : undefined;
    default:
      return undefined;
  }
}

/** The group by of a node as the list the runtime evaluates (array groupBy stays an array). */
export function groupByList(node: SpecNode): string[] | undefined {
  const g = node.config['groupBy'];
  return Array.isArray(g) ? (g as string[]) : undefined;
}

export function planPipeline(spec: PipelineSpec, input: PlanInput): PhysicalPlan {
  const problems: Problem[] = [];
  const configs = new Map(spec.nodes.map((n) => [n.id, n.config]));
  const graph = checkGraph(spec, configs, problems);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new PlanError(`the pipeline graph is invalid: ${errors[0]?.message}`, errors);
  const p = spec.name;
  const nodes = new Map(spec.nodes.map((n) => [n.id, n]));
  const node = (id: string) => nodes.get(id) as SpecNode;
  const notes: string[] = [];
  const topics = new Map<string, PlannedTopic>();
  const addTopic = (t: PlannedTopic) => {
    const prev = topics.get(t.name);
    if (prev) {
      if (prev.role !== t.role && !(prev.role === 'sink' && t.role === 'source'))
        throw new PlanError(`topic "${t.name}" is used as ${prev.role} and as ${t.role}`);
      prev.partitions = Math.max(prev.partitions, t.partitions);
      return;
    }
    topics.set(t.name, t);
  };

  // Source partition counts: what exists, else the node's `partitions`, else 1.
  const sourceCount = new Map<string, number>();
  for (const n of spec.nodes) {
    if (!n.kind.startsWith('source.')) continue;
    const topic = sourceTopic(n);
    if (topic === undefined) {
      sourceCount.set(n.id, 1);
      continue;
    }
    const existing = input.existingTopics[topic];
    const declared = typeof n.config['partitions'] === 'number' ? n.config['partitions'] : undefined;
    const count = existing ?? declared ?? 1;
    sourceCount.set(n.id, count);
    if (existing === undefined)
      notes.push(`source topic "${topic}" does not exist; the run creates it with ${count} partition(s)`);
    addTopic({
      name: topic,
      role: 'source',
      partitions: count,
      config: {},
      create: existing === undefined,
      nodeId: n.id,
    });
  }

  const inEdges = new Map<string, ResolvedEdge[]>();
  for (const e of graph.edges) inEdges.set(e.to, [...(inEdges.get(e.to) ?? []), e]);

  // Walk upstream from an edge until a source or a repartition: does the key change on the way,
  // and which partition counts feed it? Memoised per node (after the repartition decisions of its
  // inputs, since graph.order visits inputs first).
  interface Upstream {
    rekeyed: boolean;
    counts: Set<number>;
    /** Sources reached without crossing a repartition. */
    sources: Set<string>;
  }
  const upstream = new Map<string, Upstream>();
  const repartitions: Repartition[] = [];
  const repartitioned = new Set<number>(); // edge indexes
  const upstreamOfEdge = (e: ResolvedEdge): Upstream => {
    if (repartitioned.has(e.index)) return { rekeyed: false, counts: new Set(), sources: new Set() };
    return upstream.get(e.from) ?? { rekeyed: false, counts: new Set(), sources: new Set() };
  };

  for (const id of graph.order) {
    const n = node(id);
    const edges = inEdges.get(id) ?? [];
    if (KEYED.has(n.kind)) {
      const sides = edges.map((e) => ({ e, up: upstreamOfEdge(e) }));
      const all = new Set<number>();
      for (const s of sides) for (const c of s.up.counts) all.add(c);
      const target = Math.max(1, ...all);
      for (const { e, up } of sides) {
        const keyExpr = partitionKeyExpr(n, e.toPort);
        const reasons: string[] = [];
        if (up.rekeyed) reasons.push('the key changes upstream');
        if (keyExpr !== undefined && keyExpr.trim() !== '_key')
          reasons.push(`${n.id} partitions by ${keyExpr}`);
        if (all.size > 1 && (up.counts.size > 1 || !up.counts.has(target)))
          reasons.push(
            `co-partitioning: this input has ${[...up.counts].join('/')} partition(s), the node's inputs up to ${target}`,
          );
        if (reasons.length === 0) continue;
        // One input partition of one source: its one task sees every key, and its watermark is
        // that partition's (with several sources, the merged repartition topic's stream time
        // would become the minimum over the sources: a change of results, so they keep it).
        if (target === 1 && sides.length === 1 && up.sources.size === 1) {
          notes.push(
            `${e.from}.${e.fromPort} → ${n.id}.${e.toPort} needs no repartition although ${reasons.join('; ')}: every input has one partition, so one task sees every key`,
          );
          continue;
        }
        const topic = `${p}-${n.id}-repartition`;
        repartitioned.add(e.index);
        repartitions.push({
          topic,
          from: e.from,
          fromPort: e.fromPort,
          to: e.to,
          toPort: e.toPort,
          ...(keyExpr !== undefined ? { keyExpr } : {}),
          partitions: target,
          reason: reasons.join('; '),
          crossing: crossingMode(n),
        });
        if (reasons.some((r) => r.startsWith('co-partitioning')))
          notes.push(
            `${n.id}.${e.toPort} reads through ${topic} (${target} partitions) to be co-partitioned`,
          );
      }
    }
    // This node's upstream summary for the nodes after it.
    const mine: Upstream = { rekeyed: false, counts: new Set(), sources: new Set() };
    if (n.kind.startsWith('source.')) {
      mine.counts.add(sourceCount.get(id) ?? 1);
      mine.sources.add(id);
      // In-process sources with a computed key hand out keys no partitioner chose.
      if (sourceTopic(n) === undefined && typeof n.config['key'] === 'string') mine.rekeyed = true;
    }
    for (const e of edges) {
      if (repartitioned.has(e.index)) {
        const r = repartitions.find((x) => x.to === e.to && x.toPort === e.toPort && x.from === e.from);
        if (r) mine.counts.add(r.partitions);
        continue;
      }
      const up = upstreamOfEdge(e);
      if (up.rekeyed) mine.rekeyed = true;
      for (const c of up.counts) mine.counts.add(c);
      for (const x of up.sources) mine.sources.add(x);
    }
    if (n.kind === 'rekey') mine.rekeyed = true;
    // A keyed node's output is keyed by what it grouped on, which its task owns: no longer "rekeyed".
    if (KEYED.has(n.kind)) mine.rekeyed = false;
    upstream.set(id, mine);
  }

  // Several edges into one node through a repartition share its topic: same name, one topic.
  for (const r of repartitions)
    addTopic({
      name: r.topic,
      role: 'repartition',
      partitions: r.partitions,
      config: { 'cleanup.policy': 'delete' },
      create: input.existingTopics[r.topic] === undefined,
      nodeId: r.to,
    });
  for (const r of repartitions) {
    const existing = input.existingTopics[r.topic];
    if (existing !== undefined && existing !== r.partitions)
      throw new PlanError(
        `repartition topic "${r.topic}" exists with ${existing} partitions, the plan needs ${r.partitions}; delete it (kflow topics) or reset the pipeline`,
      );
  }

  // Sub-topologies: union-find over edges that stay in-process.
  const parent = new Map<string, string>(spec.nodes.map((n) => [n.id, n.id]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(x, r);
    return r;
  };
  for (const e of graph.edges) if (!repartitioned.has(e.index)) parent.set(find(e.from), find(e.to));
  const groups = new Map<string, string[]>();
  for (const id of graph.order) {
    const root = find(id);
    groups.set(root, [...(groups.get(root) ?? []), id]);
  }
  const subtopologies: Subtopology[] = [];
  const subOf = new Map<string, number>();
  for (const ids of groups.values()) {
    const sid = subtopologies.length;
    const sources: SourceBinding[] = [];
    for (const id of ids) {
      subOf.set(id, sid);
      const n = node(id);
      if (!n.kind.startsWith('source.')) continue;
      const topic = sourceTopic(n);
      sources.push({ nodeId: id, topic: topic ?? `(in-process ${n.kind})`, external: topic === undefined });
    }
    const rIn = [...new Set(repartitions.filter((r) => ids.includes(r.to)).map((r) => r.topic))];
    const counts = [
      ...sources.filter((s) => !s.external).map((s) => sourceCount.get(s.nodeId) ?? 1),
      ...rIn.map((t) => topics.get(t)?.partitions ?? 1),
    ];
    subtopologies.push({
      id: sid,
      nodes: ids,
      sources,
      repartitionInputs: rIn,
      partitions: Math.max(1, ...counts),
    });
  }

  const tasks: TaskPlan[] = [];
  for (const s of subtopologies) {
    const inputTopics = [...s.sources.filter((x) => !x.external).map((x) => x.topic), ...s.repartitionInputs];
    for (let part = 0; part < s.partitions; part++) {
      tasks.push({
        id: `${s.id}_${part}`,
        subtopology: s.id,
        partition: part,
        inputs: inputTopics
          .filter((t) => (topics.get(t)?.partitions ?? 1) > part)
          .map((t) => ({ topic: t, partition: part })),
      });
    }
  }

  // Sinks, changelogs, late topics, DLQ.
  const changelogs: Record<string, string> = {};
  const lateTopics: Record<string, string> = {};
  const connected = new Set(graph.edges.map((e) => `${e.from}.${e.fromPort}`));
  for (const n of spec.nodes) {
    const sub = subtopologies[subOf.get(n.id) ?? 0] as Subtopology;
    if (n.kind === 'sink.topic') {
      const name = n.config['topic'] as string;
      const existing = input.existingTopics[name];
      const declared = typeof n.config['partitions'] === 'number' ? n.config['partitions'] : undefined;
      const rf =
        typeof n.config['replicationFactor'] === 'number' ? n.config['replicationFactor'] : undefined;
      addTopic({
        name,
        role: 'sink',
        partitions: existing ?? declared ?? sub.partitions,
        config: { ...((n.config['topicConfig'] as Record<string, string> | undefined) ?? {}) },
        ...(rf !== undefined ? { replicationFactor: rf } : {}),
        create: existing === undefined,
        nodeId: n.id,
      });
    }
    if (STATEFUL.has(n.kind)) {
      const name = `${p}-${n.id}-changelog`;
      changelogs[n.id] = name;
      addTopic({
        name,
        role: 'changelog',
        partitions: sub.partitions,
        config: { 'cleanup.policy': 'compact' },
        create: input.existingTopics[name] === undefined,
        nodeId: n.id,
      });
      const existing = input.existingTopics[name];
      if (existing !== undefined && existing !== sub.partitions)
        throw new PlanError(
          `changelog "${name}" has ${existing} partitions but ${n.id} runs ${sub.partitions} tasks; its state cannot be restored`,
        );
    }
    const def = getNodeKind(n.kind);
    const ports = def ? outputPorts(def, n.config).map((x) => x.name) : [];
    if (ports.includes('late') && !connected.has(`${n.id}.late`)) {
      const name = `${p}.${n.id}.late`;
      lateTopics[n.id] = name;
      addTopic({
        name,
        role: 'late',
        partitions: sub.partitions,
        config: {},
        create: input.existingTopics[name] === undefined,
        nodeId: n.id,
      });
    }
  }
  const dlqTopic = `${p}.dlq`;
  addTopic({
    name: dlqTopic,
    role: 'dlq',
    partitions: 1,
    config: {},
    create: input.existingTopics[dlqTopic] === undefined,
  });

  return {
    pipeline: p,
    groupId: `kflow-${p}`,
    dlqTopic,
    subtopologies,
    tasks,
    repartitions,
    topics: [...topics.values()],
    changelogs,
    lateTopics,
    notes,
  };
}
