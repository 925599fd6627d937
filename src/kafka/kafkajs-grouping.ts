/**
 * @module kafka/kafkajs-grouping
 * kafkajs 2.2.4 splits a send's messages by partition with `reduce` and an array spread per
 * message, so one request costs O(n²) in the records per partition: 3,500 records take ~25 ms,
 * 14,000 over 600 ms (measured here), which made large sends slower than several small ones
 * (kafkajs pull request #1576, open since 2023). This installs a linear version with the same
 * result in Node's module cache before kafkajs loads it, so every kafkajs producer of this
 * process uses it.
 *
 * Import this module before anything imports kafkajs. It cannot replace the function once
 * kafkajs is loaded (kafkajs keeps a reference): `linearGrouping` is then false and the producer
 * keeps each request small instead (KafkajsProducer).
 */
import Module, { createRequire } from 'node:module';

interface GroupArgs {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: (a: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;
}

/** kafkajs' groupMessagesPerPartition in one pass: partition → its messages, in input order. */
export function groupMessagesPerPartition({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: GroupArgs): Record<number, unknown[]> {
  const result: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const list = result[partition];
    if (list) list.push(message);
    else result[partition] = [message];
  }
  return result;
}

function install(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const target = require.resolve('kafkajs/src/producer/groupMessagesPerPartition');
    const user = require.resolve('kafkajs/src/producer/sendMessages');
    const cached = require.cache[target];
    if (cached) return cached.exports === groupMessagesPerPartition;
    if (require.cache[user]) return false;
    const m = new Module(target);
    m.filename = target;
    m.loaded = true;
    m.exports = groupMessagesPerPartition;
    require.cache[target] = m;
    return true;
  } catch {
    // A bundle without node_modules paths: kafkajs is whatever the bundler made of it.
    return false;
  }
}

/** Whether kafkajs producers in this process group messages in linear time. */
export const linearGrouping = install();
