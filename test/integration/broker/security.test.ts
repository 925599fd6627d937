// Security of the embedded broker as MSK users configure it: SASL PLAIN and
// SCRAM-SHA-256/512 (kafkajs; kafka-python, kcat and SASL_SSL end to end are
// in test/compat/), TLS with and without client certificates, and what a
// client sees when it gets it wrong.
import net from 'node:net';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificates, type TestCertificates } from '../../../src/broker/auth/certs';
import { startBroker, type RunningBroker } from '../../../src/broker/index';
import { ErrorCode } from '../../../src/protocol/errors';
import { ApiKey } from '../../../src/protocol/generated/index';
import { RawClient } from '../../support/raw-client';

const USERS = [
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
];
const WRONG = 'wrong-password-9f3c';

/** A pino logger whose JSON lines the test can read. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines, text: () => lines.map((l) => JSON.stringify(l)).join('\n') };
}

function client(broker: RunningBroker, extra: Partial<KafkaConfig> = {}) {
  return new Kafka({
    clientId: 'security-test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 3000,
    authenticationTimeout: 3000,
    ...extra,
  });
}

async function listTopics(broker: RunningBroker, extra: Partial<KafkaConfig>): Promise<string[]> {
  const admin = client(broker, extra).admin();
  try {
    await admin.connect();
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

/** Runs `fn`, expecting it to fail; returns the error and how long it took. */
async function failure(fn: () => Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const t0 = Date.now();
  try {
    await fn();
  } catch (error) {
    return { error: error as Error, ms: Date.now() - t0 };
  }
  throw new Error('expected a failure');
}

