/**
 * @module protocol/scram
 * SCRAM's key derivation (RFC 5802 §3, with RFC 7677's SHA-256 and Kafka's SHA-512), shared by
 * the broker's server side (src/broker/auth/scram.ts) and the wire client's side
 * (src/kafka/wire/sasl.ts), so both compute the same keys from the same formulas.
 *
 *   SaltedPassword = Hi(password, salt, i)      ClientKey = HMAC(SaltedPassword, "Client Key")
 *   StoredKey      = H(ClientKey)               ServerKey = HMAC(SaltedPassword, "Server Key")
 *   ClientSignature = HMAC(StoredKey, AuthMessage)   ClientProof = ClientKey XOR ClientSignature
 *   ServerSignature = HMAC(ServerKey, AuthMessage)
 */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';

/** Hash functions SCRAM runs on; sha1 exists for RFC 5802's test vector only, it is never offered. */
export type ScramHash = 'sha1' | 'sha256' | 'sha512';

export const SCRAM_HASH_BYTES: Record<ScramHash, number> = { sha1: 20, sha256: 32, sha512: 64 };

export function scramHmac(hash: ScramHash, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(hash, key).update(data).digest();
}

export function scramDigest(hash: ScramHash, data: Buffer): Buffer {
  return createHash(hash).update(data).digest();
}

/** SaltedPassword = Hi(password, salt, i) (PBKDF2 with HMAC). No SASLprep, as Kafka's ScramFormatter. */
export function saltedPassword(hash: ScramHash, password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, SCRAM_HASH_BYTES[hash], hash);
}

export interface ScramKeys {
  clientKey: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** The three keys of a salted password. */
export function scramKeys(hash: ScramHash, salted: Buffer): ScramKeys {
  const clientKey = scramHmac(hash, salted, 'Client Key');
  return {
    clientKey,
    storedKey: scramDigest(hash, clientKey),
    serverKey: scramHmac(hash, salted, 'Server Key'),
  };
}

/** Byte-wise XOR of two equal-length buffers (the proof, and recovering ClientKey from it). */
export function xorBytes(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let k = 0; k < a.length; k++) out[k] = a[k]! ^ (b[k] ?? 0);
  return out;
}
