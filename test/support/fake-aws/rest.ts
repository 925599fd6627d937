/**
 * MSK (`kafka`) and MSK Connect (`kafkaconnect`): REST-JSON. Paths and member
 * names as the SDK's schemas define them (e.g. GET /api/v2/clusters/{ClusterArn}
 * answers `{ clusterInfo: { clusterArn, state, provisioned: {...} } }`).
 * Errors: the status code, `x-amzn-errortype` and `{ message }`.
 */
import { FakeError, type FakeRequest, type Reply, type ServiceContext } from './index';
import { startTimer, type FakeCluster, type FakeState } from './state';

type Obj = Record<string, unknown>;

const json = (body: unknown, status = 200): Reply => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const now = (): string => new Date().toISOString();

function parse(body: string): Obj {
  return body ? (JSON.parse(body) as Obj) : {};
}

function clusterInfo(c: FakeCluster): Obj {
  const p = c.request;
  return {
    clusterArn: c.arn,
    clusterName: c.name,
    clusterType: c.type,
    state: c.state,
    currentVersion: c.currentVersion,
    creationTime: now(),
    tags: c.tags,
    ...(c.type === 'PROVISIONED'
      ? {
          provisioned: {
            brokerNodeGroupInfo: p['brokerNodeGroupInfo'],
            numberOfBrokerNodes: p['numberOfBrokerNodes'],
            currentBrokerSoftwareInfo: {
              kafkaVersion: p['kafkaVersion'],
              ...(p['configurationInfo']
                ? {
                    configurationArn: (p['configurationInfo'] as Obj)['arn'],
                    configurationRevision: (p['configurationInfo'] as Obj)['revision'],
                  }
                : {}),
            },
            clientAuthentication: p['clientAuthentication'],
            encryptionInfo: p['encryptionInfo'],
            enhancedMonitoring: p['enhancedMonitoring'] ?? 'DEFAULT',
            openMonitoring: p['openMonitoring'],
            loggingInfo: p['loggingInfo'],
          },
        }
      : { serverless: p }),
  };
}

function cluster(s: FakeState, arn: string | undefined): FakeCluster {
  const c = s.clusters.get(arn ?? '');
  if (!c) throw new FakeError(404, 'NotFoundException', `cluster ${String(arn)} not found`);
  return c;
}

/** The MSK update operation a request is (`PUT /v1/clusters/{arn}/nodes/count`, ...), if any. */
function clusterUpdateOf(method: string, d?: string, e?: string): string | undefined {
  if (method === 'PATCH' && d === 'security' && !e) return 'UpdateSecurity';
  if (method !== 'PUT') return undefined;
  if (d === 'nodes')
    return { count: 'UpdateBrokerCount', storage: 'UpdateBrokerStorage', type: 'UpdateBrokerType' }[e ?? ''];
  if (e) return undefined;
  return {
    configuration: 'UpdateClusterConfiguration',
    version: 'UpdateClusterKafkaVersion',
    monitoring: 'UpdateMonitoring',
  }[d ?? ''];
}

/**
 * One MSK update operation: as AWS, only on an ACTIVE cluster, only with its CurrentVersion,
 * never fewer brokers or smaller volumes; the cluster is UPDATING for the fake's delay and
 * gets a new CurrentVersion.
 */
