/**
 * Flexible versions (compact encodings, tagged fields, header v2), which kafkajs
 * never sends: bytes laid out by hand from Kafka's protocol guide.
 */
import { describe, expect, it } from 'vitest';
import { apis, ApiKey } from '../../../src/protocol/generated/index';
import type { ApiVersionsResponse, FetchResponse } from '../../../src/protocol/generated/index';
import { decodeRequestBody, encodeResponseFrame, parseRequestHeader } from '../../../src/protocol/frame';
import { Reader } from '../../../src/protocol/reader';
import { Writer, ZERO_COPY_MIN } from '../../../src/protocol/writer';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('flexible versions against hand-laid bytes', () => {
  it('ApiVersions v3 request with header v2 (client id keeps its int16 length)', () => {
    const frame = hex(`
      0012 0003 00000001 0001 63 00
      12 6170616368652d6b61666b612d6a617661
      06 332e372e30
      00`);
    const h = parseRequestHeader(frame);
    expect(h).toMatchObject({ apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'c', headerVersion: 2 });
    expect(decodeRequestBody(frame, h)).toEqual({
      clientSoftwareName: 'apache-kafka-java',
      clientSoftwareVersion: '3.7.0',
    });
  });

  it('ApiVersions v3 response: compact array, tagged field 1 (finalized epoch), response header v0', () => {
    const m: ApiVersionsResponse = {
      errorCode: 0,
      apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 12 }],
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: 5n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    };
    const frame = Buffer.concat(encodeResponseFrame(apis[ApiKey.ApiVersions], 3, 42, m));
    expect(frame.toString('hex')).toBe(
      hex(`
        0000001d 0000002a
        0000
        02 0003 0000 000c 00
        00000000
        01 01 08 0000000000000005`).toString('hex'),
    );
    const back = apis[ApiKey.ApiVersions].decodeResponse(new Reader(frame, 8), 3);
    expect(back).toEqual(m);
  });

  it('unknown tagged fields survive decode and re-encode, in tag order', () => {
    // FetchResponse v12 partition with known tag 1 (currentLeader) and unknown tags 0x20 and 5.
    const w = new Writer();
    apis[ApiKey.Fetch].encodeResponse(w, 12, {
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
              highWatermark: 0n,
              lastStableOffset: -1n,
              logStartOffset: -1n,
              divergingEpoch: { epoch: -1, endOffset: -1n },
              currentLeader: { leaderId: 3, leaderEpoch: 7 },
              snapshotId: { endOffset: -1n, epoch: -1 },
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: null,
              _unknownTaggedFields: [
                { tag: 5, data: Buffer.from([0xaa]) },
                { tag: 0x20, data: Buffer.from([0xbb, 0xcc]) },
              ],
            },
          ],
        },
      ],
      nodeEndpoints: [],
    } satisfies FetchResponse);
    const bytes = w.toBuffer();
    const decoded = apis[ApiKey.Fetch].decodeResponse(new Reader(bytes), 12);
    const p = decoded.responses[0]!.partitions[0]!;
    expect(p.currentLeader).toEqual({ leaderId: 3, leaderEpoch: 7 });
    expect(p._unknownTaggedFields).toEqual([
      { tag: 5, data: Buffer.from([0xaa]) },
      { tag: 0x20, data: Buffer.from([0xbb, 0xcc]) },
    ]);
    const w2 = new Writer();
    apis[ApiKey.Fetch].encodeResponse(w2, 12, decoded);
    expect(w2.toBuffer().equals(bytes)).toBe(true);
  });

  it('refuses to drop a non-ignorable field in an old version', () => {
    const w = new Writer();
    expect(() =>
      apis[ApiKey.Produce].encodeRequest(w, 2, {
        transactionalId: 'tx',
        acks: 1,
        timeoutMs: 1,
        topicData: [],
      }),
    ).toThrow(/transactionalId/);
  });
});

describe('Writer', () => {
  it('references large record payloads instead of copying them', () => {
    const records = Buffer.alloc(ZERO_COPY_MIN * 4, 7);
    const w = new Writer();
    w.int32(1);
    w.nullableBytes(records);
    w.int16(2);
    const chunks = w.finish();
    expect(chunks.some((c) => c === records)).toBe(true);
    const all = w.toBuffer();
    expect(all.length).toBe(4 + 4 + records.length + 2);
    expect(all.readInt16BE(all.length - 2)).toBe(2);
  });

  it('patches a size prefix across segments', () => {
    const w = new Writer(4);
    w.int32(0);
    for (let i = 0; i < 1000; i++) w.int32(i);
    w.patchInt32(0, w.length - 4);
    const b = w.toBuffer();
    expect(b.readInt32BE(0)).toBe(4000);
    expect(b.readInt32BE(4 + 999 * 4)).toBe(999);
  });
});
