import { useReactFlow } from '@xyflow/react';
import { useId, useMemo, useState } from 'react';
import { listNodeKinds, type NodeDefinition } from '../../../nodes/index';
import { DEFAULT_NODE_SIZE, useEditorStore } from '../store/index';
import { KIND_MIME } from './Canvas';
import { CATEGORY_LABELS, CATEGORY_ORDER, iconGlyph } from './icons';

/** Kinds grouped by category in palette order, keeping those whose label, kind or description match `query`. */
export function paletteGroups(query: string): { category: string; label: string; kinds: NodeDefinition[] }[] {
  const q = query.trim().toLowerCase();
  const match = (k: NodeDefinition) =>
    !q ||
    k.ui.label.toLowerCase().includes(q) ||
    k.kind.toLowerCase().includes(q) ||
    k.title.toLowerCase().includes(q) ||
    k.description.toLowerCase().includes(q);
  return CATEGORY_ORDER.map((category) => ({
    category,
    label: CATEGORY_LABELS[category] ?? category,
    kinds: listNodeKinds().filter((k) => k.category === category && match(k)),
  })).filter((g) => g.kinds.length > 0);
}

/**
 * The node palette, generated from the registry. Drag an item onto the canvas, or press Enter
 * (or click) on it to add the node at the centre of the view.
 */
export function Palette() {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => paletteGroups(query), [query]);
  const searchId = useId();
  const flow = useReactFlow();

  const addAtCentre = (kind: string) => {
    const pane = document.querySelector('.kf-canvas')?.getBoundingClientRect();
    const centre = pane
      ? flow.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 })
      : { x: 0, y: 0 };
    const id = useEditorStore.getState().addNode(kind, {
      x: centre.x - DEFAULT_NODE_SIZE.width / 2,
      y: centre.y - DEFAULT_NODE_SIZE.height / 2,
    });
    if (id) useEditorStore.getState().setStatus(`Added ${id}`);
  };

  return (
    <nav className="kf-palette" aria-label="Palette">
      <label htmlFor={searchId} className="kf-visually-hidden">
        Search nodes
      </label>
      <input
        id={searchId}
        type="search"
        className="kf-palette__search"
        placeholder="Search nodes…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {groups.length === 0 && <p className="kf-empty">No node kind matches “{query}”.</p>}
      {groups.map((g) => (
        <section key={g.category} role="group" aria-label={g.label} className="kf-palette__group">
          <h3>{g.label}</h3>
          <ul>
            {g.kinds.map((k) => (
              <li key={k.kind}>
                <button
                  type="button"
                  className="kf-palette__item"
                  draggable
                  title={`${k.title} (${k.kind}): ${k.description}`}
                  style={{ ['--kf-kind-color' as string]: k.ui.color }}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(KIND_MIME, k.kind);
                    e.dataTransfer.effectAllowed = 'copy';
                  }}
                  onClick={() => addAtCentre(k.kind)}
                >
                  <span className="kf-palette__icon" aria-hidden="true">
                    {iconGlyph(k.ui.icon)}
                  </span>
                  {k.ui.label}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
