import { useEditorStore } from '../store/index';
import { configFieldOf } from './Inspector';

/** Validation results; a click selects the node, centres it and focuses the field the problem is about. */
export function ProblemsPanel() {
  const problems = useEditorStore((s) => s.problems);
  if (problems.length === 0) return <p className="kf-empty">No problems.</p>;
  return (
    <ul className="kf-problems" aria-label="Problems">
      {problems.map((p, i) => {
        const where = [p.nodeId, p.path].filter(Boolean).join(' · ');
        return (
          <li key={`${i}:${p.path}:${p.message}`}>
            <button
              type="button"
              className={`kf-problems__item kf-problems__item--${p.severity}`}
              disabled={!p.nodeId}
              onClick={() => {
                if (p.nodeId) useEditorStore.getState().requestFocus(p.nodeId, configFieldOf(p.path));
              }}
            >
              <span className={`kf-badge kf-badge--${p.severity === 'error' ? 'error' : 'warn'}`}>
                {p.severity}
              </span>
              {where && <span className="kf-problems__where kf-mono">{where}</span>}
              <span className="kf-problems__message">{p.message}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