function updateCluster(s: FakeState, cl: FakeCluster, op: string, body: Obj): Obj {
  const bad = (message: string): never => {
    throw new FakeError(400, 'BadRequestException', message);
  };
  if (cl.type !== 'PROVISIONED') bad(`${op} is not supported on a serverless cluster`);
  if (cl.state !== 'ACTIVE')
    bad(`The cluster is in ${cl.state} state; only one update operation can run at a time.`);
  if (body['currentVersion'] !== cl.currentVersion)
    bad(
      `The specified current version ${String(body['currentVersion'])} doesn't match the cluster's current version.`,
    );
  const p = cl.request;
  const group = (p['brokerNodeGroupInfo'] ?? {}) as Obj;
  switch (op) {
    case 'UpdateBrokerCount': {
      const n = Number(body['targetNumberOfBrokerNodes']);
      if (n <= Number(p['numberOfBrokerNodes']))
        bad('The target number of broker nodes must be greater than the current number.');
      p['numberOfBrokerNodes'] = n;
      break;
    }
    case 'UpdateBrokerStorage': {
      const size = Number(
        ((body['targetBrokerEBSVolumeInfo'] as Obj[] | undefined)?.[0] ?? {})['volumeSizeGB'],
      );
      const ebs = ((group['storageInfo'] as Obj | undefined)?.['ebsStorageInfo'] ?? {}) as Obj;
      if (!(size > Number(ebs['volumeSize'] ?? 0)))
        bad('The target volume size must be greater than the current volume size.');
      group['storageInfo'] = { ebsStorageInfo: { ...ebs, volumeSize: size } };
      break;
    }
    case 'UpdateBrokerType':
      group['instanceType'] = body['targetInstanceType'];
      break;
    case 'UpdateClusterKafkaVersion':
      p['kafkaVersion'] = body['targetKafkaVersion'];
      if (body['configurationInfo']) p['configurationInfo'] = body['configurationInfo'];
      break;
    case 'UpdateClusterConfiguration': {
      const info = body['configurationInfo'] as Obj | undefined;
      const conf = [...s.configurations.values()].find((x) => x.arn === info?.['arn']);
      if (!conf || !(Number(info?.['revision']) >= 1 && Number(info?.['revision']) <= conf.revisions.length))
        bad(`configuration ${String(info?.['arn'])} revision ${String(info?.['revision'])} not found`);
      p['configurationInfo'] = info;
      break;
    }
    case 'UpdateMonitoring':
      for (const k of ['enhancedMonitoring', 'openMonitoring', 'loggingInfo'])
        if (body[k] !== undefined) p[k] = body[k];
      break;
    case 'UpdateSecurity': {
      if (body['clientAuthentication'] !== undefined)
        p['clientAuthentication'] = body['clientAuthentication'];
      const transit = (body['encryptionInfo'] as Obj | undefined)?.['encryptionInTransit'] as Obj | undefined;
      if (transit) {
        const enc = (p['encryptionInfo'] ?? {}) as Obj;
        p['encryptionInfo'] = {
          ...enc,
          encryptionInTransit: { ...((enc['encryptionInTransit'] ?? {}) as Obj), ...transit },
        };
      }
      break;
    }
  }
  p['brokerNodeGroupInfo'] = group;
  cl.currentVersion = `K${Number(cl.currentVersion.slice(1)) + 1}`;
  startTimer(s, cl, 'UPDATING', 'ACTIVE');
  return {
    clusterArn: cl.arn,
    clusterOperationArn: `${cl.arn.replace(':cluster/', ':cluster-operation/')}/${s.uuid()}`,
  };
}

