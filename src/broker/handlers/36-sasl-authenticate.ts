// SaslAuthenticate: v0-2
//
// Behavior:
// * Carries the tokens of the mechanism chosen by SaslHandshake v1: PLAIN in one
//   round trip, SCRAM-SHA-256/512 in two (server-first, then server-final with
//   the server signature). The exchange itself is ../auth/session.ts.
// * Success sets the connection's principal to `User:<name>`.
// * Wrong password or unknown user: SASL_AUTHENTICATION_FAILED with "authentication
//   failed: invalid credentials" (never which part was wrong); malformed tokens
//   get SASL_AUTHENTICATION_FAILED with what was malformed. The connection is
//   closed after the response, as Kafka does.
// * Before SaslHandshake, after success, or on a listener without users:
//   ILLEGAL_SASL_STATE, then the connection is closed (Kafka closes too).
//
// Version notes:
// * v1+: sessionLifetimeMs is always 0 (no re-authentication, KIP-368).
// * Kafka delays the response to a failed login (connection.failed.authentication.delay.ms,
//   100 ms); this broker answers at once.
import { registerApi } from '../api';
import { saslRequired, saslStep } from '../auth/session';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/generated/index';

const EMPTY = Buffer.alloc(0);

registerApi(
  ApiKey.SaslAuthenticate,
  { min: 0, max: 2 },
  (req, ctx) => {
    const conn = ctx.connection;
    const reply = (errorCode: number, errorMessage: string | null, authBytes: Buffer) => ({
      errorCode,
      errorMessage,
      authBytes,
      sessionLifetimeMs: 0n,
    });
    if (!saslRequired(ctx.cluster)) {
      return reply(
        ErrorCode.ILLEGAL_SASL_STATE,
        'SaslAuthenticate request received on a listener without SASL',
        EMPTY,
      );
    }
    if (conn.sasl.step === 'handshaken' && conn.sasl.legacy) {
      conn.sasl = {
        step: 'failed',
        mechanism: conn.sasl.mechanism,
        reason: 'SaslAuthenticate after SaslHandshake v0',
      };
      return reply(ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate after SaslHandshake v0', EMPTY);
    }
    const r = saslStep(conn, req.authBytes, ctx.cluster);
    if (r.ok) return reply(ErrorCode.NONE, null, r.response);
    const code = r.kind === 'state' ? ErrorCode.ILLEGAL_SASL_STATE : ErrorCode.SASL_AUTHENTICATION_FAILED;
    return reply(code, r.message, EMPTY);
  },
  { beforeAuth: true },
);
