// Produce, Fetch, ListOffsets and ApiVersions over real TCP, with exact control
// of versions through the test's raw client; kafkajs checks the client view.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/index';
import { ErrorCode } from '../../../src/protocol/errors';
import { ApiKey, type FetchRequest } from '../../../src/protocol/generated/index';
import { Reader } from '../../../src/protocol/reader';
import { encodeBatch } from '../../../src/protocol/records/batch';
import { RawClient } from '../../support/raw-client';
import { fetchRequest, produceRequest, recordValues, ZERO_UUID } from '../../support/requests';

const produceReq = (topic: string, partition: number, records: Buffer, acks = -1) =>
  produceRequest(topic, partition, records, { acks });
const fetchReq = (
  topic: string,
  partition: number,
  offset: number,
  opts: Partial<FetchRequest> = {},
  topicId = ZERO_UUID,
) => fetchRequest(topic, partition, offset, { ...opts, topicId });
const values = recordValues;

describe('broker data path', () => {
  let broker: RunningBroker;
  let client: RawClient;

  beforeAll(async () => {
    broker = await startBroker({ port: 0 });
    broker.cluster.createTopic('events', 2);
    client = await RawClient.connect(broker.bootstrap);
  });
  afterAll(async () => {
    client.close();
    await broker.stop();
  });

  it('advertises ApiVersions and answers a too-new ApiVersions request with UNSUPPORTED_VERSION', async () => {
    const res = await client.request(ApiKey.ApiVersions, 3, {
      clientSoftwareName: 'kflow-test',
      clientSoftwareVersion: '1',
    });
    expect(res.errorCode).toBe(0);
    const produce = res.apiKeys.find((k) => k.apiKey === 0);
    expect(produce).toMatchObject({ minVersion: 3, maxVersion: 11 });
    // A v99 request: the broker replies in a v0 body with its own ApiVersions range (KIP-511).
    const raw = await RawClient.connect(broker.bootstrap);
    const reply = new Promise<Buffer>((resolve) => raw.socket.once('data', resolve));
    const frame = Buffer.alloc(4 + 2 + 2 + 4 + 2);
    frame.writeInt32BE(frame.length - 4, 0);
    frame.writeInt16BE(18, 4);
    frame.writeInt16BE(99, 6);
    frame.writeInt32BE(77, 8);
    frame.writeInt16BE(-1, 12);
    raw.write(frame);
    const bytes = await reply;
    const r = new Reader(bytes, 4);
    expect(r.int32()).toBe(77);
    expect(r.int16()).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(r.int32()).toBe(1);
    expect([r.int16(), r.int16(), r.int16()]).toEqual([18, 0, 4]);
    raw.close();
  });

  it('appends a batch and fetches it back at v4, v11, v12 and by topic id at v13', async () => {
    const batch = encodeBatch([
      { key: 'k1', value: 'one' },
      { key: 'k2', value: 'two' },
    ]);
    const res = await client.request(ApiKey.Produce, 7, produceReq('events', 1, batch));
    expect(res.responses[0]?.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });
    for (const v of [4, 11, 12]) {
      const f = await client.request(ApiKey.Fetch, v, fetchReq('events', 1, 0));
      const p = f.responses[0]?.partitions[0];
      expect(p?.errorCode).toBe(0);
      expect(p?.highWatermark).toBe(2n);
      expect(values(p?.records ?? null)).toEqual(['one', 'two']);
    }
    const id = broker.cluster.topic('events')?.id as string;
    const f13 = await client.request(ApiKey.Fetch, 13, fetchReq('', 1, 1, {}, id));
    expect(f13.responses[0]?.topicId).toBe(id);
    expect(values(f13.responses[0]?.partitions[0]?.records ?? null)).toEqual(['one', 'two']); // whole batch, client skips offset 0
    const unknown = await client.request(ApiKey.Fetch, 13, fetchReq('', 1, 0, {}, 'AAAAAAAAAAAAAAAAAAAAAQ'));
    expect(unknown.responses[0]?.partitions[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });

  it('sends nothing back for acks=0 but still appends', async () => {
    client.send(ApiKey.Produce, 7, produceReq('events', 0, encodeBatch([{ value: 'fire-and-forget' }]), 0));
    const offsets = await client.request(ApiKey.ListOffsets, 5, {
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 0,
      topics: [
        {
          name: 'events',
          partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }],
        },
      ],
    });
    // Responses come in request order, so the ListOffsets answer proves the acks=0 produce was handled first.
    expect(offsets.topics[0]?.partitions[0]?.offset).toBe(1n);
  });

  it('long-polls until a record arrives, and times out empty when none does', async () => {
    const end = Number(broker.cluster.partition('events', 0)?.log.latest());
    const started = Date.now();
    const waiting = client.request(ApiKey.Fetch, 11, fetchReq('events', 0, end, { maxWaitMs: 3000 }));
    const other = await RawClient.connect(broker.bootstrap);
    await new Promise((r) => setTimeout(r, 300));
    await other.request(ApiKey.Produce, 7, produceReq('events', 0, encodeBatch([{ value: 'late-arrival' }])));
    const res = await waiting;
    const elapsed = Date.now() - started;
    expect(values(res.responses[0]?.partitions[0]?.records ?? null)).toEqual(['late-arrival']);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2500);
    const t0 = Date.now();
    const empty = await other.request(ApiKey.Fetch, 11, fetchReq('events', 0, end + 1, { maxWaitMs: 400 }));
    expect(empty.responses[0]?.partitions[0]?.records?.length).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    other.close();
  });

  it('reports offsets out of range, unknown partitions and corrupt batches per partition', async () => {
    const f = await client.request(ApiKey.Fetch, 11, fetchReq('events', 1, 999));
    expect(f.responses[0]?.partitions[0]?.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const missing = await client.request(ApiKey.Fetch, 11, fetchReq('events', 9, 0));
    expect(missing.responses[0]?.partitions[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const bad = encodeBatch([{ value: 'x' }]);
    bad.writeUInt8((bad.at(-1) as number) ^ 0xff, bad.length - 1); // inside the CRC-covered records
    const before = broker.cluster.partition('events', 1)?.log.latest();
    const res = await client.request(ApiKey.Produce, 8, produceReq('events', 1, bad));
    expect(res.responses[0]?.partitionResponses[0]?.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(broker.cluster.partition('events', 1)?.log.latest()).toBe(before);
  });

  it('answers ListOffsets for earliest, latest and a timestamp', async () => {
    broker.cluster.createTopic('timed', 1);
    await client.request(
      ApiKey.Produce,
      7,
      produceReq(
        'timed',
        0,
        encodeBatch([
          { value: 'a', timestamp: 1000 },
          { value: 'b', timestamp: 2000 },
          { value: 'c', timestamp: 3000 },
        ]),
      ),
    );
    const ask = (timestamp: bigint) =>
      client
        .request(ApiKey.ListOffsets, 5, {
          replicaId: -1,
          isolationLevel: 0,
          timeoutMs: 0,
          topics: [
            {
              name: 'timed',
              partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }],
            },
          ],
        })
        .then((r) => r.topics[0]?.partitions[0]);
    expect((await ask(-2n))?.offset).toBe(0n);
    expect((await ask(-1n))?.offset).toBe(3n);
    expect(await ask(1500n)).toMatchObject({ offset: 1n, timestamp: 2000n });
    expect((await ask(9999n))?.offset).toBe(-1n);
  });
});

