// The desktop app's side of export/import files: a picked local file becomes an upload (a copy
// the import takes over), and a finished export is found by its id for the native save dialog.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/api/index';
import { createTransferFiles, type TransferFiles } from '../../../src/server/transfer-jobs';

describe('transfer files (desktop uploads and saved exports)', () => {
  let files: TransferFiles | undefined;
  afterEach(async () => {
    await files?.close();
  });

  it('copies a picked file into an upload the import takes over, leaving the user file alone', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kflow-transfer-'));
    files = createTransferFiles(join(root, 'transfers'));
    const picked = join(root, 'orders.jsonl');
    writeFileSync(picked, '{"value":"a"}\n{"value":"b"}\n');
    const { uploadId } = await files.uploadFrom(picked);
    const taken = files.takeUpload(uploadId);
    expect(taken).not.toBeNull();
    expect(taken).not.toBe(picked);
    expect(readFileSync(taken!, 'utf8')).toBe('{"value":"a"}\n{"value":"b"}\n');
    // Taken once: a second take finds nothing.
    expect(files.takeUpload(uploadId)).toBeNull();
    expect(existsSync(picked)).toBe(true);
  });

  it('names a file that cannot be read', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kflow-transfer-'));
    files = createTransferFiles(join(root, 'transfers'));
    const missing = join(root, 'nope.jsonl');
    const err = await files.uploadFrom(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).toContain(missing);
    expect((err as Error).message).toContain('does not exist');
    // Nothing half-made is left behind.
    expect(readdirSync(join(root, 'transfers'))).toEqual([]);
  });

  it('finds an export by its id and nothing for an unknown or malformed id', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kflow-transfer-'));
    files = createTransferFiles(join(root, 'transfers'));
    const { fileId, file } = files.newExport('orders.jsonl');
    expect(files.exportFile(fileId)).toEqual({ file, name: 'orders.jsonl' });
    expect(files.exportFile('0'.repeat(32))).toBeNull();
    expect(files.exportFile('../../etc/passwd')).toBeNull();
  });
});
