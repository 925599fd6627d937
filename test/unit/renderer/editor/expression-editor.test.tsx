// @vitest-environment happy-dom
import '../../../support/flow-dom';
import { CompletionContext } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import ExpressionEditor, {
  completions,
  diagnostics,
} from '../../../../src/renderer/src/editor/form/ExpressionEditor';

afterEach(() => cleanup());

function complete(text: string, fields: Record<string, string> | undefined, aggregates = false) {
  const state = EditorState.create({ doc: text });
  const result = completions(fields, aggregates)(new CompletionContext(state, text.length, false));
  return result ? { from: result.from, labels: result.options.map((o) => o.label) } : null;
}

describe('expression completion', () => {
  it('offers the input’s fields, the pseudo fields and the scalar functions', () => {
    const result = complete('amo', { amount: 'number', country: 'string' });
    expect(result?.from).toBe(0);
    expect(result?.labels.slice(0, 3)).toEqual(['amount', 'country', '_key']);
    expect(result?.labels).toContain('lower');
    expect(result?.labels).not.toContain('sum');
  });

  it('offers aggregate functions where aggregates are allowed', () => {
    expect(complete('su', undefined, true)?.labels).toContain('sum');
  });

  it('starts at the word under the cursor', () => {
    expect(complete('amount > ab', {})?.from).toBe(9);
  });
});

describe('expression diagnostics', () => {
  it('underlines an unknown field where it is', () => {
    const d = diagnostics('amout > 1', { amount: 'number' }, 'predicate');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ from: 0, to: 5, severity: 'error' });
    expect(d[0]?.message).toMatch(/amout/);
  });

  it('wants a condition where a predicate is expected', () => {
    expect(diagnostics("concat('a', 'b')", undefined, 'predicate')).toHaveLength(1);
    expect(diagnostics("concat('a', 'b')", undefined, 'value')).toEqual([]);
  });

  it('says nothing about an empty expression', () => {
    expect(diagnostics('  ', undefined, 'predicate')).toEqual([]);
  });
});

describe('ExpressionEditor', () => {
  it('is a labelled text box carrying the config path', () => {
    render(
      <ExpressionEditor
        id="x"
        label="where"
        configPath="where"
        value="amount > 1"
        fields={undefined}
        kind="predicate"
        onChange={() => {}}
      />,
    );
    const box = screen.getByRole('textbox', { name: 'where' });
    expect(box.getAttribute('data-config-path')).toBe('where');
    expect(box.textContent).toBe('amount > 1');
  });
});
