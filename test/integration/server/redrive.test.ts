/**
 * Dead-letter redrive from the app, over dispatch (zod-checked) against the backend's embedded
 * broker: a preview counts per original topic, the redrive job reports its result and moves the
 * matching dead letters, a second one moves nothing, bad input is `invalid`/`not-found`.
 */
import { describe, expect, it } from 'vitest';
import type { RedriveReportView, TopicRecordView } from '../../../src/api/index';
import { until, useDispatchBackend } from './helpers';

const { call, events } = useDispatchBackend('redrive');

const dead = (source: string, error: string, key: string) => ({
  topic: 'app-orders-dlq',
  key,
  value: `{"k":"${key}"}`,
  partition: 0,
  headers: {
    'kflow-pipeline': 'p',
    'kflow-node': 'parse',
    'kflow-error': error,
    'kflow-source-topic': source,
    'kflow-source-partition': '0',
    'kflow-source-offset': '0',
  },
});

describe('redrive from the app', { timeout: 200_000 }, () => {
  it('previews, runs as a job with its report, and does not move twice', async () => {
    await call('topics.create', { name: 'app-orders', partitions: 1 });
    await call('topics.create', { name: 'app-orders-dlq', partitions: 1 });
    await call('topics.produce', dead('app-orders', 'timeout', 'a'));
    await call('topics.produce', dead('app-orders', 'bad json', 'b'));
    await call('topics.produce', dead('vanished', 'timeout', 'c'));

    const preview = await call<RedriveReportView>('topics.redrivePreview', {
      topic: 'app-orders-dlq',
      error: 'timeout',
    });
    expect(preview.byTopic.map((t) => [t.topic, t.count, t.samples[0]?.error])).toEqual([
      ['app-orders', 1, 'timeout'],
    ]);
    expect(preview.skipped).toEqual({
      count: 1,
      first: [{ partition: 0, offset: '2', reason: 'unknown-topic', sourceTopic: 'vanished' }],
    });

    const { jobId } = await call<{ jobId: string }>('topics.redrive', {
      topic: 'app-orders-dlq',
      error: 'timeout',
    });
    const result = await until('the report', () =>
      events.find((e) => e.type === 'topic.redriveDone' && e.jobId === jobId),
    );
    expect(result.type === 'topic.redriveDone' && result.report.moved).toBe(1);
    const done = await until('the job end', () =>
      events.find((e) => e.type === 'topic.jobDone' && e.job.jobId === jobId),
    );
    expect(done).toMatchObject({ stopped: false, job: { kind: 'redrive', done: 1 } });
    const read = await call<{ records: TopicRecordView[] }>('topics.read', { topic: 'app-orders' });
    expect(read.records.map((r) => r.key)).toEqual(['a']);

    const again = await call<{ jobId: string }>('topics.redrive', { topic: 'app-orders-dlq' });
    const second = await until('the second report', () =>
      events.find((e) => e.type === 'topic.redriveDone' && e.jobId === again.jobId),
    );
    expect(second.type === 'topic.redriveDone' && [second.report.scanned, second.report.moved]).toEqual([
      0, 0,
    ]);
  });

  it('starts at an offset, as the CLI --from OFFSET does', async () => {
    // The dead-letter topic holds a, b, c at offsets 0, 1, 2 (the first test's records).
    const fromOne = await call<RedriveReportView>('topics.redrivePreview', {
      topic: 'app-orders-dlq',
      from: { offset: '1' },
    });
    expect(fromOne.started).toEqual([{ partition: 0, offset: '1' }]);
    expect(fromOne.scanned).toBe(2);
    expect(fromOne.byTopic.map((t) => [t.topic, t.count, t.samples[0]?.error])).toEqual([
      ['app-orders', 1, 'bad json'],
    ]);
    expect(fromOne.skipped.first.map((x) => x.offset)).toEqual(['2']);
    await expect(
      call('topics.redrivePreview', { topic: 'app-orders-dlq', from: { offset: '-1' } }),
    ).rejects.toMatchObject({ code: 'invalid' });
  });

  it('names bad input: a filter that does not parse, a missing topic, an unknown field', async () => {
    await expect(
      call('topics.redrivePreview', { topic: 'app-orders-dlq', filter: 'k >' }),
    ).rejects.toMatchObject({ code: 'invalid' });
    await expect(call('topics.redrive', { topic: 'no-such-dlq' })).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringContaining('no-such-dlq'),
    });
    await expect(call('topics.redrivePreview', { topic: 'app-orders-dlq', bogus: 1 })).rejects.toMatchObject({
      code: 'invalid',
    });
  });
});
