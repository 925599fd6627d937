import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EMBEDDED_PROFILE_NAME,
  ProfileError,
  SecretError,
  defaultConnectionsPath,
  embeddedProfile,
  findProfile,
  literalSecrets,
  loadProfiles,
  parseProfile,
  resolveSecret,
  saveProfiles,
  secretEnvName,
  type ConnectionProfile,
} from '../../../src/kafka/profile';

function errorOf(fn: () => unknown): ProfileError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProfileError) return err;
    throw err;
  }
  throw new Error('expected a ProfileError');
}

describe('parseProfile', () => {
  it('accepts each connection kind', () => {
    const kinds: ConnectionProfile[] = [
      { name: 'local', bootstrap: ['localhost:9092'] },
      { name: 'tls', bootstrap: ['b-1.x.kafka.eu-west-1.amazonaws.com:9094'], tls: { ca: '/etc/ca.pem' } },
      {
        name: 'mtls',
        bootstrap: ['10.0.0.1:9094', '[::1]:9094'],
        tls: {
          ca: '~/ca.pem',
          cert: '~/client.pem',
          key: { secret: 'mtls', key: 'key' },
          servername: 'kafka.internal',
        },
      },
      {
        name: 'scram',
        bootstrap: ['b-1:9096'],
        tls: {},
        sasl: {
          mechanism: 'scram-sha-512',
          username: 'alice',
          password: { secret: 'prod-kafka', key: 'password' },
        },
      },
      {
        name: 'plain',
        bootstrap: ['h:9092'],
        sasl: { mechanism: 'plain', username: 'u', password: { secret: 's' } },
      },
      {
        name: 'iam',
        bootstrap: ['b-1:9098'],
        tls: {},
        sasl: { mechanism: 'aws-iam', region: 'eu-west-1', profile: 'dev' },
      },
    ];
    for (const k of kinds) expect(parseProfile(k)).toEqual(k);
  });

  it('names the field of each problem', () => {
    const e = errorOf(() =>
      parseProfile({
        name: 'bad name!',
        bootstrap: ['no-port', 'h:70000'],
        sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'hunter2' },
      }),
    );
    const paths = e.issues.map((i) => i.path);
    expect(paths).toContain('name');
    expect(paths).toContain('bootstrap[0]');
    expect(paths).toContain('bootstrap[1]');
    expect(paths).toContain('sasl.password');
    expect(e.message).toMatch(/bootstrap\[0\]: "no-port" is not host:port/);
    expect(e.message).toMatch(/port 70000 is not 1-65535/);
    expect(e.message).toMatch(/sasl\.password: .*\{ "secret": "my-cluster", "key": "password" \}/);
  });

  it('requires at least one bootstrap broker', () => {
    expect(errorOf(() => parseProfile({ name: 'x', bootstrap: [] })).issues[0]?.path).toBe('bootstrap');
  });

  it('rejects unknown fields and unknown mechanisms', () => {
    expect(errorOf(() => parseProfile({ name: 'x', bootstrap: ['h:1'], brokers: [] })).message).toMatch(
      /brokers/,
    );
    const e = errorOf(() =>
      parseProfile({ name: 'x', bootstrap: ['h:1'], sasl: { mechanism: 'gssapi', username: 'u' } }),
    );
    expect(e.issues[0]?.path).toBe('sasl.mechanism');
  });

  it('requires TLS for AWS IAM and a key with a client certificate', () => {
    expect(
      errorOf(() =>
        parseProfile({
          name: 'x',
          bootstrap: ['h:9098'],
          sasl: { mechanism: 'aws-iam', region: 'us-east-1' },
        }),
      ).issues[0],
    ).toEqual({ path: 'tls', message: 'AWS IAM authentication runs over TLS: add "tls": {}' });
    expect(
      errorOf(() =>
        parseProfile({
          name: 'x',
          bootstrap: ['h:9098'],
          tls: {},
          sasl: { mechanism: 'aws-iam', region: 'Europe' },
        }),
      ).issues[0]?.path,
    ).toBe('sasl.region');
    expect(
      errorOf(() => parseProfile({ name: 'x', bootstrap: ['h:1'], tls: { cert: '/c.pem' } })).issues[0]?.path,
    ).toBe('tls.key');
  });
});

