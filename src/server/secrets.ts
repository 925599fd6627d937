/**
 * @module server/secrets
 * Where connection secrets live. Profiles hold only references (`{ secret, key? }`); the values are
 * in a `SecretStore`: the OS keychain via Electron's safeStorage in the desktop app, process
 * memory in `kflow web`. Both fall back to `KFLOW_SECRET_<NAME>_<KEY>` in the environment, as the
 * CLI does. A reference is named `secret` or `secret:key` in the API (`:` cannot occur in a name).
 */
import { secretEnvName, SecretError, type SecretRef, type SecretResolver } from '../kafka/profile';

export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/** The API name of a reference: `secret` or `secret:key`. */
export function secretName(ref: SecretRef): string {
  return ref.key === undefined ? ref.secret : `${ref.secret}:${ref.key}`;
}

/** Secrets kept for the life of the process (`kflow web`, tests). */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  async get(name: string) {
    return this.values.get(name);
  }
  async set(name: string, value: string) {
    this.values.set(name, value);
  }
  async delete(name: string) {
    this.values.delete(name);
  }
}

/** Resolves references from the store, then the environment; says which variable to set when neither has it. */
export function storeSecretResolver(
  store: SecretStore,
  env: NodeJS.ProcessEnv = process.env,
): SecretResolver {
  return async (ref) => {
    const stored = await store.get(secretName(ref));
    if (stored !== undefined && stored !== '') return stored;
    const variable = secretEnvName(ref);
    const fromEnv = env[variable];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    throw new SecretError(
      `secret "${secretName(ref)}" is not set: enter it in the connection settings or export ${variable}=...`,
      ref,
      variable,
    );
  };
}

/** Whether a reference resolves, without revealing the value. */
export async function secretIsSet(store: SecretStore, ref: SecretRef, env: NodeJS.ProcessEnv = process.env) {
  const stored = await store.get(secretName(ref));
  if (stored !== undefined && stored !== '') return true;
  const fromEnv = env[secretEnvName(ref)];
  return fromEnv !== undefined && fromEnv !== '';
}