function waitClosed(c: RawClient, ms = 3000): Promise<boolean> {
  if (c.closed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    c.socket.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

const METADATA_ALL = {
  topics: null,
  allowAutoTopicCreation: true,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
};

/**
 * A bare socket for the legacy flow (SaslHandshake v0, then raw tokens), where
 * replies are size-prefixed tokens without a Kafka header.
 */
class LegacySaslSocket {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
  }
  static connect(bootstrap: string): Promise<LegacySaslSocket> {
    const [host, port] = bootstrap.split(':');
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port: Number(port) }, () => resolve(new LegacySaslSocket(s)));
      s.once('error', reject);
    });
  }
  /** Writes one size-prefixed frame. */
  frame(payload: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length);
    this.socket.write(Buffer.concat([size, payload]));
  }
  /** SaslHandshake v0 (header v1: key, version, correlation id, client id); returns the error code. */
  async handshakeV0(mechanism: string): Promise<number> {
    const client = Buffer.from('legacy');
    const mech = Buffer.from(mechanism);
    const h = Buffer.alloc(10 + client.length + 2 + mech.length);
    let o = h.writeInt16BE(17, 0);
    o = h.writeInt16BE(0, o);
    o = h.writeInt32BE(7, o);
    o = h.writeInt16BE(client.length, o);
    o += client.copy(h, o);
    o = h.writeInt16BE(mech.length, o);
    mech.copy(h, o);
    this.frame(h);
    const resp = await this.next();
    if (!resp || resp.readInt32BE(0) !== 7) throw new Error('no SaslHandshake response');
    return resp.readInt16BE(4);
  }
  /** The next size-prefixed frame, or null when the connection closes first. */
  async next(): Promise<Buffer | null> {
    for (;;) {
      if (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const n = this.buf.readInt32BE(0);
        const f = this.buf.subarray(4, 4 + n);
        this.buf = this.buf.subarray(4 + n);
        return f;
      }
      if (this.closed) return null;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
}

function sasl(
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512',
  username: string,
  password: string,
): SASLOptions {
  return { mechanism, username, password } as SASLOptions;
}

describe('SASL over plaintext (SASL_PLAINTEXT)', () => {
  let broker: RunningBroker;
  const logs = capturingLogger();

  beforeAll(async () => {
    broker = await startBroker({ port: 0, users: USERS, logger: logs.logger });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    it(`kafkajs ${mechanism}: admin listTopics works and the principal is User:alice`, async () => {
      const before = logs.lines.length;
      const topics = await listTopics(broker, { sasl: sasl(mechanism, 'alice', 'alice-secret') });
      expect(Array.isArray(topics)).toBe(true);
      const authenticated = logs.lines.slice(before).filter((l) => l['msg'] === 'authenticated');
      expect(authenticated.length).toBeGreaterThan(0);
      expect(authenticated[0]).toMatchObject({ principal: 'User:alice', mechanism: mechanism.toUpperCase() });
    });

    it(`kafkajs ${mechanism}: a wrong password fails fast with KafkaJSSASLAuthenticationError`, async () => {
      const { error, ms } = await failure(() =>
        listTopics(broker, { sasl: sasl(mechanism, 'alice', WRONG) }),
      );
      expect(error.name).toBe('KafkaJSSASLAuthenticationError');
      expect(error.message).toMatch(/authentication failed: invalid credentials|Authentication failed/i);
      expect(ms).toBeLessThan(5000);
    });

    it(`kafkajs ${mechanism}: an unknown user fails the same way`, async () => {
      const { error, ms } = await failure(() =>
        listTopics(broker, { sasl: sasl(mechanism, 'mallory', 'alice-secret') }),
      );
      expect(error.name).toBe('KafkaJSSASLAuthenticationError');
      expect(ms).toBeLessThan(5000);
    });
  }

  it('a client without SASL is refused (connection closed), not served', async () => {
    const { error, ms } = await failure(() => listTopics(broker, {}));
    expect(error.name).toMatch(
      /KafkaJS(Connection|NumberOfRetriesExceeded|NonRetriable)Error|KafkaJSConnectionClosedError/,
    );
    expect(ms).toBeLessThan(5000);
  });

  it('never logs a password', () => {
    const text = logs.text();
    expect(text).not.toContain(WRONG);
    expect(text).not.toContain('alice-secret');
    expect(text).toContain('SASL authentication failed');
  });

  it('ApiVersions before authentication advertises SaslHandshake v0-1 and SaslAuthenticate v0-2', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const r = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    expect(r.apiKeys.find((k) => k.apiKey === 17)).toMatchObject({ minVersion: 0, maxVersion: 1 });
    expect(r.apiKeys.find((k) => k.apiKey === 36)).toMatchObject({ minVersion: 0, maxVersion: 2 });
    c.close();
  });

  it('Metadata before authentication closes the connection without a response (as Kafka)', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const res = c.request(ApiKey.Metadata, 1, METADATA_ALL);
    await expect(res).rejects.toThrow(/connection closed/);
    expect(c.closed).toBe(true);
  });

  it('an unsupported mechanism gets UNSUPPORTED_SASL_MECHANISM with the enabled list, then the connection closes', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const r = await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'GSSAPI' });
    expect(r.errorCode).toBe(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    expect(r.mechanisms).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
    expect(await waitClosed(c)).toBe(true);
  });

  it('SaslAuthenticate before SaslHandshake gets ILLEGAL_SASL_STATE, then the connection closes', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    const r = await c.request(ApiKey.SaslAuthenticate, 2, {
      authBytes: Buffer.from('\0alice\0alice-secret'),
    });
    expect(r.errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    expect(await waitClosed(c)).toBe(true);
  });

  it('SaslAuthenticate v2 PLAIN with a wrong password: SASL_AUTHENTICATION_FAILED, fixed message, lifetime 0, closed', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    expect((await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0);
    const r = await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from(`\0alice\0${WRONG}`) });
    expect(r).toMatchObject({
      errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
      errorMessage: 'authentication failed: invalid credentials',
      sessionLifetimeMs: 0n,
    });
    expect(await waitClosed(c)).toBe(true);
  });

  it('SaslAuthenticate v1 PLAIN success, then Metadata is served; a second handshake is ILLEGAL_SASL_STATE', async () => {
    const c = await RawClient.connect(broker.bootstrap);
    expect((await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0);
    const r = await c.request(ApiKey.SaslAuthenticate, 1, { authBytes: Buffer.from('\0bob\0bob-secret') });
    expect(r).toMatchObject({ errorCode: 0, errorMessage: null, sessionLifetimeMs: 0n });
    expect(r.authBytes).toHaveLength(0);
    const md = await c.request(ApiKey.Metadata, 1, METADATA_ALL);
    expect(md.brokers).toHaveLength(1);
    const again = await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    expect(again.errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    expect(await waitClosed(c)).toBe(true);
  });

  it('SaslHandshake v0 (legacy): raw PLAIN token answered by an empty size-prefixed token, then requests are served', async () => {
    const c = await LegacySaslSocket.connect(broker.bootstrap);
    expect(await c.handshakeV0('PLAIN')).toBe(0);
    c.frame(Buffer.from('\0alice\0alice-secret'));
    expect(await c.next()).toEqual(Buffer.alloc(0));
    // Back to Kafka framing: ApiVersions v0 (key 18, version 0, correlation id 9, null client id).
    const req = Buffer.alloc(10);
    req.writeInt16BE(18, 0);
    req.writeInt16BE(0, 2);
    req.writeInt32BE(9, 4);
    req.writeInt16BE(-1, 8);
    c.frame(req);
    const resp = await c.next();
    expect(resp?.readInt32BE(0)).toBe(9);
    expect(resp?.readInt16BE(4)).toBe(0);
    c.socket.destroy();
  });

  it('SaslHandshake v0 (legacy): a wrong raw PLAIN token closes the connection without an answer', async () => {
    const c = await LegacySaslSocket.connect(broker.bootstrap);
    expect(await c.handshakeV0('PLAIN')).toBe(0);
    c.frame(Buffer.from(`\0alice\0${WRONG}`));
    expect(await c.next()).toBeNull();
  });
});

