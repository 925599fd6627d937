import type { NodeStats, RunInfo, RunMetricsView } from '../../../../src/api/index';

export function runInfo(runId: string, state: RunInfo['state'] = 'running'): RunInfo {
  return { runId, pipeline: 'clicks', connection: 'embedded', state, startedAt: 1_000, topics: [] };
}

export function nodeStats(partial: Partial<NodeStats> = {}): NodeStats {
  return { in: 0, out: 0, rate: 0, late: 0, errors: 0, stateEntries: 0, stateBytes: 0, ...partial };
}

export function metrics(runId: string, at: number, partial: Partial<RunMetricsView> = {}): RunMetricsView {
  return {
    runId,
    at,
    nodes: {},
    edges: {},
    samples: {},
    lag: 0,
    recordsIn: 0,
    recordsOut: 0,
    inRate: 0,
    outRate: 0,
    deadLetters: 0,
    late: 0,
    ...partial,
  };
}
