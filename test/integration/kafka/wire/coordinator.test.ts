// lookupCoordinator (src/kafka/wire/coordinator) against the embedded broker: the coordinator of a
// group and of a transactional id, a refusing first bootstrap broker skipped, an error code as a
// KafkaResponseError naming broker and key, and askNextOn asking the next bootstrap broker.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../../src/broker/index';
import { ApiKey } from '../../../../src/protocol/generated/index';
import { CoordinatorKeyType, lookupCoordinator } from '../../../../src/kafka/wire/coordinator';
import { KafkaResponseError, WireConnectionError } from '../../../../src/kafka/wire/errors';
import { WireCluster } from '../../../../src/kafka/wire/metadata';

/** host:port of a port nothing listens on (bound, then closed). */
async function refusingAddress(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `127.0.0.1:${port}`;
}

describe('lookupCoordinator', () => {
  let broker: RunningBroker;
  let refusing: string;
  const clusters: WireCluster[] = [];
  const cluster = (bootstrap: string[]) => {
    const c = new WireCluster({ bootstrap, connectTimeoutMs: 5_000 });
    clusters.push(c);
    return c;
  };

  beforeAll(async () => {
    broker = await startBroker({ port: 0 });
    refusing = await refusingAddress();
  });
  afterAll(async () => {
    for (const c of clusters) c.close();
    await broker.stop();
  });

  it("answers the broker's own address for a group and for a transactional id", async () => {
    const [only] = broker.brokers;
    const expected = { host: only!.host, port: only!.port };
    const c = cluster([broker.bootstrap]);
    expect(await lookupCoordinator(c, CoordinatorKeyType.GROUP, 'orders-group')).toEqual(expected);
    expect(await lookupCoordinator(c, CoordinatorKeyType.TRANSACTION, 'orders-txn')).toEqual(expected);
  });

  it('skips a bootstrap broker that refuses connections and asks the next', async () => {
    const c = cluster([refusing, broker.bootstrap]);
    const at = await lookupCoordinator(c, CoordinatorKeyType.GROUP, 'g');
    expect(`${at.host}:${at.port}`).toBe(`${broker.brokers[0]!.host}:${broker.brokers[0]!.port}`);
  });

  it('rejects with the connection error naming the broker when no bootstrap broker can be reached', async () => {
    const c = cluster([refusing]);
    const err = await lookupCoordinator(c, CoordinatorKeyType.GROUP, 'g').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WireConnectionError);
    expect((err as WireConnectionError).broker).toBe(refusing);
    expect((err as Error).message).toContain(refusing);
  });

  it('turns an error code into a KafkaResponseError naming the broker, the API and the key', async () => {
    const c = cluster([broker.bootstrap]);
    // The broker answers an empty key with INVALID_REQUEST (42).
    const err = await lookupCoordinator(c, CoordinatorKeyType.TRANSACTION, '').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaResponseError);
    const k = err as KafkaResponseError;
    expect(k.errorCode).toBe(42);
    expect(k.api).toBe('FindCoordinator');
    expect(k.broker).toBe(broker.bootstrap);
    expect(k.message).toContain('transactional id');
  });

  it('asks the next bootstrap broker after a code in askNextOn, and throws it at once otherwise', async () => {
    // The first FindCoordinator of each lookup has its key blanked, so that broker answers 42.
    let seen = 0;
    const stop = broker.onRequest((header, request) => {
      if (header.apiKey !== ApiKey.FindCoordinator) return;
      if (seen++ % 2 === 0) (request as { key: string }).key = '';
    });
    try {
      const c = cluster([broker.bootstrap, broker.bootstrap]);
      const at = await lookupCoordinator(c, CoordinatorKeyType.GROUP, 'g', { askNextOn: new Set([42]) });
      expect(at).toEqual({ host: broker.brokers[0]!.host, port: broker.brokers[0]!.port });
      expect(seen).toBe(2);
      const err = await lookupCoordinator(c, CoordinatorKeyType.GROUP, 'g').catch((e: unknown) => e);
      expect((err as KafkaResponseError).errorCode).toBe(42);
      expect(seen).toBe(3);
    } finally {
      stop();
    }
  });
});
