import { useId } from 'react';
import type { Guarantee } from '../../../api/index';
import type { PipelineSpec, Problem } from '../../../spec/types';
import { isActive, useRunStore } from './store';
import './run.css';

export interface SpecForRun {
  /** Null when the editor's text is not a spec at all. */
  spec: PipelineSpec | null;
  problems: Problem[];
  /** The spec's file, so a run resolves relative paths of file sources and sinks against its folder. */
  path?: string | null;
}

export interface RunControlsProps {
  /** The spec as it is now and its validation problems; called when rendering (for the reason) and on Run. */
  getSpec: () => SpecForRun;
  /**
   * The current problems, when the caller has them as state: pass them so Run enables and
   * disables as the spec is edited even if nothing else re-renders this component.
   */
  problems?: Problem[];
}

/** Why Run is disabled, or null when it may run. */
export function runBlocker(spec: PipelineSpec | null, problems: readonly Problem[]): string | null {
  if (!spec) return 'The pipeline is not a valid spec yet.';
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return null;
  const first = errors[0] as Problem;
  const where = first.nodeId ? `${first.nodeId}: ` : first.path ? `${first.path}: ` : '';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `Fix ${errors.length} error${errors.length === 1 ? '' : 's'} before running — ${where}${first.message}${more}`;
}

const GUARANTEES: { id: Guarantee; label: string }[] = [
  { id: 'at-least-once', label: 'At least once' },
  { id: 'exactly-once', label: 'Exactly once' },
];

/** The toolbar's run controls: connection, guarantee, from-beginning, Run and Stop, and the run's state. */
export function RunControls({ getSpec, problems }: RunControlsProps) {
  const ids = useId();
  const connections = useRunStore((s) => s.connections);
  const connection = useRunStore((s) => s.connection);
  const guarantee = useRunStore((s) => s.guarantee);
  const fromBeginning = useRunStore((s) => s.fromBeginning);
  const run = useRunStore((s) => s.run);
  const starting = useRunStore((s) => s.starting);
  const error = useRunStore((s) => s.error);
  const current = getSpec();
  const blocker = runBlocker(current.spec, problems ?? current.problems);
  const active = isActive(run);
  const names = connections.length > 0 ? connections.map((c) => c.name) : [connection];

  const onRun = () => {
    const { spec, problems: now } = getSpec();
    if (!spec || runBlocker(spec, problems ?? now)) return;
    void useRunStore.getState().start(spec, getSpec().path);
  };

  return (
    <div className="kf-run-controls" role="group" aria-label="Run">
      <label htmlFor={`${ids}-conn`}>Connection</label>
      <select
        id={`${ids}-conn`}
        value={connection}
        disabled={active}
        onChange={(e) => useRunStore.getState().setConnection(e.target.value)}
      >
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <label htmlFor={`${ids}-guarantee`}>Guarantee</label>
      <select
        id={`${ids}-guarantee`}
        value={guarantee}
        disabled={active}
        onChange={(e) => useRunStore.getState().setGuarantee(e.target.value as Guarantee)}
      >
        {GUARANTEES.map((g) => (
          <option key={g.id} value={g.id}>
            {g.label}
          </option>
        ))}
      </select>
      <label className="kf-check">
        <input
          type="checkbox"
          checked={fromBeginning}
          disabled={active}
          onChange={(e) => useRunStore.getState().setFromBeginning(e.target.checked)}
        />
        From beginning
      </label>
      <button
        type="button"
        className="kf-button kf-button--primary"
        disabled={active || starting || blocker !== null}
        aria-describedby={blocker ? `${ids}-why` : undefined}
        title={blocker ?? undefined}
        onClick={onRun}
      >
        Run
      </button>
      <button
        type="button"
        className="kf-button"
        disabled={!run || run.state === 'stopping' || !active}
        onClick={() => void useRunStore.getState().stop()}
      >
        Stop
      </button>
      <span className="kf-run-controls__status" role="status">
        {starting ? 'Starting…' : run ? <RunBadge state={run.state} pipeline={run.pipeline} /> : null}
      </span>
      {blocker && !active && (
        <span id={`${ids}-why`} className="kf-run-controls__why">
          {blocker}
        </span>
      )}
      {(error || run?.error) && (
        <span className="kf-run-controls__error" role="alert">
          {error ?? run?.error}
        </span>
      )}
    </div>
  );
}

function RunBadge({ state, pipeline }: { state: string; pipeline: string }) {
  return (
    <span className={`kf-run-state kf-run-state--${state}`}>
      {pipeline}: {state}
    </span>
  );
}
