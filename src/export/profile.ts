/**
 * @module export/profile
 * A deployment profile: where and on what a pipeline spec is deployed. It is a
 * file of its own, kept apart from the spec so one spec deploys to several
 * environments; like the spec it holds names and ARNs, never a secret.
 */
import { z } from 'zod';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ACCOUNT = /^\d{12}$/;
const SUBNET = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP = /^sg-[0-9a-f]{8,17}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/;
const ACM_PCA_ARN = /^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[0-9a-f-]+$/;
const CLUSTER_ARN =
  /^arn:aws[a-z-]*:kafka:([a-z0-9-]+):(\d{12}):cluster\/([A-Za-z0-9-]+)\/([0-9a-f-]+(-\d+)?)$/;
/** MSK cluster names: letters, digits and hyphens, starting with a letter, at most 64. */
export const CLUSTER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

const network = z
  .object({
    subnets: z.array(z.string().regex(SUBNET, { message: 'a subnet id looks like subnet-0a1b2c3d' })),
    securityGroups: z.array(
      z.string().regex(SECURITY_GROUP, { message: 'a security group id looks like sg-0a1b2c3d' }),
    ),
  })
  .strict();

const authentication = z
  .object({
    iam: z.boolean().default(false),
    scram: z.boolean().default(false),
    tls: z
      .object({ certificateAuthorityArns: z.array(z.string().regex(ACM_PCA_ARN)).min(1) })
      .strict()
      .optional()
      .meta({ description: 'mutual TLS with client certificates issued by these ACM Private CAs' }),
    unauthenticated: z.boolean().default(false),
  })
  .strict();

