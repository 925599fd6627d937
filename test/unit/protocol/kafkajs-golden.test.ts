/**
 * Golden bytes from an independent client: kafkajs 2.2.4's own request encoders
 * and response decoders. Requests that kafkajs encodes must decode to the values
 * it was given and re-encode to the very same bytes; responses we encode must
 * decode in kafkajs to the values we put in.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { apis, ApiKey, getApi } from '../../../src/protocol/generated/index';
import type {
  ApiVersionsResponse,
  FetchResponse,
  MetadataResponse,
} from '../../../src/protocol/generated/index';
import { Reader } from '../../../src/protocol/reader';
import { Writer } from '../../../src/protocol/writer';
import {
  encodeResponseFrame,
  FrameSplitter,
  parseRequestHeader,
  decodeRequestBody,
} from '../../../src/protocol/frame';

const require = createRequire(import.meta.url);

interface KjsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<{ buffer: Buffer }>;
}
type KjsRequestFactory = (args: unknown) => KjsRequest;
interface KjsResponse {
  decode(raw: Buffer): Promise<Record<string, unknown>>;
}

const kjsRequest = (api: string, v: number): KjsRequestFactory =>
  require(`kafkajs/src/protocol/requests/${api}/v${v}/request.js`) as KjsRequestFactory;
const kjsResponse = (api: string, v: number): KjsResponse =>
  require(`kafkajs/src/protocol/requests/${api}/v${v}/response.js`) as KjsResponse;
const createRequest = require('kafkajs/src/protocol/request.js') as (a: {
  correlationId: number;
  clientId: string;
  request: KjsRequest;
}) => Promise<{ buffer: Buffer }>;

/** Encodes with kafkajs, decodes with ours, and checks our re-encode is byte-identical. */
async function viaKafkajs(api: string, v: number, args: unknown): Promise<Record<string, unknown>> {
  const req = kjsRequest(api, v)(args);
  expect(req.apiVersion).toBe(v);
  const bytes = (await req.encode()).buffer;
  const codec = getApi(req.apiKey)!;
  const r = new Reader(bytes);
  const decoded = codec.decodeRequest(r, v) as Record<string, unknown>;
  expect(r.remaining).toBe(0);
  const w = new Writer();
  codec.encodeRequest(w, v, decoded);
  expect(w.toBuffer().toString('hex')).toBe(bytes.toString('hex'));
  return decoded;
}

/** Encodes a response body with ours and decodes it with kafkajs (body only: kafkajs strips size and correlation id). */
async function toKafkajs<K extends keyof typeof apis>(
  key: K,
  kjsName: string,
  v: number,
  m: Parameters<(typeof apis)[K]['encodeResponse']>[2],
): Promise<Record<string, unknown>> {
  const w = new Writer();
  (apis[key].encodeResponse as (w: Writer, v: number, m: unknown) => void)(w, v, m);
  return kjsResponse(kjsName, v).decode(w.toBuffer());
}

