/**
 * @module broker/auth/credentials
 * Users of a SASL listener. Passwords are turned into SCRAM credentials (salt,
 * iterations, StoredKey, ServerKey) for SHA-256 and SHA-512 when the broker
 * starts, as Kafka keeps them in its metadata; PLAIN logins are checked against
 * the SHA-512 credential, so no password is kept by the store.
 *
 * Users file (the CLI's `--users <file>`), JSON:
 *
 * ```json
 * { "users": [ { "name": "alice", "password": "alice-secret" } ] }
 * ```
 *
 * Names are case-sensitive and must be unique; the file should be readable by
 * its owner only, as it holds passwords in clear text.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Cluster } from '../cluster';
import type { SaslUser } from '../config';
import { UsersFileError } from './errors';
import {
  DEFAULT_SCRAM_ITERATIONS,
  SCRAM_MECHANISMS,
  deriveScramCredential,
  passwordMatches,
  type ScramCredential,
  type ScramMechanism,
} from './scram';

type UserCredentials = Record<ScramMechanism, ScramCredential>;

export class CredentialStore {
  private readonly users = new Map<string, UserCredentials>();
  /** Seeds decoy salts, so an unknown user gets the same salt on every attempt, like a real one. */
  private readonly decoySecret = randomBytes(32);

  constructor(users: readonly SaslUser[], iterations = DEFAULT_SCRAM_ITERATIONS) {
    for (const u of users) {
      if (!u.name) throw new Error('SASL user with an empty name');
      if (this.users.has(u.name)) throw new Error(`SASL user ${u.name} is listed twice`);
      this.users.set(u.name, {
        'SCRAM-SHA-256': deriveScramCredential('sha256', u.password, randomBytes(32), iterations),
        'SCRAM-SHA-512': deriveScramCredential('sha512', u.password, randomBytes(32), iterations),
      });
    }
  }

  get size(): number {
    return this.users.size;
  }

  scram(mechanism: ScramMechanism, user: string): ScramCredential | undefined {
    return this.users.get(user)?.[mechanism];
  }

  /** A credential nobody can log in with, stable per user name (the salt the client sees does not change). */
  decoy(mechanism: ScramMechanism, user: string): ScramCredential {
    const seed = createHmac('sha256', this.decoySecret).update(`${mechanism}\0${user}`).digest();
    return {
      salt: seed,
      iterations: DEFAULT_SCRAM_ITERATIONS,
      storedKey: randomBytes(SCRAM_MECHANISMS[mechanism] === 'sha256' ? 32 : 64),
      serverKey: randomBytes(SCRAM_MECHANISMS[mechanism] === 'sha256' ? 32 : 64),
    };
  }

  /** PLAIN check; an unknown user costs the same key derivation as a known one. */
  verifyPassword(user: string, password: string): boolean {
    const known = this.users.get(user)?.['SCRAM-SHA-512'];
    const credential = known ?? this.decoy('SCRAM-SHA-512', user);
    return passwordMatches('sha512', credential, password) && known !== undefined;
  }
}

/** Parses the users file format documented above. */
export function parseUsersFile(text: string, path = '<users file>'): SaslUser[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsersFileError(path, `not valid JSON (${(err as Error).message})`);
  }
  const list = (doc as { users?: unknown } | null)?.users;
  if (!Array.isArray(list))
    throw new UsersFileError(path, 'expected { "users": [ { "name", "password" } ] }');
  const seen = new Set<string>();
  return list.map((u: unknown, i) => {
    const { name, password } = (u ?? {}) as { name?: unknown; password?: unknown };
    if (typeof name !== 'string' || name === '')
      throw new UsersFileError(path, `users[${i}].name must be a non-empty string`);
    if (typeof password !== 'string' || password === '') {
      throw new UsersFileError(path, `users[${i}].password must be a non-empty string`);
    }
    if (seen.has(name)) throw new UsersFileError(path, `user ${name} is listed twice`);
    seen.add(name);
    return { name, password };
  });
}

/** Reads a users file for `startBroker({ users })`. */
export function loadUsersFile(path: string): SaslUser[] {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsersFileError(path, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  return parseUsersFile(text, path);
}

const stores = new WeakMap<Cluster, CredentialStore>();

/** The cluster's credential store, derived from `options.users` on first use (the listener asks at start). */
export function credentialStoreFor(cluster: Cluster): CredentialStore {
  let store = stores.get(cluster);
  if (!store) {
    store = new CredentialStore(cluster.options.users ?? []);
    stores.set(cluster, store);
  }
  return store;
}
