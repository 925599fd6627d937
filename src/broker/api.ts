/**
 * @module broker/api
 * The registry of API handlers. Each handler file under `handlers/` calls
 * {@link registerApi} once with the version range it implements; ApiVersions is
 * answered from this registry, so what the broker advertises cannot drift from
 * what it serves (franz-go's kfake does the same with `regKey`).
 *
 * Two error channels, as in Kafka: a protocol-level error goes into the
 * response's error codes; a thrown error means the request could not be
 * understood, and the connection is closed after logging why.
 */
import { apis, type ApiKey, type ApiMessages } from '../protocol/generated/index';
import type { Cluster } from './cluster';

/** What a handler knows about the connection a request came in on. */
export interface ConnectionInfo {
  /** Unique per connection, for logs and for group member ids. */
  readonly id: number;
  /** The broker identity (node id) this connection was made to. */
  readonly brokerId: number;
  readonly remoteAddress: string;
  clientId: string | null;
  /** The authenticated user once SASL has succeeded, or the TLS client cert's CN with mutual TLS. */
  principal: string | null;
  /** Per-connection SASL state, owned by the SASL handlers. */
  sasl: SaslState;
}

export type SaslState =
  | { step: 'none' }
  | { step: 'handshaken'; mechanism: string; legacy: boolean }
  | { step: 'in-progress'; mechanism: string; scram: unknown }
  | { step: 'done'; mechanism: string }
  /** Terminal: the connection answers the failing request, then closes (as Kafka does). */
  | { step: 'failed'; mechanism: string; reason: string };

export interface RequestContext {
  readonly cluster: Cluster;
  readonly connection: ConnectionInfo;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** Aborted when the connection closes or the broker stops, so long polls end promptly. */
  readonly signal: AbortSignal;
}

export type Handler<K extends ApiKey> = (
  req: ApiMessages[K]['request'],
  ctx: RequestContext,
) => ApiMessages[K]['response'] | Promise<ApiMessages[K]['response']> | NO_RESPONSE;

/** Returned by Produce with acks=0: the client expects no response at all. */
export const NO_RESPONSE = Symbol('no response');
export type NO_RESPONSE = typeof NO_RESPONSE;

export interface RegisteredApi {
  key: ApiKey;
  name: string;
  minVersion: number;
  maxVersion: number;
  /** True for APIs a client may call before it has authenticated (ApiVersions, SASL). */
  beforeAuth: boolean;
  handler: Handler<ApiKey>;
}

const registry = new Map<number, RegisteredApi>();

/**
 * Registers the handler of one API. Throws on a second registration or on a
 * range outside what the generated codecs can encode, so mistakes fail at start-up.
 */
export function registerApi<K extends ApiKey>(
  key: K,
  versions: { min: number; max: number },
  handler: Handler<K>,
  opts: { beforeAuth?: boolean } = {},
): void {
  const codec = apis[key];
  if (!codec) throw new Error(`api ${key} has no generated codec`);
  if (registry.has(key)) throw new Error(`api ${codec.name} (${key}) is registered twice`);
  if (versions.min < codec.minVersion || versions.max > codec.maxVersion || versions.min > versions.max) {
    throw new Error(
      `api ${codec.name}: versions ${versions.min}-${versions.max} are outside the codec's ${codec.minVersion}-${codec.maxVersion}`,
    );
  }
  registry.set(key, {
    key,
    name: codec.name,
    minVersion: versions.min,
    maxVersion: versions.max,
    beforeAuth: opts.beforeAuth ?? false,
    handler: handler as unknown as Handler<ApiKey>,
  });
}

export function registeredApi(key: number): RegisteredApi | undefined {
  return registry.get(key);
}

export function registeredApis(): RegisteredApi[] {
  return [...registry.values()].sort((a, b) => a.key - b.key);
}