function kafka(r: FakeRequest, ctx: ServiceContext): Reply {
  const s = ctx.state;
  const [a, b, c, d, e, f] = r.segments;
  const body = parse(r.body);
  const m = r.method;
  // /api/v2/clusters[/{arn}]
  if (a === 'api' && b === 'v2' && c === 'clusters') {
    if (m === 'POST' && !d) {
      ctx.record('CreateClusterV2', body);
      const name = String(body['clusterName']);
      if ([...s.clusters.values()].some((x) => x.name === name))
        throw new FakeError(409, 'ConflictException', `a cluster named ${name} exists`);
      const arn = `arn:aws:kafka:${s.region}:${s.accountId}:cluster/${name}/${s.uuid()}-2`;
      const provisioned = body['provisioned'] as Obj | undefined;
      const fc: FakeCluster = {
        arn,
        name,
        type: provisioned ? 'PROVISIONED' : 'SERVERLESS',
        currentVersion: 'K1',
        state: 'CREATING',
        request: provisioned ?? (body['serverless'] as Obj),
        tags: (body['tags'] as Obj | undefined) ?? {},
        topics: new Map(),
        bootstrap: Array.from(
          { length: Number(provisioned?.['numberOfBrokerNodes'] ?? 3) },
          (_, i) => `b-${i + 1}.${name.replace(/-/g, '')}.fake.c2.kafka.${s.region}.amazonaws.com:9098`,
        ).join(','),
      };
      startTimer(s, fc, 'CREATING', 'ACTIVE');
      s.clusters.set(arn, fc);
      return json({ clusterArn: arn, clusterName: name, state: 'CREATING', clusterType: fc.type });
    }
    if (m === 'GET' && !d) {
      const filter = r.query.get('clusterNameFilter') ?? '';
      ctx.record('ListClustersV2', { clusterNameFilter: filter });
      return json({
        clusterInfoList: [...s.clusters.values()].filter((x) => x.name.startsWith(filter)).map(clusterInfo),
      });
    }
    if (m === 'GET' && d && !e) {
      ctx.record('DescribeClusterV2', { clusterArn: d });
      return json({ clusterInfo: clusterInfo(cluster(s, d)) });
    }
  }
  if (a === 'v1' && b === 'configurations') {
    if (m === 'POST' && !c) {
      ctx.record('CreateConfiguration', body);
      const name = String(body['name']);
      if (s.configurations.has(name))
        throw new FakeError(409, 'ConflictException', `configuration ${name} exists`);
      const arn = `arn:aws:kafka:${s.region}:${s.accountId}:configuration/${name}/${s.uuid()}-2`;
      s.configurations.set(name, {
        arn,
        name,
        kafkaVersions: (body['kafkaVersions'] as string[] | undefined) ?? [],
        revisions: [String(body['serverProperties'])],
      });
      return json({
        arn,
        name,
        creationTime: now(),
        latestRevision: { revision: 1, creationTime: now() },
        state: 'ACTIVE',
      });
    }
    if (m === 'GET' && !c) {
      ctx.record('ListConfigurations', {});
      return json({
        configurations: [...s.configurations.values()].map((x) => ({
          arn: x.arn,
          name: x.name,
          kafkaVersions: x.kafkaVersions,
          creationTime: now(),
          latestRevision: { revision: x.revisions.length, creationTime: now() },
          state: 'ACTIVE',
        })),
      });
    }
    if (m === 'PUT' && c && !d) {
      ctx.record('UpdateConfiguration', { arn: c, ...body });
      const conf = [...s.configurations.values()].find((x) => x.arn === c);
      if (!conf) throw new FakeError(404, 'NotFoundException', `configuration ${c} not found`);
      conf.revisions.push(String(body['serverProperties']));
      return json({ arn: c, latestRevision: { revision: conf.revisions.length, creationTime: now() } });
    }
    if (m === 'GET' && c && d === 'revisions' && e) {
      ctx.record('DescribeConfigurationRevision', { arn: c, revision: e });
      const conf = [...s.configurations.values()].find((x) => x.arn === c);
      const text = conf?.revisions[Number(e) - 1];
      if (!conf || text === undefined)
        throw new FakeError(404, 'NotFoundException', `no revision ${e} of ${c}`);
      return json({ arn: c, revision: Number(e), creationTime: now(), serverProperties: text });
    }
  }
  if (a === 'v1' && b === 'clusters' && c) {
    const cl = cluster(s, c);
    if (m === 'GET' && d === 'bootstrap-brokers') {
      ctx.record('GetBootstrapBrokers', { clusterArn: c });
      if (cl.state !== 'ACTIVE')
        throw new FakeError(400, 'BadRequestException', `cluster ${cl.name} is ${cl.state}`);
      return json({ bootstrapBrokerStringSaslIam: cl.bootstrap });
    }
    const update = clusterUpdateOf(m, d, e);
    if (update) {
      ctx.record(update, { clusterArn: c, ...body });
      return json(updateCluster(s, cl, update, body));
    }
    if (d === 'topics') {
      if (cl.state !== 'ACTIVE')
        throw new FakeError(400, 'BadRequestException', `cluster ${cl.name} is ${cl.state}`);
      const topicArn = (t: string): string => `${cl.arn.replace(':cluster/', ':topic/')}/${t}`;
      if (m === 'POST' && !e) {
        ctx.record('CreateTopic', { clusterArn: c, ...body });
        const t = String(body['topicName']);
        if (cl.topics.has(t)) throw new FakeError(409, 'ConflictException', `topic ${t} exists`);
        cl.topics.set(t, {
          partitionCount: Number(body['partitionCount']),
          replicationFactor: Number(body['replicationFactor']),
          ...(typeof body['configs'] === 'string' ? { configs: body['configs'] } : {}),
        });
        return json({ topicArn: topicArn(t), topicName: t, status: 'CREATING' });
      }
      if (e && !f) {
        const t = cl.topics.get(e);
        if (m === 'GET') ctx.record('DescribeTopic', { clusterArn: c, topicName: e });
        else ctx.record('UpdateTopic', { clusterArn: c, topicName: e, ...body });
        if (!t) throw new FakeError(404, 'NotFoundException', `topic ${e} not found`);
        if (m === 'PUT') {
          if (typeof body['partitionCount'] === 'number') t.partitionCount = body['partitionCount'];
          if (typeof body['configs'] === 'string') t.configs = body['configs'];
          return json({ topicArn: topicArn(e), topicName: e, status: 'UPDATING' });
        }
        return json({
          topicArn: topicArn(e),
          topicName: e,
          partitionCount: t.partitionCount,
          replicationFactor: t.replicationFactor,
          ...(t.configs ? { configs: t.configs } : {}),
          status: 'ACTIVE',
        });
      }
    }
  }
  throw new FakeError(404, 'NotFoundException', `fake kafka: no route ${m} /${r.segments.join('/')}`);
}

