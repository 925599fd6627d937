/**
 * @module kafka/wire/metadata
 * The cluster as the wire client sees it: bootstrap, brokers, each partition's leader, and one
 * connection per broker, opened on first use and reopened after it closes. Callers ask for a
 * partition's leader and call `forget(topic)` after NOT_LEADER / UNKNOWN_TOPIC errors, so the next
 * lookup refreshes the metadata.
 */
import { ApiKey } from '../../protocol/generated/index';
import { ZERO_UUID } from '../../protocol/reader';
import { BrokerConnection, type BrokerAddress, type ConnectionOptions } from './connection';
import { KafkaResponseError, WireConnectionError, WireError } from './errors';

export interface ClusterOptions extends ConnectionOptions {
  /** host:port of one or more brokers. */
  bootstrap: string[];
}

export interface PartitionInfo {
  partition: number;
  /** Node id of the leader; -1 while there is none. */
  leader: number;
}

export function parseHostPort(s: string): BrokerAddress {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(s.trim());
  if (!m) throw new Error(`"${s}" is not host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}

export class WireCluster {
  private readonly brokers = new Map<number, BrokerAddress>();
  private readonly conns = new Map<string, Promise<BrokerConnection>>();
  private readonly topics = new Map<string, Promise<PartitionInfo[]>>();
  private closed = false;

  constructor(readonly opts: ClusterOptions) {
    if (opts.bootstrap.length === 0) throw new Error('no bootstrap broker');
  }

  /** A connection to `addr`, shared; a closed one is replaced on the next call. */
  connectTo(addr: BrokerAddress): Promise<BrokerConnection> {
    if (this.closed)
      return Promise.reject(new WireError('the client is closed', `${addr.host}:${addr.port}`));
    const key = `${addr.host}:${addr.port}`;
    let p = this.conns.get(key);
    if (p) return p;
    p = BrokerConnection.open(addr, this.opts);
    this.conns.set(key, p);
    p.then(
      (c) => c.onClose(() => this.conns.get(key) === p && this.conns.delete(key)),
      () => this.conns.get(key) === p && this.conns.delete(key),
    );
    return p;
  }

  /** A connection to any bootstrap broker, trying each in turn. */
  private async anyBroker(): Promise<BrokerConnection> {
    let last: unknown;
    const known = [...this.brokers.values()].map((b) => `${b.host}:${b.port}`);
    for (const s of [...this.opts.bootstrap, ...known]) {
      try {
        return await this.connectTo(parseHostPort(s));
      } catch (err) {
        // An authentication failure is the same on every broker: no point trying the others.
        if (!(err instanceof WireConnectionError)) throw err;
        last = err;
      }
    }
    throw last;
  }

  /** The connection to broker `nodeId` (known from metadata). */
  async connection(nodeId: number): Promise<BrokerConnection> {
    const addr = this.brokers.get(nodeId);
    if (!addr) throw new WireError(`broker ${nodeId} is not in the cluster metadata`, `node ${nodeId}`);
    return this.connectTo(addr);
  }

  /**
   * The topic's partitions and leaders, from the cache or a Metadata request. `autoCreate` lets a
   * broker configured to create topics on first use do so (what producers ask for).
   */
  partitions(topic: string, autoCreate = false): Promise<PartitionInfo[]> {
    let p = this.topics.get(topic);
    if (p) return p;
    p = this.fetchMetadata(topic, autoCreate);
    this.topics.set(topic, p);
    p.catch(() => this.topics.get(topic) === p && this.topics.delete(topic));
    return p;
  }

  async leader(topic: string, partition: number): Promise<number> {
    const info = (await this.partitions(topic)).find((x) => x.partition === partition);
    if (!info) throw new KafkaResponseError('-', 'Metadata', 3, topic, partition);
    return info.leader;
  }

  /** Drops what is known of the topic: the next lookup asks the cluster again. */
  forget(topic: string): void {
    this.topics.delete(topic);
  }

  private async fetchMetadata(topic: string, autoCreate: boolean): Promise<PartitionInfo[]> {
    // A partition without a leader (an election) resolves after a moment: retry a few times.
    for (let attempt = 0; ; attempt++) {
      const conn = await this.anyBroker();
      const res = await conn.request(ApiKey.Metadata, {
        topics: [{ topicId: ZERO_UUID, name: topic }],
        allowAutoTopicCreation: autoCreate,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      for (const b of res.brokers) this.brokers.set(b.nodeId, { host: b.host, port: b.port });
      const t = res.topics.find((x) => x.name === topic);
      const code = t ? t.errorCode : 3;
      const leaderless = t !== undefined && t.partitions.some((p) => p.leaderId < 0 || p.errorCode === 5);
      if ((code === 5 || leaderless) && attempt < 10) {
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
        continue;
      }
      if (code !== 0) throw new KafkaResponseError(conn.address, 'Metadata', code, topic);
      return t!.partitions
        .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId }))
        .sort((a, b) => a.partition - b.partition);
    }
  }

  close(): void {
    this.closed = true;
    for (const p of this.conns.values())
      p.then(
        (c) => c.close(),
        () => undefined,
      );
    this.conns.clear();
  }
}
