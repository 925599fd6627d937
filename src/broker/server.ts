/**
 * @module broker/server
 * TCP (or TLS) listeners, one per broker identity, handing sockets to
 * {@link Connection}.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { credentialStoreFor } from './auth/credentials';
import { principalFromCertificate, tlsServerOptions } from './auth/tls';
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
    const conn = new Connection(socket, {
      cluster,
      brokerId: nodeId,
      logger,
      metrics,
      requireAuth: (users?.length ?? 0) > 0,
      hooks,
    });
    if (socket instanceof tls.TLSSocket && socket.authorized) {
      // Only a certificate that verified against tls.ca names the principal.
      const cert = socket.getPeerX509Certificate();
      if (cert) conn.info.principal = principalFromCertificate(cert);
      logger.debug(
        { conn: conn.info.id, remote: conn.info.remoteAddress, principal: conn.info.principal },
        'TLS client certificate',
      );
    }
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
  };
  const server = tlsOptions
    ? tls.createServer(tlsServerOptions(tlsOptions), onSocket)
    : net.createServer(onSocket);
  server.on('tlsClientError', (err, socket) => {
    // Typical causes: the client does not trust our CA, has no or a bad client certificate, or speaks plaintext.
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    logger.warn(
      { remote, node: nodeId, err: err.message },
      `TLS handshake with ${remote} failed: ${err.message}`,
    );
  });
  // Derive SCRAM credentials now, so a bad users list fails the start, not the first login.
  if ((users?.length ?? 0) > 0) credentialStoreFor(cluster);
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