describe('kafkajs-encoded requests decode with the generated codecs', () => {
  for (const v of [0, 1, 2]) {
    it(`ApiVersions v${v}`, async () => {
      const m = await viaKafkajs('apiVersions', v, {});
      if (v < 3) expect(m).toMatchObject({ clientSoftwareName: '', clientSoftwareVersion: '' });
    });
  }

  for (const v of [3, 7]) {
    it(`Produce v${v} hands the record batch through as raw bytes`, async () => {
      const m = await viaKafkajs('produce', v, {
        acks: -1,
        timeout: 30000,
        transactionalId: v === 7 ? 'tx-1' : null,
        topicData: [
          {
            topic: 'orders',
            partitions: [
              {
                partition: 2,
                firstSequence: 0,
                messages: [{ key: 'k', value: 'hello' }, { value: 'world' }],
              },
            ],
          },
        ],
      });
      expect(m).toMatchObject({ acks: -1, timeoutMs: 30000, transactionalId: v === 7 ? 'tx-1' : null });
      const topic = (
        m.topicData as { name: string; partitionData: { index: number; records: Buffer }[] }[]
      )[0]!;
      expect(topic.name).toBe('orders');
      const p = topic.partitionData[0]!;
      expect(p.index).toBe(2);
      // A v2 record batch: baseOffset int64, batchLength int32 covering the rest, magic byte 2 at offset 16.
      expect(p.records.readInt32BE(8)).toBe(p.records.length - 12);
      expect(p.records[16]).toBe(2);
      expect(p.records.readInt32BE(57)).toBe(2); // record count
    });
  }

  it('Fetch v4', async () => {
    const m = await viaKafkajs('fetch', 4, {
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 1048576,
      isolationLevel: 1,
      topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: '42', maxBytes: 65536 }] }],
    });
    expect(m).toMatchObject({
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1048576,
      isolationLevel: 1,
    });
    expect(m.topics).toEqual([
      {
        topic: 't',
        topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: 42n,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: 65536,
            replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
          },
        ],
      },
    ]);
  });

  it('Fetch v11', async () => {
    const m = await viaKafkajs('fetch', 11, {
      replicaId: -1,
      maxWaitTime: 100,
      minBytes: 1,
      maxBytes: 1000,
      isolationLevel: 0,
      sessionId: 7,
      sessionEpoch: 3,
      rackId: 'rack-a',
      topics: [
        { topic: 'x', partitions: [{ partition: 1, currentLeaderEpoch: 5, fetchOffset: '9', maxBytes: 10 }] },
      ],
      forgottenTopics: [{ topic: 'old', partitions: [0, 1] }],
    });
    expect(m).toMatchObject({ sessionId: 7, sessionEpoch: 3, rackId: 'rack-a', isolationLevel: 0 });
    expect(m.forgottenTopicsData).toEqual([
      { topic: 'old', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [0, 1] },
    ]);
    expect(
      (m.topics as { partitions: { currentLeaderEpoch: number; fetchOffset: bigint }[] }[])[0]!.partitions[0],
    ).toMatchObject({
      currentLeaderEpoch: 5,
      fetchOffset: 9n,
    });
  });

  for (const v of [1, 6]) {
    it(`Metadata v${v}`, async () => {
      const m = await viaKafkajs('metadata', v, { topics: ['a', 'b'], allowAutoTopicCreation: false });
      expect((m.topics as { name: string }[]).map((t) => t.name)).toEqual(['a', 'b']);
      // Before v4 the field does not exist and decodes as Kafka's default (true).
      expect(m.allowAutoTopicCreation).toBe(v >= 4 ? false : true);
    });
  }

  it('JoinGroup v5', async () => {
    const m = await viaKafkajs('joinGroup', 5, {
      groupId: 'g',
      sessionTimeout: 10000,
      rebalanceTimeout: 60000,
      memberId: '',
      groupInstanceId: 'static-1',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'range', metadata: Buffer.from([0, 1, 2]) }],
    });
    expect(m).toMatchObject({
      groupId: 'g',
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 60000,
      memberId: '',
      groupInstanceId: 'static-1',
      protocolType: 'consumer',
    });
    expect(m.protocols).toEqual([{ name: 'range', metadata: Buffer.from([0, 1, 2]) }]);
  });

  it('SyncGroup v3', async () => {
    const m = await viaKafkajs('syncGroup', 3, {
      groupId: 'g',
      generationId: 4,
      memberId: 'm-1',
      groupAssignment: [{ memberId: 'm-1', memberAssignment: Buffer.from('abc') }],
    });
    expect(m).toMatchObject({ groupId: 'g', generationId: 4, memberId: 'm-1', groupInstanceId: null });
    expect(m.assignments).toEqual([{ memberId: 'm-1', assignment: Buffer.from('abc') }]);
  });

  it('OffsetCommit v5', async () => {
    const m = await viaKafkajs('offsetCommit', 5, {
      groupId: 'g',
      groupGenerationId: 2,
      memberId: 'm',
      topics: [{ topic: 't', partitions: [{ partition: 0, offset: '100', metadata: 'md' }] }],
    });
    expect(m).toMatchObject({ groupId: 'g', generationIdOrMemberEpoch: 2, memberId: 'm' });
    expect(m.topics).toEqual([
      {
        name: 't',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: 100n,
            committedLeaderEpoch: -1,
            commitTimestamp: -1n,
            committedMetadata: 'md',
          },
        ],
      },
    ]);
  });

  it('OffsetFetch v4', async () => {
    const m = await viaKafkajs('offsetFetch', 4, {
      groupId: 'g',
      topics: [{ topic: 't', partitions: [{ partition: 3 }] }],
    });
    expect(m.groupId).toBe('g');
    expect(m.topics).toEqual([{ name: 't', partitionIndexes: [3] }]);
  });

  it('ListOffsets v3', async () => {
    const m = await viaKafkajs('listOffsets', 3, {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ topic: 't', partitions: [{ partition: 0, timestamp: -2 }] }],
    });
    expect(m).toMatchObject({ replicaId: -1, isolationLevel: 1 });
    expect(m.topics).toEqual([
      {
        name: 't',
        partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n, maxNumOffsets: 1 }],
      },
    ]);
  });

  it('FindCoordinator v2', async () => {
    const m = await viaKafkajs('findCoordinator', 2, { coordinatorKey: 'tx', coordinatorType: 1 });
    expect(m).toMatchObject({ key: 'tx', keyType: 1 });
  });

  it('Heartbeat v3 and LeaveGroup v3', async () => {
    expect(
      await viaKafkajs('heartbeat', 3, {
        groupId: 'g',
        groupGenerationId: 1,
        memberId: 'm',
        groupInstanceId: null,
      }),
    ).toMatchObject({
      groupId: 'g',
      generationId: 1,
      memberId: 'm',
      groupInstanceId: null,
    });
    const leave = await viaKafkajs('leaveGroup', 3, {
      groupId: 'g',
      members: [{ memberId: 'm', groupInstanceId: 'i' }],
    });
    expect(leave.members).toEqual([{ memberId: 'm', groupInstanceId: 'i', reason: null }]);
  });

  it('DescribeGroups v2 and ListGroups v2 and DeleteGroups v1', async () => {
    expect((await viaKafkajs('describeGroups', 2, { groupIds: ['a', 'b'] })).groups).toEqual(['a', 'b']);
    expect(await viaKafkajs('listGroups', 2, {})).toMatchObject({ statesFilter: [], typesFilter: [] });
    expect((await viaKafkajs('deleteGroups', 1, ['x'])).groupsNames).toEqual(['x']);
  });

  it('SaslHandshake v1 and SaslAuthenticate v1', async () => {
    expect(await viaKafkajs('saslHandshake', 1, { mechanism: 'PLAIN' })).toEqual({ mechanism: 'PLAIN' });
    // kafkajs expects the SASL mechanism to hand it already length-prefixed bytes.
    const token = Buffer.from('\0user\0pass');
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(token.length);
    const auth = await viaKafkajs('saslAuthenticate', 1, { authBytes: Buffer.concat([prefix, token]) });
    expect(auth.authBytes).toEqual(token);
  });

  it('CreateTopics v3 and DeleteTopics v1 and CreatePartitions v1', async () => {
    const m = await viaKafkajs('createTopics', 3, {
      topics: [
        {
          topic: 'new',
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      validateOnly: true,
      timeout: 5000,
    });
    expect(m).toMatchObject({ timeoutMs: 5000, validateOnly: true });
    expect(m.topics).toEqual([
      {
        name: 'new',
        numPartitions: 3,
        replicationFactor: 1,
        assignments: [],
        configs: [{ name: 'cleanup.policy', value: 'compact' }],
      },
    ]);
    expect(await viaKafkajs('deleteTopics', 1, { topics: ['old'], timeout: 100 })).toMatchObject({
      topicNames: ['old'],
      timeoutMs: 100,
    });
    const cp = await viaKafkajs('createPartitions', 1, {
      topicPartitions: [{ topic: 't', count: 6 }],
      validateOnly: false,
      timeout: 10,
    });
    // kafkajs sends an empty assignment list as a null array, which Kafka allows here.
    expect(cp.topics).toEqual([{ name: 't', count: 6, assignments: null }]);
  });

  it('DeleteRecords v1', async () => {
    const m = await viaKafkajs('deleteRecords', 1, {
      topics: [{ topic: 't', partitions: [{ partition: 0, offset: '7' }] }],
      timeout: 9,
    });
    expect(m).toEqual({
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 7n }] }],
      timeoutMs: 9,
    });
  });

  it('transactions: InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit', async () => {
    expect(
      await viaKafkajs('initProducerId', 1, { transactionalId: 'tx', transactionTimeout: 60000 }),
    ).toMatchObject({
      transactionalId: 'tx',
      transactionTimeoutMs: 60000,
      producerId: -1n,
      producerEpoch: -1,
    });
    const add = await viaKafkajs('addPartitionsToTxn', 1, {
      transactionalId: 'tx',
      producerId: '12',
      producerEpoch: 1,
      topics: [{ topic: 't', partitions: [0, 2] }],
    });
    expect(add).toMatchObject({
      v3AndBelowTransactionalId: 'tx',
      v3AndBelowProducerId: 12n,
      v3AndBelowProducerEpoch: 1,
    });
    expect(add.v3AndBelowTopics).toEqual([{ name: 't', partitions: [0, 2] }]);
    expect(
      await viaKafkajs('addOffsetsToTxn', 1, {
        transactionalId: 'tx',
        producerId: '12',
        producerEpoch: 1,
        groupId: 'g',
      }),
    ).toEqual({ transactionalId: 'tx', producerId: 12n, producerEpoch: 1, groupId: 'g' });
    expect(
      await viaKafkajs('endTxn', 1, {
        transactionalId: 'tx',
        producerId: '12',
        producerEpoch: 1,
        transactionResult: true,
      }),
    ).toEqual({ transactionalId: 'tx', producerId: 12n, producerEpoch: 1, committed: true });
    const toc = await viaKafkajs('txnOffsetCommit', 1, {
      transactionalId: 'tx',
      groupId: 'g',
      producerId: '12',
      producerEpoch: 1,
      topics: [{ topic: 't', partitions: [{ partition: 0, offset: '5', metadata: null }] }],
    });
    expect(toc.topics).toEqual([
      {
        name: 't',
        partitions: [
          { partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null },
        ],
      },
    ]);
  });

  it('DescribeConfigs v2 and AlterConfigs v1', async () => {
    const d = await viaKafkajs('describeConfigs', 2, {
      resources: [{ type: 2, name: 't', configNames: ['retention.ms'] }],
      includeSynonyms: true,
    });
    expect(d).toMatchObject({ includeSynonyms: true, includeDocumentation: false });
    expect(d.resources).toEqual([
      { resourceType: 2, resourceName: 't', configurationKeys: ['retention.ms'] },
    ]);
    const a = await viaKafkajs('alterConfigs', 1, {
      resources: [{ type: 2, name: 't', configEntries: [{ name: 'retention.ms', value: '1000' }] }],
      validateOnly: false,
    });
    expect(a.resources).toEqual([
      { resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', value: '1000' }] },
    ]);
  });

  it('a full kafkajs request frame splits and parses through the frame helpers', async () => {
    const req = kjsRequest('metadata', 6)({ topics: ['a'], allowAutoTopicCreation: true });
    const frameBytes = (await createRequest({ correlationId: 77, clientId: 'kafkajs-test', request: req }))
      .buffer;
    const splitter = new FrameSplitter();
    // Feed byte by byte to exercise reassembly across chunks.
    const frames: Buffer[] = [];
    for (let i = 0; i < frameBytes.length; i++) frames.push(...splitter.push(frameBytes.subarray(i, i + 1)));
    expect(frames).toHaveLength(1);
    const h = parseRequestHeader(frames[0]!);
    expect(h).toMatchObject({
      apiKey: 3,
      apiVersion: 6,
      correlationId: 77,
      clientId: 'kafkajs-test',
      headerVersion: 1,
    });
    expect(decodeRequestBody(frames[0]!, h)).toMatchObject({ topics: [{ name: 'a' }] });
  });
});

