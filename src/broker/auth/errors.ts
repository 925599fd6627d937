/**
 * @module broker/auth/errors
 * Typed failures of a SASL exchange. The message goes to the client in the
 * SaslAuthenticate response, so it never says which part of the credentials was
 * wrong and never contains the password.
 */

/** The one message for a wrong password and an unknown user alike. */
export const INVALID_CREDENTIALS = 'authentication failed: invalid credentials';

export type SaslFailureKind =
  /** Wrong password or unknown user. */
  | 'credentials'
  /** A token that does not follow the mechanism's grammar. */
  | 'malformed'
  /** A token after the exchange ended. */
  | 'state';

export class SaslAuthFailure extends Error {
  override name = 'SaslAuthFailure';
  constructor(
    message: string,
    readonly kind: SaslFailureKind,
  ) {
    super(message);
  }
}

/** A users file that cannot be read or does not have the documented shape. */
export class UsersFileError extends Error {
  override name = 'UsersFileError';
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`users file ${path}: ${detail}`);
  }
}
