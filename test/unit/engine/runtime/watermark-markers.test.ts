// Watermarks through a repartition: markers written by upstream tasks, and the downstream
// task's watermark as the minimum over (partition, upstream task) channels. Values by hand.
import { describe, expect, it } from 'vitest';
import {
  MarkerSchedule,
  channelId,
  encodeMarker,
  markerOf,
  upstreamTasks,
  repartitionOutputs,
} from '../../../../src/engine/runtime/watermark-markers';
import type { ConsumedRecord } from '../../../../src/kafka/client';
import type { PhysicalPlan } from '../../../../src/engine/planner/plan';
import { WatermarkTracker } from '../../../../src/engine/time/watermark';

const consumed = (headers: ConsumedRecord['headers'], value: Buffer | null = null): ConsumedRecord => ({
  topic: 'rp',
  partition: 0,
  offset: 0n,
  timestamp: 0n,
  key: null,
  value,
  headers,
});

describe('watermark markers', () => {
  it('round-trips a marker and tells data records apart', () => {
    const p = encodeMarker('rp', 2, '0_1', 12_345);
    expect(p).toEqual({
      topic: 'rp',
      partition: 2,
      key: null,
      value: null,
      headers: { 'kflow-watermark': '12345', 'kflow-task': '0_1' },
      timestamp: 12_345,
    });
    const headers = { 'kflow-watermark': Buffer.from('12345'), 'kflow-task': Buffer.from('0_1') };
    expect(markerOf(consumed(headers))).toEqual({ task: '0_1', watermark: 12_345 });
    // A record with a value is data, whatever its headers; a bad marker is not a marker.
    expect(markerOf(consumed(headers, Buffer.from('{}')))).toBeUndefined();
    expect(markerOf(consumed({ 'kflow-watermark': Buffer.from('x'), 'kflow-task': Buffer.from('a') }))).toBe(
      undefined,
    );
    expect(markerOf(consumed({}))).toBeUndefined();
    // Kafka has no negative timestamps: the header keeps the exact watermark.
    expect(encodeMarker('rp', 0, '0_0', -5).timestamp).toBe(0);
  });

  it('names the upstream tasks and the repartition outputs from the plan', () => {
    const plan = {
      subtopologies: [
        { id: 0, nodes: ['in', 'f'], sources: [], repartitionInputs: [], partitions: 3 },
        { id: 1, nodes: ['w', 'out'], sources: [], repartitionInputs: ['p-w-repartition'], partitions: 2 },
      ],
      repartitions: [{ topic: 'p-w-repartition', from: 'f', to: 'w', partitions: 2 }],
    } as unknown as PhysicalPlan;
    expect(upstreamTasks(plan, 'p-w-repartition')).toEqual(['0_0', '0_1', '0_2']);
    expect(repartitionOutputs(plan, 0)).toEqual([{ topic: 'p-w-repartition', partitions: 2 }]);
    expect(repartitionOutputs(plan, 1)).toEqual([]);
  });

  it('sends when the watermark advanced, or as a heartbeat with input only', () => {
    const s = new MarkerSchedule(1000);
    expect(s.due('0_0', -Infinity, true, 0)).toBeUndefined();
    expect(s.due('0_0', 10, false, 0)).toBe(10);
    expect(s.due('0_0', 10, true, 500)).toBeUndefined();
    expect(s.due('0_0', 11, false, 600)).toBe(11);
    // Standing still: no input → nothing (it idles out downstream); input → a heartbeat.
    expect(s.due('0_0', 11, false, 5000)).toBeUndefined();
    expect(s.due('0_0', 11, true, 5000)).toBe(11);
    expect(s.due('0_0', 11, true, 5500)).toBeUndefined();
  });
});

describe('the valve: a repartition partition fed by several upstream tasks', () => {
  const channel = { maxOutOfOrder: 0, idleTimeout: 10_000 };
  const valve = (now = 0) => {
    const t = new WatermarkTracker();
    for (const p of [0, 1])
      for (const up of ['0_0', '0_1']) t.addPartition(channelId('rp', p, up), channel, now);
    return t;
  };

  it('is the minimum over upstream tasks and partitions, −∞ until each has spoken', () => {
    const t = valve();
    t.observe(channelId('rp', 0, '0_0'), 5000, 0);
    t.observe(channelId('rp', 1, '0_0'), 5000, 0);
    t.observe(channelId('rp', 0, '0_1'), 1000, 0);
    expect(t.watermark(0)).toBe(-Infinity);
    t.observe(channelId('rp', 1, '0_1'), 1000, 0);
    expect(t.watermark(0)).toBe(1000);
    // Task 0_0 running far ahead does not move it; the slow task does.
    t.observe(channelId('rp', 0, '0_0'), 90_000, 0);
    t.observe(channelId('rp', 1, '0_0'), 90_000, 0);
    expect(t.watermark(0)).toBe(1000);
    t.observe(channelId('rp', 0, '0_1'), 3000, 0);
    t.observe(channelId('rp', 1, '0_1'), 2000, 0);
    expect(t.watermark(0)).toBe(2000);
  });

  it('an upstream task silent for the idle timeout stops holding it back; it never goes backwards', () => {
    const t = valve();
    for (const p of [0, 1]) t.observe(channelId('rp', p, '0_0'), 7000, 0);
    for (const p of [0, 1]) t.observe(channelId('rp', p, '0_1'), 1000, 0);
    expect(t.watermark(5000)).toBe(1000);
    // 0_0 keeps sending; 0_1 is silent past 10 s.
    for (const p of [0, 1]) t.observe(channelId('rp', p, '0_0'), 8000, 9000);
    expect(t.watermark(10_000)).toBe(8000);
    // 0_1 speaks again with an older watermark: it holds again, but the watermark stays.
    for (const p of [0, 1]) t.observe(channelId('rp', p, '0_1'), 2000, 11_000);
    expect(t.watermark(11_000)).toBe(8000);
    // Stale markers (an upstream task restarted from its committed position) do not lower a channel.
    for (const p of [0, 1]) t.observe(channelId('rp', p, '0_0'), 3000, 11_000);
    for (const p of [0, 1]) t.observe(channelId('rp', p, '0_1'), 9000, 11_000);
    expect(t.watermark(11_000)).toBe(8000);
    for (const p of [0, 1]) t.observe(channelId('rp', p, '0_0'), 9500, 11_000);
    expect(t.watermark(11_000)).toBe(9000);
  });
});
