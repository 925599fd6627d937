// The run view on its own, fed by a fake client, for the chromium test (charts need a real canvas).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { PipelineSpec } from '../../../../../src/spec/types';
import {
  EdgeRunLabel,
  NodeRunStats,
  RunControls,
  RunPanel,
  useRunStore,
} from '../../../../../src/renderer/src/run/index';
import { fakeApiClient } from '../../../../support/fake-api';

const spec = { kflow: 1, name: 'clicks', nodes: [], edges: [] } as unknown as PipelineSpec;
const client = fakeApiClient();
useRunStore.getState().subscribe(client);

let n = 0;
setInterval(() => {
  const run = useRunStore.getState().run;
  if (!run) return;
  n++;
  const rate = 50 + 30 * Math.sin(n / 5);
  client.emit({
    type: 'run.metrics',
    metrics: {
      runId: run.runId,
      at: Date.now(),
      nodes: {
        source: { in: n * 10, out: n * 10, rate, late: 0, errors: 0, stateEntries: 0, stateBytes: 0 },
        window: {
          in: n * 10,
          out: n,
          rate: rate / 2,
          late: 2,
          errors: 1,
          stateEntries: n * 3,
          stateBytes: n * 300,
        },
      },
      edges: { 'source.out->window.in': { count: n * 10, rate } },
      samples: { 'source.out->window.in': [{ key: 'u1', value: { page: '/home' }, timestamp: Date.now() }] },
      lag: n * 2,
      recordsIn: n * 10,
      recordsOut: n,
      inRate: rate,
      outRate: rate / 3,
      deadLetters: n,
      late: 2,
      deadLetterTopic: 'clicks.dlq',
      lateTopics: [],
    },
  });
  client.emit({
    type: 'run.log',
    line: { runId: run.runId, at: Date.now(), level: 'info', message: `batch ${n}` },
  });
}, 100);

const root = document.getElementById('root');
if (!root) throw new Error('#root missing');
createRoot(root).render(
  <StrictMode>
    <RunControls getSpec={() => ({ spec, problems: [] })} />
    <div style={{ display: 'flex', gap: 16 }}>
      <NodeRunStats nodeId="source" />
      <EdgeRunLabel edgeKey="source.out->window.in" />
      <NodeRunStats nodeId="window" />
    </div>
    <div style={{ height: 600 }}>
      <RunPanel />
    </div>
  </StrictMode>,
);
