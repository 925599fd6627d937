/**
 * A one-line CodeMirror editor for kflow expressions: highlighting from the expression lexer
 * (`src/expr` tokenize), completion of the input's field names and of the functions, and the
 * checker's errors underlined where they are. Loaded lazily (CodeMirror is not needed for the
 * first paint).
 */
import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { linter, type Diagnostic } from '@codemirror/lint';
import { EditorState, RangeSetBuilder } from '@codemirror/state';
import {
  Decoration,
  EditorView,
  keymap,
  ViewPlugin,
  type DecorationSet,
  type ViewUpdate,
} from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { preferConstructableStyles } from '../codemirror-csp';
import {
  analyzeExpression,
  FUNCTIONS,
  PSEUDO_FIELD_TYPES,
  tokenize,
  type ExprType,
} from '../../../../expr/index';

export interface ExpressionEditorProps {
  id: string;
  label: string;
  configPath: string;
  value: string;
  /** Fields of the input records; undefined when not known. */
  fields: Record<string, string> | undefined;
  kind: 'predicate' | 'value' | 'aggregate';
  describedBy?: string | undefined;
  onChange(value: string): void;
}

const MARKS = {
  keyword: Decoration.mark({ class: 'kf-tok-keyword' }),
  identifier: Decoration.mark({ class: 'kf-tok-field' }),
  function: Decoration.mark({ class: 'kf-tok-function' }),
  number: Decoration.mark({ class: 'kf-tok-number' }),
  string: Decoration.mark({ class: 'kf-tok-string' }),
  operator: Decoration.mark({ class: 'kf-tok-operator' }),
  punctuation: Decoration.mark({ class: 'kf-tok-punct' }),
  error: Decoration.mark({ class: 'kf-tok-error' }),
} as const;

function highlight(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  const text = view.state.doc.toString();
  for (const t of tokenize(text)) if (t.end > t.start) builder.add(t.start, t.end, MARKS[t.kind]);
  return builder.finish();
}

const highlighter = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = highlight(view);
    }
    update(u: ViewUpdate) {
      if (u.docChanged) this.decorations = highlight(u.view);
    }
  },
  { decorations: (v) => v.decorations },
);

/** Completions: field names of the input (and the pseudo fields), then functions. */
export function completions(fields: Record<string, string> | undefined, aggregates: boolean) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const word = ctx.matchBefore(/[A-Za-z_][A-Za-z0-9_.]*/);
    if (!word && !ctx.explicit) return null;
    const options = [
      ...Object.entries(fields ?? {}).map(([name, type]) => ({
        label: name,
        type: 'variable',
        detail: type,
      })),
      ...Object.entries(PSEUDO_FIELD_TYPES).map(([name, type]) => ({
        label: name,
        type: 'variable',
        detail: type,
      })),
      ...FUNCTIONS.filter((f) => aggregates || !f.aggregate).map((f) => ({
        label: f.name,
        type: 'function',
        detail: f.signature,
        info: f.description,
        apply: `${f.name}(`,
      })),
    ];
    return { from: word ? word.from : ctx.pos, options, validFor: /^[A-Za-z0-9_.]*$/ };
  };
}

export function diagnostics(
  text: string,
  fields: Record<string, string> | undefined,
  kind: ExpressionEditorProps['kind'],
): Diagnostic[] {
  if (text.trim() === '') return [];
  const result = analyzeExpression(text, {
    fields: fields as Record<string, ExprType> | undefined,
    allowAggregates: kind === 'aggregate',
    ...(kind === 'predicate' ? { expect: 'boolean' as const } : {}),
  });
  return result.errors.map((e) => ({
    from: Math.min(e.start, text.length),
    to: Math.min(Math.max(e.end, e.start + 1), text.length),
    severity: 'error',
    message: e.message,
  }));
}

export default function ExpressionEditor(props: ExpressionEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    if (!host.current) return;
    preferConstructableStyles();
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: latest.current.value,
        extensions: [
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          // One line: Enter does not insert a newline (the config value is a single expression).
          EditorState.transactionFilter.of((tr) => (tr.newDoc.lines > 1 ? [] : tr)),
          highlighter,
          autocompletion({
            override: [completions(latest.current.fields, latest.current.kind === 'aggregate')],
          }),
          linter((ev) => diagnostics(ev.state.doc.toString(), latest.current.fields, latest.current.kind), {
            delay: 200,
          }),
          EditorView.contentAttributes.of({
            'aria-label': latest.current.label,
            id: latest.current.id,
            'data-config-path': latest.current.configPath,
            ...(latest.current.describedBy ? { 'aria-describedby': latest.current.describedBy } : {}),
          }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  // Follow outside changes (undo, the JSON view) without disturbing typing.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const current = v.state.doc.toString();
    if (current !== props.value)
      v.dispatch({ changes: { from: 0, to: current.length, insert: props.value } });
  }, [props.value]);

  return <div ref={host} className="kf-expr" />;
}
