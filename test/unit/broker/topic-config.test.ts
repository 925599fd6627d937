import { describe, expect, it } from 'vitest';
import {
  AlterConfigOp,
  applyIncrementalOps,
  badTopicConfig,
  ConfigType,
  logConfigFor,
  TOPIC_CONFIGS,
  TopicConfigError,
} from '../../../src/broker/topic-config';

const { SET, DELETE, APPEND, SUBTRACT } = AlterConfigOp;

function failure(fn: () => unknown): TopicConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TopicConfigError) return err;
    throw err;
  }
  throw new Error('expected a TopicConfigError');
}

describe('topic config table', () => {
  it('has one entry per name, each with a type, a broker synonym and documentation', () => {
    const names = TOPIC_CONFIGS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of TOPIC_CONFIGS) {
      expect(Object.values(ConfigType)).toContain(c.type);
      expect(c.brokerSynonym).not.toBe('');
      expect(c.doc.length).toBeGreaterThan(10);
      // Every default must pass its own check.
      expect(c.check(c.default)).toBeUndefined();
    }
  });

  it('names the bad config', () => {
    expect(badTopicConfig({ 'retention.ms': '1000', 'segment.bytes': 'lots' })).toEqual({
      name: 'segment.bytes',
      message: 'segment.bytes must be a whole number ≥ 14',
    });
    expect(badTopicConfig({ 'no.such': 'x' })?.name).toBe('no.such');
    expect(badTopicConfig({ 'min.cleanable.dirty.ratio': '0.25' })).toBeUndefined();
    expect(badTopicConfig({ 'min.cleanable.dirty.ratio': '1.5' })?.name).toBe('min.cleanable.dirty.ratio');
  });
});

describe('applyIncrementalOps', () => {
  it('sets and deletes overrides without touching the others or the input', () => {
    const current = { 'retention.ms': '1000', 'segment.bytes': '1048576' };
    const next = applyIncrementalOps(current, [
      { name: 'retention.ms', op: DELETE, value: null },
      { name: 'max.message.bytes', op: SET, value: '2048' },
    ]);
    expect(next).toEqual({ 'segment.bytes': '1048576', 'max.message.bytes': '2048' });
    expect(current).toEqual({ 'retention.ms': '1000', 'segment.bytes': '1048576' });
  });

  it('appends to and subtracts from list configs, starting from the default', () => {
    expect(applyIncrementalOps({}, [{ name: 'cleanup.policy', op: APPEND, value: 'compact' }])).toEqual({
      'cleanup.policy': 'delete,compact',
    });
    // Appending a value already present changes nothing.
    expect(
      applyIncrementalOps({ 'cleanup.policy': 'compact' }, [
        { name: 'cleanup.policy', op: APPEND, value: 'compact' },
      ]),
    ).toEqual({
      'cleanup.policy': 'compact',
    });
    expect(
      applyIncrementalOps({ 'cleanup.policy': 'delete,compact' }, [
        { name: 'cleanup.policy', op: SUBTRACT, value: 'delete' },
      ]),
    ).toEqual({ 'cleanup.policy': 'compact' });
    // Subtracting everything leaves an empty list, which cleanup.policy does not accept.
    expect(
      failure(() => applyIncrementalOps({}, [{ name: 'cleanup.policy', op: SUBTRACT, value: 'delete' }]))
        .kind,
    ).toBe('config');
  });

  it('rejects APPEND and SUBTRACT on non-list configs', () => {
    const e = failure(() => applyIncrementalOps({}, [{ name: 'retention.ms', op: APPEND, value: '5' }]));
    expect(e.kind).toBe('config');
    expect(e.config).toBe('retention.ms');
  });

  it('rejects unknown names and bad values as config errors', () => {
    expect(failure(() => applyIncrementalOps({}, [{ name: 'nope', op: SET, value: '1' }]))).toMatchObject({
      kind: 'config',
      config: 'nope',
    });
    expect(
      failure(() => applyIncrementalOps({}, [{ name: 'flush.ms', op: SET, value: '-5' }])),
    ).toMatchObject({
      kind: 'config',
      config: 'flush.ms',
    });
    expect(failure(() => applyIncrementalOps({}, [{ name: 'flush.ms', op: SET, value: null }])).kind).toBe(
      'config',
    );
  });

  it('rejects a key named twice and unknown operations as request errors', () => {
    const twice = failure(() =>
      applyIncrementalOps({}, [
        { name: 'retention.ms', op: SET, value: '1' },
        { name: 'retention.ms', op: DELETE, value: null },
      ]),
    );
    expect(twice.kind).toBe('request');
    expect(failure(() => applyIncrementalOps({}, [{ name: 'retention.ms', op: 4, value: '1' }])).kind).toBe(
      'request',
    );
  });
});

describe('logConfigFor', () => {
  it('maps overrides onto the log settings', () => {
    const c = logConfigFor({
      'cleanup.policy': 'compact, delete',
      'retention.ms': '60000',
      'message.timestamp.type': 'LogAppendTime',
    });
    expect(c.cleanupPolicy).toEqual(['compact', 'delete']);
    expect(c.retentionMs).toBe(60000);
    expect(c.messageTimestampType).toBe('LogAppendTime');
  });
});
