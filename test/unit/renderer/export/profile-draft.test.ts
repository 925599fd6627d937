import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../../../src/export/profile';
import {
  EXAMPLE_PROFILE,
  PROFILE_STORAGE_KEY,
  loadProfileDraft,
  saveProfileDraft,
} from '../../../../src/renderer/src/export/profile-draft';

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

describe('profile draft', () => {
  it('starts from an example the exporter accepts', () => {
    expect(profileSchema.safeParse(JSON.parse(EXAMPLE_PROFILE)).success).toBe(true);
    expect(loadProfileDraft(memoryStorage())).toBe(EXAMPLE_PROFILE);
  });

  it('keeps a secret-free draft and refuses to keep one with a literal secret', () => {
    const s = memoryStorage();
    expect(saveProfileDraft(s, '{"name":"prod"}')).toEqual([]);
    expect(loadProfileDraft(s)).toBe('{"name":"prod"}');
    const found = saveProfileDraft(s, '{"name":"prod","engine":{"dbPassword":"hunter2"}}');
    expect(found.map((p) => p.path)).toEqual(['engine.dbPassword']);
    expect(s.getItem(PROFILE_STORAGE_KEY)).toBeNull();
    expect(saveProfileDraft(s, '{"note":"AKIAABCDEFGHIJKLMNOP"}')).toHaveLength(1);
    expect(s.getItem(PROFILE_STORAGE_KEY)).toBeNull();
  });

  it('keeps text that is not JSON yet (a draft being typed)', () => {
    const s = memoryStorage();
    expect(saveProfileDraft(s, '{"name": ')).toEqual([]);
    expect(loadProfileDraft(s)).toBe('{"name": ');
  });
});
