/**
 * @module kafka/wire/sasl
 * SASL for the wire client: PLAIN and SCRAM-SHA-256/512 (RFC 5802/7677) over Kafka's
 * SaslHandshake v1 + SaslAuthenticate. The SCRAM client is a pure state machine (messages in,
 * messages out) so it is tested without sockets; `authenticate` drives it over a connection.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiKey } from '../../protocol/generated/index';
import { saltedPassword, scramHmac, scramKeys, xorBytes } from '../../protocol/scram';
import type { BrokerConnection } from './connection';
import { KafkaResponseError, WireAuthError } from './errors';

export interface SaslCredentials {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

type Hash = 'sha256' | 'sha512';

/** PLAIN's single message: authzid (empty), user, password, NUL-separated. */
export function plainMessage(username: string, password: string): Buffer {
  return Buffer.from(`\0${username}\0${password}`, 'utf8');
}

/** A SCRAM saslname: `,` and `=` escaped as `=2C` and `=3D`. */
export const saslName = (s: string) => s.replace(/=/g, '=3D').replace(/,/g, '=2C');

function attributes(msg: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of msg.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0]!, part.slice(2));
  }
  return out;
}

/**
 * The client side of one SCRAM exchange:
 *   first() → client-first; final(server-first) → client-final; verify(server-final).
 */
export class ScramClient {
  private readonly nonce: string;
  private readonly clientFirstBare: string;
  private serverSignature: Buffer | undefined;

  constructor(
    readonly hash: Hash,
    private readonly username: string,
    private readonly password: string,
    nonce: string = randomBytes(24).toString('base64'),
  ) {
    this.nonce = nonce;
    this.clientFirstBare = `n=${saslName(username)},r=${nonce}`;
  }

  first(): string {
    return `n,,${this.clientFirstBare}`;
  }

  /** The client-final message, or an error naming what is wrong with the server's first message. */
  final(serverFirst: string): string {
    const a = attributes(serverFirst);
    const r = a.get('r');
    const s = a.get('s');
    const i = Number(a.get('i'));
    if (a.has('e')) throw new Error(`the server refused: ${a.get('e')}`);
    if (!r || !r.startsWith(this.nonce) || r.length === this.nonce.length)
      throw new Error('the server nonce does not extend ours');
    if (!s) throw new Error('the server sent no salt');
    if (!Number.isInteger(i) || i < 1) throw new Error(`the iteration count "${a.get('i')}" is invalid`);
    const salted = saltedPassword(this.hash, this.password, Buffer.from(s, 'base64'), i);
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${r}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const { clientKey, storedKey, serverKey } = scramKeys(this.hash, salted);
    const proof = xorBytes(clientKey, scramHmac(this.hash, storedKey, authMessage));
    this.serverSignature = scramHmac(this.hash, serverKey, authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** Checks the server's signature: a broker that does not know the password cannot produce it. */
  verify(serverFinal: string): void {
    const a = attributes(serverFinal);
    if (a.has('e')) throw new Error(`the server refused: ${a.get('e')}`);
    const v = Buffer.from(a.get('v') ?? '', 'base64');
    if (
      !this.serverSignature ||
      v.length !== this.serverSignature.length ||
      !timingSafeEqual(v, this.serverSignature)
    )
      throw new Error("the server's signature does not match: it does not know this password");
  }
}

/** Runs the handshake and the mechanism's exchange; throws WireAuthError when refused. */
export async function authenticate(conn: BrokerConnection, creds: SaslCredentials): Promise<void> {
  const mechanism = creds.mechanism.toUpperCase();
  const hs = await conn.request(ApiKey.SaslHandshake, { mechanism });
  if (hs.errorCode !== 0) {
    if (hs.errorCode === 33)
      throw new WireAuthError(
        conn.address,
        `the broker does not offer ${mechanism} (it offers ${hs.mechanisms.join(', ') || 'none'})`,
      );
    throw new KafkaResponseError(conn.address, 'SaslHandshake', hs.errorCode);
  }
  const step = async (bytes: Buffer): Promise<Buffer> => {
    const res = await conn.request(ApiKey.SaslAuthenticate, { authBytes: bytes });
    if (res.errorCode !== 0)
      throw new WireAuthError(conn.address, res.errorMessage ?? `error code ${res.errorCode}`);
    return res.authBytes;
  };
  if (creds.mechanism === 'plain') {
    await step(plainMessage(creds.username, creds.password));
    return;
  }
  const scram = new ScramClient(
    creds.mechanism === 'scram-sha-256' ? 'sha256' : 'sha512',
    creds.username,
    creds.password,
  );
  const serverFirst = (await step(Buffer.from(scram.first()))).toString('utf8');
  let clientFinal: string;
  try {
    clientFinal = scram.final(serverFirst);
  } catch (err) {
    throw new WireAuthError(conn.address, (err as Error).message);
  }
  const serverFinal = (await step(Buffer.from(clientFinal))).toString('utf8');
  try {
    scram.verify(serverFinal);
  } catch (err) {
    throw new WireAuthError(conn.address, (err as Error).message);
  }
}
