// Idempotent and transactional producers over real TCP: kafkajs for the client view (retries,
// transactions, sendOffsets, fencing, read_committed consumers) and the raw client for the exact
// protocol answers (sequence checks, last stable offset, aborted transactions). kcat's
// idempotent and transactional producers are in test/compat/kcat.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/index';
import { ErrorCode } from '../../../src/protocol/errors';
import { ApiKey } from '../../../src/protocol/generated/index';
import { encodeBatch } from '../../../src/protocol/records/batch';
import { RawClient } from '../../support/raw-client';
import { fetchRequest, produceRequest, recordValues } from '../../support/requests';

const produceReq = (
  topic: string,
  partition: number,
  records: Buffer,
  transactionalId: string | null = null,
) => produceRequest(topic, partition, records, { transactionalId });

const fetchReq = (topic: string, partition: number, offset: number, isolationLevel: 0 | 1) =>
  fetchRequest(topic, partition, offset, { isolationLevel });

const values = recordValues;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function kafkaFor(broker: RunningBroker, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 500 },
  });
}

/** Consumes `topic` from the beginning until `expected` values arrived, then 300 ms more to catch extras. */
async function consumeAll(
  kafka: Kafka,
  topic: string,
  expected: number,
  readUncommitted: boolean,
): Promise<string[]> {
  const consumer: Consumer = kafka.consumer({
    groupId: `reader-${topic}-${readUncommitted}-${Math.random().toString(36).slice(2)}`,
    readUncommitted,
    maxWaitTimeInMs: 100,
  });
  const seen: string[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? 'null'),
    });
    const deadline = Date.now() + 15_000;
    while (seen.length < expected && Date.now() < deadline) await sleep(50);
    await sleep(300);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

interface KafkaJSError {
  type?: string;
  name?: string;
  cause?: KafkaJSError;
}

/** The kafkajs error type a promise rejects with (unwrapping retry wrappers). */
async function errorTypeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    let e = err as KafkaJSError;
    while (!e.type && e.cause) e = e.cause;
    return e.type ?? e.name ?? 'unknown';
  }
  return 'no error';
}

