import { describe, expect, it } from 'vitest';
import { INVALID_CREDENTIALS, SaslAuthFailure } from '../../../../src/broker/auth/errors';
import {
  ScramServer,
  decodeSaslName,
  deriveScramCredential,
  passwordMatches,
  type ScramCredential,
  type ScramHash,
} from '../../../../src/broker/auth/scram';

const b = (s: string) => Buffer.from(s, 'utf8');

function server(hash: ScramHash, users: Record<string, ScramCredential>, serverNonce: string) {
  return new ScramServer(hash, { lookup: (u) => users[u], serverNonce: () => serverNonce });
}

// RFC 7677 section 3: user "user", password "pencil".
const rfc7677 = {
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal:
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'),
};

// RFC 5802 section 5 (SCRAM-SHA-1), same user and password.
const rfc5802 = {
  clientFirst: 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL',
  serverNonce: '3rfcNHYJY1ZVvWVs7j',
  serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
  clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
  serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
  salt: Buffer.from('QSXCR+Q6sek8bf92', 'base64'),
};

describe('SCRAM server against the RFC test vectors', () => {
  for (const [name, hash, v] of [
    ['RFC 7677 SCRAM-SHA-256', 'sha256', rfc7677],
    ['RFC 5802 SCRAM-SHA-1', 'sha1', rfc5802],
  ] as const) {
    it(`${name}: server-first and server-final match the RFC`, () => {
      const cred = deriveScramCredential(hash, 'pencil', v.salt, 4096);
      const s = server(hash, { user: cred }, v.serverNonce);
      const first = s.step(b(v.clientFirst));
      expect(first.done).toBe(false);
      expect(first.response.toString()).toBe(v.serverFirst);
      const final = s.step(b(v.clientFinal));
      expect(final).toMatchObject({ done: true, user: 'user' });
      expect(final.response.toString()).toBe(v.serverFinal);
      expect(s.finished).toBe(true);
    });

    it(`${name}: a credential from another password rejects the RFC proof`, () => {
      const cred = deriveScramCredential(hash, 'pencil2', v.salt, 4096);
      const s = server(hash, { user: cred }, v.serverNonce);
      s.step(b(v.clientFirst));
      expect(() => s.step(b(v.clientFinal))).toThrow(INVALID_CREDENTIALS);
    });
  }

  it('an unknown user gets a server-first message (salt, iterations) and fails only at the proof', () => {
    const s = new ScramServer('sha256', { lookup: () => undefined, serverNonce: () => rfc7677.serverNonce });
    const first = s.step(b(rfc7677.clientFirst)).response.toString();
    expect(first).toMatch(
      /^r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj\)hNlF\$k0,s=[A-Za-z0-9+/=]+,i=4096$/,
    );
    expect(() => s.step(b(rfc7677.clientFinal))).toThrow(INVALID_CREDENTIALS);
  });

  it('an unknown user is refused even with a proof that would fit the decoy salt', () => {
    // The decoy has a real password behind it here; the exchange must still fail for a user not in the store.
    const decoy = deriveScramCredential('sha256', 'pencil', rfc7677.salt, 4096);
    const s = new ScramServer('sha256', {
      lookup: () => undefined,
      decoy: () => decoy,
      serverNonce: () => rfc7677.serverNonce,
    });
    expect(s.step(b(rfc7677.clientFirst)).response.toString()).toBe(rfc7677.serverFirst);
    expect(() => s.step(b(rfc7677.clientFinal))).toThrow(INVALID_CREDENTIALS);
  });
});

describe('SCRAM server rejects malformed and out-of-order messages', () => {
  const cred = deriveScramCredential('sha256', 'pencil', rfc7677.salt, 4096);
  const fresh = () => server('sha256', { user: cred }, rfc7677.serverNonce);

  it.each([
    ['no gs2 header', 'n=user,r=abc'],
    ['channel binding requested', 'p=tls-unique,,n=user,r=abc'],
    ['mandatory extension', 'n,,m=x,n=user,r=abc'],
    ['missing nonce', 'n,,n=user'],
    ['bad saslname escape', 'n,,n=us=er,r=abc'],
    ['an empty nonce', 'n,,n=user,r='],
    ['authzid of another user', 'n,a=admin,n=user,r=abc'],
    ['delegation token request', 'n,,n=user,r=abc,tokenauth=true'],
  ])('client-first with %s', (_what, msg) => {
    expect(() => fresh().step(b(msg))).toThrow(SaslAuthFailure);
  });

  it('client-final with a different nonce', () => {
    const s = fresh();
    s.step(b(rfc7677.clientFirst));
    expect(() => s.step(b(rfc7677.clientFinal.replace('k0,p=', 'k1,p=')))).toThrow(/nonce mismatch/);
  });

  it('client-final with channel binding data other than the gs2 header', () => {
    const s = fresh();
    s.step(b(rfc7677.clientFirst));
    // "eSws" is base64 of "y,,", the client sent "n,,".
    expect(() => s.step(b(rfc7677.clientFinal.replace('c=biws', 'c=eSws')))).toThrow(/channel binding/);
  });

  it('client-final with a truncated proof fails as invalid credentials', () => {
    const s = fresh();
    s.step(b(rfc7677.clientFirst));
    expect(() => s.step(b('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzb'))).toThrow(
      INVALID_CREDENTIALS,
    );
  });

  it('any message after a failure or after success fails', () => {
    const s = fresh();
    expect(() => s.step(b('garbage'))).toThrow(SaslAuthFailure);
    expect(() => s.step(b(rfc7677.clientFirst))).toThrow(/already over/);
    const ok = fresh();
    ok.step(b(rfc7677.clientFirst));
    ok.step(b(rfc7677.clientFinal));
    expect(() => ok.step(b(rfc7677.clientFirst))).toThrow(/already over/);
  });
});

describe('credentials', () => {
  it('saslname decoding', () => {
    expect(decodeSaslName('a=2Cb=3Dc')).toBe('a,b=c');
    expect(decodeSaslName('plain')).toBe('plain');
    expect(decodeSaslName('a=2')).toBeNull();
  });

  it('passwordMatches checks a password against the stored key', () => {
    const cred = deriveScramCredential('sha512', 'secret');
    expect(passwordMatches('sha512', cred, 'secret')).toBe(true);
    expect(passwordMatches('sha512', cred, 'Secret')).toBe(false);
  });

  it('a derived credential holds no trace of the password text', () => {
    const cred = deriveScramCredential('sha256', 'very-secret-password');
    const dump =
      JSON.stringify(cred) +
      Object.values(cred)
        .map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v)))
        .join('');
    expect(dump).not.toContain('very-secret-password');
    expect(cred.storedKey).toHaveLength(32);
    expect(cred.serverKey).toHaveLength(32);
    expect(cred.iterations).toBe(4096);
  });
});
