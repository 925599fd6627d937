/**
 * @module kafka/profile
 * Connection profiles: where a Kafka cluster is and how to authenticate to it,
 * kept in a JSON file (`~/.config/kflow/connections.json` by default) that never
 * holds a secret. A password is a reference, `{ "secret": "name", "key"?: "field" }`,
 * resolved at connect time: from the OS keychain on a desktop, from
 * `KFLOW_SECRET_<NAME>_<KEY>` in the environment for the CLI (see docs/spec.md).
 *
 * ```json
 * { "profiles": [
 *   { "name": "prod", "bootstrap": ["b-1.prod.kafka.eu-west-1.amazonaws.com:9098"],
 *     "tls": {}, "sasl": { "mechanism": "aws-iam", "region": "eu-west-1" } } ] }
 * ```
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { secretRef } from '../nodes/define';
import { findLiteralSecrets } from '../spec/semantics';
import type { Problem } from '../spec/types';

export type SecretRef = z.infer<typeof secretRef>;

/** The built-in profile of the embedded broker (`kflow broker` listens on 9092 by default). */
export const EMBEDDED_PROFILE_NAME = 'embedded';
export const EMBEDDED_DEFAULT_BOOTSTRAP = '127.0.0.1:9092';

// host:port, with IPv6 literals in brackets ([::1]:9092).
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?):(\d{1,5})$/;

const hostPort = z.string().superRefine((s, ctx) => {
  const m = HOST_PORT.exec(s);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not host:port (e.g. "b-1.example.com:9094")` });
    return;
  }
  const port = Number(m[2]);
  if (port < 1 || port > 65535) ctx.addIssue({ code: 'custom', message: `port ${port} is not 1-65535` });
});

/** A PEM text (starts with -----BEGIN) or the path of a PEM file. */
const pemOrPath = z.string().min(1).meta({
  description: 'PEM text, or the path of a PEM file (absolute, ~/, or relative to the working directory)',
});

const tlsSchema = z
  .object({
    /** CA bundle the broker certificate must chain to; the system CAs when omitted. */
    ca: pemOrPath.optional(),
    /** Client certificate for mutual TLS. */
    cert: pemOrPath.optional(),
    /** Client private key: a file path or a secret reference (a literal PEM key is refused in the file). */
    key: z.union([secretRef, pemOrPath]).optional(),
    /** Name to verify the broker certificate against (SNI), when it differs from the bootstrap host. */
    servername: z.string().min(1).optional(),
    /** false disables certificate verification: for a lab only. */
    rejectUnauthorized: z.boolean().optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if ((t.cert === undefined) !== (t.key === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [t.cert === undefined ? 'cert' : 'key'],
        message: 'mutual TLS needs both "cert" and "key"',
      });
  });

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

const saslSchema = z.discriminatedUnion('mechanism', [
  z
    .object({
      mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
      username: z.string().min(1),
      password: secretRef,
    })
    .strict(),
  z
    .object({
      mechanism: z.literal('aws-iam'),
      region: z.string().regex(AWS_REGION, { message: 'an AWS region such as "eu-west-1"' }),
      /** A profile of the AWS shared config/credentials files; the default credential chain when omitted. */
      profile: z.string().min(1).optional(),
    })
    .strict(),
]);

export const connectionProfileSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      message: 'a profile name is 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    }),
    bootstrap: z.array(hostPort).min(1, { message: 'name at least one bootstrap broker (host:port)' }),
    tls: tlsSchema.optional(),
    sasl: saslSchema.optional(),
    clientId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,255}$/)
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    // MSK's IAM listeners (9098, 9198) only speak TLS; without it the client would hang or get
    // a closed socket instead of a clear message.
    if (p.sasl?.mechanism === 'aws-iam' && p.tls === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: 'AWS IAM authentication runs over TLS: add "tls": {}',
      });
  });

export type ConnectionProfile = z.infer<typeof connectionProfileSchema>;
export type TlsSettings = NonNullable<ConnectionProfile['tls']>;
export type SaslSettings = NonNullable<ConnectionProfile['sasl']>;

const connectionsFileSchema = z
  .object({
    profiles: z.array(connectionProfileSchema),
  })
  .strict();

/** A profile or connections file is invalid; `issues` name each field (`profiles[1].sasl.password`). */
export class ProfileError extends Error {
  override name = 'ProfileError';
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
    readonly file?: string,
  ) {
    super(message);
  }
}

function dotted(p: readonly PropertyKey[]): string {
  let out = '';
  for (const k of p) out += typeof k === 'number' ? `[${k}]` : out === '' ? String(k) : `.${String(k)}`;
  return out || '(root)';
}

function fromZod(err: z.ZodError, prefix: string, file?: string): ProfileError {
  const issues = err.issues.map((i) => {
    const p = dotted([...(prefix ? [prefix] : []), ...i.path]);
    // zod's own "Invalid input" for a union is unhelpful on a password: say what to write.
    const last = i.path[i.path.length - 1];
    const message =
      last === 'password' || last === 'key'
        ? `${i.message}; write a secret reference such as { "secret": "my-cluster", "key": "${String(last)}" }`
        : i.message;
    return { path: p, message };
  });
  const where = file ? `${file}: ` : '';
  return new ProfileError(`${where}${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues, file);
}

/** Validates one profile (e.g. from the desktop UI); throws ProfileError naming each bad field. */
export function parseProfile(value: unknown): ConnectionProfile {
  const r = connectionProfileSchema.safeParse(value);
  if (!r.success) throw fromZod(r.error, '');
  return r.data;
}

/** The embedded broker's profile: plaintext on 127.0.0.1, at `bootstrap` when it runs elsewhere. */
export function embeddedProfile(bootstrap: string = EMBEDDED_DEFAULT_BOOTSTRAP): ConnectionProfile {
  return { name: EMBEDDED_PROFILE_NAME, bootstrap: [bootstrap], clientId: 'kflow' };
}

/** `$KFLOW_CONNECTIONS`, else `$XDG_CONFIG_HOME/kflow/connections.json`, else `~/.config/kflow/connections.json`. */
export function defaultConnectionsPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env['KFLOW_CONNECTIONS']) return env['KFLOW_CONNECTIONS'];
  const base = env['XDG_CONFIG_HOME'] || path.join(os.homedir(), '.config');
  return path.join(base, 'kflow', 'connections.json');
}

