/**
 * @module kafka/errors
 * One error type for "could not talk to the cluster", with the stage that failed, so the UI and
 * the CLI can say what to fix instead of echoing a kafkajs message:
 *
 * | stage      | what failed                          | typical fix                                  |
 * | ---------- | ------------------------------------ | -------------------------------------------- |
 * | `dns`      | the bootstrap name does not resolve  | the host name, VPN, private DNS              |
 * | `tcp`      | refused, unreachable, timed out      | the port, security group, public access      |
 * | `tls`      | handshake (unknown CA, wrong host)   | `tls.ca`, `tls.servername`, TLS vs plaintext |
 * | `auth`     | SASL mechanism or credentials        | user, password secret, IAM credentials       |
 * | `acl`      | authenticated but not authorized     | ACLs / IAM policy                            |
 * | `protocol` | anything else the broker answered    | versions, a non-Kafka port                   |
 */
import { kafkajs } from './kafkajs-module';

export type ConnectionStage = 'dns' | 'tcp' | 'tls' | 'auth' | 'acl' | 'protocol';

export class ConnectionError extends Error {
  override name = 'ConnectionError';
  constructor(
    readonly stage: ConnectionStage,
    message: string,
    readonly detail: { broker?: string; code?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: detail.cause });
  }
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const TCP_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

/** Node's certificate verification codes, in words. */
const TLS_REASONS: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'the broker certificate is signed by an unknown CA (set tls.ca to the CA that issued it)',
  UNABLE_TO_GET_ISSUER_CERT:
    'the broker certificate is signed by an unknown CA (set tls.ca to the CA that issued it)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    'the broker certificate is signed by an unknown CA (set tls.ca to the CA that issued it)',
  SELF_SIGNED_CERT_IN_CHAIN: 'the broker certificate chains to a CA this client does not trust (set tls.ca)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the broker certificate is self-signed and not trusted (set tls.ca)',
  ERR_TLS_CERT_ALTNAME_INVALID:
    'the broker certificate does not name this host (hostname mismatch; check the bootstrap host or tls.servername)',
  CERT_HAS_EXPIRED: 'the broker certificate has expired',
  CERT_NOT_YET_VALID: 'the broker certificate is not valid yet (check the clock)',
  CERT_REVOKED: 'the broker certificate was revoked',
};

const ACL_TYPES = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'DELEGATION_TOKEN_AUTHORIZATION_FAILED',
]);

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string | number;
  type?: string;
  broker?: string;
  cause?: unknown;
  originalError?: unknown;
}

/** The chain of causes of an error, outermost first (kafkajs wraps retries and connection errors). */
function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let cur: unknown = err;
  while (cur !== null && typeof cur === 'object' && out.length < 8) {
    const e = cur as ErrorLike;
    if (out.includes(e)) break;
    out.push(e);
    cur = e.cause ?? e.originalError;
  }
  return out;
}

/** Reason for a TLS failure from a Node error code or an OpenSSL message. */
export function tlsReason(code: string | undefined, message: string): string | undefined {
  if (code !== undefined && TLS_REASONS[code]) return TLS_REASONS[code];
  if (/wrong version number|packet length too long|unknown protocol|http request/i.test(message))
    return 'the port does not speak TLS (is this a plaintext listener? MSK uses 9092 for plaintext, 9094 for TLS)';
  if (/certificate required|alert (bad|unknown) certificate|alert handshake failure/i.test(message))
    return 'the broker rejected the client certificate (mutual TLS: check tls.cert and tls.key)';
  if (code !== undefined && /^ERR_SSL_|^ERR_TLS_|CERT|EPROTO/.test(code)) return message;
  return undefined;
}

/**
 * Maps anything a kafkajs call or a socket threw to a ConnectionError. Pure: tests hand it error
 * objects shaped like kafkajs' and Node's.
 */
