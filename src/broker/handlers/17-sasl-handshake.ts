// SaslHandshake: v0-1
//
// Behavior:
// * Picks the SASL mechanism for the connection and lists the enabled ones
//   (options.saslMechanisms that this broker implements: PLAIN, SCRAM-SHA-256,
//   SCRAM-SHA-512).
// * An unknown or disabled mechanism gets UNSUPPORTED_SASL_MECHANISM with the
//   enabled list, then the connection is closed, as Kafka does.
// * A second handshake (after success, or mid-exchange) gets ILLEGAL_SASL_STATE
//   and the connection is closed: re-authentication (KIP-368) is not offered.
// * On a listener without users, ILLEGAL_SASL_STATE with no mechanisms, as
//   Kafka's PLAINTEXT listener answers.
//
// Version notes:
// * v0: the tokens that follow are raw size-prefixed frames without Kafka
//   headers (kafka-python 2.0, old librdkafka); ../connection.ts routes them to
//   the same exchange as SaslAuthenticate. A failed raw exchange closes the
//   connection without a response, as in Kafka.
// * v1: tokens follow in SaslAuthenticate requests (kafkajs, librdkafka, Java).
import { registerApi } from '../api';
import { enabledMechanisms, saslRequired } from '../auth/session';
import { ErrorCode } from '../../protocol/errors';
import { ApiKey } from '../../protocol/generated/index';

registerApi(
  ApiKey.SaslHandshake,
  { min: 0, max: 1 },
  (req, ctx) => {
    const conn = ctx.connection;
    if (!saslRequired(ctx.cluster)) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    const mechanisms = enabledMechanisms(ctx.cluster);
    if (conn.sasl.step !== 'none') {
      const reason = `SaslHandshake received in SASL state ${conn.sasl.step}`;
      conn.sasl = { step: 'failed', mechanism: req.mechanism, reason };
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms };
    }
    if (!mechanisms.includes(req.mechanism)) {
      conn.sasl = {
        step: 'failed',
        mechanism: req.mechanism,
        reason: `unsupported SASL mechanism ${req.mechanism}`,
      };
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms };
    }
    conn.sasl = { step: 'handshaken', mechanism: req.mechanism, legacy: ctx.apiVersion === 0 };
    return { errorCode: ErrorCode.NONE, mechanisms };
  },
  { beforeAuth: true },
);
