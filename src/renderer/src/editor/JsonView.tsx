/**
 * The spec as JSON next to the canvas. Canvas edits replace the text; valid JSON typed here
 * replaces the spec (one undo step per pause in typing); invalid JSON shows where it breaks and
 * leaves the canvas as it was. Loaded lazily with CodeMirror.
 */
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { bracketMatching, foldGutter, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { useEffect, useRef, useState } from 'react';
import { preferConstructableStyles } from './codemirror-csp';
import { parseSpecText } from '../../../spec/parse';
import { looksLikeSpec, serializeSpec, useEditorStore } from '../store/index';

/** How long typing pauses before the text is applied to the canvas. */
export const JSON_APPLY_MS = 300;

/**
 * Where JSON text first breaks, as line and column. JSON.parse names a position for only some
 * mistakes, so the position comes from a tolerant parser that reports every error's offset.
 */
export function jsonError(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch {
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    if (!first) return 'not valid JSON';
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - before.lastIndexOf('\n');
    const what = printParseErrorCode(first.error)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    return `not valid JSON: ${what} at line ${line}, column ${column}`;
  }
}

/** Applies JSON text to the store; returns the reason it was not applied, or null. */
export function applyJsonText(text: string): string | null {
  const broken = jsonError(text);
  if (broken) return broken;
  const parsed = parseSpecText(text);
  if (!parsed.ok) return parsed.problems[0]?.message ?? 'not valid JSON';
  if (!looksLikeSpec(parsed.value))
    return 'valid JSON, but not a pipeline: it needs "nodes" (with id and kind) and "edges" (with from and to)';
  const store = useEditorStore.getState();
  if (serializeSpec(parsed.value) !== serializeSpec(store.spec)) store.replaceSpec(parsed.value);
  return null;
}

export default function JsonView() {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const applying = useRef(false);

  useEffect(() => {
    if (!host.current) return;
    preferConstructableStyles();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: serializeSpec(useEditorStore.getState().spec),
        extensions: [
          lineNumbers(),
          foldGutter(),
          history(),
          bracketMatching(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          json(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          EditorView.contentAttributes.of({ 'aria-label': 'Pipeline JSON' }),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged || applying.current) return;
            if (timer) clearTimeout(timer);
            timer = setTimeout(() => {
              timer = null;
              applying.current = true;
              try {
                setError(applyJsonText(u.state.doc.toString()));
              } finally {
                applying.current = false;
              }
            }, JSON_APPLY_MS);
          }),
        ],
      }),
    });
    view.current = v;
    // Follow the canvas: replace the text when the spec changes to something it does not say.
    const unsubscribe = useEditorStore.subscribe((s, prev) => {
      if (s.spec === prev.spec || applying.current) return;
      const text = serializeSpec(s.spec);
      const current = v.state.doc.toString();
      if (current === text) return;
      applying.current = true;
      try {
        v.dispatch({ changes: { from: 0, to: current.length, insert: text } });
      } finally {
        applying.current = false;
      }
      setError(null);
    });
    return () => {
      if (timer) clearTimeout(timer);
      unsubscribe();
      v.destroy();
      view.current = null;
    };
  }, []);

  return (
    <section className="kf-json" aria-label="JSON view">
      <div ref={host} className="kf-json__editor" />
      <p className={error ? 'kf-json__status kf-field__error' : 'kf-json__status kf-muted'} role="status">
        {error ? `Not applied: ${error}` : 'In sync with the canvas.'}
      </p>
    </section>
  );
}