function kafkaconnect(r: FakeRequest, ctx: ServiceContext): Reply {
  const s = ctx.state;
  const [a, b, c] = r.segments;
  const body = parse(r.body);
  const m = r.method;
  if (a !== 'v1') throw new FakeError(404, 'NotFoundException', 'no route');
  const arnOf = (kind: string, name: string): string =>
    `arn:aws:kafkaconnect:${s.region}:${s.accountId}:${kind}/${name}/${s.uuid()}-2`;
  if (b === 'custom-plugins') {
    const summary = (p: FakeState['plugins'] extends Map<string, infer V> ? V : never): Obj => ({
      customPluginArn: p.arn,
      customPluginState: p.state,
      name: p.body['name'],
      creationTime: now(),
      latestRevision: {
        revision: 1,
        contentType: p.body['contentType'],
        creationTime: now(),
        location: p.body['location'],
      },
    });
    if (m === 'POST' && !c) {
      ctx.record('CreateCustomPlugin', body);
      const name = String(body['name']);
      if (s.plugins.has(name)) throw new FakeError(409, 'ConflictException', `custom plugin ${name} exists`);
      const p = { arn: arnOf('custom-plugin', name), body, state: 'CREATING' };
      startTimer(s, p, 'CREATING', 'ACTIVE');
      s.plugins.set(name, p);
      return json({ customPluginArn: p.arn, customPluginState: 'CREATING', name, revision: 1 });
    }
    if (m === 'GET' && !c) {
      const prefix = r.query.get('namePrefix') ?? '';
      ctx.record('ListCustomPlugins', { namePrefix: prefix });
      return json({
        customPlugins: [...s.plugins.values()]
          .filter((p) => String(p.body['name']).startsWith(prefix))
          .map(summary),
      });
    }
    if (m === 'GET' && c) {
      ctx.record('DescribeCustomPlugin', { customPluginArn: c });
      const p = [...s.plugins.values()].find((x) => x.arn === c);
      if (!p) throw new FakeError(404, 'NotFoundException', `custom plugin ${c} not found`);
      return json(summary(p));
    }
  }
  if (b === 'worker-configurations') {
    const summary = (
      w: { arn: string; name: string; propertiesFileContent: string },
      withContent: boolean,
    ): Obj => ({
      workerConfigurationArn: w.arn,
      name: w.name,
      workerConfigurationState: 'ACTIVE',
      creationTime: now(),
      latestRevision: {
        revision: 1,
        creationTime: now(),
        ...(withContent ? { propertiesFileContent: w.propertiesFileContent } : {}),
      },
    });
    if (m === 'POST' && !c) {
      ctx.record('CreateWorkerConfiguration', body);
      const name = String(body['name']);
      if (s.workerConfigurations.has(name))
        throw new FakeError(409, 'ConflictException', `worker configuration ${name} exists`);
      const w = {
        arn: arnOf('worker-configuration', name),
        name,
        propertiesFileContent: String(body['propertiesFileContent']),
      };
      s.workerConfigurations.set(name, w);
      return json(summary(w, false));
    }
    if (m === 'GET' && !c) {
      const prefix = r.query.get('namePrefix') ?? '';
      ctx.record('ListWorkerConfigurations', { namePrefix: prefix });
      return json({
        workerConfigurations: [...s.workerConfigurations.values()]
          .filter((w) => w.name.startsWith(prefix))
          .map((w) => summary(w, false)),
      });
    }
    if (m === 'GET' && c) {
      ctx.record('DescribeWorkerConfiguration', { workerConfigurationArn: c });
      const w = [...s.workerConfigurations.values()].find((x) => x.arn === c);
      if (!w) throw new FakeError(404, 'NotFoundException', `worker configuration ${c} not found`);
      return json(summary(w, true));
    }
  }
  if (b === 'connectors') {
    const describe = (
      x: FakeState['connectors'] extends Map<string, infer V> ? V : never,
      full: boolean,
    ): Obj => {
      const { tags: _tags, connectorConfiguration, ...rest } = x.body;
      void _tags;
      return {
        ...rest,
        ...(full ? { connectorConfiguration } : {}),
        connectorArn: x.arn,
        connectorState: x.state,
        currentVersion: `V${x.version}`,
        creationTime: now(),
      };
    };
    if (m === 'POST' && !c) {
      ctx.record('CreateConnector', body);
      const name = String(body['connectorName']);
      if (s.connectors.has(name)) throw new FakeError(409, 'ConflictException', `connector ${name} exists`);
      for (const p of (body['plugins'] as { customPlugin: { customPluginArn: string } }[] | undefined) ??
        []) {
        const plugin = [...s.plugins.values()].find((x) => x.arn === p.customPlugin.customPluginArn);
        if (plugin?.state !== 'ACTIVE')
          throw new FakeError(
            400,
            'BadRequestException',
            `custom plugin ${p.customPlugin.customPluginArn} is not ACTIVE`,
          );
      }
      const x = { arn: arnOf('connector', name), body, version: 1, state: 'CREATING' };
      startTimer(s, x, 'CREATING', 'RUNNING');
      s.connectors.set(name, x);
      return json({ connectorArn: x.arn, connectorName: name, connectorState: 'CREATING' });
    }
    if (m === 'GET' && !c) {
      const prefix = r.query.get('connectorNamePrefix') ?? '';
      ctx.record('ListConnectors', { connectorNamePrefix: prefix });
      return json({
        connectors: [...s.connectors.values()]
          .filter((x) => String(x.body['connectorName']).startsWith(prefix))
          .map((x) => describe(x, false)),
      });
    }
    const x = [...s.connectors.values()].find((y) => y.arn === c);
    if (m === 'GET' && c) {
      ctx.record('DescribeConnector', { connectorArn: c });
      if (!x) throw new FakeError(404, 'NotFoundException', `connector ${c} not found`);
      return json(describe(x, true));
    }
    if (m === 'DELETE' && c) {
      const currentVersion = r.query.get('currentVersion');
      ctx.record('DeleteConnector', { connectorArn: c, currentVersion });
      if (!x) throw new FakeError(404, 'NotFoundException', `connector ${c} not found`);
      if (currentVersion && currentVersion !== `V${x.version}`)
        throw new FakeError(
          400,
          'BadRequestException',
          `currentVersion ${currentVersion} is not V${x.version}`,
        );
      // Gone after the fake's delay, DELETING until then (ListConnectors still shows it).
      startTimer(s, x, 'DELETING', 'DELETED');
      setTimeout(() => s.connectors.delete(String(x.body['connectorName'])), s.delayMs).unref();
      return json({ connectorArn: x.arn, connectorState: 'DELETING' });
    }
    if (m === 'PUT' && c) {
      const currentVersion = r.query.get('currentVersion');
      ctx.record('UpdateConnector', { connectorArn: c, currentVersion, ...body });
      if (!x) throw new FakeError(404, 'NotFoundException', `connector ${c} not found`);
      if (x.state !== 'RUNNING') throw new FakeError(409, 'ConflictException', `connector is ${x.state}`);
      if (currentVersion !== `V${x.version}`)
        throw new FakeError(
          400,
          'BadRequestException',
          `currentVersion ${String(currentVersion)} is not V${x.version}`,
        );
      const changes = ['capacity', 'connectorConfiguration'].filter((k) => body[k] !== undefined);
      if (changes.length !== 1)
        throw new FakeError(400, 'BadRequestException', 'update either capacity or connectorConfiguration');
      for (const k of changes) x.body[k] = body[k];
      x.version += 1;
      startTimer(s, x, 'UPDATING', 'RUNNING');
      return json({
        connectorArn: x.arn,
        connectorState: 'UPDATING',
        connectorOperationArn: `${x.arn}/op-${x.version}`,
      });
    }
  }
  throw new FakeError(404, 'NotFoundException', `fake kafkaconnect: no route ${m} /${r.segments.join('/')}`);
}

export function handleRest(service: 'kafka' | 'kafkaconnect', r: FakeRequest, ctx: ServiceContext): Reply {
  ctx.state.settle();
  try {
    return service === 'kafka' ? kafka(r, ctx) : kafkaconnect(r, ctx);
  } catch (err) {
    if (!(err instanceof FakeError)) throw err;
    return {
      status: err.status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': err.code },
      body: JSON.stringify({ message: err.message }),
    };
  }
}
