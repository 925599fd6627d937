/**
 * @module engine/runtime/watermark-markers
 * Watermarks that travel with the data through repartition topics (as Flink propagates
 * watermarks through a shuffle).
 *
 * Every upstream task writing to a repartition topic tells each partition of it its own
 * watermark with a **marker**: a record without key and value whose headers are
 * `kflow-watermark` (ms) and `kflow-task` (the upstream task id), written after the records of
 * the same flush (so in the same transaction with exactly-once, and after them in the partition).
 * The downstream task keeps one input channel per (repartition partition, upstream task) in its
 * WatermarkTracker, fed by the markers only (maxOutOfOrder 0: a marker already is a watermark),
 * so its watermark is the minimum over upstream tasks and partitions — what Flink's
 * StatusWatermarkValve computes over input channels. A record's own timestamp no longer moves the
 * downstream watermark: an upstream task running ahead in event time cannot make another's
 * on-time records late. An upstream task that sent no marker for the idle timeout stops holding
 * the watermark back, as an idle partition does.
 *
 *   upstream 0_0 ──┐ marker wm=10:05 ─► rp/0 channel 0_0 ┐
 *   upstream 0_1 ──┘ marker wm=10:01 ─► rp/0 channel 0_1 ┴► min = 10:01 = task 1_0's watermark
 *
 * Markers are not records: never delivered to operators, counted or sampled.
 */
import type { ConsumedRecord, ProduceRecord } from '../../kafka/client';
import type { PhysicalPlan } from '../planner/plan';
import { TASK_HEADER, WATERMARK_HEADER } from '../../spec/watermark-marker';

// The header names live in the common layer: the topic tools recognise markers too.
export { TASK_HEADER, WATERMARK_HEADER };
/**
 * On a record crossing to a window as itself because the upstream task, where the record's own
 * watermark is known, found its window closed: the window sends it to `late` without judging it.
 */
export const LATE_UPSTREAM_HEADER = 'kflow-late';

export interface WatermarkMarker {
  task: string;
  watermark: number;
}

/** The tracker's id of one input channel: repartition partition × upstream task. */
export function channelId(topic: string, partition: number, upstreamTask: string): string {
  return `rp:${topic}/${partition}@${upstreamTask}`;
}

function headerString(v: ConsumedRecord['headers'][string]): string | undefined {
  const b = Array.isArray(v) ? v[v.length - 1] : v;
  return b === undefined ? undefined : b.toString('utf8');
}

/** The marker a consumed repartition record is, or undefined for a data record. */
export function markerOf(r: ConsumedRecord): WatermarkMarker | undefined {
  if (r.value !== null) return undefined;
  const wm = r.headers[WATERMARK_HEADER];
  if (wm === undefined) return undefined;
  const task = headerString(r.headers[TASK_HEADER]);
  const watermark = Number(headerString(wm));
  if (task === undefined || !Number.isFinite(watermark)) return undefined;
  return { task, watermark };
}

export function encodeMarker(
  topic: string,
  partition: number,
  task: string,
  watermark: number,
): ProduceRecord {
  return {
    topic,
    partition,
    key: null,
    value: null,
    headers: { [WATERMARK_HEADER]: String(watermark), [TASK_HEADER]: task },
    // Kafka has no negative timestamps; the header carries the exact value.
    timestamp: Math.max(0, watermark),
  };
}

/** The tasks writing to a repartition topic: every task of each sub-topology with an edge into it. */
export function upstreamTasks(plan: PhysicalPlan, topic: string): string[] {
  const from = new Set(plan.repartitions.filter((r) => r.topic === topic).map((r) => r.from));
  const out: string[] = [];
  for (const s of plan.subtopologies)
    if (s.nodes.some((n) => from.has(n))) for (let p = 0; p < s.partitions; p++) out.push(`${s.id}_${p}`);
  return out;
}

/** The repartition topics (with their partition counts) a sub-topology writes to. */
export function repartitionOutputs(
  plan: PhysicalPlan,
  subtopology: number,
): Array<{ topic: string; partitions: number }> {
  const sub = plan.subtopologies.find((s) => s.id === subtopology);
  if (!sub) return [];
  const seen = new Map<string, number>();
  for (const r of plan.repartitions) if (sub.nodes.includes(r.from)) seen.set(r.topic, r.partitions);
  return [...seen].map(([topic, partitions]) => ({ topic, partitions }));
}

/**
 * When an upstream task sends markers: when its watermark advanced since the last ones, and — so
 * a task whose watermark stands still while its records keep coming is not taken for idle
 * downstream — when it had input and its last markers are `heartbeatMs` old. A task without input
 * sends none once its watermark stops, so it does idle out downstream.
 */
export class MarkerSchedule {
  private readonly last = new Map<string, { wm: number; at: number }>();

  constructor(private readonly heartbeatMs: number) {}

  /** The watermark to send for `task` now, or undefined. */
  due(task: string, watermark: number, hadInput: boolean, now: number): number | undefined {
    if (!Number.isFinite(watermark)) return undefined;
    const prev = this.last.get(task);
    const send = prev === undefined || watermark > prev.wm || (hadInput && now - prev.at >= this.heartbeatMs);
    if (!send) return undefined;
    this.last.set(task, { wm: watermark, at: now });
    return watermark;
  }
}