describe('TLS', () => {
  let certs: TestCertificates;
  let other: TestCertificates;

  beforeAll(() => {
    certs = makeTestCertificates({ hosts: ['127.0.0.1', 'localhost'], clients: ['alice'] });
    other = makeTestCertificates({ hosts: ['127.0.0.1'], caName: 'some other CA', clients: ['eve'] });
  });

  describe('server certificate only (SSL)', () => {
    let broker: RunningBroker;
    const logs = capturingLogger();
    beforeAll(async () => {
      broker = await startBroker({
        port: 0,
        tls: { cert: certs.server.cert, key: certs.server.key },
        logger: logs.logger,
      });
    });
    afterAll(async () => {
      await broker?.stop();
    });

    it('kafkajs trusting our CA lists topics', async () => {
      expect(Array.isArray(await listTopics(broker, { ssl: { ca: [certs.ca] } }))).toBe(true);
    });

    it('kafkajs trusting another CA fails fast with a certificate error; the broker logs the remote address', async () => {
      const { error, ms } = await failure(() => listTopics(broker, { ssl: { ca: [other.ca] } }));
      expect(ms).toBeLessThan(5000);
      expect(`${error.message} ${(error as { cause?: Error }).cause?.message ?? ''}`).toMatch(/certificate/i);
      await new Promise((r) => setTimeout(r, 100));
      expect(logs.text()).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ failed/);
    });

    it('a plaintext client is refused quickly', async () => {
      const { ms } = await failure(() => listTopics(broker, {}));
      expect(ms).toBeLessThan(5000);
    });

    it('TLS 1.1 is refused (minimum TLS 1.2)', async () => {
      const tls = await import('node:tls');
      const [host, port] = broker.bootstrap.split(':');
      const err = await new Promise<Error | null>((resolve) => {
        const s = tls.connect({
          host,
          port: Number(port),
          ca: certs.ca,
          minVersion: 'TLSv1',
          maxVersion: 'TLSv1.1',
        });
        s.once('secureConnect', () => {
          s.destroy();
          resolve(null);
        });
        s.once('error', resolve);
      });
      expect(err).not.toBeNull();
    });
  });

  describe('mutual TLS (client certificate required)', () => {
    let broker: RunningBroker;
    const logs = capturingLogger();
    beforeAll(async () => {
      broker = await startBroker({
        port: 0,
        tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca, requireClientCert: true },
        logger: logs.logger,
      });
    });
    afterAll(async () => {
      await broker?.stop();
    });

    it("kafkajs with alice's certificate lists topics; the principal is her subject DN", async () => {
      const alice = certs.clients['alice'];
      if (!alice) throw new Error('no alice certificate');
      const topics = await listTopics(broker, { ssl: { ca: [certs.ca], cert: alice.cert, key: alice.key } });
      expect(Array.isArray(topics)).toBe(true);
      const seen = logs.lines.filter((l) => l['msg'] === 'TLS client certificate').map((l) => l['principal']);
      expect(seen).toContain('User:CN=alice');
    });

    it('without a client certificate, or with one from another CA, the connection fails fast', async () => {
      const eve = other.clients['eve'];
      if (!eve) throw new Error('no eve certificate');
      for (const ssl of [{ ca: [certs.ca] }, { ca: [certs.ca], cert: eve.cert, key: eve.key }]) {
        const { ms } = await failure(() => listTopics(broker, { ssl }));
        expect(ms).toBeLessThan(5000);
      }
      expect(logs.lines.filter((l) => l['msg'] === 'TLS client certificate')).toHaveLength(1);
    });
  });
});
