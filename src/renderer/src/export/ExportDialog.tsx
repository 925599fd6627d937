import { useEffect, useId, useState } from 'react';
import type { ApiClient, ExportRequest, ExportResponse } from '../../../api/index';
import type { PipelineSpec, Problem } from '../../../spec/types';
import { Dialog } from '../run/Dialog';
import { useEditorStore } from '../store/index';
import { DeploySection } from './DeploySection';
import { fieldOf, message, type ExportProblemView } from './problems';
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
type Rendered = { target: TargetInfo; files: Record<string, string> }[];

const FALLBACK_TARGETS: TargetInfo[] = [
  { id: 'plan', label: 'Deployment plan', file: 'plan.json' },
  { id: 'cloudformation', label: 'AWS CloudFormation', file: 'template.json' },
  { id: 'terraform', label: 'Terraform', file: 'main.tf' },
];

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/**
 * The export to Amazon MSK: a deployment profile, the three targets rendered side by side, the
 * problems that stop them (each one a link to its node on the canvas), and deploying.
 */
export function ExportDialog({ open, onClose, getSpec, client }: ExportDialogProps) {
  if (!open) return null;
  return <ExportDialogBody onClose={onClose} getSpec={getSpec} client={client} />;
}

function ExportDialogBody({ onClose, getSpec, client }: Omit<ExportDialogProps, 'open'>) {
  const ids = useId();
  const [targets, setTargets] = useState<TargetInfo[]>(FALLBACK_TARGETS);
  const [profile, setProfile] = useState(() => loadProfileDraft(storage()));
  const [secrets, setSecrets] = useState<Problem[]>([]);
  const [rendered, setRendered] = useState<Rendered | null>(null);
  const [problems, setProblems] = useState<ExportProblemView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const specNow = getSpec();

  useEffect(() => {
    let live = true;
    client.api.export.targets().then(
      (list) => live && list.length > 0 && setTargets(list),
      (e: unknown) => live && setError(`Could not list export targets: ${message(e)}`),
    );
    return () => {
      live = false;
    };
  }, [client]);

  const editProfile = (text: string) => {
    setProfile(text);
    setSecrets(saveProfileDraft(storage(), text));
  };

  /** The spec and the parsed profile, or null after saying what is wrong. */
  const inputs = (): { spec: PipelineSpec; profile: unknown } | null => {
    const spec = getSpec();
    if (!spec) return null;
    const parsed = parseProfile(profile);
    if (!parsed.ok) {
      setError(parsed.error);
      return null;
    }
    setError(null);
    return { spec, profile: parsed.profile };
  };

  const render = async () => {
    const req = inputs();
    if (!req) {
      setRendered(null);
      return;
    }
    setBusy(true);
    try {
      const results: [TargetInfo, ExportResponse][] = await Promise.all(
        targets.map(async (t) => [t, await client.api.export.render({ ...req, target: t.id })] as const),
      );
      const refused = results.find(([, r]) => !r.ok)?.[1];
      setProblems(refused && !refused.ok ? refused.problems : []);
      setRendered(refused ? null : results.map(([target, r]) => ({ target, files: r.ok ? r.files : {} })));
    } catch (e) {
      setRendered(null);
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  const showProblem = (p: ExportProblemView) => {
    if (!p.nodeId) return;
    // The problems panel's focus request: select the node, centre it, focus the field.
    useEditorStore.getState().requestFocus(p.nodeId, fieldOf(p.path));
    onClose();
  };

  // Files besides each target's own (the engine's pipeline) are the same for all three: shown once.
  const mainFiles = new Set(targets.map((t) => t.file));
  const shared = Object.entries(rendered?.[0]?.files ?? {}).filter(([name]) => !mainFiles.has(name));

  return (
    <Dialog title="Export to Amazon MSK" onClose={onClose} className="kf-export">
      <div className="kf-export__form">
        <label htmlFor={`${ids}-profile`}>Deployment profile</label>
        <textarea
          id={`${ids}-profile`}
          className="kf-mono kf-export__profile"
          rows={10}
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
      {problems.length > 0 && <ProblemList problems={problems} onShow={showProblem} />}
      {rendered && (
        <div className="kf-export__targets">
          {rendered.map(({ target, files }) => (
            <ExportFile
              key={target.id}
              title={target.label}
              name={target.file}
              text={files[target.file] ?? ''}
            />
          ))}
        </div>
      )}
      {shared.map(([name, text]) => (
        <ExportFile key={name} title="Engine pipeline" name={name} text={text} />
      ))}
      <DeploySection
        client={client}
        inputs={inputs}
        disabled={!specNow}
        onProblems={setProblems}
        pipeline={specNow?.name ?? ''}
      />
    </Dialog>
  );
}

/** The problems that stop an export; one with a node is a button that shows it on the canvas. */
export function ProblemList({
  problems,
  onShow,
}: {
  problems: ExportProblemView[];
  onShow: (p: ExportProblemView) => void;
}) {
  return (
    <section aria-label="Export problems" className="kf-export__problems">
      <h3>The export was refused</h3>
      <ul>
        {problems.map((p, i) => {
          const text = (
            <>
              {p.nodeId && <span className="kf-badge kf-badge--error">{p.nodeId}</span>}
              {p.nodeId && ' '}
              <code>{p.path || '(profile)'}</code>: {p.message}
            </>
          );
          return (
            <li key={i}>
              {p.nodeId ? (
                <button
                  type="button"
                  className="kf-link-button kf-export__problem"
                  title={`Show node ${p.nodeId} on the canvas`}
                  onClick={() => onShow(p)}
                >
                  {text}
                </button>
              ) : (
                text
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function ExportFile({ title, name, text }: { title: string; name: string; text: string }) {
  const [status, setStatus] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('Copied.');
    } catch (e) {
      setStatus(`Could not copy: ${message(e)}`);
    }
  };
  const save = () => {
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
    <section className="kf-export__file" aria-label={title}>
      <div className="kf-toolbar">
        <h3>
          {title} <span className="kf-mono kf-muted">{name}</span>
        </h3>
        <button type="button" onClick={() => void copy()}>
          Copy {name}
        </button>
        <button type="button" onClick={save}>
          Save {name}
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
