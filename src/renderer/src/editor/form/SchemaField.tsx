import { createContext, lazy, Suspense, useContext, useEffect, useId, useState, type ReactNode } from 'react';
import { parseDuration, formatDuration } from '../../../../spec/duration';
import { formatPath } from '../../../../spec/problems';
import { useEditorStore, type ConfigPath } from '../../store/index';
import { isPlainObject, widgetFor, type JsonSchema } from './schema';

const ExpressionEditor = lazy(() => import('./ExpressionEditor'));

/** What every field of one node's form shares. */
export interface FormContextValue {
  nodeId: string;
  /** Fields of the records arriving at the node, for expression completion (undefined: unknown). */
  inputFields: Record<string, string> | undefined;
  /** Topic names of the connected cluster, for topic fields. */
  topics: string[];
}

export const FormContext = createContext<FormContextValue>({
  nodeId: '',
  inputFields: undefined,
  topics: [],
});

export interface SchemaFieldProps {
  path: ConfigPath;
  schema: JsonSchema;
  value: unknown;
  required?: boolean;
  /** Problems the validator reported at exactly this field. */
  problems?: string[];
}

/** The label of a field: its name at the top level, its full path below (`routes[0].where`). */
export function fieldLabel(path: ConfigPath): string {
  return path.length === 1 ? String(path[0]) : formatPath(path);
}

/**
 * Text as the user types it, committed as a value; re-read from the value only when the value
 * changes to something the text does not already mean (undo, the JSON view).
 */
function useDraft<T>(value: T, toText: (v: T) => string, same: (text: string, v: T) => boolean) {
  const [text, setText] = useState(() => toText(value));
  useEffect(() => {
    setText((t) => (same(t, value) ? t : toText(value)));
  }, [value]);
  return [text, setText] as const;
}

