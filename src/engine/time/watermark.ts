/**
 * @module engine/time/watermark
 * Watermarks of one task, over all partitions of all its inputs.
 *
 * Each partition tracks its stream time (max event time seen, as Kafka Streams'
 * PartitionGroup). Its local watermark is stream time − maxOutOfOrder; the task
 * watermark is the minimum over partitions, so a slow partition holds windows open
 * instead of making its records late. A partition that received nothing for
 * `idleTimeout` of wall-clock time stops holding the watermark back (Flink's
 * withIdleness); it counts again as soon as it receives a record. The watermark
 * never goes backwards.
 *
 *   p0: t=10m ─────── t=12m        local wm 12m
 *   p1: t=4m  (then silent)        local wm 4m   → task wm 4m
 *   wall clock +30s (idleTimeout)  p1 idle       → task wm 12m
 *
 * The wall clock is passed in (`now`), so tests are deterministic.
 */

export interface PartitionTimeOptions {
  /** How far behind its newest event time a partition's records may arrive and still be on time. */
  maxOutOfOrder: number;
  /** Wall-clock ms without records after which the partition no longer holds the watermark back. */
  idleTimeout: number;
}

interface PartitionState extends PartitionTimeOptions {
  streamTime: number;
  lastActivity: number;
}

export class WatermarkTracker {
  private readonly partitions = new Map<string, PartitionState>();
  private current = -Infinity;

  /**
   * Declares a partition that exists before it has data: until it sees a record or
   * idles out, it holds the watermark at −∞, as an assigned but silent partition must.
   */
  addPartition(id: string, options: PartitionTimeOptions, now: number): void {
    if (this.partitions.has(id)) return;
    this.partitions.set(id, { ...options, streamTime: -Infinity, lastActivity: now });
  }

  /** Records the event time of one record read from a partition (declared or not). */
  observe(id: string, eventTime: number, now: number, options?: PartitionTimeOptions): void {
    let p = this.partitions.get(id);
    if (!p) {
      p = { maxOutOfOrder: 0, idleTimeout: Infinity, ...options, streamTime: -Infinity, lastActivity: now };
      this.partitions.set(id, p);
    }
    if (eventTime > p.streamTime) p.streamTime = eventTime;
    p.lastActivity = now;
  }

  /** Stream time (max event time seen) of one partition, −∞ before its first record. */
  streamTime(id: string): number {
    return this.partitions.get(id)?.streamTime ?? -Infinity;
  }

  /**
   * The task watermark at wall-clock `now`: min over active partitions of
   * streamTime − maxOutOfOrder. When every partition is idle none holds it back,
   * and it moves up to the largest local watermark.
   */
  watermark(now: number): number {
    let active = Infinity;
    let any = false;
    let idleMax = -Infinity;
    for (const p of this.partitions.values()) {
      const local = p.streamTime - p.maxOutOfOrder;
      if (now - p.lastActivity >= p.idleTimeout) {
        if (local > idleMax) idleMax = local;
      } else {
        any = true;
        if (local < active) active = local;
      }
    }
    const wm = any ? active : idleMax;
    if (wm > this.current) this.current = wm;
    return this.current;
  }

  /** The last computed watermark, without re-evaluating idleness. */
  get value(): number {
    return this.current;
  }
}