export function toConnectionError(err: unknown, broker?: string): ConnectionError {
  if (err instanceof ConnectionError) return err;
  const errors = chain(err);
  const at = (broker ?? errors.find((e) => typeof e.broker === 'string')?.broker) as string | undefined;
  const where = at ? ` (${at})` : '';
  const detail = (code?: string) => ({
    ...(at ? { broker: at } : {}),
    ...(code ? { code } : {}),
    cause: err,
  });

  for (const e of errors) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    const message = e.message ?? '';
    if (e.name === 'KafkaJSSASLAuthenticationError' || /SASL .*authentication failed/i.test(message))
      return new ConnectionError(
        'auth',
        `authentication failed${where}: ${saslReason(message)}`,
        detail('SASL_AUTHENTICATION_FAILED'),
      );
    if (e.type !== undefined && ACL_TYPES.has(e.type))
      return new ConnectionError(
        'acl',
        `not authorized${where}: the broker refused the request (${e.type}); check the ACLs or IAM policy of this principal`,
        detail(e.type),
      );
    if (e.type === 'SASL_AUTHENTICATION_FAILED' || e.type === 'ILLEGAL_SASL_STATE')
      return new ConnectionError('auth', `authentication failed${where}: ${message}`, detail(e.type));
    if (e.type === 'UNSUPPORTED_SASL_MECHANISM')
      return new ConnectionError(
        'auth',
        `the broker does not offer this SASL mechanism${where}: ${message}`,
        detail(e.type),
      );
    if (code !== undefined && DNS_CODES.has(code)) {
      const host = at?.replace(/:\d+$/, '') ?? 'the bootstrap host';
      return new ConnectionError(
        'dns',
        `cannot resolve ${host}: the name does not exist or DNS is unreachable (${code})`,
        detail(code),
      );
    }
    if (code !== undefined && TCP_CODES.has(code))
      return new ConnectionError(
        'tcp',
        code === 'ECONNREFUSED'
          ? `connection refused${where}: nothing listens on that port`
          : `cannot reach the broker${where}: ${code === 'ETIMEDOUT' ? 'connection timed out (firewall, security group or wrong port?)' : `network unreachable (${code})`}`,
        detail(code),
      );
    const tls = tlsReason(code, message);
    if (tls !== undefined)
      return new ConnectionError('tls', `TLS handshake failed${where}: ${tls}`, detail(code));
    if (e.name === 'KafkaJSConnectionError' && /Connection timeout/i.test(message))
      return new ConnectionError(
        'tcp',
        `connection timed out${where} (firewall, security group or wrong port?)`,
        detail('ETIMEDOUT'),
      );
    if (/Unsupported SASL mechanism/i.test(message))
      return new ConnectionError('auth', `the broker does not offer this SASL mechanism${where}`, detail());
    if (e.name === 'KafkaJSRequestTimeoutError' || /Request .*timed out/i.test(message))
      return new ConnectionError(
        'protocol',
        `the broker did not answer${where}: request timed out (a TLS listener reached without TLS, or an overloaded broker)`,
        detail('REQUEST_TIMED_OUT'),
      );
    if (e.name === 'KafkaJSConnectionClosedError' || /Closed connection|closed by the server/i.test(message))
      return new ConnectionError(
        'protocol',
        `the broker closed the connection${where} (a TLS listener reached without TLS, or SASL required?)`,
        detail('CONNECTION_CLOSED'),
      );
  }
  const top = errors[0];
  return new ConnectionError(
    'protocol',
    `${top?.message ?? String(err)}${where}`,
    detail(typeof top?.code === 'string' ? top.code : (top?.type ?? undefined)),
  );
}

function saslReason(message: string): string {
  // kafkajs: "SASL SCRAM SHA512 authentication failed: ...", "SASL PLAIN authentication failed: ..."
  const m = /authentication failed: (.*)$/i.exec(message);
  const tail = m?.[1] ?? message;
  return `wrong user name or password, or a mechanism this user lacks (${tail})`;
}

/** True when `err` is one of kafkajs' error classes (for callers that rethrow the rest). */
export function isKafkajsError(err: unknown): boolean {
  return err instanceof kafkajs.KafkaJSError;
}

/**
 * A transactional producer was fenced: another producer took its transactional id over
 * (`producer-epoch`: PRODUCER_FENCED / INVALID_PRODUCER_EPOCH, or its transaction outlived the
 * transaction timeout), or the consumer group moved on from the member whose offsets it committed
 * (`group-generation`: ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID, KIP-447). Its
 * open transaction is or will be aborted; the producer is unusable.
 */
export class ProducerFencedError extends Error {
  override name = 'ProducerFencedError';
  constructor(
    readonly transactionalId: string,
    readonly fencedBy: 'producer-epoch' | 'group-generation',
    reason: string,
    cause?: unknown,
  ) {
    super(
      `transactional id ${transactionalId} was fenced: ${reason}`,
      cause === undefined ? undefined : { cause },
    );
  }
}