describe('broker identities and restarts', () => {
  it('spreads leaders over broker identities and refuses writes to a non-leader; kafkajs follows a leader move', async () => {
    const broker = await startBroker({ port: 0, brokers: 3 });
    try {
      broker.cluster.createTopic('spread', 3);
      expect(broker.cluster.topic('spread')?.partitions.map((p) => p.leader)).toEqual([0, 1, 2]);
      const c = await RawClient.connect(broker.bootstrap); // broker 0
      const res = await c.request(ApiKey.Produce, 7, produceReq('spread', 1, encodeBatch([{ value: 'x' }])));
      expect(res.responses[0]?.partitionResponses[0]?.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
      c.close();
      const kafka = new Kafka({
        brokers: [broker.bootstrap],
        logLevel: logLevel.NOTHING,
        retry: { retries: 5, initialRetryTime: 50 },
      });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'spread', messages: [{ partition: 1, value: 'before' }] });
      broker.cluster.moveLeader('spread', 1, 2);
      await producer.send({ topic: 'spread', messages: [{ partition: 1, value: 'after' }] });
      await producer.disconnect();
      expect(broker.cluster.partition('spread', 1)?.log.latest()).toBe(2);
    } finally {
      await broker.stop();
    }
  });

  it('keeps topics and records across a restart with the same data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kflow-restart-'));
    try {
      const first = await startBroker({ port: 0, dataDir });
      const id = first.cluster.createTopic('durable', 2)?.id;
      const c = await RawClient.connect(first.bootstrap);
      await c.request(ApiKey.Produce, 7, produceReq('durable', 1, encodeBatch([{ value: 'kept' }])));
      c.close();
      await first.stop();
      const second = await startBroker({ port: 0, dataDir });
      expect(second.cluster.topic('durable')?.id).toBe(id);
      expect(second.cluster.topic('durable')?.partitions).toHaveLength(2);
      const c2 = await RawClient.connect(second.bootstrap);
      const f = await c2.request(ApiKey.Fetch, 11, fetchReq('durable', 1, 0));
      expect(values(f.responses[0]?.partitions[0]?.records ?? null)).toEqual(['kept']);
      c2.close();
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
