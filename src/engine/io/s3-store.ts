/**
 * @module engine/io/s3-store
 * Where sink.s3 puts its objects: a local directory mirroring the bucket (the
 * default for local runs) or S3 itself through PutObject.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface ObjectStore {
  /** Writes (or replaces) the whole object. */
  put(key: string, body: string): Promise<void>;
  /** Where objects go, for logs. */
  readonly location: string;
  /**
   * One past the last offset already stored for a topic-partition under
   * `folder`, from its file with the highest start offset (files of one
   * partition hold disjoint offset ranges). Lets the synthetic offsets of
   * window output continue after an earlier run instead of overwriting it.
   */
  nextOffset?(folder: string, topic: string, partition: number): Promise<number>;
}

export class LocalDirStore implements ObjectStore {
  constructor(readonly location: string) {}

  async put(key: string, body: string): Promise<void> {
    const path = join(this.location, ...key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    // Replace atomically: a reader (or a crash) never sees half an object.
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, path);
  }

  async nextOffset(folder: string, topic: string, partition: number): Promise<number> {
    const root = join(this.location, ...folder.split('/'));
    const name = new RegExp(`^${escapeRegExp(`${topic}+${partition}+`)}(\\d+)\\.json$`);
    let best: { start: number; path: string } | undefined;
    let entries: string[];
    try {
      entries = await readdir(root, { recursive: true });
    } catch {
      return 0;
    }
    for (const rel of entries) {
      const m = name.exec(rel.split(sep).pop() ?? '');
      if (!m) continue;
      const start = Number(m[1]);
      if (!best || start > best.start) best = { start, path: join(root, rel) };
    }
    if (!best) return 0;
    const text = await readFile(best.path, 'utf8');
    return best.start + text.split('\n').filter((l) => l !== '').length;
  }
}

export class S3Store implements ObjectStore {
  readonly location: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {
    this.location = `s3://${bucket}`;
  }

  async put(key: string, body: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
