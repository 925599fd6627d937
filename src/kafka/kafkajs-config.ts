/**
 * @module kafka/kafkajs-config
 * A kafkajs `KafkaConfig` from a connection profile: TLS (CA, mutual TLS), SASL PLAIN,
 * SCRAM-SHA-256/512, and AWS IAM for MSK (SASL OAUTHBEARER with a token signed locally by
 * aws-msk-iam-sasl-signer-js from the default credential chain or a named AWS profile).
 */
// Before kafkajs loads: see the module.
import './kafkajs-grouping';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { KafkaConfig, OauthbearerProviderResponse, SASLOptions } from 'kafkajs';
import { logLevel } from 'kafkajs';
import { generateAuthToken, generateAuthTokenFromProfile } from 'aws-msk-iam-sasl-signer-js';
import {
  envSecretResolver,
  type ConnectionProfile,
  type SaslSettings,
  type SecretResolver,
  type TlsSettings,
} from './profile';

export interface KafkajsConfigOptions {
  /** Resolves password and key references; the environment (`KFLOW_SECRET_*`) by default. */
  secrets?: SecretResolver;
  /** TCP + TLS connect limit per broker (kafkajs `connectionTimeout`). */
  connectionTimeoutMs?: number;
  /** SASL exchange limit (kafkajs `authenticationTimeout`). */
  authenticationTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** kafkajs retries of retriable errors; a connection test uses 0. */
  retries?: number;
  logLevel?: logLevel;
  /** Reads a PEM file; tests substitute it. */
  readFile?: (file: string) => string;
}

// Short enough that a connection test answers within seconds, long enough for a TLS handshake
// plus SCRAM's two round trips to a far region.
export const DEFAULT_CONNECTION_TIMEOUT_MS = 3000;
export const DEFAULT_AUTHENTICATION_TIMEOUT_MS = 3000;

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/** PEM text as is; anything else is a path to read. */
export function pemFrom(value: string, readFile: (file: string) => string): string {
  if (value.includes('-----BEGIN')) return value;
  const file = expandHome(value);
  try {
    return readFile(file);
  } catch (err) {
    throw new Error(`cannot read PEM file ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Node TLS options from a profile's `tls` (used by kafkajs and by the connection probe). */
export async function tlsOptions(
  tls: TlsSettings,
  secrets: SecretResolver,
  readFile: (file: string) => string = (f) => fs.readFileSync(f, 'utf8'),
): Promise<ConnectionOptions> {
  const out: ConnectionOptions = {};
  if (tls.ca !== undefined) out.ca = [pemFrom(tls.ca, readFile)];
  if (tls.cert !== undefined) out.cert = pemFrom(tls.cert, readFile);
  if (tls.key !== undefined)
    out.key = typeof tls.key === 'string' ? pemFrom(tls.key, readFile) : await secrets(tls.key);
  if (tls.servername !== undefined) out.servername = tls.servername;
  if (tls.rejectUnauthorized !== undefined) out.rejectUnauthorized = tls.rejectUnauthorized;
  return out;
}

/** Options of the MSK IAM token provider. */
export interface MskIamOptions {
  region: string;
  /** AWS shared config profile; the default credential chain (env, SSO, ini, IMDS...) when omitted. */
  profile?: string;
}

// The signer's tokens live 15 minutes (or until the credentials expire, when sooner); kafkajs asks
// for one on every new connection, so reuse a token until a minute before it expires.
const TOKEN_REFRESH_MARGIN_MS = 60_000;

/**
 * kafkajs' `oauthBearerProvider` for MSK IAM. Signing is local (SigV4 presign of
 * `kafka-cluster:Connect`); only resolving credentials may touch the network (SSO, IMDS, STS),
 * and only when the credential source needs it.
 */
export function mskIamTokenProvider(
  opts: MskIamOptions,
  now: () => number = Date.now,
): () => Promise<OauthbearerProviderResponse> {
  let cached: { value: string; expiry: number } | undefined;
  return async () => {
    if (cached && cached.expiry - TOKEN_REFRESH_MARGIN_MS > now()) return { value: cached.value };
    const r =
      opts.profile !== undefined
        ? await generateAuthTokenFromProfile({ region: opts.region, awsProfileName: opts.profile })
        : await generateAuthToken({ region: opts.region });
    cached = { value: r.token, expiry: r.expiryTime };
    return { value: r.token };
  };
}

export async function saslOptions(sasl: SaslSettings, secrets: SecretResolver): Promise<SASLOptions> {
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username: sasl.username, password: await secrets(sasl.password) };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username: sasl.username, password: await secrets(sasl.password) };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username: sasl.username, password: await secrets(sasl.password) };
    case 'aws-iam':
      return {
        mechanism: 'oauthbearer',
        oauthBearerProvider: mskIamTokenProvider({
          region: sasl.region,
          ...(sasl.profile !== undefined ? { profile: sasl.profile } : {}),
        }),
      };
  }
}

/** Builds the kafkajs configuration; resolves secrets and reads PEM files now, so errors surface here. */
export async function kafkajsConfig(
  profile: ConnectionProfile,
  opts: KafkajsConfigOptions = {},
): Promise<KafkaConfig> {
  const secrets = opts.secrets ?? envSecretResolver();
  const config: KafkaConfig = {
    clientId: profile.clientId ?? 'kflow',
    brokers: [...profile.bootstrap],
    connectionTimeout: opts.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    authenticationTimeout: opts.authenticationTimeoutMs ?? DEFAULT_AUTHENTICATION_TIMEOUT_MS,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    // kafkajs' default (5 retries from 300 ms, doubling) turns a dead endpoint into ~25 s of
    // silence; the engine retries at its own level.
    retry: { retries: opts.retries ?? 5, initialRetryTime: 100, maxRetryTime: 5000 },
    logLevel: opts.logLevel ?? logLevel.NOTHING,
  };
  if (profile.tls !== undefined) {
    const t = await tlsOptions(profile.tls, secrets, opts.readFile);
    config.ssl = Object.keys(t).length === 0 ? true : t;
  }
  if (profile.sasl !== undefined) config.sasl = await saslOptions(profile.sasl, secrets);
  return config;
}
