/**
 * @module broker/auth/scram
 * The server side of SCRAM (RFC 5802, with the SHA-256 profile of RFC 7677 and
 * the SHA-512 variant Kafka adds), as a pure state machine: bytes in, bytes
 * out, no sockets. Credentials are stored as Kafka stores them (salt,
 * iterations, StoredKey, ServerKey), so the password itself is not needed
 * after start-up.
 *
 *   state            input           output                 next state
 *   ---------------  --------------  ---------------------  ---------------
 *   awaiting-first   client-first    server-first (nonce,   awaiting-final
 *                                    salt, iterations)
 *   awaiting-final   client-final    server-final (v=...)   done
 *   any              anything bad    SaslAuthFailure        failed (terminal)
 *   done / failed    anything        SaslAuthFailure        failed
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  SCRAM_HASH_BYTES,
  saltedPassword,
  scramDigest as h,
  scramHmac as hmac,
  scramKeys,
  xorBytes as xor,
  type ScramHash,
} from '../../protocol/scram';
import { SaslAuthFailure, INVALID_CREDENTIALS } from './errors';

export { saltedPassword, type ScramHash };
export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export const SCRAM_MECHANISMS: Record<ScramMechanism, ScramHash> = {
  'SCRAM-SHA-256': 'sha256',
  'SCRAM-SHA-512': 'sha512',
};

/** Kafka's minimum (and default) iteration count for SCRAM-SHA-256/512. */
export const DEFAULT_SCRAM_ITERATIONS = 4096;

