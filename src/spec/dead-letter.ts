/**
 * @module spec/dead-letter
 * The headers kflow puts on a dead letter: written by the engine, read by redrive (inspector) and
 * by the app to recognise a dead-letter topic, so they live in the common layer.
 */

/** Headers of a dead letter. */
export const DLQ_HEADERS = {
  pipeline: 'kflow-pipeline',
  node: 'kflow-node',
  error: 'kflow-error',
  topic: 'kflow-source-topic',
  partition: 'kflow-source-partition',
  offset: 'kflow-source-offset',
} as const;

/** Every dead-letter header name: what redrive strips before a record goes back. */
export const DLQ_HEADER_NAMES: readonly string[] = Object.values(DLQ_HEADERS);
