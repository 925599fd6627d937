import { InvalidArgumentError, Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { pino } from 'pino';

interface BrokerCliOptions {
  host: string;
  port: number;
  data?: string;
  brokers: number;
  partitions: number;
  strict?: boolean;
  users?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsClientAuth?: boolean;
  metricsPort?: number;
  logLevel: string;
}

export function registerBroker(program: Command): void {
  program
    .command('broker')
    .description(
      'run the embedded Kafka-compatible broker; prints "listening on HOST:PORT" once it accepts connections',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port of the first broker (0 picks a free one)', parseIntOption('--port'), 9092)
    .option('--data <dir>', 'data directory (default: a temporary one, deleted on exit)')
    .option(
      '--brokers <n>',
      'broker identities to serve, each on its own port',
      parseIntOption('--brokers'),
      1,
    )
    .option('--partitions <n>', 'partitions of auto-created topics', parseIntOption('--partitions'), 1)
    .option('--strict', 'do not create topics on first use (auto.create.topics.enable=false)')
    .option(
      '--users <file>',
      'require SASL (PLAIN, SCRAM-SHA-256/512) with the users of this JSON file: { "users": [{ "name", "password" }] }',
    )
    .option('--tls-cert <file>', 'serve TLS with this PEM certificate chain (needs --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--tls-ca <file>', 'PEM CA bundle for client certificates')
    .option('--tls-client-auth', 'require a client certificate signed by --tls-ca (mutual TLS)')
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics on http://HOST:PORT/metrics',
      parseIntOption('--metrics-port'),
    )
    .addOption(
      new Option('--log-level <level>', 'log level (logs go to stderr as JSON lines)')
        .choices(['error', 'warn', 'info', 'debug'])
        .default('info'),
    )
    .action(async function (this: Command, opts: BrokerCliOptions) {
      if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey))
        this.error('error: --tls-cert and --tls-key go together');
      if (opts.tlsClientAuth && !opts.tlsCa) this.error('error: --tls-client-auth needs --tls-ca');
      const { startBroker } = await import('../../broker/index');
      const users = opts.users
        ? (await import('../../broker/auth/credentials')).loadUsersFile(opts.users)
        : undefined;
      const logger = pino({ level: opts.logLevel, base: { component: 'broker' } }, pino.destination(2));
      const broker = await startBroker({
        host: opts.host,
        port: opts.port,
        ...(opts.data ? { dataDir: opts.data } : {}),
        brokers: opts.brokers,
        defaultPartitions: opts.partitions,
        autoCreateTopics: !opts.strict,
        ...(users ? { users } : {}),
        ...(opts.tlsCert && opts.tlsKey
          ? {
              tls: {
                cert: readFileSync(opts.tlsCert, 'utf8'),
                key: readFileSync(opts.tlsKey, 'utf8'),
                ...(opts.tlsCa ? { ca: readFileSync(opts.tlsCa, 'utf8') } : {}),
                requireClientCert: opts.tlsClientAuth ?? false,
              },
            }
          : {}),
        logger,
      });
      process.stdout.write(`listening on ${broker.bootstrap}\n`);
      for (const b of broker.brokers.slice(1))
        process.stdout.write(`broker ${b.nodeId} listening on ${b.host}:${b.port}\n`);
      const metrics =
        opts.metricsPort === undefined
          ? undefined
          : createServer((req, res) => {
              if (req.url !== '/metrics') {
                res.writeHead(404).end('see /metrics\n');
                return;
              }
              void broker.metrics
                .text()
                .then((text) =>
                  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
                );
            }).listen(opts.metricsPort, opts.host, () =>
              process.stdout.write(`metrics on http://${opts.host}:${opts.metricsPort}/metrics\n`),
            );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      metrics?.close();
      await broker.stop();
    });
}

function parseIntOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number.`);
    return n;
  };
}
