/**
 * @module kafka/codecs
 * kafkajs ships gzip only; snappy, lz4 and zstd are plugged in here from the broker's own codec
 * module, so the seam reads batches other clients compressed (librdkafka, the Java client) and
 * writes them in the framing those clients expect (xerial snappy, LZ4 frame, zstd frame).
 *
 * kafkajs looks a codec up on every batch as `CompressionCodecs[type]()`, and awaits
 * `compress(encoder)` / `decompress(buffer)`.
 */
// Before kafkajs loads: see the module.
import './kafkajs-grouping';
import { CompressionTypes } from 'kafkajs';
import { CompressionCodec, compress, decompress } from '../protocol/records/compression';
import { kafkajs } from './kafkajs-module';

/** kafkajs' codec interface (src/protocol/message/compression). */
export interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

export function kafkajsCodec(codec: CompressionCodec): () => KafkajsCodec {
  const impl: KafkajsCodec = {
    // The broker's codecs are synchronous; wrapping them in async functions turns a throw into
    // a rejection, which is what kafkajs handles.
    async compress(encoder) {
      return compress(codec, encoder.buffer);
    },
    async decompress(buffer) {
      return decompress(codec, buffer);
    },
  };
  return () => impl;
}

let registered = false;

/** Registers snappy, lz4 and zstd with kafkajs (process-wide; idempotent). */
export function registerCodecs(): void {
  if (registered) return;
  const codecs = kafkajs.CompressionCodecs as Record<number, () => KafkajsCodec>;
  codecs[CompressionTypes.Snappy] = kafkajsCodec(CompressionCodec.snappy);
  codecs[CompressionTypes.LZ4] = kafkajsCodec(CompressionCodec.lz4);
  codecs[CompressionTypes.ZSTD] = kafkajsCodec(CompressionCodec.zstd);
  registered = true;
}

export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export function kafkajsCompression(name: CompressionName | undefined): CompressionTypes {
  switch (name) {
    case undefined:
    case 'none':
      return CompressionTypes.None;
    case 'gzip':
      return CompressionTypes.GZIP;
    case 'snappy':
      return CompressionTypes.Snappy;
    case 'lz4':
      return CompressionTypes.LZ4;
    case 'zstd':
      return CompressionTypes.ZSTD;
  }
}
