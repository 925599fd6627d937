/**
 * @module broker/auth/certs
 * A throwaway certificate authority for tests and local TLS: a self-signed CA,
 * a server certificate for the given host names and IPs, and client
 * certificates (subject `CN=<name>`) for mutual TLS. Node can verify X.509 but
 * not issue it, so issuing uses node-forge; keys come from Node's own crypto.
 *
 * ```ts
 * const certs = makeTestCertificates({ hosts: ['127.0.0.1', 'localhost'], clients: ['alice'] });
 * await startBroker({ tls: { cert: certs.server.cert, key: certs.server.key, ca: certs.ca } });
 * ```
 *
 * Not for production: the CA key is discarded, so nothing else can be issued
 * under it, and the certificates are short-lived.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import net from 'node:net';
import forge from 'node-forge';

export interface PemPair {
  cert: string;
  key: string;
}

export interface TestCertificates {
  /** PEM of the CA certificate: what clients trust (`ssl.ca.location`, kafkajs `ssl.ca`) and the broker's `tls.ca`. */
  ca: string;
  server: PemPair;
  clients: Record<string, PemPair>;
}

export interface TestCertificateOptions {
  /** Names and IP addresses the server certificate is valid for (subjectAltName); the first is also its CN. */
  hosts?: string[];
  /** Client names; each gets a certificate with subject CN=<name>. */
  clients?: string[];
  /** Validity in days from an hour ago (allowing for clock skew); 30 by default. */
  days?: number;
  /** RSA key size; 2048 by default. */
  keyBits?: number;
  /** CN of the CA; tests making two unrelated CAs may name them apart. */
  caName?: string;
}

interface Issued {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  keyPem: string;
}

export function makeTestCertificates(opts: TestCertificateOptions = {}): TestCertificates {
  const hosts = opts.hosts ?? ['127.0.0.1', 'localhost'];
  if (hosts.length === 0) throw new Error('makeTestCertificates: hosts must name at least one host');
  const days = opts.days ?? 30;
  const bits = opts.keyBits ?? 2048;

  const ca = issue({
    cn: opts.caName ?? 'kflow test CA',
    bits,
    days,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = issue({
    cn: hosts[0] as string,
    bits,
    days,
    issuer: ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      // Type 7 is an IP address, 2 a DNS name (RFC 5280 GeneralName).
      {
        name: 'subjectAltName',
        altNames: hosts.map((h) => (net.isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
      },
    ],
  });
  const clients: Record<string, PemPair> = {};
  for (const name of opts.clients ?? []) {
    const c = issue({
      cn: name,
      bits,
      days,
      issuer: ca,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', clientAuth: true },
      ],
    });
    clients[name] = { cert: forge.pki.certificateToPem(c.cert), key: c.keyPem };
  }
  return {
    ca: forge.pki.certificateToPem(ca.cert),
    server: { cert: forge.pki.certificateToPem(server.cert), key: server.keyPem },
    clients,
  };
}

function issue(o: { cn: string; bits: number; days: number; issuer?: Issued; extensions: object[] }): Issued {
  // Node's key generation is native and fast; forge's pure-JS one takes seconds for 2048 bits.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: o.bits });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // A positive serial: 16 random bytes behind a 0x01 byte so the DER integer is never negative.
  cert.serialNumber = `01${randomBytes(16).toString('hex')}`;
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 3600_000);
  cert.validity.notAfter = new Date(now + o.days * 86400_000);
  const subject = [{ name: 'commonName', value: o.cn }];
  cert.setSubject(subject);
  cert.setIssuer(o.issuer ? o.issuer.cert.subject.attributes : subject);
  cert.setExtensions([
    ...o.extensions,
    { name: 'subjectKeyIdentifier' },
    ...(o.issuer
      ? [
          {
            name: 'authorityKeyIdentifier',
            keyIdentifier: o.issuer.cert.generateSubjectKeyIdentifier().getBytes(),
          },
        ]
      : []),
  ]);
  cert.sign(o.issuer ? o.issuer.key : key, forge.md.sha256.create());
  return { cert, key, keyPem };
}