/** What the broker keeps of a password: enough to verify a proof and sign, not to log in. */
export interface ScramCredential {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export function deriveScramCredential(
  hash: ScramHash,
  password: string,
  salt: Buffer = randomBytes(32),
  iterations = DEFAULT_SCRAM_ITERATIONS,
): ScramCredential {
  const { storedKey, serverKey } = scramKeys(hash, saltedPassword(hash, password, salt, iterations));
  return { salt, iterations, storedKey, serverKey };
}

/** True when `password` yields the credential's StoredKey; compared in constant time. */
export function passwordMatches(hash: ScramHash, credential: ScramCredential, password: string): boolean {
  const salted = saltedPassword(hash, password, credential.salt, credential.iterations);
  return timingSafeEqual(scramKeys(hash, salted).storedKey, credential.storedKey);
}

/** Decodes a SCRAM saslname: `=2C` is a comma, `=3D` an equals sign, any other `=` is malformed. */
export function decodeSaslName(s: string): string | null {
  if (/=(?!2C|3D)/.test(s)) return null;
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

export interface ScramServerOptions {
  /** Looks a user up; undefined for an unknown user (the exchange then fails at the proof, not earlier). */
  lookup: (user: string) => ScramCredential | undefined;
  /**
   * Stands in for an unknown user's credential so that the server-first message
   * looks the same for every name; without it, unknown users fail at the proof with a random salt.
   */
  decoy?: (user: string) => ScramCredential;
  /** Server nonce part; random (24 bytes, base64) unless a test fixes it. */
  serverNonce?: () => string;
}

export type ScramStep = { done: false; response: Buffer } | { done: true; response: Buffer; user: string };

type State =
  | { name: 'awaiting-first' }
  | {
      name: 'awaiting-final';
      user: string;
      credential: ScramCredential;
      known: boolean;
      nonce: string;
      gs2Header: string;
      clientFirstBare: string;
      serverFirst: string;
    }
  | { name: 'done' }
  | { name: 'failed' };

export class ScramServer {
  private state: State = { name: 'awaiting-first' };

  constructor(
    readonly hash: ScramHash,
    private readonly opts: ScramServerOptions,
  ) {}

  get finished(): boolean {
    return this.state.name === 'done' || this.state.name === 'failed';
  }

  /** Feeds one client message; throws {@link SaslAuthFailure} (and the exchange is over) on any failure. */
  step(token: Buffer): ScramStep {
    try {
      const state = this.state;
      if (state.name === 'awaiting-first') return this.clientFirst(token.toString('utf8'));
      if (state.name === 'awaiting-final') return this.clientFinal(state, token.toString('utf8'));
      throw new SaslAuthFailure('authentication failed: SCRAM exchange is already over', 'state');
    } catch (err) {
      this.state = { name: 'failed' };
      throw err;
    }
  }

  private clientFirst(msg: string): ScramStep {
    // gs2-header: cbind-flag "," [authzid] ","
    const m = /^([ny]|p=[^,]*),(a=[^,]*)?,(.*)$/s.exec(msg);
    if (!m) throw malformed('client-first');
    const [, cbind = '', authzid, bare = ''] = m;
    if (cbind.startsWith('p=')) {
      throw new SaslAuthFailure('authentication failed: SCRAM channel binding is not supported', 'malformed');
    }
    const attrs = bare.split(',');
    if (attrs[0]?.startsWith('m=')) throw malformed('client-first (mandatory extension)');
    const nameAttr = attrs[0];
    const nonceAttr = attrs[1];
    if (!nameAttr?.startsWith('n=') || !nonceAttr?.startsWith('r=')) throw malformed('client-first');
    const user = decodeSaslName(nameAttr.slice(2));
    const clientNonce = nonceAttr.slice(2);
    if (user === null || user === '' || !isPrintableNonce(clientNonce)) throw malformed('client-first');
    if (authzid !== undefined) {
      const az = decodeSaslName(authzid.slice(2));
      if (az !== user) {
        throw new SaslAuthFailure(
          'authentication failed: the authorization id differs from the user name',
          'malformed',
        );
      }
    }
    for (const ext of attrs.slice(2)) {
      // Kafka's only extension asks for delegation-token auth, which this broker does not have.
      if (ext === 'tokenauth=true') {
        throw new SaslAuthFailure('authentication failed: delegation tokens are not supported', 'malformed');
      }
    }
    const found = this.opts.lookup(user);
    const credential = found ?? this.opts.decoy?.(user) ?? randomCredential(this.hash);
    const nonce = clientNonce + (this.opts.serverNonce?.() ?? randomBytes(24).toString('base64'));
    const serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.state = {
      name: 'awaiting-final',
      user,
      credential,
      known: found !== undefined,
      nonce,
      gs2Header: msg.slice(0, msg.length - bare.length),
      clientFirstBare: bare,
      serverFirst,
    };
    return { done: false, response: Buffer.from(serverFirst, 'utf8') };
  }

  private clientFinal(state: Extract<State, { name: 'awaiting-final' }>, msg: string): ScramStep {
    // c=<base64 gs2 header>,r=<nonce>[,extensions],p=<proof>; the proof is always last.
    const proofAt = msg.lastIndexOf(',p=');
    if (proofAt < 0) throw malformed('client-final');
    const withoutProof = msg.slice(0, proofAt);
    const proof = Buffer.from(msg.slice(proofAt + 3), 'base64');
    const attrs = withoutProof.split(',');
    const c = attrs[0];
    const r = attrs[1];
    if (!c?.startsWith('c=') || !r?.startsWith('r=')) throw malformed('client-final');
    if (Buffer.from(c.slice(2), 'base64').toString('utf8') !== state.gs2Header) {
      throw new SaslAuthFailure(
        'authentication failed: SCRAM channel binding data does not match',
        'malformed',
      );
    }
    // Kafka checks "ends with" rather than equality: librdkafka sends its client nonce
    // again in front of the combined nonce, and Kafka accepts that.
    if (!r.slice(2).endsWith(state.nonce)) {
      throw new SaslAuthFailure('authentication failed: SCRAM nonce mismatch', 'malformed');
    }
    const { storedKey, serverKey } = state.credential;
    const authMessage = `${state.clientFirstBare},${state.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.hash, storedKey, authMessage);
    // A proof of the wrong length is a wrong proof: compare a same-length stand-in so timing does not differ.
    const clientKey = xor(
      proof.length === clientSignature.length ? proof : Buffer.alloc(clientSignature.length),
      clientSignature,
    );
    const ok = timingSafeEqual(h(this.hash, clientKey), storedKey) && proof.length === clientSignature.length;
    if (!ok || !state.known) throw new SaslAuthFailure(INVALID_CREDENTIALS, 'credentials');
    this.state = { name: 'done' };
    const serverSignature = hmac(this.hash, serverKey, authMessage);
    return {
      done: true,
      user: state.user,
      response: Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8'),
    };
  }
}

function malformed(what: string): SaslAuthFailure {
  return new SaslAuthFailure(`authentication failed: malformed SCRAM ${what} message`, 'malformed');
}

/** RFC 5802: printable ASCII except ','. */
function isPrintableNonce(s: string): boolean {
  return /^[\x21-\x2b\x2d-\x7e]+$/.test(s);
}

function randomCredential(hash: ScramHash): ScramCredential {
  return {
    salt: randomBytes(32),
    iterations: DEFAULT_SCRAM_ITERATIONS,
    storedKey: randomBytes(SCRAM_HASH_BYTES[hash]),
    serverKey: randomBytes(SCRAM_HASH_BYTES[hash]),
  };
}
