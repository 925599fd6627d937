import { InvalidArgumentError, Option, type Command } from 'commander';
import { pino } from 'pino';

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
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['error', 'warn', 'info', 'debug'])
        .default('info'),
    )
    .action(async function (
      this: Command,
      opts: {
        host: string;
        port: number;
        data?: string;
        brokers: number;
        partitions: number;
        strict?: boolean;
        logLevel: string;
      },
    ) {
      const { startBroker } = await import('../../broker/index');
      const logger = pino({ level: opts.logLevel, base: { component: 'broker' } }, pino.destination(2));
      const broker = await startBroker({
        host: opts.host,
        port: opts.port,
        ...(opts.data ? { dataDir: opts.data } : {}),
        brokers: opts.brokers,
        defaultPartitions: opts.partitions,
        autoCreateTopics: !opts.strict,
        logger,
      });
      process.stdout.write(`listening on ${broker.bootstrap}\n`);
      for (const b of broker.brokers.slice(1))
        process.stdout.write(`broker ${b.nodeId} listening on ${b.host}:${b.port}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
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
