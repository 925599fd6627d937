/**
 * @module broker/auth/session
 * One connection's SASL exchange, shared by the SaslAuthenticate handler and the
 * connection's legacy path (SaslHandshake v0, where raw tokens follow as
 * size-prefixed frames without Kafka headers).
 *
 * Connection SASL state (ConnectionInfo.sasl):
 *
 *   none --SaslHandshake(ok)--> handshaken --token--> in-progress --token--> done
 *                                    |                     |
 *                                    +--token--> done      +--bad token--> failed
 *   any other misuse (second handshake, token before handshake) ----------> failed
 *
 * `failed` is terminal: the connection answers the request that failed, then closes.
 */
import type { ConnectionInfo } from '../api';
import type { Cluster } from '../cluster';
import { credentialStoreFor, type CredentialStore } from './credentials';
import { INVALID_CREDENTIALS, SaslAuthFailure } from './errors';
import { parsePlainMessage } from './plain';
import { SCRAM_MECHANISMS, ScramServer, type ScramMechanism } from './scram';

/** Every mechanism this broker implements, in the order Kafka lists them. */
export const SUPPORTED_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

/** The mechanisms offered: the configured ones this broker implements (SaslHandshake's list). */
export function enabledMechanisms(cluster: Cluster): string[] {
  return cluster.options.saslMechanisms.filter((m) =>
    (SUPPORTED_MECHANISMS as readonly string[]).includes(m),
  );
}

/** True when the listener requires SASL (users are configured). */
export function saslRequired(cluster: Cluster): boolean {
  return (cluster.options.users?.length ?? 0) > 0;
}

export type ExchangeStep = { done: false; response: Buffer } | { done: true; response: Buffer; user: string };

/** The mechanism-specific part: feed client tokens, get server tokens. Throws SaslAuthFailure. */
export class SaslExchange {
  private readonly scram: ScramServer | null;
  private plainUsed = false;

  constructor(
    readonly mechanism: string,
    private readonly store: CredentialStore,
  ) {
    if (mechanism in SCRAM_MECHANISMS) {
      const mech = mechanism as ScramMechanism;
      this.scram = new ScramServer(SCRAM_MECHANISMS[mech], {
        lookup: (user) => store.scram(mech, user),
        decoy: (user) => store.decoy(mech, user),
      });
    } else if (mechanism === 'PLAIN') {
      this.scram = null;
    } else {
      throw new SaslAuthFailure(`authentication failed: unsupported SASL mechanism ${mechanism}`, 'state');
    }
  }

  step(token: Buffer): ExchangeStep {
    if (this.scram) return this.scram.step(token);
    if (this.plainUsed)
      throw new SaslAuthFailure('authentication failed: PLAIN exchange is already over', 'state');
    this.plainUsed = true;
    const { user, password } = parsePlainMessage(token);
    if (!this.store.verifyPassword(user, password))
      throw new SaslAuthFailure(INVALID_CREDENTIALS, 'credentials');
    return { done: true, user, response: Buffer.alloc(0) };
  }
}

export type SaslStepResult =
  | { ok: true; done: boolean; response: Buffer }
  | { ok: false; message: string; kind: SaslAuthFailure['kind'] };

/**
 * Applies one client token to the connection's SASL state. On success sets
 * `principal` to `User:<name>`; on failure the state becomes `failed` and the
 * caller answers with SASL_AUTHENTICATION_FAILED (or, in the legacy flow, closes).
 */
export function saslStep(conn: ConnectionInfo, token: Buffer, cluster: Cluster): SaslStepResult {
  const state = conn.sasl;
  let exchange: SaslExchange;
  if (state.step === 'handshaken') {
    exchange = new SaslExchange(state.mechanism, credentialStoreFor(cluster));
  } else if (state.step === 'in-progress' && state.scram instanceof SaslExchange) {
    exchange = state.scram;
  } else {
    const message =
      state.step === 'done'
        ? 'SaslAuthenticate request received after successful authentication'
        : 'SaslAuthenticate request received before SaslHandshake';
    conn.sasl = { step: 'failed', mechanism: 'mechanism' in state ? state.mechanism : '', reason: message };
    return { ok: false, message, kind: 'state' };
  }
  try {
    const r = exchange.step(token);
    if (r.done) {
      conn.sasl = { step: 'done', mechanism: exchange.mechanism };
      conn.principal = `User:${r.user}`;
      cluster.logger.debug(
        {
          conn: conn.id,
          remote: conn.remoteAddress,
          mechanism: exchange.mechanism,
          principal: conn.principal,
        },
        'authenticated',
      );
    } else {
      conn.sasl = { step: 'in-progress', mechanism: exchange.mechanism, scram: exchange };
    }
    return { ok: true, done: r.done, response: r.response };
  } catch (err) {
    if (!(err instanceof SaslAuthFailure)) throw err;
    conn.sasl = { step: 'failed', mechanism: exchange.mechanism, reason: err.message };
    // Kafka logs failed logins at info with the peer; the message never holds a password.
    cluster.logger.info(
      { conn: conn.id, remote: conn.remoteAddress, mechanism: exchange.mechanism, reason: err.message },
      'SASL authentication failed',
    );
    return { ok: false, message: err.message, kind: err.kind };
  }
}
