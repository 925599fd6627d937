// The wire client when the other side misbehaves: nothing listening, a connection closed at once,
// a malformed frame, a broker that never answers, a broker that goes away mid-read. Each ends in
// a typed error within seconds, never a hang.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startBroker } from '../../../../src/broker/index';
import { BrokerConnection } from '../../../../src/kafka/wire/connection';
import { WireClient, WireConnectionError, WireProtocolError } from '../../../../src/kafka/wire/index';

const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A TCP server whose connections are handed to `onConn`; resolves with its port. */
async function fakeBroker(onConn: (s: net.Socket) => void): Promise<number> {
  const server = net.createServer(onConn);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

async function failure(p: Promise<unknown>) {
  const t0 = Date.now();
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  return { e: e as Error & { reason?: string; broker?: string }, ms: Date.now() - t0 };
}

describe('connection failures', () => {
  it('nothing listening: a connect error naming the broker', async () => {
    const port = await fakeBroker(() => undefined);
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));
    const { e, ms } = await failure(BrokerConnection.open({ host: '127.0.0.1', port }));
    expect(e).toBeInstanceOf(WireConnectionError);
    expect(e.reason).toBe('connect');
    expect(e.broker).toBe(`127.0.0.1:${port}`);
    expect(ms).toBeLessThan(3000);
  });

  it('the broker closes the connection: a closed error', async () => {
    const port = await fakeBroker((s) => s.destroy());
    const { e } = await failure(BrokerConnection.open({ host: '127.0.0.1', port }));
    expect(e).toBeInstanceOf(WireConnectionError);
    expect(e.reason).toBe('closed');
    expect(e.message).toMatch(/closed/);
  });

  it('a frame with a negative size: a protocol error', async () => {
    const port = await fakeBroker((s) =>
      s.once('data', () => s.write(Buffer.from([0xff, 0xff, 0xff, 0xfb]))),
    );
    const { e } = await failure(BrokerConnection.open({ host: '127.0.0.1', port }));
    expect(e).toBeInstanceOf(WireProtocolError);
    expect(e.message).toMatch(/negative/);
  });

  it('a response to a correlation id never sent: a protocol error', async () => {
    const frame = Buffer.alloc(8);
    frame.writeInt32BE(4, 0);
    frame.writeInt32BE(999, 4);
    const port = await fakeBroker((s) => s.once('data', () => s.write(frame)));
    const { e } = await failure(BrokerConnection.open({ host: '127.0.0.1', port }));
    expect(e).toBeInstanceOf(WireProtocolError);
    expect(e.message).toMatch(/correlation id 999/);
  });

  it('a truncated ApiVersions body: a protocol error naming the API', async () => {
    const port = await fakeBroker((s) =>
      s.once('data', (d: Buffer) => {
        // Correlation id of the request (after size, key and version), then two bytes of body.
        const id = d.readInt32BE(8);
        const f = Buffer.alloc(10);
        f.writeInt32BE(6, 0);
        f.writeInt32BE(id, 4);
        s.write(f);
      }),
    );
    const { e } = await failure(BrokerConnection.open({ host: '127.0.0.1', port }));
    expect(e).toBeInstanceOf(WireProtocolError);
    expect(e.message).toMatch(/ApiVersions/);
  });

  it('a broker that never answers: a timeout, not a hang', async () => {
    const port = await fakeBroker(() => undefined);
    const { e, ms } = await failure(
      BrokerConnection.open({ host: '127.0.0.1', port }, { connectTimeoutMs: 500 }),
    );
    expect(e).toBeInstanceOf(WireConnectionError);
    expect(e.reason).toBe('timeout');
    expect(ms).toBeLessThan(3000);
  });

  it('a broker that goes away mid-read fails the read with a connection error', async () => {
    const broker = await startBroker({ port: 0 });
    const wire = new WireClient({ bootstrap: [broker.bootstrap], connectTimeoutMs: 1000 });
    try {
      const base = await wire.produce('gone', new Map([[0, [{ value: 'x' }]]]));
      expect(base.get(0)).toBe(0n);
      const t0 = Date.now();
      let batches = 0;
      const reading = wire.read({
        topic: 'gone',
        ranges: [{ partition: 0, from: 0n, to: null }],
        maxWaitMs: 100,
        onBatch: () => {
          batches++;
        },
      });
      await new Promise((r) => setTimeout(r, 300));
      await broker.stop();
      const { e } = await failure(reading);
      expect(e).toBeInstanceOf(WireConnectionError);
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(batches).toBeGreaterThanOrEqual(1);
    } finally {
      wire.close();
      await broker.stop().catch(() => undefined);
    }
  });
});