export function SchemaField({ path, schema, value, required, problems = [] }: SchemaFieldProps) {
  const ctx = useContext(FormContext);
  const id = useId();
  const label = fieldLabel(path);
  const configPath = formatPath(path);
  const widget = widgetFor(schema, value);
  const set = (v: unknown, typing = false) =>
    useEditorStore.getState().updateConfig(ctx.nodeId, path, v, { typing });
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const describedBy = [schema.description ? hintId : '', problems.length > 0 ? errId : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    'data-config-path': configPath,
    'aria-describedby': describedBy || undefined,
    'aria-invalid': problems.length > 0 || undefined,
  };
  const placeholder =
    schema.default !== undefined && typeof schema.default !== 'object'
      ? `default: ${String(schema.default)}`
      : undefined;

  let control: ReactNode;
  let extra: ReactNode = null;
  switch (widget) {
    case 'enum':
      control = (
        <select
          {...common}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => set(e.target.value || undefined)}
        >
          {(!required || value === undefined) && (
            <option value="">
              {schema.default !== undefined ? `(default: ${String(schema.default)})` : '(none)'}
            </option>
          )}
          {(schema.enum as string[]).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case 'boolean':
      control = (
        <input
          {...common}
          type="checkbox"
          checked={value === true || (value === undefined && schema.default === true)}
          onChange={(e) => set(e.target.checked)}
        />
      );
      break;
    case 'number':
      control = (
        <NumberInput common={common} value={value} placeholder={placeholder} onCommit={(v) => set(v, true)} />
      );
      break;
    case 'duration': {
      const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
      const parsed = text === '' ? null : parseDuration(text);
      control = (
        <input
          {...common}
          type="text"
          value={text}
          placeholder={placeholder ?? 'e.g. 30s, 5m, 1h'}
          aria-invalid={(parsed !== null && !parsed.ok) || problems.length > 0 || undefined}
          onChange={(e) => set(e.target.value === '' ? undefined : e.target.value, true)}
        />
      );
      extra =
        parsed === null ? null : parsed.ok ? (
          <span className="kf-field__parsed">
            = {formatDuration(parsed.ms)} ({parsed.ms.toLocaleString('en-US')} ms)
          </span>
        ) : (
          <span className="kf-field__error" role="alert">
            {parsed.message}
          </span>
        );
      break;
    }
    case 'topic': {
      const listId = `${id}-topics`;
      control = (
        <>
          <input
            {...common}
            type="text"
            list={listId}
            value={typeof value === 'string' ? value : ''}
            placeholder={placeholder}
            onChange={(e) => set(e.target.value === '' ? undefined : e.target.value, true)}
          />
          <datalist id={listId}>
            {ctx.topics.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </>
      );
      break;
    }
    case 'expression': {
      const fallback = (
        <input
          {...common}
          type="text"
          className="kf-mono"
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => set(e.target.value === '' ? undefined : e.target.value, true)}
        />
      );
      control = (
        <Suspense fallback={fallback}>
          <ExpressionEditor
            id={id}
            label={label}
            configPath={configPath}
            value={typeof value === 'string' ? value : ''}
            fields={ctx.inputFields}
            kind={schema['x-kflow-expression'] ?? 'value'}
            describedBy={describedBy || undefined}
            onChange={(v) => set(v === '' ? undefined : v, true)}
          />
        </Suspense>
      );
      break;
    }
    case 'string':
      control = (
        <input
          {...common}
          type="text"
          value={typeof value === 'string' ? value : ''}
          placeholder={placeholder}
          onChange={(e) => set(e.target.value === '' ? undefined : e.target.value, true)}
        />
      );
      break;
    case 'string-list':
      control = <StringList common={common} value={value} onCommit={(v) => set(v, true)} />;
      break;
    case 'object':
      return (
        <fieldset className="kf-field kf-field--group" data-config-path={configPath}>
          <legend>{label}</legend>
          {schema.description && <p className="kf-field__hint">{schema.description}</p>}
          <Problems id={errId} problems={problems} />
          <ObjectFields path={path} schema={schema} value={isPlainObject(value) ? value : {}} />
        </fieldset>
      );
    case 'object-list':
      return (
        <ObjectList
          path={path}
          schema={schema}
          value={Array.isArray(value) ? value : []}
          label={label}
          problems={problems}
        />
      );
    case 'string-map':
      return (
        <StringMap
          path={path}
          schema={schema}
          value={isPlainObject(value) ? (value as Record<string, unknown>) : {}}
          label={label}
          problems={problems}
        />
      );
    default:
      control = <JsonInput common={common} value={value} onCommit={(v) => set(v)} />;
  }
  return (
    <div className={`kf-field kf-field--${widget}`}>
      <label htmlFor={id} className="kf-field__label">
        {label}
        {required && (
          <span className="kf-field__required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      {control}
      {extra}
      {schema.description && (
        <p id={hintId} className="kf-field__hint">
          {schema.description}
        </p>
      )}
      <Problems id={errId} problems={problems} />
    </div>
  );
}

function Problems({ id, problems }: { id: string; problems: string[] }) {
  if (problems.length === 0) return null;
  return (
    <ul id={id} className="kf-field__problems">
      {problems.map((p, i) => (
        <li key={i}>{p}</li>
      ))}
    </ul>
  );
}

type Common = Record<string, unknown> & { id: string };

function NumberInput({
  common,
  value,
  placeholder,
  onCommit,
}: {
  common: Common;
  value: unknown;
  placeholder: string | undefined;
  onCommit: (v: unknown) => void;
}) {
  const [text, setText] = useDraft(
    value,
    (v) => (typeof v === 'number' ? String(v) : v === undefined ? '' : JSON.stringify(v)),
    (t, v) => (t.trim() === '' ? v === undefined : Number(t) === v),
  );
  return (
    <input
      {...common}
      type="text"
      inputMode="decimal"
      value={text}
      placeholder={placeholder}
      onChange={(e) => {
        setText(e.target.value);
        const t = e.target.value.trim();
        if (t === '') onCommit(undefined);
        else if (Number.isFinite(Number(t))) onCommit(Number(t));
      }}
    />
  );
}

function StringList({
  common,
  value,
  onCommit,
}: {
  common: Common;
  value: unknown;
  onCommit: (v: unknown) => void;
}) {
  const lines = (t: string) =>
    t
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
  const [text, setText] = useDraft(
    value,
    (v) => (Array.isArray(v) ? v.join('\n') : ''),
    (t, v) => JSON.stringify(lines(t)) === JSON.stringify(Array.isArray(v) ? v : []),
  );
  return (
    <textarea
      {...common}
      rows={3}
      value={text}
      placeholder="one per line"
      onChange={(e) => {
        setText(e.target.value);
        const list = lines(e.target.value);
        onCommit(list.length === 0 ? undefined : list);
      }}
    />
  );
}

/** Any value as JSON text; committed when it parses, otherwise the parse error shows. */
function JsonInput({
  common,
  value,
  onCommit,
}: {
  common: Common;
  value: unknown;
  onCommit: (v: unknown) => void;
}) {
  const [text, setText] = useDraft(
    value,
    (v) => (v === undefined ? '' : JSON.stringify(v, null, 2)),
    (t, v) => {
      try {
        return JSON.stringify(t.trim() === '' ? undefined : JSON.parse(t)) === JSON.stringify(v);
      } catch {
        return false;
      }
    },
  );
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <textarea
        {...common}
        className="kf-mono"
        rows={Math.min(10, Math.max(2, text.split('\n').length))}
        value={text}
        aria-invalid={error !== null || undefined}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setError(null);
            onCommit(undefined);
            return;
          }
          try {
            const parsed = JSON.parse(e.target.value) as unknown;
            setError(null);
            onCommit(parsed);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          }
        }}
      />
      {error && (
        <span className="kf-field__error" role="alert">
          not JSON yet: {error}
        </span>
      )}
    </>
  );
}

export function ObjectFields({
  path,
  schema,
  value,
}: {
  path: ConfigPath;
  schema: JsonSchema;
  value: Record<string, unknown>;
}) {
  const problems = useFieldProblems();
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, s]) => {
        const p = [...path, name];
        return (
          <SchemaField
            key={name}
            path={p}
            schema={s}
            value={value[name]}
            required={required.has(name)}
            problems={problems.get(formatPath(p))}
          />
        );
      })}
    </>
  );
}

