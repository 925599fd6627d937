/**
 * @module kafka/wire
 * kflow's own Kafka client on the protocol codecs it shares with the embedded broker
 * (src/protocol): read partition ranges and produce batches with no per-record work beyond the
 * record format itself. It covers plaintext, TLS and SASL PLAIN/SCRAM; AWS IAM stays on kafkajs.
 *
 * ```ts
 * const wire = new WireClient({ bootstrap: ['127.0.0.1:9092'] });
 * const ends = await wire.listOffsets('orders', 'latest');
 * await wire.read({ topic: 'orders', ranges: [{ partition: 0, from: 0n, to: ends.get(0)! }], onBatch: (b) => {...} });
 * const base = await wire.produce('orders', new Map([[0, [{ key: 'k', value: 'v' }]]]));
 * wire.close();
 * ```
 */
import type { ConnectionProfile } from '../profile';
import type { SecretResolver } from '../profile';
import { envSecretResolver } from '../profile';
import { tlsOptions } from '../kafkajs-config';
import type { RecordInput } from '../../protocol/records/batch';
import { readPartitions, type ReadPartitionsOptions } from './fetch';
import { WireCluster, type ClusterOptions } from './metadata';
import { listOffsets, type OffsetSpec } from './offsets';
import { produceBatches, WireProducer, type WireProduceOptions } from './produce';
import type { SaslCredentials } from './sasl';

export { decodeFetchedRecords, RecordsDeletedError, type FetchedBatch, type PartitionRange } from './fetch';
export {
  KafkaResponseError,
  WireAuthError,
  WireConnectionError,
  WireError,
  WireProtocolError,
} from './errors';
export { WireProducer, murmur2, partitionForKey, type WireProduceOptions } from './produce';
export type { OffsetSpec } from './offsets';
export type { ClusterOptions } from './metadata';

export class WireClient {
  readonly cluster: WireCluster;

  constructor(opts: ClusterOptions) {
    this.cluster = new WireCluster(opts);
  }

  async partitions(topic: string): Promise<number[]> {
    return (await this.cluster.partitions(topic)).map((p) => p.partition);
  }

  listOffsets(
    topic: string,
    spec: OffsetSpec,
    opts?: { partitions?: number[]; isolation?: 'read_committed' | 'read_uncommitted' },
  ): Promise<Map<number, bigint>> {
    return listOffsets(this.cluster, topic, spec, opts);
  }

  read(opts: ReadPartitionsOptions): Promise<void> {
    return readPartitions(this.cluster, opts);
  }

  produce(
    topic: string,
    batches: Map<number, RecordInput[]>,
    opts?: WireProduceOptions,
  ): Promise<Map<number, bigint>> {
    return produceBatches(this.cluster, topic, batches, opts);
  }

  producer(opts?: WireProduceOptions): WireProducer {
    return new WireProducer(this.cluster, opts);
  }

  close(): void {
    this.cluster.close();
  }
}

/**
 * Whether the wire client can serve this profile: everything but AWS IAM, unless
 * KFLOW_KAFKA_CLIENT=kafkajs forces kafkajs.
 */
export function wireSupports(profile: ConnectionProfile): boolean {
  if (process.env['KFLOW_KAFKA_CLIENT'] === 'kafkajs') return false;
  return profile.sasl?.mechanism !== 'aws-iam';
}

/** Cluster options from a profile: secrets resolved and PEM files read now, as kafkajs' config does. */
export async function wireOptions(
  profile: ConnectionProfile,
  secrets: SecretResolver = envSecretResolver(),
): Promise<ClusterOptions> {
  const opts: ClusterOptions = { bootstrap: [...profile.bootstrap], clientId: profile.clientId ?? 'kflow' };
  if (profile.tls !== undefined) opts.tls = await tlsOptions(profile.tls, secrets);
  const sasl = profile.sasl;
  if (sasl !== undefined) {
    if (sasl.mechanism === 'aws-iam') throw new Error('the wire client does not speak AWS IAM; use kafkajs');
    opts.sasl = {
      mechanism: sasl.mechanism,
      username: sasl.username,
      password: await secrets(sasl.password),
    };
  }
  return opts;
}

/** The settings a seam client was built with: its resolved TLS options and SASL secret. */
export interface SeamSettings {
  ssl?: unknown;
  sasl?: { mechanism?: string; username?: string; password?: string } | object;
}

/**
 * Cluster options reaching the same cluster with the same credentials as a seam client built
 * with `built`, or undefined when the wire client cannot (AWS IAM, OAuth, or
 * KFLOW_KAFKA_CLIENT=kafkajs). The seam resolved the profile's secrets with its own resolver (the
 * keychain on a desktop); they are reused rather than resolved again.
 */
export function wireOptionsFrom(profile: ConnectionProfile, built: SeamSettings): ClusterOptions | undefined {
  if (!wireSupports(profile)) return undefined;
  const opts: ClusterOptions = { bootstrap: [...profile.bootstrap], clientId: profile.clientId ?? 'kflow' };
  if (built.ssl !== undefined && built.ssl !== false)
    opts.tls = built.ssl === true ? {} : (built.ssl as object);
  const s = built.sasl as { mechanism?: string; username?: string; password?: string } | undefined;
  if (s !== undefined) {
    const mechanism = s.mechanism as SaslCredentials['mechanism'];
    if (
      !['plain', 'scram-sha-256', 'scram-sha-512'].includes(mechanism) ||
      !s.username ||
      s.password === undefined
    )
      return undefined;
    opts.sasl = { mechanism, username: s.username, password: s.password };
  }
  return opts;
}
