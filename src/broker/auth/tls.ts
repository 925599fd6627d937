/**
 * @module broker/auth/tls
 * TLS listener settings and the principal of a client certificate.
 *
 * Client certificates follow Kafka's ssl.client.auth: `requireClientCert`
 * is `required` (no valid certificate, no connection); a `ca` without it is
 * `requested` (a certificate is asked for and, when it verifies, names the
 * principal; a client without one still connects).
 */
import type { X509Certificate } from 'node:crypto';
import type tls from 'node:tls';
import type { TlsOptions } from '../config';

/** A TLS handshake that does not finish within this is dropped (slowloris guard). */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

export function tlsServerOptions(opts: TlsOptions): tls.TlsOptions {
  const required = opts.requireClientCert ?? false;
  if (required && !opts.ca)
    throw new Error('tls.requireClientCert needs tls.ca to verify client certificates');
  return {
    cert: opts.cert,
    key: opts.key,
    ...(opts.ca ? { ca: opts.ca } : {}),
    // Kafka's default ssl.enabled.protocols is TLSv1.2,TLSv1.3; MSK accepts the same.
    minVersion: 'TLSv1.2',
    requestCert: required || opts.ca !== undefined,
    rejectUnauthorized: required,
    handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
  };
}

/**
 * Kafka's default principal for a client certificate (ssl.principal.mapping.rules=DEFAULT):
 * `User:` and the subject's distinguished name in RFC 2253 order, most specific
 * RDN first, e.g. `User:CN=alice,O=Example`. MSK ACLs for mutual TLS name users this way.
 */
export function principalFromCertificate(cert: Pick<X509Certificate, 'subject'>): string | null {
  // Node lists the subject's RDNs one per line in certificate (ASN.1) order.
  const rdns = cert.subject.split('\n').filter((l) => l !== '');
  if (rdns.length === 0) return null;
  return `User:${rdns.reverse().map(escapeRdnValue).join(',')}`;
}

/** RFC 2253 escaping of the characters that would change the DN's structure. */
function escapeRdnValue(rdn: string): string {
  const eq = rdn.indexOf('=');
  if (eq < 0) return rdn;
  const value = rdn.slice(eq + 1).replace(/([,+"\\<>;])/g, '\\$1');
  return `${rdn.slice(0, eq)}=${value}`;
}
