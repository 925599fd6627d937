import { useEffect, useId, useState } from 'react';
import type {
  ApiClient,
  DeployProgressView,
  DeployRequest,
  DeployResultView,
  DeployStatusRow,
  DriftView,
} from '../../../api/index';
import type { PipelineSpec } from '../../../spec/types';
import { Table } from '../run/Table';
import { attachDeployEvents, useDeployStore } from './deploy-store';
import { message, problemsOf, type ExportProblemView } from './problems';

const NONE: DeployProgressView[] = [];

export interface DeploySectionProps {
  client: ApiClient;
  /** The spec and the parsed profile, or null (the dialog has said why). */
  inputs: () => { spec: PipelineSpec; profile: unknown } | null;
  disabled: boolean;
  /** The export problems a refused deploy, status or drift came back with. */
  onProblems: (problems: ExportProblemView[]) => void;
  pipeline: string;
}

type Shown = { kind: 'status'; rows: DeployStatusRow[] } | { kind: 'drift'; rows: DriftView[] } | null;

/** `deployed clicks: 25 change(s), 0 step(s) unchanged`, as `kflow deploy` ends. */
export function resultText(pipeline: string, r: DeployResultView): string {
  if (!r.ok) return `Deploy failed: ${r.error ?? 'unknown error'}`;
  if (r.mode === 'dry-run')
    return `Dry run: ${r.calls?.length ?? 0} call(s) a deploy makes when nothing exists yet; nothing was called.`;
  return `deployed ${pipeline}: ${r.changes.length} change(s), ${r.unchanged} step(s) unchanged${
    r.manual.length > 0 ? `, ${r.manual.length} difference(s) left for you` : ''
  }`;
}

/**
 * Deploying from the app: a dry run (the ordered calls), an apply after a confirmation with its
 * progress as it arrives, and the live status and drift as tables. The calls run in the backend
 * with its AWS credentials; none of them ever reaches this page.
 */
