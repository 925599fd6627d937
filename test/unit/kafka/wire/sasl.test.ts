import { describe, expect, it } from 'vitest';
import { plainMessage, saslName, ScramClient } from '../../../../src/kafka/wire/sasl';

describe('SCRAM client', () => {
  // RFC 7677 section 3: user "user", password "pencil", client nonce rOprNGfwEbeRWgbNEkqO.
  const serverFirst =
    'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';

  it('computes the RFC 7677 SCRAM-SHA-256 exchange', () => {
    const c = new ScramClient('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    expect(c.first()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(c.final(serverFirst)).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(() => c.verify('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow();
  });

  it('refuses a server signature made without the password', () => {
    const c = new ScramClient('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    c.final(serverFirst);
    expect(() => c.verify('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toThrow(
      /signature does not match/,
    );
  });

  it('refuses a server nonce that does not extend the client nonce, and server errors', () => {
    const c = new ScramClient('sha512', 'user', 'pencil', 'abc');
    expect(() => c.final('r=xyz123,s=c2FsdA==,i=4096')).toThrow(/nonce/);
    expect(() => c.final('e=invalid-proof')).toThrow(/invalid-proof/);
    expect(() => c.final('r=abcdef,s=c2FsdA==,i=zero')).toThrow(/iteration count/);
  });

  it('escapes "," and "=" in user names', () => {
    expect(saslName('a,b=c')).toBe('a=2Cb=3Dc');
    expect(new ScramClient('sha256', 'a,b', 'p', 'n').first()).toBe('n,,n=a=2Cb,r=n');
  });
});

describe('PLAIN', () => {
  it('is authzid NUL user NUL password', () => {
    expect(plainMessage('alice', 'secret')).toEqual(Buffer.from('\0alice\0secret'));
  });
});
