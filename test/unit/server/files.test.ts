import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDrafts } from '../../../src/server/drafts';
import { EncryptedFileSecretStore, type Cipher } from '../../../src/server/secret-file';
import { MemorySecretStore, storeSecretResolver } from '../../../src/server/secrets';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kflow-files-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// A stand-in for safeStorage: reversible and visibly not the plain text.
const rot = (s: string) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a));
const cipher = (available = true): Cipher => ({
  available: () => available,
  encrypt: (plain) => rot(plain),
  decrypt: (c) => rot(c.toString('latin1')).toString('latin1'),
});

describe('drafts', () => {
  it('saves, loads and clears a draft, leaving no temp file', async () => {
    const d = createDrafts(join(dir, 'data', 'draft.json'));
    expect(await d.load()).toBeNull();
    await d.save('{"kflow":1}');
    await d.save('{"kflow":1,"name":"b"}');
    expect(await d.load()).toBe('{"kflow":1,"name":"b"}');
    expect(readdirSync(join(dir, 'data'))).toEqual(['draft.json']);
    expect(statSync(join(dir, 'data', 'draft.json')).mode & 0o777).toBe(0o600);
    await d.clear();
    expect(await d.load()).toBeNull();
    await d.clear();
  });

  it('refuses a draft that is not text', async () => {
    await expect(createDrafts(join(dir, 'd.json')).save({ not: 'text' })).rejects.toMatchObject({
      code: 'invalid',
    });
  });
});

describe('EncryptedFileSecretStore', () => {
  it('keeps only ciphertext on disk and reads it back', async () => {
    const file = join(dir, 'secrets.json');
    const store = new EncryptedFileSecretStore(file, cipher());
    await store.set('prod:password', 'hunter2');
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    expect(await new EncryptedFileSecretStore(file, cipher()).get('prod:password')).toBe('hunter2');
    await store.delete('prod:password');
    expect(await store.get('prod:password')).toBeUndefined();
  });

  it('keeps secrets in memory only when the OS has no keychain', async () => {
    const file = join(dir, 'secrets.json');
    const reasons: string[] = [];
    const store = new EncryptedFileSecretStore(file, cipher(false), (r) => reasons.push(r));
    await store.set('lab', 'pw');
    expect(await store.get('lab')).toBe('pw');
    expect(() => statSync(file)).toThrow();
    expect(reasons).toHaveLength(1);
  });
});

describe('storeSecretResolver', () => {
  it('prefers the store, then KFLOW_SECRET_<NAME>_<KEY>, then says what to set', async () => {
    const store = new MemorySecretStore();
    const resolve = storeSecretResolver(store, { KFLOW_SECRET_PROD_PASSWORD: 'from-env' });
    expect(await resolve({ secret: 'prod', key: 'password' })).toBe('from-env');
    await store.set('prod:password', 'from-store');
    expect(await resolve({ secret: 'prod', key: 'password' })).toBe('from-store');
    await expect(resolve({ secret: 'other' })).rejects.toThrow(
      /secret "other" is not set.*KFLOW_SECRET_OTHER=/,
    );
  });
});