export function DeploySection({ client, inputs, disabled, onProblems, pipeline }: DeploySectionProps) {
  const ids = useId();
  const current = useDeployStore((s) => s.current);
  const progress = useDeployStore((s) => (s.current ? s.progress[s.current.id] : undefined)) ?? NONE;
  const result = useDeployStore((s) => (s.current ? s.results[s.current.id] : undefined));
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<Shown>(null);

  useEffect(() => attachDeployEvents(client), [client]);

  const running = current !== null && result === undefined;
  const last = progress.at(-1);

  const fail = (e: unknown) => {
    setError(message(e));
    onProblems(problemsOf(e));
  };

  const start = async (mode: DeployRequest['mode']) => {
    setConfirming(false);
    const req = inputs();
    if (!req) return;
    setError(null);
    setShown(null);
    setBusy(mode);
    try {
      const { deployId } = await client.api.export.deploy({ ...req, mode });
      onProblems([]);
      useDeployStore.getState().setCurrent({ id: deployId, pipeline: req.spec.name });
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  const read = async (kind: 'status' | 'drift') => {
    const req = inputs();
    if (!req) return;
    setError(null);
    setBusy(kind);
    try {
      if (kind === 'status') setShown({ kind, rows: await client.api.export.status(req) });
      else setShown({ kind, rows: await client.api.export.drift(req) });
      onProblems([]);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  const off = disabled || busy !== null || running;
  return (
    <section className="kf-export__deploy" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>Deploy to AWS</h3>
      <p className="kf-muted kf-export__help">
        Calls AWS from the machine running kflow, with its credentials (the AWS SDK&apos;s default chain:
        environment, shared config, SSO); they never reach this page.
      </p>
      <div className="kf-toolbar" role="group" aria-label="Deploy actions">
        <button type="button" disabled={off} onClick={() => void start('dry-run')}>
          Dry run
        </button>
        <button
          type="button"
          className="kf-button kf-button--primary"
          disabled={off}
          aria-expanded={confirming}
          onClick={() => setConfirming(true)}
        >
          Apply…
        </button>
        <button type="button" disabled={off} onClick={() => void read('status')}>
          Status
        </button>
        <button type="button" disabled={off} onClick={() => void read('drift')}>
          Drift
        </button>
        {busy && <span className="kf-muted">Asking the backend…</span>}
      </div>
      {confirming && (
        <div role="group" aria-label="Confirm apply" className="kf-export__confirm">
          <p>
            Apply creates or updates the AWS resources of {pipeline || 'this pipeline'} in the profile&apos;s
            account and region, and waits for them (a new MSK cluster takes 15 to 40 minutes).
          </p>
          <div className="kf-toolbar">
            <button
              type="button"
              className="kf-button kf-button--primary"
              onClick={() => void start('apply')}
            >
              Apply now
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {error && (
        <p role="alert" className="kf-error-text">
          {error}
        </p>
      )}
      {current && (progress.length > 0 || running) && (
        <div className="kf-export__progress">
          <progress
            aria-label="Deploy steps"
            max={last?.total ?? 1}
            value={result?.ok ? (last?.total ?? 1) : (last?.done ?? 0)}
          />
          <ol aria-label="Deploy progress" className="kf-mono kf-log">
            {progress.map((p, i) => (
              <li key={i} data-node={p.nodeId ?? undefined}>
                {p.message.trim()}
              </li>
            ))}
          </ol>
        </div>
      )}
      {current && running && progress.length === 0 && <p className="kf-muted">Starting…</p>}
      {current && result && (
        <p role="status" className={result.ok ? 'kf-export__result' : 'kf-error-text'}>
          {resultText(current.pipeline, result)}
        </p>
      )}
      {result?.calls && <CallsTable calls={result.calls} />}
      {result && result.manual.length > 0 && <DriftTable rows={result.manual} label="Left for you" />}
      {shown?.kind === 'status' && <StatusTable rows={shown.rows} />}
      {shown?.kind === 'drift' &&
        (shown.rows.length === 0 ? (
          <p role="status">No drift: what is deployed is what the spec and profile say.</p>
        ) : (
          <DriftTable rows={shown.rows} label="Drift" />
        ))}
    </section>
  );
}

function CallsTable({ calls }: { calls: NonNullable<DeployResultView['calls']> }) {
  return (
    <Table
      label="Planned calls"
      className="kf-export__table"
      rows={calls}
      rowKey={(c) => c.step}
      columns={[
        { header: '#', cell: (c) => c.step },
        { header: 'Service', cell: (c) => c.service },
        { header: 'Call', className: 'kf-mono', cell: (c) => c.command },
        { header: 'Resource', className: 'kf-mono', cell: (c) => c.resource },
        { header: 'Node', cell: (c) => c.nodeId ?? '' },
      ]}
    />
  );
}

function StatusTable({ rows }: { rows: DeployStatusRow[] }) {
  return (
    <Table
      label="Deployment status"
      className="kf-export__table"
      rows={rows}
      rowKey={(_, i) => i}
      columns={[
        { header: 'Resource', cell: (r) => resourceCell(r) },
        { header: 'Node', cell: (r) => r.nodeId ?? '' },
        { header: 'State', cell: (r) => r.state },
        {
          header: 'Details',
          cell: (r) => (
            <>
              {r.summary}
              {r.details.length > 0 && (
                <ul className="kf-export__details">
                  {r.details.map((d, j) => (
                    <li key={j}>{d.label ? `${d.label}: ${d.value}` : d.value}</li>
                  ))}
                </ul>
              )}
            </>
          ),
        },
      ]}
    />
  );
}

const CHANGE: Record<DriftView['change'], string> = {
  create: 'deploy creates it',
  update: 'deploy updates it',
  manual: 'not changed by deploy',
};

function DriftTable({ rows, label }: { rows: DriftView[]; label: string }) {
  return (
    <Table
      label={label}
      className="kf-export__table"
      rows={rows}
      rowKey={(_, i) => i}
      columns={[
        { header: 'Resource', cell: (r) => resourceCell(r) },
        { header: 'Node', cell: (d) => d.nodeId ?? '' },
        { header: 'Field', className: 'kf-mono', cell: (d) => d.field || '(whole resource)' },
        { header: 'Deployed', className: 'kf-mono', cell: (d) => d.deployed },
        { header: 'Wanted', className: 'kf-mono', cell: (d) => d.wanted },
        { header: 'Deploy', cell: (d) => CHANGE[d.change] },
      ]}
    />
  );
}

function resourceCell(r: { kind: string; name: string }) {
  return (
    <>
      {r.kind} <span className="kf-mono">{r.name}</span>
    </>
  );
}
