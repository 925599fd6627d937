import { useEffect, useId, useState } from 'react';
import type { ApiClient, ExportRequest, ExportResponse } from '../../../api/index';
import type { PipelineSpec, Problem } from '../../../spec/types';
import { Dialog } from '../run/Dialog';
import { EXAMPLE_PROFILE, loadProfileDraft, parseProfile, saveProfileDraft } from './profile-draft';
import '../run/run.css';
import './export.css';

export interface ExportDialogProps {
  open: boolean;
  onClose: () => void;
  /** The spec to export as it is now (null when the editor's text is not a spec). */
  getSpec: () => PipelineSpec | null;
  client: ApiClient;
}

type Target = ExportRequest['target'];
type TargetInfo = { id: Target; label: string; file: string };

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The export to Amazon MSK: a target, a deployment profile, and the files kflow renders from them. */
export function ExportDialog({ open, onClose, getSpec, client }: ExportDialogProps) {
  if (!open) return null;
  return <ExportDialogBody onClose={onClose} getSpec={getSpec} client={client} />;
}

function ExportDialogBody({ onClose, getSpec, client }: Omit<ExportDialogProps, 'open'>) {
  const ids = useId();
  const [targets, setTargets] = useState<TargetInfo[]>([]);
  const [target, setTarget] = useState<Target>('plan');
  const [profile, setProfile] = useState(() => loadProfileDraft(storage()));
  const [secrets, setSecrets] = useState<Problem[]>([]);
  const [result, setResult] = useState<ExportResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const specNow = getSpec();

  useEffect(() => {
    let live = true;
    client.api.export.targets().then(
      (list) => {
        if (!live) return;
        setTargets(list);
        if (list.length > 0 && !list.some((t) => t.id === target)) setTarget((list[0] as TargetInfo).id);
      },
      (e: unknown) => live && setError(`Could not list export targets: ${message(e)}`),
    );
    return () => {
      live = false;
    };
    // The targets are listed once per opening.
  }, [client]);

  const editProfile = (text: string) => {
    setProfile(text);
    setSecrets(saveProfileDraft(storage(), text));
  };

  const render = async () => {
    const spec = getSpec();
    if (!spec) return;
    const parsed = parseProfile(profile);
    if (!parsed.ok) {
      setError(parsed.error);
      setResult(null);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setResult(await client.api.export.render({ spec, profile: parsed.profile, target }));
    } catch (e) {
      setResult(null);
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Export to Amazon MSK" onClose={onClose} className="kf-export">
      <div className="kf-export__form">
        <label htmlFor={`${ids}-target`}>Target</label>
        <select
          id={`${ids}-target`}
          value={target}
          onChange={(e) => {
            setTarget(e.target.value as Target);
            setResult(null);
          }}
        >
          {(targets.length > 0 ? targets : [{ id: target, label: target, file: '' }]).map((t) => (
            <option key={t.id} value={t.id}>
              {t.file ? `${t.label} (${t.file})` : t.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${ids}-profile`}>Deployment profile</label>
        <textarea
          id={`${ids}-profile`}
          className="kf-mono kf-export__profile"
          rows={14}
          spellCheck={false}
          value={profile}
          aria-describedby={`${ids}-profile-help`}
          onChange={(e) => editProfile(e.target.value)}
        />
        <p id={`${ids}-profile-help`} className="kf-muted kf-export__help">
          Where the pipeline deploys: region, account, network, cluster, connectors and engine (see
          docs/export.md). Names and ARNs only — a profile holds no secret. Kept on this computer for next
          time.{' '}
          <button type="button" className="kf-link-button" onClick={() => editProfile(EXAMPLE_PROFILE)}>
            Reset to the example
          </button>
        </p>
        {secrets.length > 0 && (
          <ul role="alert" className="kf-error-text kf-export__secrets">
            {secrets.map((p, i) => (
              <li key={i}>
                Not kept: {p.path}: {p.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="kf-toolbar">
        <button
          type="button"
          className="kf-button kf-button--primary"
          disabled={busy || !specNow}
          onClick={() => void render()}
        >
          Render
        </button>
        {!specNow && <span className="kf-warn-text">The pipeline is not a valid spec yet.</span>}
        {busy && <span className="kf-muted">Rendering…</span>}
      </div>
      {error && (
        <p role="alert" className="kf-error-text">
          {error}
        </p>
      )}
      {result && !result.ok && (
        <section aria-label="Export problems" className="kf-export__problems">
          <h3>The export was refused</h3>
          <ul>
            {result.problems.map((p, i) => (
              <li key={i}>
                <code>{p.path || '(profile)'}</code>: {p.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      {result?.ok &&
        Object.entries(result.files).map(([name, text]) => <ExportFile key={name} name={name} text={text} />)}
    </Dialog>
  );
}

function ExportFile({ name, text }: { name: string; text: string }) {
  const [status, setStatus] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('Copied.');
    } catch (e) {
      setStatus(`Could not copy: ${message(e)}`);
    }
  };
  const download = () => {
    const type = name.endsWith('.json') ? 'application/json' : 'text/plain';
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    // Revoked on the next tick: the click starts the download synchronously, the URL is not needed after.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };
  return (
    <section className="kf-export__file" aria-label={name}>
      <div className="kf-toolbar">
        <h3 className="kf-mono">{name}</h3>
        <button type="button" onClick={() => void copy()}>
          Copy {name}
        </button>
        <button type="button" onClick={download}>
          Download {name}
        </button>
        <span role="status" className="kf-muted">
          {status}
        </span>
      </div>
      <pre className="kf-code kf-export__code" tabIndex={0} aria-label={`Contents of ${name}`}>
        {text}
      </pre>
    </section>
  );
}
