/**
 * @module server/drafts
 * Unsaved work kept for recovery after a crash: one file in the app data dir, written atomically
 * on every `saveDraft`, read back by `loadDraft` at the next start, removed by `clearDraft` (the
 * page calls it after a save, or when the user discards the draft).
 */
import fs from 'node:fs/promises';
import { ApiError } from '../api/index';
import { writeFileAtomic } from './files';

export const MAX_DRAFT_BYTES = 16 * 1024 * 1024;

export interface Drafts {
  save(text: unknown): Promise<void>;
  load(): Promise<string | null>;
  clear(): Promise<void>;
}

export function createDrafts(file: string): Drafts {
  return {
    async save(text) {
      if (typeof text !== 'string') throw new ApiError('invalid', 'saveDraft: the draft must be text');
      if (Buffer.byteLength(text) > MAX_DRAFT_BYTES)
        throw new ApiError('invalid', `saveDraft: a draft is at most ${MAX_DRAFT_BYTES} bytes`);
      await writeFileAtomic(file, text);
    },
    async load() {
      try {
        return await fs.readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async clear() {
      await fs.rm(file, { force: true });
    },
  };
}
