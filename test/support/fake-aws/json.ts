/**
 * CloudWatch Logs, ECS, Secrets Manager (JSON 1.1) and CloudWatch (JSON 1.0,
 * query-compatible): POST / with `X-Amz-Target: <Service>.<Operation>`; errors
 * are `{ "__type": "<Code>", "message": ... }` with status 400.
 */
import { FakeError, type FakeRequest, type Reply, type ServiceContext } from './index';
import type { FakeState } from './state';

type Obj = Record<string, unknown>;

function logs(op: string, i: Obj, s: FakeState): Obj {
  if (op === 'CreateLogGroup') {
    const g = String(i['logGroupName']);
    if (s.logGroups.has(g))
      throw new FakeError(400, 'ResourceAlreadyExistsException', `log group ${g} exists`);
    s.logGroups.add(g);
    return {};
  }
  if (op === 'DescribeLogGroups') {
    const prefix = String(i['logGroupNamePrefix'] ?? '');
    return {
      logGroups: [...s.logGroups]
        .filter((g) => g.startsWith(prefix))
        .map((g) => ({ logGroupName: g, arn: `arn:aws:logs:${s.region}:${s.accountId}:log-group:${g}:*` })),
    };
  }
  throw new FakeError(400, 'UnknownOperationException', `fake logs: no ${op}`);
}

function ecs(op: string, i: Obj, s: FakeState): Obj {
  const clusterArn = (c: unknown): string => `arn:aws:ecs:${s.region}:${s.accountId}:cluster/${String(c)}`;
  const latest = (ref: string): Obj | undefined => {
    const family = ref.includes(':task-definition/')
      ? ((ref.split('/').pop() ?? '').split(':')[0] ?? '')
      : ref;
    const revs = s.taskDefinitions.get(family) ?? [];
    return ref.includes(':task-definition/')
      ? revs.find((r) => r['taskDefinitionArn'] === ref)
      : revs[revs.length - 1];
  };
  switch (op) {
    case 'RegisterTaskDefinition': {
      const family = String(i['family']);
      const revs = s.taskDefinitions.get(family) ?? [];
      const td = {
        ...i,
        revision: revs.length + 1,
        taskDefinitionArn: `arn:aws:ecs:${s.region}:${s.accountId}:task-definition/${family}:${revs.length + 1}`,
        status: 'ACTIVE',
      };
      s.taskDefinitions.set(family, [...revs, td]);
      return { taskDefinition: td };
    }
    case 'DescribeTaskDefinition': {
      const td = latest(String(i['taskDefinition']));
      if (!td) throw new FakeError(400, 'ClientException', 'Unable to describe task definition.');
      return { taskDefinition: td };
    }
    case 'CreateService': {
      const key = `${String(i['cluster'])}/${String(i['serviceName'])}`;
      if (s.services.has(key))
        throw new FakeError(400, 'InvalidParameterException', 'Creation of service was not idempotent.');
      if (!latest(String(i['taskDefinition'])))
        throw new FakeError(400, 'ClientException', 'TaskDefinition not found.');
      const svc = {
        serviceName: i['serviceName'],
        serviceArn: `arn:aws:ecs:${s.region}:${s.accountId}:service/${String(i['cluster'])}/${String(i['serviceName'])}`,
        clusterArn: clusterArn(i['cluster']),
        status: 'ACTIVE',
        desiredCount: i['desiredCount'],
        runningCount: i['desiredCount'],
        pendingCount: 0,
        launchType: i['launchType'],
        taskDefinition: i['taskDefinition'],
        networkConfiguration: i['networkConfiguration'],
      };
      s.services.set(key, svc);
      return { service: svc };
    }
    case 'UpdateService': {
      const svc = s.services.get(`${String(i['cluster'])}/${String(i['service'])}`);
      if (!svc) throw new FakeError(400, 'ServiceNotFoundException', 'Service not found.');
      for (const k of ['taskDefinition', 'desiredCount', 'networkConfiguration'])
        if (i[k] !== undefined) svc[k] = i[k];
      svc['runningCount'] = svc['desiredCount'];
      return { service: svc };
    }
    case 'DescribeServices': {
      const names = (i['services'] as string[] | undefined) ?? [];
      const found = names.map((n) => s.services.get(`${String(i['cluster'])}/${n}`));
      return {
        services: found.filter((x) => x !== undefined),
        failures: names
          .filter((_, k) => !found[k])
          .map((n) => ({
            arn: `arn:aws:ecs:${s.region}:${s.accountId}:service/${String(i['cluster'])}/${n}`,
            reason: 'MISSING',
          })),
      };
    }
    default:
      throw new FakeError(400, 'UnknownOperationException', `fake ecs: no ${op}`);
  }
}

function cloudwatch(op: string, i: Obj, s: FakeState): Obj {
  if (op === 'PutMetricAlarm') {
    const name = String(i['AlarmName']);
    s.alarms.set(name, {
      ...i,
      AlarmArn: `arn:aws:cloudwatch:${s.region}:${s.accountId}:alarm:${name}`,
      StateValue: 'OK',
    });
    return {};
  }
  if (op === 'DescribeAlarms') {
    const names = (i['AlarmNames'] as string[] | undefined) ?? [...s.alarms.keys()];
    return { MetricAlarms: names.flatMap((n) => s.alarms.get(n) ?? []) };
  }
  throw new FakeError(400, 'UnknownOperationException', `fake cloudwatch: no ${op}`);
}

function secretsmanager(op: string, i: Obj, s: FakeState): Obj {
  // Only DescribeSecret: kflow checks that a referenced secret exists, and never asks for its value.
  if (op === 'DescribeSecret') {
    const id = String(i['SecretId']);
    if (!s.secrets.has(id))
      throw new FakeError(
        400,
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    return { ARN: `arn:aws:secretsmanager:${s.region}:${s.accountId}:secret:${id}-AbCdEf`, Name: id };
  }
  throw new FakeError(400, 'UnknownOperationException', `fake secretsmanager: no ${op}`);
}

export function handleJson(service: string, r: FakeRequest, ctx: ServiceContext): Reply {
  const target = String(r.headers['x-amz-target'] ?? '');
  const op = target.split('.').pop() ?? '';
  const input = r.body ? (JSON.parse(r.body) as Obj) : {};
  ctx.record(op, input);
  const contentType = service === 'monitoring' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
  try {
    const s = ctx.state;
    const out =
      service === 'logs'
        ? logs(op, input, s)
        : service === 'ecs'
          ? ecs(op, input, s)
          : service === 'monitoring'
            ? cloudwatch(op, input, s)
            : secretsmanager(op, input, s);
    return { status: 200, headers: { 'content-type': contentType }, body: JSON.stringify(out) };
  } catch (err) {
    if (!(err instanceof FakeError)) throw err;
    return {
      status: err.status,
      headers: { 'content-type': contentType, 'x-amzn-query-error': `${err.code};Sender` },
      body: JSON.stringify({ __type: err.code, message: err.message }),
    };
  }
}
