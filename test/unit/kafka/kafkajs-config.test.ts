import dns from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { kafkajsConfig, mskIamTokenProvider } from '../../../src/kafka/kafkajs-config';
import type { ConnectionProfile } from '../../../src/kafka/profile';

const PEM_CA = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';

describe('kafkajsConfig', () => {
  it('plaintext: brokers, client id, short connection and authentication timeouts', async () => {
    const c = await kafkajsConfig({ name: 'p', bootstrap: ['a:9092', 'b:9092'], clientId: 'app' });
    expect(c.brokers).toEqual(['a:9092', 'b:9092']);
    expect(c.clientId).toBe('app');
    expect(c.ssl).toBeUndefined();
    expect(c.sasl).toBeUndefined();
    expect(c.connectionTimeout).toBe(3000);
    expect(c.authenticationTimeout).toBe(3000);
  });

  it('TLS: system CAs with {}, PEM text or files, mutual TLS key from a secret', async () => {
    expect((await kafkajsConfig({ name: 't', bootstrap: ['h:9094'], tls: {} })).ssl).toBe(true);
    const files: Record<string, string> = { '/etc/kflow/client.pem': 'CERT' };
    const c = await kafkajsConfig(
      {
        name: 't',
        bootstrap: ['h:9094'],
        tls: {
          ca: PEM_CA,
          cert: '/etc/kflow/client.pem',
          key: { secret: 'mtls', key: 'key' },
          servername: 'kafka.internal',
        },
      },
      {
        readFile: (f) => {
          const v = files[f];
          if (v === undefined) throw new Error('ENOENT');
          return v;
        },
        secrets: (ref) => `KEY-OF-${ref.secret}/${ref.key}`,
      },
    );
    expect(c.ssl).toEqual({
      ca: [PEM_CA],
      cert: 'CERT',
      key: 'KEY-OF-mtls/key',
      servername: 'kafka.internal',
    });
    await expect(
      kafkajsConfig(
        { name: 't', bootstrap: ['h:9094'], tls: { ca: '/missing/ca.pem' } },
        {
          readFile: () => {
            throw new Error('ENOENT');
          },
        },
      ),
    ).rejects.toThrow('cannot read PEM file /missing/ca.pem: ENOENT');
  });

  it('SASL PLAIN and SCRAM resolve the password from the environment variable', async () => {
    const env = { KFLOW_SECRET_PROD_PASSWORD: 'pw-from-env' };
    const { envSecretResolver } = await import('../../../src/kafka/profile');
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
      const c = await kafkajsConfig(
        {
          name: 's',
          bootstrap: ['h:9096'],
          sasl: { mechanism, username: 'alice', password: { secret: 'prod', key: 'password' } },
        },
        { secrets: envSecretResolver(env) },
      );
      expect(c.sasl).toEqual({ mechanism, username: 'alice', password: 'pw-from-env' });
    }
    await expect(
      kafkajsConfig(
        {
          name: 's',
          bootstrap: ['h:9096'],
          sasl: { mechanism: 'plain', username: 'a', password: { secret: 'prod', key: 'password' } },
        },
        { secrets: envSecretResolver({}) },
      ),
    ).rejects.toThrow('KFLOW_SECRET_PROD_PASSWORD');
  });
});

describe('AWS IAM (MSK) token provider', () => {
  const FAKE_KEY = 'AKIAIOSFODNN7EXAMPLE';
  let dir: string;
  let connects: string[];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kflow-aws-'));
    connects = [];
    // Any socket (HTTP to STS, IMDS, SSO) goes through net.Socket#connect, any name through dns.lookup:
    // fail the test if the signer touches the network.
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (
      this: net.Socket,
      ...args: unknown[]
    ) {
      connects.push(JSON.stringify(args[0]));
      throw new Error('network access in a unit test');
    });
    vi.spyOn(dns, 'lookup').mockImplementation(((host: string) => {
      connects.push(`dns:${host}`);
      throw new Error('DNS in a unit test');
    }) as unknown as typeof dns.lookup);
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    vi.stubEnv('AWS_CONFIG_FILE', path.join(dir, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(dir, 'credentials'));
    vi.stubEnv('AWS_PROFILE', '');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The token is the base64url of a presigned `kafka-cluster:Connect` URL. */
  function decode(token: string): URL {
    return new URL(Buffer.from(token, 'base64url').toString('utf8'));
  }

  it('the network guard sees sockets', () => {
    expect(() => net.connect(9, '127.0.0.1')).toThrow('network access in a unit test');
    expect(connects).toHaveLength(1);
  });

  it('is what kafkajsConfig wires as OAUTHBEARER, signing with the region and env credentials', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', FAKE_KEY);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    const profile: ConnectionProfile = {
      name: 'iam',
      bootstrap: ['b-1:9098'],
      tls: {},
      sasl: { mechanism: 'aws-iam', region: 'eu-west-1' },
    };
    const c = await kafkajsConfig(profile);
    expect(c.ssl).toBe(true);
    const sasl = c.sasl as { mechanism: string; oauthBearerProvider: () => Promise<{ value: string }> };
    expect(sasl.mechanism).toBe('oauthbearer');
    const { value } = await sasl.oauthBearerProvider();
    const url = decode(value);
    expect(url.host).toBe('kafka.eu-west-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    const credential = url.searchParams.get('X-Amz-Credential')!.split('/');
    expect(credential[0]).toBe(FAKE_KEY);
    expect(credential[2]).toBe('eu-west-1');
    expect(credential[3]).toBe('kafka-cluster');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(connects).toEqual([]);
  });

  it('uses a named profile of the shared credentials file', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    fs.writeFileSync(
      path.join(dir, 'credentials'),
      '[msk-dev]\naws_access_key_id = AKIAPROFILEEXAMPLE00\naws_secret_access_key = profilesecretexample\n',
    );
    const token = await mskIamTokenProvider({ region: 'us-east-2', profile: 'msk-dev' })();
    const credential = decode(token.value).searchParams.get('X-Amz-Credential')!.split('/');
    expect(credential[0]).toBe('AKIAPROFILEEXAMPLE00');
    expect(credential[2]).toBe('us-east-2');
    expect(connects).toEqual([]);
  });

  it('reuses a token until a minute before it expires', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', FAKE_KEY);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    let now = Date.now();
    const provider = mskIamTokenProvider({ region: 'eu-west-1' }, () => now);
    const first = await provider();
    now += 5 * 60_000;
    expect(await provider()).toEqual(first);
    now += 10 * 60_000; // 15 minutes after signing: past the refresh margin
    await new Promise((r) => setTimeout(r, 1100)); // a new X-Amz-Date second
    expect((await provider()).value).not.toBe(first.value);
  });

  it('a named profile that does not exist fails locally', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    await expect(mskIamTokenProvider({ region: 'eu-west-1', profile: 'absent' })()).rejects.toThrow(
      /absent|profile|credential/i,
    );
    expect(connects).toEqual([]);
  });
});
