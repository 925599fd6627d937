/**
 * @module server/secret-file
 * The desktop app's `SecretStore`: secret values encrypted with the OS keychain (Electron's
 * safeStorage, passed in as a `Cipher` so this runs and is tested without Electron) and kept in
 * one file in the app data dir, as base64 ciphertext per secret name. When the OS offers no real
 * encryption (Linux without a keyring), values stay in memory for the session instead of being
 * written in the clear.
 */
import { z } from 'zod';
import { readJson, writeFileAtomic } from './files';
import type { SecretStore } from './secrets';

export interface Cipher {
  /** False when only an obfuscating fallback exists (no keychain). */
  available(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(cipher: Buffer): string;
}

const fileSchema = z.record(z.string(), z.string());

export class EncryptedFileSecretStore implements SecretStore {
  private readonly session = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly cipher: Cipher,
    private readonly onFallback: (reason: string) => void = () => {},
  ) {}

  private async readAll(): Promise<Record<string, string>> {
    const r = fileSchema.safeParse(await readJson(this.file, {}));
    return r.success ? r.data : {};
  }

  async get(name: string): Promise<string | undefined> {
    const inSession = this.session.get(name);
    if (inSession !== undefined) return inSession;
    const stored = (await this.readAll())[name];
    if (stored === undefined || !this.cipher.available()) return undefined;
    try {
      return this.cipher.decrypt(Buffer.from(stored, 'base64'));
    } catch {
      // Encrypted under another OS account or keychain: as good as unset.
      return undefined;
    }
  }

  async set(name: string, value: string): Promise<void> {
    if (!this.cipher.available()) {
      this.onFallback('the OS keychain is not available; the secret is kept until kflow quits');
      this.session.set(name, value);
      return;
    }
    const all = await this.readAll();
    all[name] = this.cipher.encrypt(value).toString('base64');
    await writeFileAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }

  async delete(name: string): Promise<void> {
    this.session.delete(name);
    const all = await this.readAll();
    if (!(name in all)) return;
    delete all[name];
    await writeFileAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }
}
