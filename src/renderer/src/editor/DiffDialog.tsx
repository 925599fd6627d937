/** The current spec against the file as last saved, line by line (lazy: loads the diff library). */
import { diffLines } from 'diff';
import { useMemo } from 'react';
import { Dialog } from '../run/Dialog';
import { serializeSpec, useEditorStore } from '../store/index';

export default function DiffDialog({ onClose }: { onClose: () => void }) {
  const spec = useEditorStore((s) => s.spec);
  const saved = useEditorStore((s) => s.savedText);
  const path = useEditorStore((s) => s.path);
  const parts = useMemo(() => diffLines(saved ?? '', serializeSpec(spec)), [saved, spec]);
  const changed = parts.some((p) => p.added || p.removed);
  return (
    <Dialog
      title={`Changes since last save${path ? ` (${path})` : ''}`}
      onClose={onClose}
      className="kf-diff"
    >
      {!changed ? (
        <p>No changes since the file was last saved.</p>
      ) : (
        <pre className="kf-code kf-diff__body" aria-label="Diff">
          {parts.map((p, i) => {
            const sign = p.added ? '+' : p.removed ? '-' : ' ';
            const lines = p.value.replace(/\n$/, '').split('\n');
            return (
              <span
                key={i}
                className={p.added ? 'kf-diff__add' : p.removed ? 'kf-diff__del' : 'kf-diff__same'}
              >
                {lines.map((l) => `${sign} ${l}\n`).join('')}
              </span>
            );
          })}
        </pre>
      )}
    </Dialog>
  );
}
