/**
 * @module broker/config
 * Options of an embedded broker, with the defaults a laptop or CI run wants.
 */
import type { Logger } from 'pino';

export interface SaslUser {
  name: string;
  password: string;
}

export interface TlsOptions {
  /** PEM certificate chain and key of the broker. */
  cert: string;
  key: string;
  /** PEM CA bundle used to verify client certificates (mutual TLS). */
  ca?: string;
  /** Require a client certificate signed by `ca` (mutual TLS). */
  requireClientCert?: boolean;
}

export interface BrokerOptions {
  /** Address to listen on; 127.0.0.1 unless you mean to expose the broker. */
  host: string;
  /** Port of the first broker identity; 0 picks a free one. With several brokers, each gets its own. */
  port: number;
  /** Directory for partition logs and broker state; a temporary one (deleted on stop) when omitted. */
  dataDir?: string;
  /** Broker identities served by this process, each on its own port (partition leaders spread across them). */
  brokers: number;
  /** Create a topic on first use (Metadata, Produce), as Kafka's auto.create.topics.enable. */
  autoCreateTopics: boolean;
  /** num.partitions for auto-created topics. */
  defaultPartitions: number;
  /** SASL/PLAIN and SCRAM users; when set, clients must authenticate. */
  users?: SaslUser[];
  /** SASL mechanisms offered when `users` is set. */
  saslMechanisms: string[];
  tls?: TlsOptions;
  /** Largest request frame accepted (socket.request.max.bytes). */
  maxRequestBytes: number;
  /** Interval of retention and compaction runs (log.retention.check.interval.ms). */
  maintenanceIntervalMs: number;
  /** group.initial.rebalance.delay.ms */
  groupInitialRebalanceDelayMs: number;
  /** Cluster id reported in Metadata; a fresh one per data directory when omitted. */
  clusterId?: string;
  logger?: Logger;
}

export const DEFAULT_BROKER_OPTIONS: BrokerOptions = {
  host: '127.0.0.1',
  port: 0,
  brokers: 1,
  autoCreateTopics: true,
  defaultPartitions: 1,
  saslMechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
  maxRequestBytes: 100 * 1024 * 1024,
  maintenanceIntervalMs: 300_000,
  groupInitialRebalanceDelayMs: 0,
};
