/**
 * @module broker/server
 * TCP (or TLS) listeners, one per broker identity, handing sockets to
 * {@link Connection}.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { Cluster } from './cluster';
import { Connection, type RequestHook } from './connection';
import type { BrokerMetrics } from './metrics';

export interface Listener {
  nodeId: number;
  host: string;
  port: number;
  server: net.Server;
  connections: Set<Connection>;
}

export async function listen(
  cluster: Cluster,
  nodeId: number,
  port: number,
  logger: Logger,
  metrics: BrokerMetrics,
  hooks: RequestHook[],
): Promise<Listener> {
  const { host, tls: tlsOptions, users } = cluster.options;
  const connections = new Set<Connection>();
  const onSocket = (socket: net.Socket) => {
    metrics.connections.inc();
    const conn = new Connection(socket, { cluster, brokerId: nodeId, logger, metrics, requireAuth: (users?.length ?? 0) > 0, hooks });
    if (socket instanceof tls.TLSSocket) {
      const cert = socket.getPeerCertificate();
      if (cert && cert.subject?.CN) conn.info.principal = `User:${cert.subject.CN}`;
    }
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
  };
  const server = tlsOptions
    ? tls.createServer(
        {
          cert: tlsOptions.cert,
          key: tlsOptions.key,
          ...(tlsOptions.ca ? { ca: tlsOptions.ca } : {}),
          requestCert: tlsOptions.requireClientCert ?? false,
          rejectUnauthorized: tlsOptions.requireClientCert ?? false,
        },
        onSocket,
      )
    : net.createServer(onSocket);
  server.on('tlsClientError', (err) => logger.warn({ err: err.message }, 'TLS handshake failed'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  return { nodeId, host, port: address.port, server, connections };
}

export async function closeListener(l: Listener): Promise<void> {
  for (const c of l.connections) c.close('broker stopping');
  await new Promise<void>((resolve) => l.server.close(() => resolve()));
}
