/**
 * @module broker/auth/plain
 * SASL PLAIN (RFC 4616): one client message, `[authzid] NUL authcid NUL passwd`
 * in UTF-8, and an empty server response on success.
 */
import { SaslAuthFailure } from './errors';

export interface PlainMessage {
  authzid: string;
  user: string;
  password: string;
}

/** Parses a PLAIN message with Kafka's rules: user and password required, an authzid only if it equals the user. */
export function parsePlainMessage(token: Buffer): PlainMessage {
  const parts = token.toString('utf8').split('\0');
  if (parts.length !== 3) {
    throw new SaslAuthFailure('authentication failed: malformed PLAIN message', 'malformed');
  }
  const [authzid = '', user = '', password = ''] = parts;
  if (user === '') throw new SaslAuthFailure('authentication failed: username not specified', 'malformed');
  if (password === '')
    throw new SaslAuthFailure('authentication failed: password not specified', 'malformed');
  if (authzid !== '' && authzid !== user) {
    throw new SaslAuthFailure(
      'authentication failed: the authorization id differs from the user name',
      'malformed',
    );
  }
  return { authzid, user, password };
}
