/**
 * @module server/files
 * The backend's own files in the app data dir: written atomically (temp file + rename) so a crash
 * never leaves half a file, readable by the owner only.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export async function writeFileAtomic(file: string, text: string, mode = 0o600): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.writeFile(tmp, text, { mode });
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/** The file's JSON, or `fallback` when it does not exist or does not parse (a corrupt cache is not fatal). */
export async function readJson<T>(file: string, fallback: T): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  } catch {
    return fallback;
  }
}
