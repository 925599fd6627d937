import { describe, expect, it } from 'vitest';
import { compileTemplate, TemplateError } from '../../../src/inspector/template';

const ctx = (seq: number, random = 0) => ({
  seq,
  now: Date.UTC(2026, 10, 26, 12, 0, 0),
  random: () => random,
  uuid: () => 'u-1',
});

describe('record templates', () => {
  it('fills sequence, uuid, time and leaves the rest as written', () => {
    const t = compileTemplate('{"n":{{seq}},"id":"{{uuid}}","t":{{now}},"at":"{{iso}}"}');
    expect(t(ctx(7))).toBe('{"n":7,"id":"u-1","t":1795694400000,"at":"2026-11-26T12:00:00.000Z"}');
  });

  it('picks a choice and an integer from the random number', () => {
    const t = compileTemplate('{{choice:a|b|c}}-{{int:1-10}}');
    expect(t(ctx(1, 0))).toBe('a-1');
    expect(t(ctx(1, 0.5))).toBe('b-6');
    expect(t(ctx(1, 0.99))).toBe('c-10');
  });

  it('names the field and column of a bad generator', () => {
    expect(() => compileTemplate('ab{{nope}}', 'value')).toThrow(TemplateError);
    expect(() => compileTemplate('ab{{nope}}', 'value')).toThrow('value, column 3: unknown field {{nope}}');
    expect(() => compileTemplate('{{int:9-1}}')).toThrow('LOW ≤ HIGH');
    expect(() => compileTemplate('{{choice:}}')).toThrow('needs values');
  });

  it('has no fields in plain text', () => {
    expect(compileTemplate('plain { text }')(ctx(1))).toBe('plain { text }');
  });
});
