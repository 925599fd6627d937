/**
 * @module spec/watermark-marker
 * The watermark markers kflow's engine writes to its repartition topics (see
 * engine/runtime/watermark-markers.ts): records without a value whose headers carry the upstream
 * task's watermark. The topic tools show them as markers, not as null records, so the names live
 * in the common layer.
 */

/** The watermark (epoch ms, decimal) a marker carries. */
export const WATERMARK_HEADER = 'kflow-watermark';
/** The upstream task that wrote the marker. */
export const TASK_HEADER = 'kflow-task';

/** Whether a record (consumed, displayed or a view of it) is a watermark marker: no value, the header. */
export function isWatermarkMarker(r: {
  value: unknown;
  headers: Readonly<Record<string, unknown>>;
}): boolean {
  return r.value === null && r.headers[WATERMARK_HEADER] !== undefined;
}