describe('generated responses decode in kafkajs', () => {
  it('ApiVersions v0-v2', async () => {
    for (const v of [0, 1, 2]) {
      const m: ApiVersionsResponse = {
        errorCode: 0,
        apiKeys: [
          { apiKey: 0, minVersion: 0, maxVersion: 11 },
          { apiKey: 18, minVersion: 0, maxVersion: 4 },
        ],
        throttleTimeMs: v >= 1 ? 5 : 0,
        supportedFeatures: [],
        finalizedFeaturesEpoch: -1n,
        finalizedFeatures: [],
        zkMigrationReady: false,
      };
      const d = await toKafkajs(ApiKey.ApiVersions, 'apiVersions', v, m);
      expect(d.errorCode).toBe(0);
      expect(d.apiVersions).toEqual([
        { apiKey: 0, minVersion: 0, maxVersion: 11 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ]);
      if (v >= 1) expect(d.clientSideThrottleTime ?? d.throttleTime).toBe(5);
    }
  });

  it('ApiVersions v3 response frame keeps header v0 (no tagged fields after the correlation id)', () => {
    const frame = Buffer.concat(
      encodeResponseFrame(apis[ApiKey.ApiVersions], 3, 9, {
        errorCode: 0,
        apiKeys: [],
        throttleTimeMs: 0,
        supportedFeatures: [],
        finalizedFeaturesEpoch: -1n,
        finalizedFeatures: [],
        zkMigrationReady: false,
      }),
    );
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    expect(frame.readInt32BE(4)).toBe(9);
    expect(frame.readInt16BE(8)).toBe(0); // error code follows the correlation id directly
  });

  it('Metadata v6', async () => {
    const m: MetadataResponse = {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      clusterId: 'kflow',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
          isInternal: false,
          partitions: [
            {
              errorCode: 0,
              partitionIndex: 0,
              leaderId: 1,
              leaderEpoch: -1,
              replicaNodes: [1],
              isrNodes: [1],
              offlineReplicas: [],
            },
          ],
          topicAuthorizedOperations: -2147483648,
        },
      ],
      clusterAuthorizedOperations: -2147483648,
    };
    const d = await toKafkajs(ApiKey.Metadata, 'metadata', 6, m);
    expect(d.brokers).toEqual([{ nodeId: 1, host: 'localhost', port: 9092, rack: null }]);
    expect(d.clusterId).toBe('kflow');
    expect(d.controllerId).toBe(1);
    expect(d.topicMetadata).toEqual([
      {
        topicErrorCode: 0,
        topic: 'orders',
        isInternal: false,
        partitionMetadata: [
          { partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] },
        ],
      },
    ]);
  });

  it('Fetch v11 carries record bytes by reference and kafkajs reads the batch', async () => {
    // Let kafkajs build a real record batch (via a Produce request), then serve it back in a Fetch response.
    const produce = kjsRequest(
      'produce',
      7,
    )({
      acks: 1,
      timeout: 1000,
      topicData: [
        {
          topic: 't',
          partitions: [{ partition: 0, firstSequence: 0, messages: [{ key: 'k', value: 'v' }] }],
        },
      ],
    });
    const decoded = apis[ApiKey.Produce].decodeRequest(new Reader((await produce.encode()).buffer), 7);
    const records = Buffer.from(decoded.topicData[0]!.partitionData[0]!.records!);
    const m: FetchResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 't',
          topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 1n,
              lastStableOffset: 1n,
              logStartOffset: 0n,
              divergingEpoch: { epoch: -1, endOffset: -1n },
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
              snapshotId: { endOffset: -1n, epoch: -1 },
              abortedTransactions: [],
              preferredReadReplica: -1,
              records,
            },
          ],
        },
      ],
      nodeEndpoints: [],
    };
    const d = await toKafkajs(ApiKey.Fetch, 'fetch', 11, m);
    const p = (
      d.responses as { partitions: { highWatermark: string; messages: { key: Buffer; value: Buffer }[] }[] }[]
    )[0]!.partitions[0]!;
    expect(p.highWatermark).toBe('1');
    expect(p.messages.map((x) => [x.key.toString(), x.value.toString()])).toEqual([['k', 'v']]);
  });

  it('Produce v7, JoinGroup v5, SyncGroup v3, FindCoordinator v2', async () => {
    const prod = await toKafkajs(ApiKey.Produce, 'produce', 7, {
      responses: [
        {
          name: 't',
          partitionResponses: [
            {
              index: 0,
              errorCode: 0,
              baseOffset: 10n,
              logAppendTimeMs: -1n,
              logStartOffset: 0n,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
            },
          ],
        },
      ],
      throttleTimeMs: 0,
      nodeEndpoints: [],
    });
    expect(prod.topics).toEqual([
      {
        topicName: 't',
        partitions: [
          { partition: 0, errorCode: 0, baseOffset: '10', logAppendTime: '-1', logStartOffset: '0' },
        ],
      },
    ]);
    const join = await toKafkajs(ApiKey.JoinGroup, 'joinGroup', 5, {
      throttleTimeMs: 0,
      errorCode: 0,
      generationId: 3,
      protocolType: null,
      protocolName: 'range',
      leader: 'm-1',
      skipAssignment: false,
      memberId: 'm-1',
      members: [{ memberId: 'm-1', groupInstanceId: null, metadata: Buffer.from([1, 2]) }],
    });
    expect(join).toMatchObject({ generationId: 3, groupProtocol: 'range', leaderId: 'm-1', memberId: 'm-1' });
    const sync = await toKafkajs(ApiKey.SyncGroup, 'syncGroup', 3, {
      throttleTimeMs: 0,
      errorCode: 0,
      protocolType: null,
      protocolName: null,
      assignment: Buffer.from('xyz'),
    });
    expect(sync.memberAssignment).toEqual(Buffer.from('xyz'));
    const fc = await toKafkajs(ApiKey.FindCoordinator, 'findCoordinator', 2, {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      nodeId: 1,
      host: 'localhost',
      port: 9092,
      coordinators: [],
    });
    expect(fc.coordinator).toEqual({ nodeId: 1, host: 'localhost', port: 9092 });
  });
});