/** Literal secrets anywhere in a profile (an inline private key, an AWS key id, a password string). */
export function literalSecrets(profile: unknown, at = ''): { path: string; message: string }[] {
  const problems: Problem[] = [];
  findLiteralSecrets(profile, at, null, problems);
  return problems.map((p) => ({ path: p.path || '(root)', message: p.message }));
}

function checkNoLiterals(profiles: unknown[], file: string): void {
  const found = profiles.flatMap((p, i) => literalSecrets(p, `profiles[${i}]`));
  if (found.length > 0)
    throw new ProfileError(`${file}: ${found.map((f) => `${f.path}: ${f.message}`).join('; ')}`, found, file);
}

function checkNames(profiles: ConnectionProfile[], file: string): void {
  const seen = new Set<string>();
  profiles.forEach((p, i) => {
    if (p.name === EMBEDDED_PROFILE_NAME)
      throw new ProfileError(
        `${file}: profiles[${i}].name: "${EMBEDDED_PROFILE_NAME}" is the built-in profile of the embedded broker; choose another name`,
        [{ path: `profiles[${i}].name`, message: 'reserved name' }],
        file,
      );
    if (seen.has(p.name))
      throw new ProfileError(
        `${file}: profiles[${i}].name: "${p.name}" is defined twice`,
        [{ path: `profiles[${i}].name`, message: 'duplicate name' }],
        file,
      );
    seen.add(p.name);
  });
}

/**
 * Reads the connections file; a missing file is an empty list. The embedded broker's profile is
 * always first. Throws ProfileError for bad JSON, an invalid profile or a literal secret.
 */
export function loadProfiles(
  file: string = defaultConnectionsPath(),
  opts: { embeddedBootstrap?: string } = {},
): ConnectionProfile[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [embeddedProfile(opts.embeddedBootstrap)];
    throw new ProfileError(`${file}: cannot read: ${(err as Error).message}`, [], file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ProfileError(`${file}: not valid JSON: ${(err as Error).message}`, [], file);
  }
  // Literal secrets first: a password string would otherwise only be "expected object".
  const raw = (json as { profiles?: unknown } | null)?.profiles;
  if (Array.isArray(raw)) checkNoLiterals(raw, file);
  const r = connectionsFileSchema.safeParse(json);
  if (!r.success) throw fromZod(r.error, '', file);
  checkNames(r.data.profiles, file);
  return [embeddedProfile(opts.embeddedBootstrap), ...r.data.profiles];
}

/**
 * Writes the profiles (without the built-in one) atomically, readable by the owner only.
 * Refuses a profile holding a literal secret, so a key or password never reaches the disk.
 */
export function saveProfiles(profiles: ConnectionProfile[], file: string = defaultConnectionsPath()): void {
  const own = profiles.filter((p) => p.name !== EMBEDDED_PROFILE_NAME);
  checkNoLiterals(own, file);
  const r = connectionsFileSchema.safeParse({ profiles: own });
  if (!r.success) throw fromZod(r.error, '', file);
  checkNames(r.data.profiles, file);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ profiles: r.data.profiles }, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Finds a profile by name among `profiles` (as loadProfiles returns them). */
export function findProfile(profiles: ConnectionProfile[], name: string): ConnectionProfile {
  const p = profiles.find((x) => x.name === name);
  if (!p)
    throw new ProfileError(
      `no connection profile named "${name}" (known: ${profiles.map((x) => x.name).join(', ')})`,
    );
  return p;
}

// ---- secrets ----

/** A secret reference could not be resolved; `variable` names the environment variable looked up. */
export class SecretError extends Error {
  override name = 'SecretError';
  constructor(
    message: string,
    readonly ref: SecretRef,
    readonly variable?: string,
  ) {
    super(message);
  }
}

/** `KFLOW_SECRET_<NAME>_<KEY>` (or `KFLOW_SECRET_<NAME>` without a key): upper case, non-alphanumerics as `_`. */
export function secretEnvName(ref: SecretRef): string {
  const norm = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return ref.key === undefined
    ? `KFLOW_SECRET_${norm(ref.secret)}`
    : `KFLOW_SECRET_${norm(ref.secret)}_${norm(ref.key)}`;
}

/** Resolves a reference from the environment (the CLI's secret store). */
export function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  const variable = secretEnvName(ref);
  const value = env[variable];
  const what = ref.key === undefined ? `secret "${ref.secret}"` : `secret "${ref.secret}" (key "${ref.key}")`;
  if (value === undefined) throw new SecretError(`${what} is not set: export ${variable}=...`, ref, variable);
  if (value === '') throw new SecretError(`${what} is empty: ${variable} is set to ""`, ref, variable);
  return value;
}

/** Where secret references are resolved: the environment for the CLI, the keychain on a desktop. */
export type SecretResolver = (ref: SecretRef) => string | Promise<string>;

export function envSecretResolver(env: NodeJS.ProcessEnv = process.env): SecretResolver {
  return (ref) => resolveSecret(ref, env);
}
