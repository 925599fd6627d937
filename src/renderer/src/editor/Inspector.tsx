import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { getNodeKind } from '../../../nodes/index';
import type { PipelineSpec, Problem, SpecNode } from '../../../spec/types';
import { useRunStore } from '../run/store';
import { nodeIndex, parseEnd, useEditorStore } from '../store/index';
import { useClient } from './client-context';
import { configSchema, orderedProperties } from './form/schema';
import { FieldProblemsContext, FormContext, SchemaField } from './form/SchemaField';

/** `nodes[2].config.routes[0].where` → `routes[0].where`; null when the path is not inside a config. */
export function configFieldOf(path: string): string | null {
  const m = /^nodes\[\d+\]\.config(?:\.|(?=\[))(.+)$/.exec(path);
  return m ? (m[1] as string) : null;
}

/** Fields of the records arriving at a node, from the validator's shapes; undefined when any input is unknown. */
function inputFields(
  spec: PipelineSpec,
  shapes: Map<string, { fields: Record<string, string> | undefined }>,
  id: string,
) {
  const upstream = spec.edges
    .filter((e) => parseEnd(e.to, 'to', spec).node === id)
    .map((e) => shapes.get(parseEnd(e.from, 'from', spec).node)?.fields);
  if (upstream.length === 0) {
    // A source's own declared fields help its event-time expression.
    const own = spec.nodes.find((n) => n.id === id)?.config?.['fields'];
    return own && typeof own === 'object' ? (own as Record<string, string>) : undefined;
  }
  if (upstream.some((f) => f === undefined)) return undefined;
  return Object.assign({}, ...upstream) as Record<string, string>;
}

/** Topic names of the run's connection, for topic fields; empty when the cluster is not reachable. */
function useTopics(): string[] {
  const client = useClient();
  const connection = useRunStore((s) => s.connection);
  const [topics, setTopics] = useState<string[]>([]);
  useEffect(() => {
    if (!client) return;
    let live = true;
    client.api.topics
      .list(connection)
      .then((list) => live && setTopics(list.map((t) => t.name).filter((n) => !n.startsWith('__'))))
      .catch(() => live && setTopics([]));
    return () => {
      live = false;
    };
  }, [client, connection]);
  return topics;
}

/** The right-hand panel: the selected node's settings, or the pipeline's when nothing is selected. */
export function Inspector() {
  const selected = useEditorStore((s) => s.selection.nodes);
  const nodeId = useEditorStore((s) =>
    s.selection.nodes.length === 1 && nodeIndex(s.spec).has(s.selection.nodes[0] as string)
      ? (s.selection.nodes[0] as string)
      : null,
  );
  return (
    <aside className="kf-inspector" aria-label="Inspector">
      {nodeId !== null ? (
        <SelectedNode key={nodeId} id={nodeId} />
      ) : selected.length > 1 ? (
        <MultiSelection count={selected.length} />
      ) : (
        <PipelineInspector />
      )}
    </aside>
  );
}

/**
 * The node's parts the inspector shows, each selected on its own: moving a node replaces the
 * node object but keeps these, so a drag does not re-render the form on every frame.
 */
function SelectedNode({ id }: { id: string }) {
  const kind = useEditorStore((s) => nodeIndex(s.spec).get(id)?.kind);
  const name = useEditorStore((s) => nodeIndex(s.spec).get(id)?.name);
  const config = useEditorStore((s) => nodeIndex(s.spec).get(id)?.config);
  const node = useMemo<SpecNode>(
    () => ({ id, kind: kind ?? '', config: config ?? {}, ...(name !== undefined ? { name } : {}) }),
    [id, kind, name, config],
  );
  return <NodeInspector node={node} />;
}

function MultiSelection({ count }: { count: number }) {
  return (
    <section>
      <h2>{count} nodes selected</h2>
      <div className="kf-inspector__actions">
        <button
          type="button"
          className="kf-button"
          onClick={() => useEditorStore.getState().duplicateSelection()}
        >
          Duplicate
        </button>
        <button
          type="button"
          className="kf-button"
          onClick={() => useEditorStore.getState().removeSelection()}
        >
          Delete
        </button>
      </div>
    </section>
  );
}

function PipelineInspector() {
  const name = useEditorStore((s) => s.spec.name);
  const description = useEditorStore((s) => s.spec.description);
  const connection = useEditorStore((s) => s.spec.connection);
  const nodes = useEditorStore((s) => s.spec.nodes.length);
  const edges = useEditorStore((s) => s.spec.edges.length);
  const ids = useId();
  const set = useEditorStore.getState().setPipelineField;
  return (
    <section>
      <h2>Pipeline</h2>
      <div className="kf-field">
        <label htmlFor={`${ids}-name`} className="kf-field__label">
          Pipeline name
        </label>
        <input
          id={`${ids}-name`}
          type="text"
          value={name ?? ''}
          onChange={(e) => set('name', e.target.value, { typing: true })}
        />
        <p className="kf-field__hint">lowercase letters, digits and hyphens; used in topic and group names</p>
      </div>
      <div className="kf-field">
        <label htmlFor={`${ids}-desc`} className="kf-field__label">
          Pipeline description
        </label>
        <textarea
          id={`${ids}-desc`}
          rows={3}
          value={description ?? ''}
          onChange={(e) => set('description', e.target.value, { typing: true })}
        />
      </div>
      <div className="kf-field">
        <label htmlFor={`${ids}-conn`} className="kf-field__label">
          Connection profile
        </label>
        <input
          id={`${ids}-conn`}
          type="text"
          value={connection ?? ''}
          onChange={(e) => set('connection', e.target.value, { typing: true })}
        />
        <p className="kf-field__hint">the name of a connection profile, never its secrets</p>
      </div>
      <p className="kf-muted">
        {nodes} node{nodes === 1 ? '' : 's'}, {edges} edge{edges === 1 ? '' : 's'}. Select a node to edit it.
      </p>
    </section>
  );
}

function NodeInspector({ node }: { node: SpecNode }) {
  const def = getNodeKind(node.kind);
  const ids = useId();
  const schema = configSchema(node.kind);
  // The edges and shapes decide the input fields; node moves change neither.
  const edges = useEditorStore((s) => s.spec.edges);
  const shapes = useEditorStore((s) => s.shapes);
  const problems = useEditorStore((s) => s.problems);
  const focus = useEditorStore((s) => s.focus);
  const topics = useTopics();
  const root = useRef<HTMLDivElement>(null);
  const [idText, setIdText] = useState(node.id);
  const [idError, setIdError] = useState<string | null>(null);

  const nodeProblems = useMemo(() => problems.filter((p) => p.nodeId === node.id), [problems, node.id]);
  const byField = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const p of nodeProblems) {
      const field = configFieldOf(p.path);
      if (field) map.set(field, [...(map.get(field) ?? []), p.message]);
    }
    return map;
  }, [nodeProblems]);
  const form = useMemo(
    () => ({
      nodeId: node.id,
      inputFields: inputFields(useEditorStore.getState().spec, shapes as never, node.id),
      topics,
    }),
    // `edges` stands for the wiring inputFields reads from the spec
    [node.id, edges, shapes, topics],
  );

  // Focus the field a problem points at (after the form has rendered it).
  useEffect(() => {
    if (!focus || focus.nodeId !== node.id || !focus.field) return;
    const t = setTimeout(() => focusField(root.current, focus.field as string), 0);
    return () => clearTimeout(t);
  }, [focus, node.id]);

  const commitId = () => {
    const why = useEditorStore.getState().changeNodeId(node.id, idText.trim());
    setIdError(why);
  };

  const required = new Set(schema?.required ?? []);
  const general = nodeProblems.filter((p) => !configFieldOf(p.path));
  return (
    <section ref={root}>
      <h2>
        {def?.title ?? node.kind} <span className="kf-muted kf-mono">{node.kind}</span>
      </h2>
      {def && <p className="kf-inspector__description">{def.description}</p>}
      <div className="kf-field">
        <label htmlFor={`${ids}-id`} className="kf-field__label">
          Node id
        </label>
        <input
          id={`${ids}-id`}
          type="text"
          value={idText}
          aria-invalid={idError !== null || undefined}
          onChange={(e) => setIdText(e.target.value)}
          onBlur={commitId}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitId();
          }}
        />
        {idError && (
          <span className="kf-field__error" role="alert">
            {idError}
          </span>
        )}
      </div>
      <div className="kf-field">
        <label htmlFor={`${ids}-name`} className="kf-field__label">
          Display name
        </label>
        <input
          id={`${ids}-name`}
          type="text"
          value={node.name ?? ''}
          placeholder={node.id}
          onChange={(e) => useEditorStore.getState().renameNode(node.id, e.target.value, { typing: true })}
        />
      </div>
      {general.length > 0 && <ProblemList problems={general} />}
      {schema ? (
        <FormContext.Provider value={form}>
          <FieldProblemsContext.Provider value={byField}>
            <div className="kf-inspector__form" role="group" aria-label="Settings">
              {orderedProperties(node.kind, schema).map((name) => (
                <SchemaField
                  key={name}
                  path={[name]}
                  schema={schema.properties?.[name] ?? {}}
                  value={node.config?.[name]}
                  required={required.has(name)}
                  problems={byField.get(name)}
                />
              ))}
            </div>
          </FieldProblemsContext.Provider>
        </FormContext.Provider>
      ) : (
        <p className="kf-field__error">Unknown node kind “{node.kind}”; edit it in the JSON view.</p>
      )}
    </section>
  );
}

function ProblemList({ problems }: { problems: Problem[] }) {
  return (
    <ul className="kf-inspector__problems">
      {problems.map((p, i) => (
        <li key={i} className={`kf-problem--${p.severity}`}>
          {p.message}
        </li>
      ))}
    </ul>
  );
}

/** Focuses the control for a config path, or the closest enclosing one (`a.b[0].c` → `a.b[0]` → `a.b` …). */
export function focusField(root: HTMLElement | null, field: string): boolean {
  if (!root) return false;
  let path = field;
  for (;;) {
    const el = root.querySelector<HTMLElement>(`[data-config-path="${CSS.escape(path)}"]`);
    if (el) {
      const target = el.matches('input, select, textarea, [contenteditable]')
        ? el
        : el.querySelector<HTMLElement>('input, select, textarea, [contenteditable]');
      (target ?? el).focus();
      (target ?? el).scrollIntoView?.({ block: 'nearest' });
      return true;
    }
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    if (cut <= 0) return false;
    path = path.slice(0, cut);
  }
}
