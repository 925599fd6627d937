/**
 * @module kafka/wire/coordinator
 * Where a consumer group's or a transactional id's coordinator is: FindCoordinator asked through
 * the bootstrap brokers in turn. Which connection to open to the answer, and whether and how long
 * to ask again, is the caller's (wire/group opens one of the member's own, wire/transaction uses
 * the cluster's shared ones and retries).
 */
import { ApiKey } from '../../protocol/generated/index';
import type { BrokerAddress, BrokerConnection } from './connection';
import { KafkaResponseError, WireConnectionError, WireError } from './errors';
import { parseHostPort, type WireCluster } from './metadata';

/** FindCoordinator's key types. */
export const CoordinatorKeyType = { GROUP: 0, TRANSACTION: 1 } as const;
export type CoordinatorKeyType = (typeof CoordinatorKeyType)[keyof typeof CoordinatorKeyType];

export interface LookupCoordinatorOptions {
  /**
   * Error codes after which the next bootstrap broker is asked (when none is left, the last
   * answer's error is thrown). Any other code is thrown at once; by default every code is.
   */
  askNextOn?: ReadonlySet<number>;
}

/**
 * The coordinator's address for `key`. A bootstrap broker that cannot be reached
 * (WireConnectionError) is skipped; when none can, the last connection error is thrown. An error
 * code in the answer is a KafkaResponseError naming the broker asked and the key.
 */
export async function lookupCoordinator(
  cluster: WireCluster,
  keyType: CoordinatorKeyType,
  key: string,
  opts: LookupCoordinatorOptions = {},
): Promise<BrokerAddress> {
  let last: unknown;
  for (const s of cluster.opts.bootstrap) {
    let conn: BrokerConnection;
    try {
      conn = await cluster.connectTo(parseHostPort(s));
    } catch (err) {
      if (!(err instanceof WireConnectionError)) throw err;
      last = err;
      continue;
    }
    const version = Math.min(conn.version(ApiKey.FindCoordinator), 3);
    const res = await conn.request(ApiKey.FindCoordinator, { key, keyType, coordinatorKeys: [] }, version);
    if (res.errorCode === 0) return { host: res.host, port: res.port };
    const what = `${keyType === CoordinatorKeyType.TRANSACTION ? 'transactional id' : 'group'} ${key}`;
    last = new KafkaResponseError(
      conn.address,
      'FindCoordinator',
      res.errorCode,
      undefined,
      undefined,
      res.errorMessage ? `${what}: ${res.errorMessage}` : what,
    );
    if (!opts.askNextOn?.has(res.errorCode)) throw last;
  }
  throw last ?? new WireError('no bootstrap broker answered', cluster.opts.bootstrap.join(','));
}
