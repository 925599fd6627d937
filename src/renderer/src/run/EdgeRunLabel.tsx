import { memo, useState } from 'react';
import type { EdgeKey, SampleRecord } from '../../../api/index';
import { Dialog } from './Dialog';
import { formatRate, formatTime, prettyValue } from './format';
import { TruncatedText } from './JsonValue';
import { useRunStore } from './store';
import './run.css';

export interface EdgeRunLabelProps {
  /** The edge as `edgeKey({ from, to })` from src/api names it. */
  edgeKey: EdgeKey;
}

/**
 * Records per second on an edge while a pipeline runs, and a button that opens the records last
 * seen crossing it. Renders nothing when there is no run. The `nodrag nopan` classes keep the
 * canvas from treating clicks on it as drags.
 */
export const EdgeRunLabel = memo(function EdgeRunLabel({ edgeKey }: EdgeRunLabelProps) {
  const hasRun = useRunStore((s) => s.run !== null);
  const rate = useRunStore((s) => s.metrics?.edges[edgeKey]?.rate);
  const [open, setOpen] = useState(false);
  if (!hasRun) return null;
  return (
    <div className="kf-edge-run nodrag nopan">
      <span className="kf-edge-run__rate" title="records per second">
        {rate === undefined ? '–' : formatRate(rate)}/s
      </span>
      <button
        type="button"
        className="kf-icon-button kf-edge-run__samples"
        aria-label={`Samples on ${edgeKey}`}
        title="Records seen on this edge"
        onClick={() => setOpen(true)}
      >
        ⋯
      </button>
      {open && <SamplesDialog edgeKey={edgeKey} onClose={() => setOpen(false)} />}
    </div>
  );
});

/** The edge's samples as they were when opened (a live table would jump under the reader); Refresh takes the newest. */
function SamplesDialog({ edgeKey, onClose }: { edgeKey: EdgeKey; onClose: () => void }) {
  const take = () => useRunStore.getState().metrics?.samples[edgeKey] ?? [];
  const [samples, setSamples] = useState<SampleRecord[]>(take);
  return (
    <Dialog title={`Samples on ${edgeKey}`} onClose={onClose} className="kf-samples">
      <p className="kf-toolbar">
        <span>
          {samples.length} record{samples.length === 1 ? '' : 's'}
        </span>
        <button type="button" onClick={() => setSamples(take())}>
          Refresh
        </button>
      </p>
      {samples.length === 0 ? (
        <p>No record has crossed this edge yet.</p>
      ) : (
        <table className="kf-table">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
              <th scope="col">Timestamp</th>
              <th scope="col">Headers</th>
            </tr>
          </thead>
          <tbody>
            {samples.map((r, i) => (
              <tr key={i}>
                <td className="kf-mono">{r.key ?? <i>null</i>}</td>
                <td>
                  <TruncatedText text={prettyValue(r.value)} max={300} />
                </td>
                <td className="kf-mono">{formatTime(r.timestamp)}</td>
                <td className="kf-mono">
                  {r.headers && Object.keys(r.headers).length > 0
                    ? Object.entries(r.headers).map(([k, v]) => (
                        <div key={k}>
                          {k}: {v}
                        </div>
                      ))
                    : '–'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}
