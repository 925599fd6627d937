import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkExport } from '../../../src/export/validate';

const root = join(import.meta.dirname, '../../..');
const load = (p: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(root, p), 'utf8')) as Record<string, unknown>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const cdc = load('resources/examples/mysql-cdc.json');
const s3 = load('resources/examples/s3-hourly-archive.json');
const clicks = load('resources/examples/clicks-per-category.json');
const prod = load('resources/profiles/production-provisioned.json');
const existing = load('resources/profiles/existing-cluster.json');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Case {
  name: string;
  spec?: Json;
  specEdit?: (s: Json) => void;
  profile?: Json;
  edit?: (p: Json) => void;
  source: 'spec' | 'profile';
  nodeId: string | null;
  path: string;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'inline database password in the spec',
    spec: cdc,
    specEdit: (s) => (s.nodes[0].config.database.password = 'hunter2'),
    source: 'spec',
    nodeId: 'orders-cdc',
    path: 'nodes[0].config.database.password',
    message: /secret reference|literal secret|secret/,
  },
  {
    name: 'a password in the profile',
    edit: (p) => (p.engine.password = 'hunter2'),
    source: 'profile',
    nodeId: null,
    path: 'engine.password',
    message: /literal secret/,
  },
  {
    name: 'an AWS access key in the profile tags',
    edit: (p) => (p.tags = { owner: 'AKIAIOSFODNN7EXAMPLE' }),
    source: 'profile',
    nodeId: null,
    path: 'tags.owner',
    message: /AWS access key/,
  },
  {
    name: 'MSK Connect with a SCRAM-only cluster',
    spec: cdc,
    edit: (p) => (p.cluster.authentication = { scram: true }),
    source: 'profile',
    nodeId: 'orders-cdc',
    path: 'cluster.authentication',
    message: /MSK Connect, which authenticates only with IAM or not at all; the cluster allows only SCRAM/,
  },
  {
    name: 'MSK Connect with an mTLS-only existing cluster',
    spec: s3,
    profile: existing,
    edit: (p) =>
      (p.cluster.authentication = {
        tls: {
          certificateAuthorityArns: [
            'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555',
          ],
        },
      }),
    source: 'profile',
    nodeId: 'lake',
    path: 'cluster.authentication',
    message: /only mutual TLS: enable iam/,
  },
  {
    name: 'topic name with a space',
    spec: clicks,
    specEdit: (s) => (s.nodes[2].config.topic = 'aggregated events'),
    source: 'spec',
    nodeId: 'out',
    path: 'nodes[2].config.topic',
    message: /topic/,
  },
  {
    name: 'topic name reserved with __',
    spec: clicks,
    specEdit: (s) => (s.nodes[2].config.topic = '__aggregated'),
    source: 'spec',
    nodeId: 'out',
    path: 'nodes[2].config.topic',
    message: /reserve for internal topics/,
  },
  {
    name: 'topics colliding in metric names',
    spec: clicks,
    specEdit: (s) => ((s.nodes[0].config.topic = 'raw_events'), (s.nodes[2].config.topic = 'raw.events')),
    source: 'spec',
    nodeId: 'out',
    path: 'nodes[2].config.topic',
    message: /differ only in \. and _/,
  },
  {
    name: 'unsupported Kafka version',
    edit: (p) => (p.cluster.kafkaVersion = '2.8.1'),
    source: 'profile',
    nodeId: null,
    path: 'cluster.kafkaVersion',
    message: /Kafka 2\.8\.1 is not offered by MSK for new clusters/,
  },
  {
    name: 'unsupported Kafka Connect version',
    spec: s3,
    edit: (p) => (p.connect.kafkaConnectVersion = '3.6.0'),
    source: 'profile',
    nodeId: null,
    path: 'connect.kafkaConnectVersion',
    message: /MSK Connect runs Kafka Connect 2\.7\.1 or 3\.7\.x, not 3\.6\.0/,
  },
  {
    name: 'no subnets',
    edit: (p) => (p.network.subnets = []),
    source: 'profile',
    nodeId: null,
    path: 'network.subnets',
    message: /no subnets/,
  },
  {
    name: 'one subnet for a new cluster',
    edit: (p) => ((p.network.subnets = ['subnet-0a1b2c3d4e5f60001']), (p.cluster.brokers = 3)),
    source: 'profile',
    nodeId: null,
    path: 'network.subnets',
    message: /at least two Availability Zones/,
  },
  {
    name: 'no security groups',
    edit: (p) => (p.network.securityGroups = []),
    source: 'profile',
    nodeId: null,
    path: 'network.securityGroups',
    message: /no security groups/,
  },
  {
    name: 'malformed subnet id',
    edit: (p) => (p.network.subnets[0] = 'subnet-xyz'),
    source: 'profile',
    nodeId: null,
    path: 'network.subnets[0]',
    message: /a subnet id looks like/,
  },
  {
    name: 'MCU count 3',
    spec: s3,
    edit: (p) => (p.connect.capacity = { mcuCount: 3, workers: 1 }),
    source: 'profile',
    nodeId: null,
    path: 'connect.capacity.mcuCount',
    message: /3 MCUs per worker: MSK Connect allows 1, 2, 4, 8/,
  },
  {
    name: '11 workers',
    spec: s3,
    edit: (p) => (p.connect.capacity = { mcuCount: 1, workers: 11 }),
    source: 'profile',
    nodeId: null,
    path: 'connect.capacity.workers',
    message: /11 workers: MSK Connect allows 1 to 10/,
  },
  {
    name: '0 minimum workers',
    spec: s3,
    edit: (p) => (p.connect.capacity = { mcuCount: 1, minWorkers: 0, maxWorkers: 2 }),
    source: 'profile',
    nodeId: null,
    path: 'connect.capacity.minWorkers',
    message: /0 workers: MSK Connect allows 1 to 10/,
  },
  {
    name: 'min above max workers',
    spec: s3,
    edit: (p) => (p.connect.capacity = { mcuCount: 2, minWorkers: 4, maxWorkers: 2 }),
    source: 'profile',
    nodeId: null,
    path: 'connect.capacity.minWorkers',
    message: /minWorkers 4 is more than maxWorkers 2/,
  },
  {
    name: 'bad cluster name',
    edit: (p) => (p.cluster.name = '1-cluster'),
    source: 'profile',
    nodeId: null,
    path: 'cluster.name',
    message: /is not an MSK cluster name/,
  },
  {
    name: 'bad profile name',
    edit: (p) => (p.name = 'Prod'),
    source: 'profile',
    nodeId: null,
    path: 'name',
    message: /lowercase letters, digits and -/,
  },
  {
    name: 'connector name longer than an IAM role allows',
    spec: s3,
    specEdit: (s) => {
      s.nodes[3].id = 'a-very-long-node-identifier-for-the-data-lake-sink';
      s.edges[2].to = 'a-very-long-node-identifier-for-the-data-lake-sink';
    },
    source: 'spec',
    nodeId: 'a-very-long-node-identifier-for-the-data-lake-sink',
    path: 'nodes[3].id',
    message: /longer than 64 characters/,
  },
  {
    name: 'brokers not a multiple of subnets',
    edit: (p) => (p.cluster.brokers = 4),
    source: 'profile',
    nodeId: null,
    path: 'cluster.brokers',
    message: /4 brokers cannot be spread evenly over 3 subnets/,
  },
  {
    name: 'replication factor above broker count (profile)',
    edit: (p) => ((p.cluster.brokers = 3), (p.topics.replicationFactor = 4)),
    source: 'profile',
    nodeId: null,
    path: 'topics.replicationFactor',
    message: /replication factor 4 is more than the 3 brokers/,
  },
  {
    name: 'replication factor above broker count (spec node)',
    spec: clicks,
    specEdit: (s) => (s.nodes[2].config.replicationFactor = 5),
    source: 'spec',
    nodeId: 'out',
    path: 'nodes[2].config.replicationFactor',
    message: /replication factor 5 is more than the 3 brokers/,
  },
  {
    name: 'IAM over plaintext',
    edit: (p) => (p.cluster.encryption.inTransit = 'PLAINTEXT'),
    source: 'profile',
    nodeId: null,
    path: 'cluster.encryption.inTransit',
    message: /need TLS between clients and brokers/,
  },
  {
    name: 'no client authentication at all',
    edit: (p) => (p.cluster.authentication = { iam: false }),
    source: 'profile',
    nodeId: null,
    path: 'cluster.authentication',
    message: /no client authentication is enabled/,
  },
  {
    name: 'connector nodes without a connect section',
    spec: s3,
    edit: (p) => delete p.connect,
    source: 'profile',
    nodeId: 'lake',
    path: 'connect',
    message: /runs on MSK Connect: the profile needs a connect section/,
  },
  {
    name: 'processing nodes without an engine section',
    spec: clicks,
    edit: (p) => delete p.engine,
    source: 'profile',
    nodeId: null,
    path: 'engine',
    message: /the profile needs an engine section/,
  },
  {
    name: 'existing cluster in another region',
    profile: existing,
    edit: (p) => (p.region = 'eu-west-1'),
    source: 'profile',
    nodeId: null,
    path: 'cluster.arn',
    message: /the cluster is in us-east-1 but the profile deploys to eu-west-1/,
  },
  {
    name: 'bucket in another region than the connector',
    spec: s3,
    specEdit: (s) => (s.nodes[3].config.region = 'eu-west-1'),
    source: 'spec',
    nodeId: 'lake',
    path: 'nodes[3].config.region',
    message: /MSK Connect writes to buckets of its own region/,
  },
  {
    name: 'malformed cluster ARN',
    profile: existing,
    edit: (p) => (p.cluster.arn = 'arn:aws:kafka:us-east-1:123:cluster/x'),
    source: 'profile',
    nodeId: null,
    path: 'cluster.arn',
    message: /an MSK cluster ARN looks like/,
  },
  {
    name: 'bad region',
    edit: (p) => (p.region = 'useast1'),
    source: 'profile',
    nodeId: null,
    path: 'region',
    message: /a region looks like us-east-1/,
  },
  {
    name: 'unknown profile field',
    edit: (p) => (p.clusterr = {}),
    source: 'profile',
    nodeId: null,
    path: '',
    message: /clusterr/,
  },
];

describe('export validation refuses', () => {
  it('has at least 25 cases', () => expect(cases.length).toBeGreaterThanOrEqual(25));
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const spec = clone(c.spec ?? clicks);
    c.specEdit?.(spec);
    const profile = clone(c.profile ?? prod);
    c.edit?.(profile);
    const r = checkExport(spec, profile);
    expect(r.ok).toBe(false);
    expect(r.model).toBeUndefined();
    const hit = r.problems.find(
      (p) => p.source === c.source && p.nodeId === c.nodeId && p.path === c.path && c.message.test(p.message),
    );
    expect(hit, JSON.stringify(r.problems, null, 1)).toBeDefined();
  });
});

describe('export validation accepts', () => {
  it.each([
    ['mysql-cdc', 'production-provisioned'],
    ['s3-hourly-archive', 'existing-cluster'],
    ['clicks-per-category', 'serverless'],
  ])('%s with %s', (s, p) => {
    const r = checkExport(load(`resources/examples/${s}.json`), load(`resources/profiles/${p}.json`));
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });
});
