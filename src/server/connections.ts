/**
 * @module server/connections
 * Connection profiles and the Kafka clients made from them. Profiles live in
 * `<dataDir>/connections.json` (never a secret: `saveProfiles` refuses one); secret values go to
 * the `SecretStore`. Clients are made once per connection and reused by runs and topic tools;
 * saving or removing a profile drops its client.
 */
import { ApiError, type ConnectionInfo, type ConnectionsApi } from '../api/index';
import { connect, type KafkaClient } from '../kafka/client';
import {
  EMBEDDED_PROFILE_NAME,
  embeddedProfile,
  literalSecrets,
  loadProfiles,
  parseProfile,
  ProfileError,
  saveProfiles,
  type ConnectionProfile,
  type SecretRef,
} from '../kafka/profile';
import type { EmbeddedBroker } from './embedded';
import { secretIsSet, secretName, storeSecretResolver, type SecretStore } from './secrets';

export interface Connections {
  api: ConnectionsApi;
  /** The client for a connection name (`embedded` starts the embedded broker). */
  client(name: string | undefined): Promise<KafkaClient>;
  close(): Promise<void>;
}

export interface ConnectionsOptions {
  profilesFile: string;
  secrets: SecretStore;
  embedded: EmbeddedBroker;
  env?: NodeJS.ProcessEnv;
}

/** The secret references of a profile. */
export function profileSecretRefs(p: ConnectionProfile): SecretRef[] {
  const refs: SecretRef[] = [];
  if (p.sasl && 'password' in p.sasl) refs.push(p.sasl.password);
  if (p.tls?.key !== undefined && typeof p.tls.key !== 'string') refs.push(p.tls.key);
  return refs;
}

export function authOf(p: ConnectionProfile): string {
  if (p.sasl?.mechanism === 'aws-iam') return 'aws-iam';
  if (p.sasl) return `sasl-${p.sasl.mechanism}`;
  if (p.tls?.cert !== undefined) return 'mtls';
  if (p.tls) return 'tls';
  return 'none';
}

export function createConnections(opts: ConnectionsOptions): Connections {
  const env = opts.env ?? process.env;
  const clients = new Map<string, Promise<KafkaClient>>();
  const resolver = storeSecretResolver(opts.secrets, env);

  const profiles = (): ConnectionProfile[] => loadProfiles(opts.profilesFile);

  async function info(p: ConnectionProfile): Promise<ConnectionInfo> {
    const embedded = p.name === EMBEDDED_PROFILE_NAME;
    const running = embedded ? opts.embedded.running() : null;
    return {
      name: p.name,
      kind: embedded ? 'embedded' : 'profile',
      bootstrap: embedded ? (running ? [running] : []) : p.bootstrap,
      auth: authOf(p),
      secrets: await Promise.all(
        profileSecretRefs(p).map(async (ref) => ({
          name: secretName(ref),
          set: await secretIsSet(opts.secrets, ref, env),
        })),
      ),
    };
  }

  async function drop(name: string): Promise<void> {
    const c = clients.get(name);
    clients.delete(name);
    await (await c?.catch(() => undefined))?.close().catch(() => undefined);
  }

  function client(name: string | undefined): Promise<KafkaClient> {
    const key = name ?? EMBEDDED_PROFILE_NAME;
    let c = clients.get(key);
    if (!c) {
      c = (async () => {
        const profile =
          key === EMBEDDED_PROFILE_NAME
            ? embeddedProfile(await opts.embedded.bootstrap())
            : profiles().find((p) => p.name === key);
        if (!profile)
          throw new ApiError('not-found', `no connection named "${key}"; add it in the connection settings`);
        return connect(profile, { secrets: resolver });
      })();
      clients.set(key, c);
      c.catch(() => clients.delete(key));
    }
    return c;
  }

  const api: ConnectionsApi = {
    async list() {
      return Promise.all(profiles().map(info));
    },

    async save(raw, secrets = {}) {
      // Literal secrets first: a password string would otherwise only be "expected object".
      const literal = literalSecrets(raw);
      if (literal.length > 0)
        throw new ProfileError(
          `the profile holds a literal secret (${literal.map((l) => l.path).join(', ')}); enter the value as a secret, and reference it as { "secret": "name", "key": "password" }`,
          literal,
        );
      const profile = parseProfile(raw);
      if (profile.name === EMBEDDED_PROFILE_NAME)
        throw new ApiError(
          'invalid',
          `"${EMBEDDED_PROFILE_NAME}" is the built-in connection; choose another name`,
        );
      const wanted = new Set(profileSecretRefs(profile).map(secretName));
      for (const name of Object.keys(secrets))
        if (!wanted.has(name))
          throw new ApiError(
            'invalid',
            `secret "${name}" is not referenced by profile "${profile.name}" (it refers to: ${[...wanted].join(', ') || 'none'})`,
          );
      const others = profiles().filter((p) => p.name !== profile.name);
      saveProfiles([...others, profile], opts.profilesFile);
      for (const [name, value] of Object.entries(secrets)) await opts.secrets.set(name, value);
      await drop(profile.name);
      return info(profile);
    },

    async remove(name) {
      if (name === EMBEDDED_PROFILE_NAME)
        throw new ApiError(
          'invalid',
          `"${EMBEDDED_PROFILE_NAME}" is the built-in connection and cannot be removed`,
        );
      const all = profiles();
      const gone = all.find((p) => p.name === name);
      if (!gone) throw new ApiError('not-found', `no connection named "${name}"`);
      const rest = all.filter((p) => p.name !== name);
      saveProfiles(rest, opts.profilesFile);
      // Its secrets go too, unless another profile refers to the same ones.
      const stillUsed = new Set(rest.flatMap(profileSecretRefs).map(secretName));
      for (const ref of profileSecretRefs(gone))
        if (!stillUsed.has(secretName(ref))) await opts.secrets.delete(secretName(ref));
      await drop(name);
    },

    async test(name) {
      const c = await client(name);
      const r = await c.testConnection({ timeoutMs: 10_000 });
      if (!r.ok) throw r.error;
      const topics = await (await c.admin()).listTopics();
      return { brokers: r.brokers.length, topics: topics.length, ms: Math.round(r.ms) };
    },
  };

  return {
    api,
    client,
    async close() {
      await Promise.all([...clients.keys()].map(drop));
    },
  };
}
