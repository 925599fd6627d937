// Transaction control records: the COMMIT/ABORT markers the transaction coordinator writes into
// every partition a transaction touched. A marker is a batch with isControl and isTransactional
// set, the transaction's producerId/epoch, baseSequence -1 and exactly one record:
//
//   key   = version int16 (0) | type int16 (0 = ABORT, 1 = COMMIT)
//   value = version int16 (0) | coordinatorEpoch int32
//
// Control batches are never compressed, so the key sits at a fixed place after the record's
// varint prefix and the broker can classify a marker without a full decode.
import {
  ATTR_CONTROL,
  BATCH_HEADER_BYTES,
  decodeRecords,
  encodeBatch,
  readBatchHeader,
  NO_SEQUENCE,
  type RecordBatch,
} from './batch';

export type ControlType = 'ABORT' | 'COMMIT';
const TYPE_CODES: Record<ControlType, number> = { ABORT: 0, COMMIT: 1 };

export interface ControlMarker {
  type: ControlType;
  coordinatorEpoch: number;
  /** Other control types (e.g. KRaft's) are reported by code. */
  typeCode: number;
}

export interface ControlBatchOptions {
  type: ControlType;
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  timestamp?: number;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
}

/** Builds the single-record control batch for a transaction marker. */
export function encodeControlBatch(opts: ControlBatchOptions): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(TYPE_CODES[opts.type], 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(opts.coordinatorEpoch, 2);
  const timestamp = opts.timestamp ?? Date.now();
  return encodeBatch([{ key, value, timestamp }], {
    baseOffset: opts.baseOffset ?? 0,
    partitionLeaderEpoch: opts.partitionLeaderEpoch,
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    baseSequence: NO_SEQUENCE,
    isTransactional: true,
    isControl: true,
    baseTimestamp: timestamp,
  });
}

/** Parses a control record's key (and value, when present). */
export function parseControlRecord(key: Buffer, value: Buffer | null): ControlMarker {
  if (key.length < 4) throw new RangeError(`control record key of ${key.length} bytes`);
  const typeCode = key.readInt16BE(2);
  const type: ControlType = typeCode === 0 ? 'ABORT' : 'COMMIT';
  const coordinatorEpoch = value && value.length >= 6 ? value.readInt32BE(2) : -1;
  return { type, typeCode, coordinatorEpoch };
}

/** The marker carried by a control batch, or null for a data batch. */
export function readControlMarker(batch: Buffer | RecordBatch): ControlMarker | null {
  const bytes = Buffer.isBuffer(batch) ? batch : batch.bytes;
  const attributes = Buffer.isBuffer(batch) ? readBatchHeader(bytes).attributes : batch.attributes;
  if ((attributes & ATTR_CONTROL) === 0) return null;
  if (bytes.length <= BATCH_HEADER_BYTES) return null;
  const [record] = decodeRecords(batch);
  if (!record?.key) return null;
  return parseControlRecord(record.key, record.value);
}