const logging = z
  .object({
    cloudWatch: z
      .object({ logGroup: z.string().min(1) })
      .strict()
      .optional(),
    s3: z
      .object({ bucket: z.string().min(3), prefix: z.string().optional() })
      .strict()
      .optional(),
    firehose: z
      .object({ deliveryStream: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict();

const provisioned = z
  .object({
    type: z.literal('provisioned'),
    name: z.string(),
    kafkaVersion: z.string(),
    brokerType: z.string().regex(/^(kafka|express)\.[a-z0-9]+\.[a-z0-9]+$/, {
      message: 'a broker type looks like kafka.m5.large',
    }),
    brokers: z.number().int().min(1),
    ebsVolumeGiB: z.number().int().min(1).max(16384).default(100),
    authentication: authentication.prefault({ iam: true }),
    encryption: z
      .object({
        inTransit: z.enum(['TLS', 'TLS_PLAINTEXT', 'PLAINTEXT']).default('TLS'),
        inCluster: z.boolean().default(true),
        atRestKmsKeyArn: z.string().regex(KMS_KEY_ARN, { message: 'a KMS key ARN' }).optional(),
      })
      .strict()
      .prefault({}),
    logging: logging.optional(),
    enhancedMonitoring: z
      .enum(['DEFAULT', 'PER_BROKER', 'PER_TOPIC_PER_BROKER', 'PER_TOPIC_PER_PARTITION'])
      .default('DEFAULT'),
    openMonitoring: z
      .object({ jmxExporter: z.boolean().default(false), nodeExporter: z.boolean().default(false) })
      .strict()
      .optional()
      .meta({ description: 'Prometheus exporters on the brokers' }),
    serverProperties: z
      .record(z.string().regex(/^[a-z][a-z0-9.]*$/), z.string())
      .optional()
      .meta({ description: 'broker properties of an MSK configuration, e.g. auto.create.topics.enable' }),
  })
  .strict();

const serverless = z
  .object({ type: z.literal('serverless'), name: z.string() })
  .strict()
  .meta({ description: 'MSK Serverless: IAM authentication only' });

const existing = z
  .object({
    type: z.literal('existing'),
    arn: z.string().regex(CLUSTER_ARN, {
      message: 'an MSK cluster ARN looks like arn:aws:kafka:us-east-1:123456789012:cluster/name/uuid',
    }),
    bootstrapServers: z
      .string()
      .regex(/^[A-Za-z0-9.-]+:\d+(,[A-Za-z0-9.-]+:\d+)*$/, { message: 'host:port[,host:port...]' }),
    authentication: authentication,
    brokers: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'broker count, for the per-broker disk and CPU alarms' }),
  })
  .strict();

const capacity = z.union([
  z
    .object({ mcuCount: z.number().int(), workers: z.number().int() })
    .strict()
    .meta({ description: 'a fixed number of workers' }),
  z
    .object({
      mcuCount: z.number().int(),
      minWorkers: z.number().int(),
      maxWorkers: z.number().int(),
      scaleInCpuPercent: z.number().int().min(1).max(100).default(20),
      scaleOutCpuPercent: z.number().int().min(1).max(100).default(80),
    })
    .strict()
    .meta({ description: 'autoscaling between minWorkers and maxWorkers' }),
]);

export const profileSchema = z
  .object({
    kflowProfile: z.literal(1),
    name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, {
      message: 'lowercase letters, digits and -, starting with a letter, at most 31',
    }),
    region: z.string().regex(REGION, { message: 'a region looks like us-east-1' }),
    accountId: z.string().regex(ACCOUNT, { message: 'an AWS account id is 12 digits' }),
    network,
    cluster: z.discriminatedUnion('type', [provisioned, serverless, existing]),
    topics: z
      .object({
        partitions: z.number().int().min(1).default(3),
        replicationFactor: z.number().int().min(1).default(3),
      })
      .strict()
      .prefault({}),
    connect: z
      .object({
        kafkaConnectVersion: z.string().default('3.7.x'),
        capacity: capacity.default({ mcuCount: 1, workers: 1 }),
        pluginBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
        plugins: z
          .object({
            s3Sink: z.string().default('plugins/confluentinc-kafka-connect-s3-10.5.0.zip'),
            debeziumMysql: z
              .string()
              .default('plugins/debezium-connector-mysql-2.7.3-with-msk-config-provider.zip'),
          })
          .strict()
          .prefault({}),
        logGroup: z.string().optional(),
      })
      .strict()
      .optional(),
    engine: z
      .object({
        image: z
          .string()
          .min(1)
          .meta({ description: 'the kflow container image (a parameter of the export)' }),
        ecsCluster: z.string().min(1),
        cpu: z.enum(['256', '512', '1024', '2048', '4096']).default('512'),
        memory: z.string().regex(/^\d+$/).default('1024'),
        desiredCount: z.number().int().min(0).default(1),
      })
      .strict()
      .optional(),
    alarms: z
      .object({
        maxOffsetLag: z.number().int().min(1).default(10000),
        sumOffsetLag: z.number().int().min(1).default(100000),
        diskUsedPercent: z.number().min(1).max(100).default(85),
        cpuUserPercent: z.number().min(1).max(100).default(60),
        snsTopicArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/)
          .optional(),
      })
      .strict()
      .prefault({}),
    tags: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type DeploymentProfile = z.infer<typeof profileSchema>;
export type ProvisionedCluster = Extract<DeploymentProfile['cluster'], { type: 'provisioned' }>;
export type ClusterAuthentication = z.infer<typeof authentication>;

export interface ExistingClusterIds {
  region: string;
  account: string;
  name: string;
  uuid: string;
}

export function parseClusterArn(arn: string): ExistingClusterIds | undefined {
  const m = CLUSTER_ARN.exec(arn);
  if (!m) return undefined;
  return { region: m[1] ?? '', account: m[2] ?? '', name: m[3] ?? '', uuid: m[4] ?? '' };
}

/** The client authentications a cluster accepts, as the model and validation see them. */
export function clusterAuth(p: DeploymentProfile): ClusterAuthentication {
  if (p.cluster.type === 'serverless') return { iam: true, scram: false, unauthenticated: false };
  return p.cluster.authentication;
}