function ObjectList({
  path,
  schema,
  value,
  label,
  problems,
}: {
  path: ConfigPath;
  schema: JsonSchema;
  value: unknown[];
  label: string;
  problems: string[];
}) {
  const ctx = useContext(FormContext);
  const item = schema.items as JsonSchema;
  const set = (v: unknown) => useEditorStore.getState().updateConfig(ctx.nodeId, path, v);
  return (
    <fieldset className="kf-field kf-field--group" data-config-path={formatPath(path)}>
      <legend>{label}</legend>
      {schema.description && <p className="kf-field__hint">{schema.description}</p>}
      <Problems id={`${formatPath(path)}-problems`} problems={problems} />
      {value.map((v, i) => (
        <div key={i} className="kf-field__item">
          <ObjectFields path={[...path, i]} schema={item} value={isPlainObject(v) ? v : {}} />
          <button
            type="button"
            className="kf-button kf-button--small"
            aria-label={`Remove ${formatPath([...path, i])}`}
            onClick={() => set(value.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="kf-button kf-button--small"
        aria-label={`Add to ${label}`}
        onClick={() => set([...value, {}])}
      >
        Add
      </button>
    </fieldset>
  );
}

/** `{ name: text }` maps (map's `set`, aggregates, field types) as rows of name and value. */
function StringMap({
  path,
  schema,
  value,
  label,
  problems,
}: {
  path: ConfigPath;
  schema: JsonSchema;
  value: Record<string, unknown>;
  label: string;
  problems: string[];
}) {
  const ctx = useContext(FormContext);
  const valueSchema = (
    typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {}
  ) as JsonSchema;
  const [newName, setNewName] = useState('');
  const set = (v: unknown) => useEditorStore.getState().updateConfig(ctx.nodeId, path, v);
  const entries = Object.entries(value);
  const addId = useId();
  const renameKey = (from: string, to: string) => {
    if (!to || to === from || to in value) return;
    set(Object.fromEntries(entries.map(([k, v]) => (k === from ? [to, v] : [k, v]))));
  };
  const fieldProblems = useFieldProblems();
  return (
    <fieldset className="kf-field kf-field--group" data-config-path={formatPath(path)}>
      <legend>{label}</legend>
      {schema.description && <p className="kf-field__hint">{schema.description}</p>}
      <Problems id={`${formatPath(path)}-problems`} problems={problems} />
      {entries.map(([k, v]) => (
        <div key={k} className="kf-field__row">
          <KeyName label={`${label} name ${k}`} name={k} onRename={(to) => renameKey(k, to)} />
          <SchemaField
            path={[...path, k]}
            schema={{
              ...valueSchema,
              ...(schema['x-kflow-widget'] === 'aggregates' || schema['x-kflow-widget'] === 'assignments'
                ? {
                    'x-kflow-widget': 'expression',
                    'x-kflow-expression': schema['x-kflow-widget'] === 'aggregates' ? 'aggregate' : 'value',
                  }
                : {}),
            }}
            value={v}
            problems={fieldProblems.get(formatPath([...path, k]))}
          />
          <button
            type="button"
            className="kf-button kf-button--small"
            aria-label={`Remove ${formatPath([...path, k])}`}
            onClick={() => set(Object.fromEntries(entries.filter(([key]) => key !== k)))}
          >
            ×
          </button>
        </div>
      ))}
      <div className="kf-field__row">
        <label htmlFor={addId} className="kf-visually-hidden">
          New name in {label}
        </label>
        <input
          id={addId}
          type="text"
          placeholder="new name"
          value={newName}
          onChange={(e) => setNewName(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && newName.trim() && !(newName.trim() in value)) {
              set({ ...value, [newName.trim()]: valueSchema.enum?.[0] ?? '' });
              setNewName('');
            }
          }}
        />
        <button
          type="button"
          className="kf-button kf-button--small"
          aria-label={`Add to ${label}`}
          disabled={!newName.trim() || newName.trim() in value}
          onClick={() => {
            set({ ...value, [newName.trim()]: valueSchema.enum?.[0] ?? '' });
            setNewName('');
          }}
        >
          Add
        </button>
      </div>
    </fieldset>
  );
}

function KeyName({ label, name, onRename }: { label: string; name: string; onRename: (to: string) => void }) {
  const [text, setText] = useState(name);
  useEffect(() => setText(name), [name]);
  return (
    <input
      type="text"
      aria-label={label}
      className="kf-field__key"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => onRename(text.trim())}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onRename(text.trim());
      }}
    />
  );
}

/** Problems of the current node by config path (`routes[0].where`), from the editor store. */
export const FieldProblemsContext = createContext<Map<string, string[]>>(new Map());

function useFieldProblems(): Map<string, string[]> {
  return useContext(FieldProblemsContext);
}
