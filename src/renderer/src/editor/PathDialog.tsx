import { useId, useState } from 'react';
import { Dialog } from '../run/Dialog';

/** Web mode has no native file dialog: the user types the path on their machine. */
export default function PathDialog({
  mode,
  suggested,
  onDone,
}: {
  mode: 'open' | 'save';
  suggested: string;
  onDone: (path: string | null) => void;
}) {
  const [path, setPath] = useState(suggested);
  const id = useId();
  return (
    <Dialog
      title={mode === 'open' ? 'Open a pipeline file' : 'Save the pipeline as'}
      onClose={() => onDone(null)}
    >
      <form
        className="kf-path-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) onDone(path.trim());
        }}
      >
        <label htmlFor={id}>File path</label>
        <input
          id={id}
          type="text"
          autoFocus
          className="kf-mono"
          value={path}
          placeholder="/home/me/pipelines/orders.json"
          onChange={(e) => setPath(e.target.value)}
        />
        <p className="kf-field__hint">A path on the machine running kflow.</p>
        <div className="kf-inspector__actions">
          <button type="submit" className="kf-button kf-button--primary" disabled={!path.trim()}>
            {mode === 'open' ? 'Open' : 'Save'}
          </button>
          <button type="button" className="kf-button" onClick={() => onDone(null)}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