describe('secrets', () => {
  it('names the environment variable as docs/spec.md says', () => {
    expect(secretEnvName({ secret: 'production-db', key: 'password' })).toBe(
      'KFLOW_SECRET_PRODUCTION_DB_PASSWORD',
    );
    expect(secretEnvName({ secret: 'prod.kafka/eu', key: 'scram-pw' })).toBe(
      'KFLOW_SECRET_PROD_KAFKA_EU_SCRAM_PW',
    );
    expect(secretEnvName({ secret: 'msk' })).toBe('KFLOW_SECRET_MSK');
  });

  it('resolves from the given environment', () => {
    expect(resolveSecret({ secret: 'prod', key: 'password' }, { KFLOW_SECRET_PROD_PASSWORD: 's3cret' })).toBe(
      's3cret',
    );
  });

  it('names the missing variable', () => {
    let err: unknown;
    try {
      resolveSecret({ secret: 'prod-kafka', key: 'password' }, {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SecretError);
    expect((err as SecretError).variable).toBe('KFLOW_SECRET_PROD_KAFKA_PASSWORD');
    expect((err as Error).message).toBe(
      'secret "prod-kafka" (key "password") is not set: export KFLOW_SECRET_PROD_KAFKA_PASSWORD=...',
    );
    expect(() => resolveSecret({ secret: 'a' }, { KFLOW_SECRET_A: '' })).toThrow(
      'KFLOW_SECRET_A is set to ""',
    );
  });
});

describe('connections file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kflow-profiles-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const scram: ConnectionProfile = {
    name: 'prod',
    bootstrap: ['b-1.prod:9096', 'b-2.prod:9096'],
    tls: {},
    sasl: { mechanism: 'scram-sha-512', username: 'app', password: { secret: 'prod', key: 'password' } },
  };

  it('a missing file has only the embedded profile', () => {
    expect(loadProfiles(path.join(dir, 'none.json'))).toEqual([
      { name: 'embedded', bootstrap: ['127.0.0.1:9092'], clientId: 'kflow' },
    ]);
    expect(
      loadProfiles(path.join(dir, 'none.json'), { embeddedBootstrap: '127.0.0.1:40000' })[0]?.bootstrap,
    ).toEqual(['127.0.0.1:40000']);
  });

  it('saves and loads, owner-only, without the built-in profile', () => {
    const file = path.join(dir, 'sub', 'connections.json');
    saveProfiles([embeddedProfile(), scram], file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ profiles: [scram] });
    const loaded = loadProfiles(file);
    expect(loaded.map((p) => p.name)).toEqual([EMBEDDED_PROFILE_NAME, 'prod']);
    expect(findProfile(loaded, 'prod')).toEqual(scram);
    expect(() => findProfile(loaded, 'staging')).toThrow(
      'no connection profile named "staging" (known: embedded, prod)',
    );
  });

  it('refuses to write a literal secret', () => {
    const file = path.join(dir, 'c.json');
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';
    const withKey = { name: 'mtls', bootstrap: ['h:9094'], tls: { cert: '/c.pem', key: pem } };
    expect(() => saveProfiles([withKey], file)).toThrow(
      /profiles\[0\]\.tls\.key: this looks like a private key/,
    );
    const withPw = { ...scram, sasl: { ...scram.sasl, password: 'hunter2' } } as unknown as ConnectionProfile;
    expect(() => saveProfiles([withPw], file)).toThrow(
      /profiles\[0\]\.sasl\.password: "password" holds a literal secret/,
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses a file holding a literal secret, bad JSON, a duplicate or reserved name', () => {
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ profiles: [{ ...scram, sasl: { ...scram.sasl, password: 'x' } }] }),
    );
    expect(() => loadProfiles(file)).toThrow(/sasl\.password: "password" holds a literal secret/);
    fs.writeFileSync(file, '{ "profiles": [ ');
    expect(() => loadProfiles(file)).toThrow(/not valid JSON/);
    fs.writeFileSync(file, JSON.stringify({ profiles: [scram, scram] }));
    expect(() => loadProfiles(file)).toThrow('profiles[1].name: "prod" is defined twice');
    fs.writeFileSync(file, JSON.stringify({ profiles: [{ ...scram, name: 'embedded' }] }));
    expect(() => loadProfiles(file)).toThrow(/"embedded" is the built-in profile/);
    fs.writeFileSync(file, JSON.stringify({ profiles: [{ name: 'x', bootstrap: ['h'] }] }));
    const e = errorOf(() => loadProfiles(file));
    expect(e.file).toBe(file);
    expect(e.issues[0]?.path).toBe('profiles[0].bootstrap[0]');
  });

  it('finds AWS access keys anywhere in a profile', () => {
    expect(literalSecrets({ name: 'x', clientId: 'AKIAABCDEFGHIJKLMNOP' })[0]?.message).toMatch(
      /AWS access key id/,
    );
    expect(literalSecrets(scram)).toEqual([]);
  });

  it('default path honours KFLOW_CONNECTIONS and XDG_CONFIG_HOME', () => {
    expect(defaultConnectionsPath({ KFLOW_CONNECTIONS: '/x/c.json' })).toBe('/x/c.json');
    expect(defaultConnectionsPath({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/kflow/connections.json');
    expect(defaultConnectionsPath({})).toBe(path.join(os.homedir(), '.config', 'kflow', 'connections.json'));
  });
});
