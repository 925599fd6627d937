import { useEffect, useState } from 'react';
import type { ExampleInfo } from '../../../api/index';
import { Dialog } from '../run/Dialog';
import { useClient } from './client-context';
import { errorText } from './files';

/** The examples the backend ships (`resources/examples/`); opening one replaces the document. */
export default function ExamplesDialog({
  onOpen,
  onClose,
}: {
  onOpen: (id: string) => void;
  onClose: () => void;
}) {
  const client = useClient();
  const [examples, setExamples] = useState<ExampleInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!client) return;
    let live = true;
    client.api.pipelines
      .examples()
      .then((list) => live && setExamples(list))
      .catch((err: unknown) => live && setError(errorText(err)));
    return () => {
      live = false;
    };
  }, [client]);
  return (
    <Dialog title="Examples" onClose={onClose} className="kf-examples">
      {error && (
        <p className="kf-field__error" role="alert">
          {error}
        </p>
      )}
      {!examples && !error && <p className="kf-muted">Loading…</p>}
      {examples?.length === 0 && <p>No examples are available.</p>}
      {examples && examples.length > 0 && (
        <ul className="kf-examples__list">
          {examples.map((ex) => (
            <li key={ex.id}>
              <div>
                <strong>{ex.name}</strong> <span className="kf-muted">({ex.nodeCount} nodes)</span>
                <p>{ex.description}</p>
              </div>
              <button
                type="button"
                className="kf-button"
                aria-label={`Open example ${ex.name}`}
                onClick={() => {
                  onOpen(ex.id);
                  onClose();
                }}
              >
                Open
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
