// Kill -9 the broker at random points of an acks=all produce loop, 20 times,
// restarting it on the same data directory each time. Every acknowledged batch
// must be there exactly once and in order; a batch that was in flight at the
// kill is either wholly there or wholly absent, never half-visible.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../../src/protocol/generated/index';
import { decodeRecords, encodeBatch, splitBatches } from '../../../src/protocol/records/batch';
import { startChildBroker } from '../../support/child-broker';
import { RawClient } from '../../support/raw-client';
import { fetchRequest, produceRequest, ZERO_UUID } from '../../support/requests';

const KILLS = 20;
const RECORDS_PER_BATCH = 20;

async function readAll(client: RawClient, topic: string): Promise<string[]> {
  const out: string[] = [];
  let offset = 0;
  for (;;) {
    const f = await client.request(
      ApiKey.Fetch,
      11,
      fetchRequest(topic, 0, offset, { partitionMaxBytes: 1 << 24 }),
    );
    const p = f.responses[0]?.partitions[0];
    expect(p?.errorCode).toBe(0);
    const records = splitBatches(p?.records ?? Buffer.alloc(0)).flatMap((b) => decodeRecords(b));
    const fresh = records.filter((r) => r.offset >= offset);
    if (fresh.length === 0) return out;
    for (const r of fresh) out.push(r.value?.toString() ?? '');
    offset = (fresh[fresh.length - 1]?.offset ?? offset) + 1;
  }
}

describe('crash recovery', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kflow-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`keeps every acknowledged record through ${KILLS} kill -9s`, { timeout: 300_000 }, async () => {
    const acked: string[][] = []; // batches acknowledged, in order
    const inFlightAtKill: string[][] = []; // the batch sent but not acknowledged when the broker died
    let seed = 99;
    const rand = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;

    for (let round = 0; round < KILLS; round++) {
      const broker = await startChildBroker(['--data', dataDir]);
      const client = await RawClient.connect(broker.bootstrap);
      if (round === 0) {
        await client.request(ApiKey.Metadata, 4, {
          topics: [{ topicId: ZERO_UUID, name: 'crash' }],
          allowAutoTopicCreation: true,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        });
      } else {
        // What survived the previous kill: all acknowledged batches, plus possibly the in-flight one, whole.
        const log = await readAll(client, 'crash');
        const expected: string[] = [];
        let cursor = 0;
        for (const batch of acked) {
          expected.push(...batch);
          cursor += batch.length;
        }
        expect(log.slice(0, cursor)).toEqual(expected);
        const tail = log.slice(cursor);
        const pending = inFlightAtKill[round - 1] ?? [];
        expect(
          tail.length === 0 || JSON.stringify(tail) === JSON.stringify(pending),
          `round ${round}: unexpected tail ${tail.slice(0, 3).join(',')}… (${tail.length} records)`,
        ).toBe(true);
        // An in-flight batch that made it is now as good as acknowledged.
        if (tail.length > 0) acked.push(pending);
      }
      const killAfterMs = 50 + rand(400);
      let batchNo = 0;
      let current: string[] = [];
      const killer = new Promise<void>((resolve) =>
        setTimeout(() => {
          broker.child.kill('SIGKILL');
          resolve();
        }, killAfterMs),
      );
      const producing = (async () => {
        for (;;) {
          current = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => `r${round}-b${batchNo}-${i}`);
          try {
            const res = await client.request(
              ApiKey.Produce,
              7,
              produceRequest('crash', 0, encodeBatch(current.map((v) => ({ value: v })))),
            );
            expect(res.responses[0]?.partitionResponses[0]?.errorCode).toBe(0);
            acked.push(current);
            current = [];
            batchNo++;
          } catch {
            return; // the broker died with `current` in flight
          }
        }
      })();
      await killer;
      await producing;
      inFlightAtKill[round] = current;
      await new Promise<void>((resolve) =>
        broker.child.exitCode !== null || broker.child.signalCode !== null
          ? resolve()
          : broker.child.once('exit', () => resolve()),
      );
      client.close();
    }

    // A last clean start reads everything once more.
    const broker = await startChildBroker(['--data', dataDir]);
    const client = await RawClient.connect(broker.bootstrap);
    const log = await readAll(client, 'crash');
    const expected = acked.flat();
    expect(log.slice(0, expected.length)).toEqual(expected);
    const pending = inFlightAtKill[KILLS - 1] ?? [];
    const tail = log.slice(expected.length);
    expect(tail.length === 0 || JSON.stringify(tail) === JSON.stringify(pending)).toBe(true);
    console.log(
      `crash: ${KILLS} kills, ${acked.length} acknowledged batches (${expected.length} records) all present once, in order`,
    );
    client.close();
    await broker.stop();
  });
});
