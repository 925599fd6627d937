/**
 * @module export/deploy/aws
 * The one door to AWS for `kflow deploy`: a call is (service, command, input)
 * and goes through the real SDK client of that service. Credentials come from
 * the SDK's standard provider chain (environment, shared config, SSO, IMDS);
 * `endpoint` points every client at one URL (LocalStack, or the test fake).
 * SDK modules are imported on first use: only deploy needs them.
 */

export type AwsService = 'kafka' | 'kafkaconnect' | 'iam' | 'logs' | 'ecs' | 'cloudwatch' | 'secretsmanager';

export type AwsOutput = Record<string, unknown>;

/** What the deploy loop needs from AWS; tests can pass their own. */
export interface AwsCaller {
  call(service: AwsService, command: string, input: Record<string, unknown>): Promise<AwsOutput>;
}

export interface AwsOptions {
  region: string;
  /** One URL for every service (http://127.0.0.1:4566 for LocalStack). */
  endpoint?: string;
}

/** A failed AWS call, with what was being done. `code` is the AWS error name (NotFoundException, ...). */
export class AwsCallError extends Error {
  constructor(
    readonly service: AwsService,
    readonly command: string,
    readonly code: string,
    message: string,
  ) {
    super(`${service} ${command}: ${code}: ${message}`);
    this.name = 'AwsCallError';
  }
}

/** The error names AWS answers with when a described resource does not exist. */
const NOT_FOUND = new Set([
  'NotFoundException',
  'NoSuchEntityException',
  'NoSuchEntity',
  'ResourceNotFoundException',
  'ClusterNotFoundException',
]);

export function isNotFound(err: unknown): boolean {
  return err instanceof AwsCallError && NOT_FOUND.has(err.code);
}

type SdkModule = Record<string, unknown>;
type SdkClient = { send(command: unknown): Promise<AwsOutput>; destroy(): void };

const MODULES: Record<AwsService, { load: () => Promise<SdkModule>; client: string }> = {
  kafka: { load: () => import('@aws-sdk/client-kafka'), client: 'KafkaClient' },
  kafkaconnect: { load: () => import('@aws-sdk/client-kafkaconnect'), client: 'KafkaConnectClient' },
  iam: { load: () => import('@aws-sdk/client-iam'), client: 'IAMClient' },
  logs: { load: () => import('@aws-sdk/client-cloudwatch-logs'), client: 'CloudWatchLogsClient' },
  ecs: { load: () => import('@aws-sdk/client-ecs'), client: 'ECSClient' },
  cloudwatch: { load: () => import('@aws-sdk/client-cloudwatch'), client: 'CloudWatchClient' },
  secretsmanager: {
    load: () => import('@aws-sdk/client-secrets-manager'),
    client: 'SecretsManagerClient',
  },
};

export interface SdkCaller extends AwsCaller {
  /** Closes the clients' sockets. */
  close(): void;
}

export function sdkCaller(opts: AwsOptions): SdkCaller {
  const clients = new Map<AwsService, { mod: SdkModule; client: SdkClient }>();
  const get = async (service: AwsService): Promise<{ mod: SdkModule; client: SdkClient }> => {
    const known = clients.get(service);
    if (known) return known;
    const spec = MODULES[service];
    const mod = await spec.load();
    const Client = mod[spec.client] as new (config: object) => SdkClient;
    // IAM is a global service: its endpoint is us-east-1 whatever the profile's region.
    const region = service === 'iam' && !opts.endpoint ? 'us-east-1' : opts.region;
    const client = new Client({ region, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) });
    const entry = { mod, client };
    clients.set(service, entry);
    return entry;
  };
  return {
    async call(service, command, input) {
      const { mod, client } = await get(service);
      const Command = mod[`${command}Command`] as (new (input: object) => unknown) | undefined;
      if (!Command) throw new AwsCallError(service, command, 'UnknownCommand', 'the SDK has no such command');
      try {
        return await client.send(new Command(input));
      } catch (err) {
        const e = err as { name?: string; Code?: string; message?: string };
        throw new AwsCallError(service, command, e.Code ?? e.name ?? 'Error', e.message ?? String(err));
      }
    },
    close() {
      for (const { client } of clients.values()) client.destroy();
      clients.clear();
    },
  };
}
