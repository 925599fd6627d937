import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareState, leafDiffs } from '../../../../src/export/deploy/drift';
import { formatDifference, redact } from '../../../../src/export/deploy/progress';
import type { DeployedState } from '../../../../src/export/deploy/state';
import { checkExport } from '../../../../src/export/validate';

const root = join(import.meta.dirname, '../../../..');
const load = (p: string): unknown => JSON.parse(readFileSync(join(root, p), 'utf8')) as unknown;

function model() {
  const r = checkExport(
    load('resources/examples/s3-hourly-archive.json'),
    load('resources/profiles/existing-cluster.json'),
  );
  if (!r.model) throw new Error(JSON.stringify(r.problems));
  return r.model;
}

const empty = (): DeployedState => ({
  topics: new Map(),
  logGroups: new Set(),
  roles: new Map(),
  plugins: new Map(),
  workerConfigurations: new Map(),
  connectors: new Map(),
  alarms: new Map(),
  secrets: new Map(),
});

describe('leafDiffs', () => {
  it('names every differing leaf and ignores what only the deployed side has', () => {
    expect(
      leafDiffs(
        'capacity',
        { autoScaling: { mcuCount: 1, maxWorkerCount: 2 } },
        { autoScaling: { mcuCount: 2, maxWorkerCount: 2, maxAutoscalingTaskCount: 4 } },
      ),
    ).toEqual([{ field: 'capacity.autoScaling.mcuCount', desired: 1, deployed: 2 }]);
  });
  it('takes an unset deployed flag for false and compares lists of strings whole', () => {
    expect(leafDiffs('', { Tls: { Enabled: false } }, {})).toEqual([]);
    expect(leafDiffs('subnets', ['a', 'b'], ['b', 'a'])).toEqual([
      { field: 'subnets', desired: ['a', 'b'], deployed: ['b', 'a'] },
    ]);
  });
});

describe('compareState', () => {
  it('reports every resource of an empty account as missing, and the existing cluster as something deploy does not create', () => {
    const m = model();
    const d = compareState(m, empty(), new Map());
    expect(d.find((x) => x.kind === 'cluster')).toMatchObject({
      name: 'shared-kafka',
      field: '',
      change: 'manual',
    });
    expect(d.filter((x) => x.kind === 'topic').map((x) => [x.name, x.change])).toEqual([
      ['purchase-events', 'create'],
      ['user-events', 'create'],
    ]);
    expect(d.find((x) => x.kind === 'connector')).toMatchObject({
      name: 's3-hourly-archive-stage-lake',
      nodeId: 'lake',
      change: 'create',
    });
    expect(d.filter((x) => x.kind === 'alarm')).toHaveLength(8);
  });

  it('sorts topic differences into what Kafka can change in place and what it cannot', () => {
    const m = model();
    const s = empty();
    s.cluster = { arn: 'arn', name: 'shared-kafka', state: 'ACTIVE', info: {} };
    s.topics.set('user-events', { partitions: 9, replicationFactor: 2, configs: {} });
    s.topics.set('purchase-events', { partitions: 1, replicationFactor: 3, configs: {} });
    const topics = compareState(m, s, new Map()).filter((x) => x.kind === 'topic');
    // The profile asks for 3 partitions and replication factor 3 (the defaults).
    expect(topics.map((x) => [x.name, x.field, x.deployed, x.desired, x.change])).toEqual([
      ['purchase-events', 'partitions', '1', '3', 'update'],
      ['user-events', 'partitions', '9', '3', 'manual'],
      ['user-events', 'replicationFactor', '2', '3', 'manual'],
    ]);
  });

  it('compares a connector configuration both ways: a key added by hand is drift too', () => {
    const m = model();
    const c = m.connectors[0]!;
    const s = empty();
    s.connectors.set(c.name, {
      connectorState: 'RUNNING',
      connectorConfiguration: { ...c.config, 'errors.tolerance': 'all' },
    });
    const d = compareState(m, s, new Map()).filter(
      (x) => x.kind === 'connector' && x.field.startsWith('connectorConfiguration'),
    );
    expect(d).toEqual([
      {
        kind: 'connector',
        name: 's3-hourly-archive-stage-lake',
        field: 'connectorConfiguration.errors.tolerance',
        desired: '(unset)',
        deployed: 'all',
        change: 'update',
        nodeId: 'lake',
      },
    ]);
  });
});

describe('printing differences', () => {
  it('never prints the literal value of a secret-looking field, but prints a Secrets Manager reference', () => {
    expect(redact('connectorConfiguration.database.password', 'hunter2')).toBe('(hidden)');
    expect(redact('connectorConfiguration.database.password', '${secretManager:prod-db:password}')).toBe(
      '${secretManager:prod-db:password}',
    );
    expect(
      redact(
        'connectorConfiguration.sasl.jaas.config',
        'ScramLoginModule required username="u" password="p";',
      ),
    ).toBe('(hidden)');
    expect(redact('connectorConfiguration.flush.size', '1000')).toBe('1000');
    expect(
      formatDifference({
        kind: 'connector',
        name: 'c',
        nodeId: 'n',
        field: 'connectorConfiguration.database.password',
        desired: '${secretManager:db:password}',
        deployed: 'hunter2',
        change: 'update',
      }),
    ).toBe(
      'connector c (node n): connectorConfiguration.database.password: deployed (hidden), wanted ${secretManager:db:password} (deploy updates it)',
    );
  });
});