describe('idempotent producer', () => {
  let broker: RunningBroker;
  let client: RawClient;

  beforeAll(async () => {
    broker = await startBroker({ port: 0 });
    broker.cluster.createTopic('idem', 1);
    client = await RawClient.connect(broker.bootstrap);
  });
  afterAll(async () => {
    client.close();
    await broker.stop();
  });

  it('answers a resent batch with its first offsets, and rejects a sequence gap', async () => {
    const init = await client.request(ApiKey.InitProducerId, 4, {
      transactionalId: null,
      transactionTimeoutMs: -1,
      producerId: -1n,
      producerEpoch: -1,
    });
    expect(init.errorCode).toBe(ErrorCode.NONE);
    expect(init.producerEpoch).toBe(0);
    const producerId = Number(init.producerId);
    const batch = (seq: number, vals: string[]) =>
      encodeBatch(
        vals.map((value) => ({ value })),
        { producerId, producerEpoch: 0, baseSequence: seq },
      );
    const first = await client.request(ApiKey.Produce, 7, produceReq('idem', 0, batch(0, ['a', 'b', 'c'])));
    expect(first.responses[0]?.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });
    const again = await client.request(ApiKey.Produce, 7, produceReq('idem', 0, batch(0, ['a', 'b', 'c'])));
    expect(again.responses[0]?.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });
    const gap = await client.request(ApiKey.Produce, 7, produceReq('idem', 0, batch(5, ['x'])));
    expect(gap.responses[0]?.partitionResponses[0]?.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const next = await client.request(ApiKey.Produce, 7, produceReq('idem', 0, batch(3, ['d'])));
    expect(next.responses[0]?.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 3n });
    const f = await client.request(ApiKey.Fetch, 11, fetchReq('idem', 0, 0, 0));
    expect(values(f.responses[0]?.partitions[0]?.records ?? null)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps one copy when kafkajs retries a produce whose answer was too late', async () => {
    broker.cluster.createTopic('idem-retry', 1);
    let delayed = 0;
    const unhook = broker.onRequest(async (header) => {
      // The first Produce is held past kafkajs' request timeout, so it sends the batch again;
      // both copies reach the log, the second as a duplicate.
      if (header.apiKey === ApiKey.Produce && delayed++ === 0) await sleep(1200);
    });
    const kafka = new Kafka({
      clientId: 'idem-retry',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
      requestTimeout: 400,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 500 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    try {
      await producer.connect();
      await producer.send({ topic: 'idem-retry', messages: [{ value: 'once' }, { value: 'only' }] });
      await producer.send({ topic: 'idem-retry', messages: [{ value: 'then' }] });
    } finally {
      unhook();
      await producer.disconnect();
    }
    expect(delayed).toBeGreaterThanOrEqual(3);
    await sleep(1000); // the held request is answered (as a duplicate) by now
    const f = await client.request(ApiKey.Fetch, 11, fetchReq('idem-retry', 0, 0, 0));
    expect(values(f.responses[0]?.partitions[0]?.records ?? null)).toEqual(['once', 'only', 'then']);
  });
});

describe('transactions', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  let client: RawClient;
  const producers: Producer[] = [];

  const txProducer = async (transactionalId: string, transactionTimeout = 60_000): Promise<Producer> => {
    const p = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout,
    });
    producers.push(p);
    await p.connect();
    return p;
  };

  beforeAll(async () => {
    broker = await startBroker({ port: 0 });
    kafka = kafkaFor(broker, 'txn-test');
    client = await RawClient.connect(broker.bootstrap);
  });
  afterAll(async () => {
    for (const p of producers) await p.disconnect().catch(() => undefined);
    client.close();
    await broker.stop();
  });

  it('shows read_committed consumers only committed data, read_uncommitted everything', async () => {
    broker.cluster.createTopic('tx-data', 1);
    const p = await txProducer('tx-commit-abort');
    const t1 = await p.transaction();
    await t1.send({ topic: 'tx-data', messages: [{ value: 'c1' }, { value: 'c2' }] });
    await t1.commit();
    const t2 = await p.transaction();
    await t2.send({ topic: 'tx-data', messages: [{ value: 'a1' }] });
    await t2.send({ topic: 'tx-data', messages: [{ value: 'a2' }] });
    await t2.abort();
    const t3 = await p.transaction();
    await t3.send({ topic: 'tx-data', messages: [{ value: 'c3' }] });
    await t3.commit();
    expect(await consumeAll(kafka, 'tx-data', 3, false)).toEqual(['c1', 'c2', 'c3']);
    expect(await consumeAll(kafka, 'tx-data', 5, true)).toEqual(['c1', 'c2', 'a1', 'a2', 'c3']);
    // Log: c1 c2 COMMIT a1 a2 ABORT c3 COMMIT = offsets 0..7; the aborted transaction spans 3..5.
    const f = await client.request(ApiKey.Fetch, 11, fetchReq('tx-data', 0, 0, 1));
    const part = f.responses[0]?.partitions[0];
    expect(part?.highWatermark).toBe(8n);
    expect(part?.lastStableOffset).toBe(8n);
    expect(part?.abortedTransactions?.map((a) => a.firstOffset)).toEqual([3n]);
  });

  it('holds the last stable offset at an open transaction until it commits', async () => {
    broker.cluster.createTopic('tx-lso', 1);
    const plain = kafka.producer();
    producers.push(plain);
    await plain.connect();
    await plain.send({ topic: 'tx-lso', messages: [{ value: 'before' }] });
    const p = await txProducer('tx-lso');
    const t = await p.transaction();
    await t.send({ topic: 'tx-lso', messages: [{ value: 'pending' }] });
    await plain.send({ topic: 'tx-lso', messages: [{ value: 'after' }] });
    let f = await client.request(ApiKey.Fetch, 11, fetchReq('tx-lso', 0, 0, 1));
    expect(f.responses[0]?.partitions[0]?.highWatermark).toBe(3n);
    expect(f.responses[0]?.partitions[0]?.lastStableOffset).toBe(1n);
    expect(values(f.responses[0]?.partitions[0]?.records ?? null)).toEqual(['before']);
    await t.commit();
    f = await client.request(ApiKey.Fetch, 11, fetchReq('tx-lso', 0, 0, 1));
    expect(f.responses[0]?.partitions[0]?.lastStableOffset).toBe(4n);
    expect(values(f.responses[0]?.partitions[0]?.records ?? null)).toEqual(['before', 'pending', 'after']);
  });

  it('commits consumer offsets sent inside a transaction only when it commits', async () => {
    broker.cluster.createTopic('tx-src', 1);
    broker.cluster.createTopic('tx-sink', 1);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsetOf = async () =>
        (await admin.fetchOffsets({ groupId: 'eos-group', topics: ['tx-src'] }))[0]?.partitions[0]?.offset;
      const p = await txProducer('tx-offsets');
      const t1 = await p.transaction();
      await t1.send({ topic: 'tx-sink', messages: [{ value: 'out-1' }] });
      await t1.sendOffsets({
        consumerGroupId: 'eos-group',
        topics: [{ topic: 'tx-src', partitions: [{ partition: 0, offset: '5' }] }],
      });
      expect(await offsetOf()).toBe('-1');
      await t1.commit();
      expect(await offsetOf()).toBe('5');
      const t2 = await p.transaction();
      await t2.send({ topic: 'tx-sink', messages: [{ value: 'out-2' }] });
      await t2.sendOffsets({
        consumerGroupId: 'eos-group',
        topics: [{ topic: 'tx-src', partitions: [{ partition: 0, offset: '9' }] }],
      });
      await t2.abort();
      expect(await offsetOf()).toBe('5');
      expect(await consumeAll(kafka, 'tx-sink', 1, false)).toEqual(['out-1']);
    } finally {
      await admin.disconnect();
    }
  });

  it('fences a zombie: a second producer with the same transactional id aborts and locks out the first', async () => {
    broker.cluster.createTopic('tx-zombie', 1);
    const zombie = await txProducer('tx-zombie');
    const zt = await zombie.transaction();
    await zt.send({ topic: 'tx-zombie', messages: [{ value: 'from-zombie' }] });
    const successor = await txProducer('tx-zombie');
    // kafkajs sends InitProducerId with the first transaction, which fences the zombie.
    const st = await successor.transaction();
    expect(await errorTypeOf(zt.send({ topic: 'tx-zombie', messages: [{ value: 'zombie-again' }] }))).toBe(
      'INVALID_PRODUCER_EPOCH',
    );
    expect(await errorTypeOf(zt.commit())).not.toBe('no error');
    await st.send({ topic: 'tx-zombie', messages: [{ value: 'from-successor' }] });
    await st.commit();
    expect(await consumeAll(kafka, 'tx-zombie', 1, false)).toEqual(['from-successor']);
  });

  it('keeps a fenced zombie’s output and consumer offsets out: its open transaction is aborted and its later offsets and commit refused', async () => {
    // The engine's stalled exactly-once instance: output and input positions in one open
    // transaction when it stops; the task's new owner takes the same transactional id.
    broker.cluster.createTopic('tx-zsrc', 1);
    broker.cluster.createTopic('tx-zsink', 1);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsetOf = async () =>
        (await admin.fetchOffsets({ groupId: 'zombie-group', topics: ['tx-zsrc'] }))[0]?.partitions[0]
          ?.offset;
      const offsets = (offset: string) => ({
        consumerGroupId: 'zombie-group',
        topics: [{ topic: 'tx-zsrc', partitions: [{ partition: 0, offset }] }],
      });
      const zombie = await txProducer('tx-task-0_0');
      const zt = await zombie.transaction();
      await zt.send({ topic: 'tx-zsink', messages: [{ value: 'zombie-out' }] });
      await zt.sendOffsets(offsets('7'));
      const owner = await txProducer('tx-task-0_0');
      const ot = await owner.transaction(); // InitProducerId: epoch bumped, the zombie's transaction aborted
      expect(await errorTypeOf(zt.sendOffsets(offsets('9')))).not.toBe('no error');
      expect(await errorTypeOf(zt.commit())).not.toBe('no error');
      expect(await offsetOf()).toBe('-1');
      await ot.send({ topic: 'tx-zsink', messages: [{ value: 'owner-out' }] });
      await ot.sendOffsets(offsets('3'));
      await ot.commit();
      expect(await offsetOf()).toBe('3');
      expect(await consumeAll(kafka, 'tx-zsink', 1, false)).toEqual(['owner-out']);
    } finally {
      await admin.disconnect();
    }
  });

  it('aborts a transaction that outlives transaction.timeout.ms and fences its producer', async () => {
    broker.cluster.createTopic('tx-timeout', 1);
    const p = await txProducer('tx-timeout', 500);
    const t = await p.transaction();
    await t.send({ topic: 'tx-timeout', messages: [{ value: 'too-slow' }] });
    // The coordinator checks every second: by 2.5 s the transaction is aborted.
    await sleep(2500);
    expect(broker.cluster.txns.describe('tx-timeout')?.state).toBe('CompleteAbort');
    expect(await errorTypeOf(t.commit())).toBe('INVALID_PRODUCER_EPOCH');
    const f = await client.request(ApiKey.Fetch, 11, fetchReq('tx-timeout', 0, 0, 1));
    expect(f.responses[0]?.partitions[0]?.lastStableOffset).toBe(2n);
    expect(f.responses[0]?.partitions[0]?.abortedTransactions?.map((a) => a.firstOffset)).toEqual([0n]);
  });

  it('rejects a transactional batch for a partition not added to the transaction', async () => {
    broker.cluster.createTopic('tx-unadded', 2);
    const init = await client.request(ApiKey.InitProducerId, 4, {
      transactionalId: 'raw-tx',
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    expect(init.errorCode).toBe(ErrorCode.NONE);
    const add = await client.request(ApiKey.AddPartitionsToTxn, 3, {
      transactions: [],
      v3AndBelowTransactionalId: 'raw-tx',
      v3AndBelowProducerId: init.producerId,
      v3AndBelowProducerEpoch: init.producerEpoch,
      v3AndBelowTopics: [
        { name: 'tx-unadded', partitions: [0] },
        { name: 'no-such-topic', partitions: [0] },
      ],
    });
    expect(
      add.resultsByTopicV3AndBelow.map((t) => t.resultsByPartition.map((r) => r.partitionErrorCode)),
    ).toEqual([[ErrorCode.OPERATION_NOT_ATTEMPTED], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
    const batch = encodeBatch([{ value: 'x' }], {
      producerId: Number(init.producerId),
      producerEpoch: init.producerEpoch,
      baseSequence: 0,
      isTransactional: true,
    });
    const res = await client.request(ApiKey.Produce, 7, produceReq('tx-unadded', 1, batch, 'raw-tx'));
    expect(res.responses[0]?.partitionResponses[0]?.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    const end = await client.request(ApiKey.EndTxn, 3, {
      transactionalId: 'raw-tx',
      producerId: init.producerId,
      producerEpoch: init.producerEpoch,
      committed: true,
    });
    expect(end.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('answers PRODUCER_FENCED to v2+ and INVALID_PRODUCER_EPOCH to older EndTxn', async () => {
    const first = await client.request(ApiKey.InitProducerId, 4, {
      transactionalId: 'raw-fence',
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    const second = await client.request(ApiKey.InitProducerId, 1, {
      transactionalId: 'raw-fence',
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    expect(second.producerId).toBe(first.producerId);
    expect(second.producerEpoch).toBe(first.producerEpoch + 1);
    const stale = {
      transactionalId: 'raw-fence',
      producerId: first.producerId,
      producerEpoch: first.producerEpoch,
      committed: false,
    };
    expect((await client.request(ApiKey.EndTxn, 3, stale)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await client.request(ApiKey.EndTxn, 1, stale)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });
});

describe('broker restart mid-transaction', () => {
  it('aborts the open transaction on start-up and keeps producer ids and epochs', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kflow-txn-restart-'));
    let broker = await startBroker({ port: 0, dataDir });
    try {
      broker.cluster.createTopic('tx-restart', 1);
      let kafka = kafkaFor(broker, 'restart-1');
      const p = kafka.producer({ transactionalId: 'tx-restart', idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      const done = await p.transaction();
      await done.send({ topic: 'tx-restart', messages: [{ value: 'committed-before' }] });
      await done.commit();
      const open = await p.transaction();
      await open.send({ topic: 'tx-restart', messages: [{ value: 'open-at-restart' }] });
      const epochBefore = broker.cluster.txns.describe('tx-restart')?.producerEpoch ?? -1;
      const idempotentBefore = await broker.cluster.txns.initProducerId({
        transactionalId: null,
        transactionTimeoutMs: 0,
      });
      await p.disconnect();
      await broker.stop();

      broker = await startBroker({ port: 0, dataDir });
      expect(broker.cluster.txns.describe('tx-restart')).toMatchObject({
        state: 'CompleteAbort',
        producerEpoch: epochBefore + 1,
      });
      const client = await RawClient.connect(broker.bootstrap);
      try {
        // committed-before, COMMIT, open-at-restart, ABORT (written on start-up).
        const f = await client.request(ApiKey.Fetch, 11, fetchReq('tx-restart', 0, 0, 1));
        const part = f.responses[0]?.partitions[0];
        expect(part?.highWatermark).toBe(4n);
        expect(part?.lastStableOffset).toBe(4n);
        expect(part?.abortedTransactions?.map((a) => a.firstOffset)).toEqual([2n]);
      } finally {
        client.close();
      }
      const fresh = await broker.cluster.txns.initProducerId({
        transactionalId: null,
        transactionTimeoutMs: 0,
      });
      expect(fresh.producerId).toBeGreaterThan(idempotentBefore.producerId);

      kafka = kafkaFor(broker, 'restart-2');
      const p2 = kafka.producer({ transactionalId: 'tx-restart', idempotent: true, maxInFlightRequests: 1 });
      await p2.connect();
      const after = await p2.transaction();
      expect(broker.cluster.txns.describe('tx-restart')?.producerEpoch).toBe(epochBefore + 2);

      await after.send({ topic: 'tx-restart', messages: [{ value: 'committed-after' }] });
      await after.commit();
      await p2.disconnect();
      expect(await consumeAll(kafka, 'tx-restart', 2, false)).toEqual([
        'committed-before',
        'committed-after',
      ]);
    } finally {
      await broker.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
