// Reading the JSONL fixtures of the example tests (test/fixtures/engine/).
import { readFileSync } from 'node:fs';
import type { KafkaClient } from '../../../../src/kafka/client';

export function fixture(name: string): string {
  return new URL(`../../../fixtures/engine/${name}`, import.meta.url).pathname;
}

export function jsonLines<T = unknown>(name: string): T[] {
  return readFileSync(fixture(name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** Produces `{ key, value }` lines as they are: objects as JSON, a null value as a tombstone. */
export async function produceLines(
  client: KafkaClient,
  topic: string,
  lines: Array<{ key?: unknown; value: unknown; timestamp?: number }>,
): Promise<void> {
  const producer = await client.producer({ idempotent: true });
  await producer.send(
    lines.map((l) => ({
      topic,
      key:
        l.key === undefined || l.key === null
          ? null
          : typeof l.key === 'string'
            ? l.key
            : JSON.stringify(l.key),
      value: l.value === null ? null : JSON.stringify(l.value),
      ...(l.timestamp !== undefined ? { timestamp: l.timestamp } : {}),
    })),
  );
  await producer.close();
}
