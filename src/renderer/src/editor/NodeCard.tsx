import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useContext } from 'react';
import { getNodeKind } from '../../../nodes/index';
import { NodeRunStats } from '../run/NodeRunStats';
import { useEditorStore } from '../store/index';
import type { CardNode, PortView } from './canvas-model';
import { FarViewContext } from './far-view';
import { iconGlyph } from './icons';

/** How a config value reads on a card: short, one line. */
export function summarize(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value.length > 40 ? `${value.slice(0, 39)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? '{}' : summarize(keys.join(', '));
  }
  return String(value);
}

/** The settings a card shows: the kind's primary fields, else its first required ones (at most 3). */
export function keyFields(kind: string): string[] {
  const def = getNodeKind(kind);
  if (!def) return [];
  if (def.ui.primaryFields.length > 0) return def.ui.primaryFields.slice(0, 3);
  const shape = def.config.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
  return Object.keys(shape)
    .filter((k) => !shape[k]?.safeParse(undefined).success)
    .slice(0, 3);
}

function portClass(p: PortView): string {
  return p.unknown ? 'kf-handle kf-handle--unknown' : 'kf-handle';
}

function handleTop(i: number, n: number): string {
  return `${((i + 1) / (n + 1)) * 100}%`;
}

/**
 * A card's ports. In a far view (see far-view.ts) each is a plain box with React Flow's port
 * classes and data attributes, so it has the same size and place and React Flow measures it as
 * a port when it measures the card (edges keep their ends), without a store listener per port.
 * It is not painted there and cannot start a connection; zooming in brings the real ports back.
 */
function Ports({ nodeId, ports, side }: { nodeId: string; ports: PortView[]; side: 'input' | 'output' }) {
  const far = useContext(FarViewContext);
  const showLabels = ports.length > 1 || ports.some((p) => p.name !== (side === 'input' ? 'in' : 'out'));
  const type = side === 'input' ? 'target' : 'source';
  const position = side === 'input' ? Position.Left : Position.Right;
  if (far)
    return (
      <>
        {ports.map((p, i) => (
          <div
            key={p.name}
            data-handleid={p.name}
            data-nodeid={nodeId}
            data-handlepos={position}
            className={`react-flow__handle react-flow__handle-${position} ${type} ${portClass(p)}`}
            style={{ top: handleTop(i, ports.length) }}
          />
        ))}
      </>
    );
  return (
    <>
      {ports.map((p, i) => (
        <Handle
          key={p.name}
          id={p.name}
          type={type}
          position={position}
          style={{ top: handleTop(i, ports.length) }}
          className={portClass(p)}
          // A port is a drag target, not a control: named as a picture so its label is allowed (axe).
          role="img"
          aria-label={`${nodeId} ${side} ${p.name}`}
          title={`${side} ${p.label}`}
        >
          {showLabels && <span className={`kf-handle__label kf-handle__label--${side}`}>{p.label}</span>}
        </Handle>
      ))}
    </>
  );
}

/**
 * A node on the canvas: kind, name, key settings, problem badge, live run counts. React Flow
 * passes a dragged node new props (position, dragging) every frame; the card's content only
 * depends on these three, so it is not rendered again while the node moves.
 */
export const NodeCard = memo(function NodeCard({ id, data, selected }: NodeProps<CardNode>) {
  return <CardBody id={id} data={data} selected={selected} />;
});

const CardBody = memo(function CardBody({
  id,
  data,
  selected,
}: {
  id: string;
  data: CardNode['data'];
  selected: boolean;
}) {
  const { node } = data;
  const def = getNodeKind(node.kind);
  const label = def?.ui.label ?? node.kind;
  const title = node.name ?? node.id;
  const errors = useEditorStore((s) => countProblems(s.problems, id, 'error'));
  const warnings = useEditorStore((s) => countProblems(s.problems, id, 'warning'));
  const fields = keyFields(node.kind);
  const config = node.config ?? {};
  return (
    <div
      role="group"
      aria-label={`${label}: ${title}`}
      className={`kf-card kf-card--${def?.category ?? 'unknown'}${selected ? ' kf-card--selected' : ''}${
        errors > 0 ? ' kf-card--error' : ''
      }`}
      style={{ ['--kf-kind-color' as string]: def?.ui.color ?? '#888' }}
    >
      <Ports nodeId={id} ports={data.inputs} side="input" />
      <header className="kf-card__header">
        <span className="kf-card__icon" aria-hidden="true">
          {iconGlyph(def?.ui.icon ?? '')}
        </span>
        <span className="kf-card__kind">{label}</span>
        {(errors > 0 || warnings > 0) && (
          <span
            className={`kf-card__badge ${errors > 0 ? 'kf-card__badge--error' : 'kf-card__badge--warn'}`}
            role="status"
            aria-label={problemText(errors, warnings)}
            title={problemText(errors, warnings)}
          >
            {errors > 0 ? errors : warnings}
          </span>
        )}
      </header>
      <div className="kf-card__name" title={node.id}>
        {title}
      </div>
      {fields.length > 0 && (
        <dl className="kf-card__fields">
          {fields.map((f) => (
            <div key={f}>
              <dt>{f}</dt>
              <dd>{summarize(config[f])}</dd>
            </div>
          ))}
        </dl>
      )}
      <NodeRunStats nodeId={id} />
      <Ports nodeId={id} ports={data.outputs} side="output" />
    </div>
  );
});

function countProblems(
  problems: readonly { nodeId: string | null; severity: string }[],
  id: string,
  severity: string,
) {
  let n = 0;
  for (const p of problems) if (p.nodeId === id && p.severity === severity) n++;
  return n;
}

export function problemText(errors: number, warnings: number): string {
  const parts: string[] = [];
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}
