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
  if (server instanceof tls.Server) logHandshakeFailures(server, nodeId, logger);
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

/**
 * Logs every failed TLS handshake with the client's address. Node hands
 * 'tlsClientError' a TLS socket that is already torn down (no address), so the
 * address comes from the raw TCP socket, which closes just before that event:
 * a raw socket closing without a finished handshake is a failure, and the
 * error reported next (if any) is its cause.
 */
function logHandshakeFailures(server: tls.Server, nodeId: number, logger: Logger): void {
  const causes: string[] = [];
  server.on('tlsClientError', (err) => {
    causes.push(err.message);
    if (causes.length > 100) causes.shift();
  });
  // Remotes whose handshake finished; removed when their raw socket closes.
  const secured = new Set<string>();
  server.on('secureConnection', (s: tls.TLSSocket) => secured.add(`${s.remoteAddress}:${s.remotePort}`));
  server.prependListener('connection', (raw: net.Socket) => {
    const remote = `${raw.remoteAddress}:${raw.remotePort}`;
    raw.once('close', () => {
      if (secured.delete(remote)) return;
      setImmediate(() => {
        const cause = causes.shift() ?? 'connection closed before the handshake finished';
        logger.warn({ remote, node: nodeId, err: cause }, `TLS handshake with ${remote} failed: ${cause}`);
      });
    });
  });
}
