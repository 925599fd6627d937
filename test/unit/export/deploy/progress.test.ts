import { describe, expect, it } from 'vitest';
import { formatStep, formatWait, parseProgressLine } from '../../../../src/export/deploy/progress';

describe('parseProgressLine', () => {
  it.each([
    ['[2/26] create cluster kflow-prod', 2, 26, 'cluster kflow-prod'],
    ['[7/16] create worker configuration s3-stage-lake', 7, 16, 'worker configuration s3-stage-lake'],
    ['[4/16] put the inline policy of role s3-stage-lake', 4, 16, 'role s3-stage-lake'],
    ['[9/9] update the configuration of connector s3-stage-lake', 9, 9, 'connector s3-stage-lake'],
    ['[16/26] register a new revision of task definition cdc-engine', 16, 26, 'task definition cdc-engine'],
    ['[3/16] create log group /kflow/s3-stage/connect', 3, 16, 'log group /kflow/s3-stage/connect'],
    [
      '[9/16] create alarm s3-stage max lag connect-lake orders',
      9,
      16,
      'alarm s3-stage max lag connect-lake orders',
    ],
  ])('%s', (line, step, total, resource) => {
    expect(parseProgressLine(line)).toEqual({ step, total, resource, nodeId: null });
  });

  it('reads a wait line and a line naming a node', () => {
    expect(parseProgressLine('  waiting for custom plugin s3-stage-s3-sink: CREATING (0:05)')).toEqual({
      step: null,
      total: null,
      resource: 'custom plugin s3-stage-s3-sink',
      nodeId: null,
    });
    expect(
      parseProgressLine(
        'not changed: connector s3-stage-lake (node lake): plugins.0.customPlugin: deployed a, wanted b (not changed by deploy)',
      ),
    ).toEqual({ step: null, total: null, resource: null, nodeId: 'lake' });
    expect(parseProgressLine('reading what is deployed for clicks in us-east-1')).toEqual({
      step: null,
      total: null,
      resource: null,
      nodeId: null,
    });
  });

  it('reads back what formatStep and formatWait write', () => {
    expect(parseProgressLine(formatStep(5, 12, 'create', 'topic orders')).resource).toBe('topic orders');
    expect(parseProgressLine(formatWait('cluster kflow-prod', 'ACTIVE', 61_000)).resource).toBe(
      'cluster kflow-prod',
    );
  });
});
