/**
 * The app's topic management over the API's one entry point (dispatch: zod-checked parameters),
 * against the backend's own embedded broker: create, configs with defaults, incremental alter
 * with per-config errors, more partitions, delete; group members and delete; template produce
 * with progress and Stop.
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import type {
  ConnectionInfo,
  GroupView,
  TopicConfigView,
  TopicRecordView,
  TopicView,
} from '../../../src/api/index';
import { until, useDispatchBackend } from './helpers';

const { call, events } = useDispatchBackend('topic-admin');

let consumer: Consumer | undefined;

afterAll(async () => {
  await consumer?.disconnect().catch(() => undefined);
});

describe('topic management from the app', () => {
  it('creates a topic with configs; the configs show defaults and the override', async () => {
    const view = await call<TopicView>('topics.create', {
      name: 'admin-orders',
      partitions: 2,
      configs: { 'retention.ms': '3600000' },
    });
    expect(view.partitions.map((p) => p.partition)).toEqual([0, 1]);
    const retention = view.configs?.find((c) => c.name === 'retention.ms');
    expect(retention).toMatchObject({ value: '3600000', isDefault: false, source: 'DYNAMIC_TOPIC_CONFIG' });
    // Kafka's default cleanup.policy is delete; nothing set it here.
    const cleanup = view.configs?.find((c) => c.name === 'cleanup.policy');
    expect(cleanup).toMatchObject({ value: 'delete', isDefault: true, source: 'DEFAULT_CONFIG' });
    expect(cleanup?.synonyms.some((s) => s.name === 'log.cleanup.policy')).toBe(true);
    expect(view.config['retention.ms']).toBe('3600000');
    await expect(call('topics.create', { name: 'admin-orders', partitions: 1 })).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('refuses names Kafka refuses, naming the character', async () => {
    await expect(call('topics.create', { name: 'bad name', partitions: 1 })).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringContaining('" " is not allowed'),
    });
    await expect(call('topics.create', { name: '..', partitions: 1 })).rejects.toMatchObject({
      code: 'invalid',
    });
    await expect(call('topics.create', { name: 'x', partitions: 0 })).rejects.toMatchObject({
      code: 'invalid',
    });
  });

  it('alters configs incrementally and names the config a refusal is about', async () => {
    const after = await call<TopicConfigView[]>('topics.alterConfigs', {
      topic: 'admin-orders',
      set: { 'cleanup.policy': 'compact' },
    });
    const byName = new Map(after.map((c) => [c.name, c]));
    expect(byName.get('cleanup.policy')).toMatchObject({ value: 'compact', isDefault: false });
    // The earlier override is still there: the change was incremental.
    expect(byName.get('retention.ms')).toMatchObject({ value: '3600000', isDefault: false });

    const refused = await call('topics.alterConfigs', {
      topic: 'admin-orders',
      set: { 'retention.ms': 'soon', 'no.such.config': '1' },
    }).catch((e: unknown) => e as { code: string; problems: { path: string; message: string }[] });
    expect(refused).toMatchObject({ code: 'invalid' });
    const paths = (refused as { problems: { path: string }[] }).problems.map((p) => p.path).sort();
    expect(paths).toEqual(['no.such.config', 'retention.ms']);
    const still = await call<TopicConfigView[]>('topics.configs', 'admin-orders');
    expect(still.find((c) => c.name === 'retention.ms')?.value).toBe('3600000');

    const removed = await call<TopicConfigView[]>('topics.alterConfigs', {
      topic: 'admin-orders',
      remove: ['retention.ms'],
    });
    expect(removed.find((c) => c.name === 'retention.ms')).toMatchObject({ isDefault: true });
    expect(removed.find((c) => c.name === 'cleanup.policy')?.value).toBe('compact');
  });

  it('adds partitions, refusing to lower the count', async () => {
    const view = await call<TopicView>('topics.addPartitions', { topic: 'admin-orders', count: 5 });
    expect(view.partitions.length).toBe(5);
    await expect(call('topics.addPartitions', { topic: 'admin-orders', count: 3 })).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringContaining('has 5 partitions'),
    });
    await expect(call('topics.addPartitions', { topic: 'nope', count: 3 })).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('produces from a template with progress, then stops a slow one', async () => {
    await call('topics.create', { name: 'admin-gen', partitions: 1 });
    const { jobId } = await call<{ jobId: string }>('topics.produceTemplate', {
      topic: 'admin-gen',
      key: 'k-{{seq}}',
      value: '{"n":{{seq}},"c":"{{choice:red|blue}}","id":"{{uuid}}"}',
      count: 100,
    });
    const done = await until('the job to end', () =>
      events.find((e) => e.type === 'topic.jobDone' && e.job.jobId === jobId),
    );
    expect(done).toMatchObject({ stopped: false, job: { done: 100, total: 100 } });
    const read = await call<{ records: TopicRecordView[] }>('topics.read', {
      topic: 'admin-gen',
      limit: 200,
    });
    expect(read.records.length).toBe(100);
    const values = read.records.map((r) => JSON.parse(r.value ?? '') as { n: number; c: string; id: string });
    expect(values.map((v) => v.n)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(read.records[41]?.key).toBe('k-42');
    expect(values.every((v) => v.c === 'red' || v.c === 'blue')).toBe(true);
    expect(new Set(values.map((v) => v.id)).size).toBe(100);

    await expect(
      call('topics.produceTemplate', { topic: 'admin-gen', value: '{{nope}}', count: 1 }),
    ).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('unknown field {{nope}}') });

    const slow = await call<{ jobId: string }>('topics.produceTemplate', {
      topic: 'admin-gen',
      value: 'x{{seq}}',
      count: 100_000,
      rate: 50,
    });
    await until('progress', () => events.find((e) => e.type === 'topic.job' && e.job.jobId === slow.jobId));
    await call('topics.jobStop', slow.jobId);
    const stopped = await until('the stopped job', () =>
      events.find((e) => e.type === 'topic.jobDone' && e.job.jobId === slow.jobId),
    );
    expect(stopped).toMatchObject({ stopped: true });
    const n = stopped.type === 'topic.jobDone' ? stopped.job.done : -1;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(100_000);
    const list = await call<{ name: string; records: string }[]>('topics.list');
    expect(list.find((t) => t.name === 'admin-gen')?.records).toBe(String(100 + n));
  });

  it('shows a group’s members with assignments and deletes it only when empty', async () => {
    const [embedded] = await call<ConnectionInfo[]>('connections.list');
    const kafka = new Kafka({ brokers: embedded!.bootstrap, logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: 'admin-readers' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'admin-gen', fromBeginning: true });
    await consumer.run({ autoCommit: true, eachMessage: async () => {} });
    let group: GroupView | undefined;
    const end = Date.now() + 30_000;
    while (Date.now() < end) {
      group = (await call<GroupView[]>('topics.groups')).find((g) => g.groupId === 'admin-readers');
      if (group?.state === 'Stable' && group.assignments?.[0]?.partitions.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(group?.members).toBe(1);
    expect(group?.assignments?.[0]?.partitions).toEqual([{ topic: 'admin-gen', partitions: [0] }]);
    await expect(call('topics.deleteGroup', 'admin-readers')).rejects.toMatchObject({ code: 'conflict' });
    await consumer.disconnect();
    consumer = undefined;
    await call('topics.deleteGroup', 'admin-readers');
    expect((await call<GroupView[]>('topics.groups')).some((g) => g.groupId === 'admin-readers')).toBe(false);
    await expect(call('topics.deleteGroup', 'admin-readers')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('deletes a topic', async () => {
    await call('topics.delete', 'admin-orders');
    expect((await call<{ name: string }[]>('topics.list')).some((t) => t.name === 'admin-orders')).toBe(
      false,
    );
    await expect(call('topics.delete', 'admin-orders')).rejects.toMatchObject({ code: 'not-found' });
  });
});
