/**
 * @module kafka/probe
 * The network half of a connection test, one stage at a time (DNS → TCP → TLS), so a failure is
 * attributed to the stage that failed from Node's own error codes rather than guessed from a
 * kafkajs message. Kafka-level stages (SASL, authorization) are tested with kafkajs afterwards.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import tls, { type ConnectionOptions } from 'node:tls';
import { ConnectionError, tlsReason, toConnectionError } from './errors';

export function splitHostPort(hostPort: string): { host: string; port: number } {
  const i = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(hostPort.slice(i + 1)) };
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Resolves, connects and (with `tlsOptions`) completes a TLS handshake to one broker, then
 * closes. Each stage has `timeoutMs`. Throws a ConnectionError naming the stage.
 */
export async function probeBroker(
  hostPort: string,
  opts: { tls?: ConnectionOptions; timeoutMs: number },
): Promise<void> {
  const { host, port } = splitHostPort(hostPort);
  let address = host;
  if (net.isIP(host) === 0) {
    try {
      address = (
        await withTimeout(
          dns.lookup(host),
          opts.timeoutMs,
          () => Object.assign(new Error(`DNS lookup of ${host} timed out`), { code: 'EAI_AGAIN' }) as Error,
        )
      ).address;
    } catch (err) {
      throw toConnectionError(err, hostPort);
    }
  }
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host: address, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(
        new ConnectionError(
          'tcp',
          `connection to ${hostPort} timed out after ${opts.timeoutMs} ms (firewall, security group or wrong port?)`,
          { broker: hostPort, code: 'ETIMEDOUT' },
        ),
      );
    }, opts.timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(toConnectionError(err, hostPort));
    });
  });
  if (opts.tls === undefined) {
    socket.destroy();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const t = tls.connect({
      ...opts.tls,
      socket,
      // SNI and verification use the name the user wrote, not the resolved address.
      ...(opts.tls?.servername === undefined && net.isIP(host) === 0 ? { servername: host } : {}),
      ...(opts.tls?.servername === undefined ? { host } : {}),
    });
    const fail = (err: Error & { code?: string }) => {
      clearTimeout(timer);
      t.destroy();
      const reason = tlsReason(err.code, err.message) ?? err.message;
      reject(
        new ConnectionError('tls', `TLS handshake failed (${hostPort}): ${reason}`, {
          broker: hostPort,
          ...(err.code ? { code: err.code } : {}),
          cause: err,
        }),
      );
    };
    const timer = setTimeout(
      () =>
        fail(
          Object.assign(
            new Error(
              `no TLS handshake within ${opts.timeoutMs} ms (is this a plaintext port? MSK uses 9092 for plaintext, 9094 for TLS)`,
            ),
            { code: 'TLS_TIMEOUT' },
          ),
        ),
      opts.timeoutMs,
    );
    t.once('secureConnect', () => {
      clearTimeout(timer);
      t.end();
      t.destroy();
      resolve();
    });
    t.once('error', fail);
    // A server that closes the socket during the handshake (e.g. a missing client certificate
    // with TLS 1.2) may end it without an alert.
    t.once('close', () =>
      fail(
        Object.assign(new Error('the broker closed the connection during the TLS handshake'), {
          code: 'ECONNRESET',
        }),
      ),
    );
  });
}
