import { describe, expect, it } from 'vitest';
import { kafkajs } from '../../../src/kafka/kafkajs-module';
import { ConnectionError, toConnectionError } from '../../../src/kafka/errors';

const sysErr = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('toConnectionError', () => {
  it('DNS failures', () => {
    const e = toConnectionError(
      new kafkajs.KafkaJSConnectionError('Connection error: getaddrinfo ENOTFOUND no-such-host.invalid', {
        broker: 'no-such-host.invalid:9092',
        code: 'ENOTFOUND',
      }),
    );
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.stage).toBe('dns');
    expect(e.message).toBe(
      'cannot resolve no-such-host.invalid: the name does not exist or DNS is unreachable (ENOTFOUND)',
    );
    expect(toConnectionError(sysErr('EAI_AGAIN')).stage).toBe('dns');
  });

  it('TCP failures, also wrapped by kafkajs retries', () => {
    const refused = new kafkajs.KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:1', {
      broker: '127.0.0.1:1',
      code: 'ECONNREFUSED',
    });
    const wrapped = new kafkajs.KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 100 });
    const e = toConnectionError(wrapped);
    expect(e.stage).toBe('tcp');
    expect(e.message).toBe('connection refused (127.0.0.1:1): nothing listens on that port');
    expect(e.detail.broker).toBe('127.0.0.1:1');
    expect(toConnectionError(sysErr('EHOSTUNREACH')).stage).toBe('tcp');
    expect(
      toConnectionError(new kafkajs.KafkaJSConnectionError('Connection timeout', { broker: 'h:1' })).stage,
    ).toBe('tcp');
  });

  it('TLS failures with the reason', () => {
    const unknownCa = toConnectionError(
      sysErr('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'),
    );
    expect(unknownCa.stage).toBe('tls');
    expect(unknownCa.message).toMatch(/CA this client does not trust/);
    const host = toConnectionError(
      sysErr('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
    );
    expect(host.stage).toBe('tls');
    expect(host.message).toMatch(/hostname mismatch/);
    const plain = toConnectionError(
      sysErr('ERR_SSL_WRONG_VERSION_NUMBER', 'ssl3_get_record:wrong version number'),
    );
    expect(plain.stage).toBe('tls');
    expect(plain.message).toMatch(/does not speak TLS/);
  });

  it('authentication and authorization', () => {
    const auth = toConnectionError(
      // kafkajs' typings omit the constructors' arguments of some error classes.
      new (kafkajs.KafkaJSSASLAuthenticationError as unknown as new (m: string) => Error)(
        'SASL SCRAM SHA512 authentication failed: Authentication failed',
      ),
    );
    expect(auth.stage).toBe('auth');
    expect(auth.message).toMatch(/^authentication failed: wrong user name or password/);
    const acl = toConnectionError(
      new kafkajs.KafkaJSProtocolError({
        message: 'Not authorized to access topics: [Topic authorization failed]',
        type: 'TOPIC_AUTHORIZATION_FAILED',
        code: 29,
      } as unknown as string),
    );
    expect(acl.stage).toBe('acl');
    expect(acl.message).toMatch(/TOPIC_AUTHORIZATION_FAILED/);
    expect(acl.detail.code).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('anything else is a protocol error, and a ConnectionError passes through', () => {
    expect(
      toConnectionError(
        new (
          kafkajs as unknown as { KafkaJSConnectionClosedError: new (m: string, o: object) => Error }
        ).KafkaJSConnectionClosedError('Closed connection', {}),
      ).stage,
    ).toBe('protocol');
    const e = new ConnectionError('tcp', 'x');
    expect(toConnectionError(e)).toBe(e);
    expect(toConnectionError('weird').stage).toBe('protocol');
  });
});
