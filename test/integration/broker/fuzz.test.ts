// 100,000 malformed frames against a broker in a child process while a
// well-behaved client keeps producing and fetching on its own connection. The
// broker must answer that client correctly throughout, and its memory must not
// grow by more than FUZZ_RSS_BOUND over the storm once its heap has warmed up.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../../src/protocol/generated/index';
import { decodeRecords, encodeBatch, splitBatches } from '../../../src/protocol/records/batch';
import { startChildBroker, type ChildBroker } from '../../support/child-broker';
import { RawClient } from '../../support/raw-client';
import { fetchRequest, produceRequest, ZERO_UUID } from '../../support/requests';

const FRAMES = 100_000;
const CONCURRENCY = 64;
/** Stated bound: after the first 20,000 frames, the broker's RSS grows by less than 64 MB over the next 80,000. */
const FUZZ_RSS_BOUND = 64 * 1024 * 1024;

let seed = 12345;
function rand(n: number): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
}
function randomBytes(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = rand(256);
  return b;
}
function sized(payload: Buffer, declared = payload.length): Buffer {
  const b = Buffer.allocUnsafe(4 + payload.length);
  b.writeInt32BE(declared, 0);
  payload.copy(b, 4);
  return b;
}
function header(apiKey: number, version: number, rest: Buffer): Buffer {
  const h = Buffer.allocUnsafe(10);
  h.writeInt16BE(apiKey, 0);
  h.writeInt16BE(version, 2);
  h.writeInt32BE(rand(1 << 30), 4);
  h.writeInt16BE(-1, 8); // null client id
  return Buffer.concat([h, rest]);
}

/** One malformed frame of each kind the issue names, in rotation. */
function malformed(i: number): { bytes: Buffer; dropMidFrame: boolean } {
  switch (i % 8) {
    case 0:
      return { bytes: sized(randomBytes(rand(200))), dropMidFrame: false }; // random bytes
    case 1:
      return { bytes: sized(Buffer.alloc(0), -1 - rand(1000)), dropMidFrame: false }; // negative length
    case 2:
      return { bytes: sized(Buffer.alloc(0), 0x7fffffff - rand(1000)), dropMidFrame: false }; // oversized length
    case 3:
      return { bytes: sized(header(100 + rand(30000), rand(20), randomBytes(20))), dropMidFrame: false }; // unknown API key
    case 4:
      return { bytes: sized(header(rand(2) ? 0 : 3, 50 + rand(100), randomBytes(20))), dropMidFrame: false }; // unknown version
    case 5: {
      // A valid header for a known API, with a body cut short or garbled.
      const keys = [0, 1, 2, 3, 8, 9, 10, 11, 12, 14, 19, 32];
      return {
        bytes: sized(header(keys[rand(keys.length)] as number, rand(4), randomBytes(rand(40)))),
        dropMidFrame: false,
      };
    }
    case 6: {
      // Declares more bytes than it sends, then the connection drops mid-frame.
      const payload = header(3, 1, randomBytes(10));
      return { bytes: sized(payload, payload.length + 100 + rand(1000)), dropMidFrame: true };
    }
    default:
      return { bytes: sized(Buffer.from([rand(256)])), dropMidFrame: false }; // truncated header
  }
}

/** Sends one malformed frame on a fresh connection and waits until the broker closes it (or we drop it). */
function attack(bootstrap: string, frame: { bytes: Buffer; dropMidFrame: boolean }): Promise<void> {
  const [host, port] = bootstrap.split(':');
  return new Promise((resolve) => {
    const s = net.connect({ host, port: Number(port) }, () => {
      s.write(frame.bytes);
      if (frame.dropMidFrame) s.destroy();
      // Frames the broker answers without closing (none expected here) must not hang the test.
      else setTimeout(() => s.destroy(), 2000).unref();
    });
    s.on('error', () => undefined);
    s.on('close', () => resolve());
  });
}

describe('protocol fuzzing', () => {
  let broker: ChildBroker;
  beforeAll(async () => {
    broker = await startChildBroker(['--partitions', '1']);
  });
  afterAll(async () => {
    await broker.stop();
  });

  it(
    `survives ${FRAMES} malformed frames while serving a well-behaved client`,
    { timeout: 600_000 },
    async () => {
      const good = await RawClient.connect(broker.bootstrap);
      await good.request(ApiKey.Metadata, 4, {
        topics: [{ topicId: ZERO_UUID, name: 'steady' }],
        allowAutoTopicCreation: true,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      // The first fifth of the storm warms the heap up; the bound holds over the rest.
      let sent = 0;
      const storm = async (n: number) => {
        const stop = sent + n;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (sent < stop) await attack(broker.bootstrap, malformed(sent++));
          }),
        );
      };

      let produced = 0;
      let stormDone = false;
      const steady = (async () => {
        while (!stormDone) {
          const res = await good.request(
            ApiKey.Produce,
            7,
            produceRequest('steady', 0, encodeBatch([{ key: `k${produced}`, value: `v${produced}` }])),
          );
          expect(res.responses[0]?.partitionResponses[0]?.errorCode).toBe(0);
          expect(res.responses[0]?.partitionResponses[0]?.baseOffset).toBe(BigInt(produced));
          produced++;
          await new Promise((r) => setTimeout(r, 5));
        }
      })();

      await storm(FRAMES / 5);
      const before = broker.rssBytes();
      const series: number[] = [];
      for (let i = 0; i < 4; i++) {
        await storm(FRAMES / 5);
        series.push(broker.rssBytes());
      }
      expect(sent).toBe(FRAMES);
      stormDone = true;
      await steady;

      // Every record the good client produced during the storm is there, in order.
      const fetched: string[] = [];
      let offset = 0;
      while (offset < produced) {
        const f = await good.request(
          ApiKey.Fetch,
          11,
          fetchRequest('steady', 0, offset, { partitionMaxBytes: 1 << 24 }),
        );
        const records = splitBatches(f.responses[0]?.partitions[0]?.records ?? Buffer.alloc(0)).flatMap((b) =>
          decodeRecords(b),
        );
        for (const r of records) if (r.offset >= offset) fetched.push(r.value?.toString() ?? '');
        offset = Math.max(offset, ...records.map((r) => r.offset + 1));
      }
      expect(produced).toBeGreaterThan(10);
      expect(fetched).toEqual(Array.from({ length: produced }, (_, i) => `v${i}`));
      good.close();

      const mb = (b: number) => (b / 2 ** 20).toFixed(1);
      console.log(
        `fuzz: ${FRAMES} malformed frames; good client produced ${produced}; broker RSS after warm-up ${mb(before)} MB, then ${series.map(mb).join(' → ')} MB`,
      );
      expect(Math.max(...series) - before).toBeLessThan(FUZZ_RSS_BOUND);
      expect(broker.child.exitCode).toBeNull();
    },
  );
});
