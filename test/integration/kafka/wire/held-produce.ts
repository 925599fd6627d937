// What the wire producer's retry tests (idempotent-produce, pipelined-produce) share: an embedded
// broker with a wire client that gives up on a request after 0.4 s, a broker hook that holds
// produces to a topic (so their answers come after that) and notes each one's arrival, and the
// partition's values read back.
import type { RunningBroker } from '../../../../src/broker/index';
import { ApiKey } from '../../../../src/protocol/generated/index';
import { readBatchHeader } from '../../../../src/protocol/records/batch';
import { WireClient } from '../../../../src/kafka/wire/index';
import { useBroker } from '../../../support/use-broker';

export const REQUEST_TIMEOUT_MS = 400;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The broker and a wire client (`client`) that gives up on a request after REQUEST_TIMEOUT_MS. */
export const useHeldProduceBroker = () =>
  useBroker((bootstrap) => new WireClient({ bootstrap: [bootstrap], requestTimeoutMs: REQUEST_TIMEOUT_MS }));

export interface ProduceArrival {
  /** The base sequence of the request's batch for partition 0. */
  baseSequence: number;
  /** Produce requests to the topic answered when this one arrived. */
  answeredBefore: number;
}

/**
 * Notes each produce to `topic` (partition 0) as it arrives and holds the n-th one for delays[n]
 * ms. `inOrder`: each one also waits for the earlier ones to be handled, as a Kafka broker handles
 * one connection's requests; otherwise a later one (a retry) can overtake a held one.
 */
export function holdProduces(
  broker: RunningBroker,
  topic: string,
  delays: readonly number[],
  opts: { inOrder?: boolean } = {},
): { arrivals: ProduceArrival[]; stop: () => void } {
  const arrivals: ProduceArrival[] = [];
  let answered = 0;
  let previous: Promise<void> = Promise.resolve();
  const stop = broker.onRequest(async (header, request) => {
    if (header.apiKey !== ApiKey.Produce) return;
    const req = request as { topicData: { name: string; partitionData: { records: Buffer | null }[] }[] };
    const t = req.topicData[0];
    if (t?.name !== topic) return;
    const records = t.partitionData[0]?.records;
    if (!records) return;
    const delay = delays[arrivals.length];
    arrivals.push({ baseSequence: readBatchHeader(records).baseSequence, answeredBefore: answered });
    if (opts.inOrder) {
      const mine = previous.then(() => sleep(delay ?? 0));
      previous = mine;
      await mine;
    } else if (delay !== undefined) await sleep(delay);
    answered++;
  });
  return { arrivals, stop };
}

/** Every value in partition 0 of `topic`, read with read_uncommitted from offset 0. */
export async function partitionValues(wire: WireClient, topic: string): Promise<string[]> {
  const out: string[] = [];
  const end = (await wire.listOffsets(topic, 'latest')).get(0) ?? 0n;
  if (end === 0n) return out;
  await wire.read({
    topic,
    ranges: [{ partition: 0, from: 0n, to: end }],
    isolation: 'read_uncommitted',
    onBatch: (b) => {
      for (const r of b.records) out.push(r.value?.toString() ?? '');
    },
  });
  return out;
}
