/**
 * @module server/pipelines
 * Spec files: create, open, save, validate, the shipped examples and the recent-files list.
 * Saving writes pretty-printed JSON (2 spaces, trailing newline) atomically and refuses a spec
 * with a literal secret in it, so a password never lands in a file meant for git.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import {
  ApiError,
  type ExampleInfo,
  type PipelinesApi,
  type RecentFile,
  type SpecDocument,
} from '../api/index';
import { SPEC_VERSION, validateSpec, validateSpecText, type PipelineSpec, type Problem } from '../spec/index';
import { findLiteralSecrets } from '../spec/semantics';
import { readJson, writeFileAtomic } from './files';

/** Same bound as the validator's: a bigger file is refused before it is read. */
const MAX_SPEC_BYTES = 8 * 1024 * 1024;
const MAX_RECENT = 10;

export interface PipelinesOptions {
  /** `<dataDir>/recent.json`. */
  recentFile: string;
  /** The folder of the shipped examples (`resources/examples`). */
  examplesDir: string;
  now?: () => number;
}

const recentSchema = z.array(z.object({ path: z.string(), name: z.string(), openedAt: z.number() }));

export function specText(spec: PipelineSpec): string {
  return `${JSON.stringify(spec, null, 2)}\n`;
}

export function documentOf(filePath: string | null, text: string): SpecDocument {
  const r = validateSpecText(text);
  return { path: filePath, text, spec: r.spec ?? null, problems: r.problems };
}

/** Literal secrets anywhere in the spec, as problems with their paths. */
export function secretProblems(spec: unknown): Problem[] {
  const problems: Problem[] = [];
  findLiteralSecrets(spec, '', null, problems);
  return problems;
}

export function createPipelines(opts: PipelinesOptions): PipelinesApi {
  const now = opts.now ?? Date.now;

  async function readRecent(): Promise<RecentFile[]> {
    const r = recentSchema.safeParse(await readJson(opts.recentFile, []));
    return r.success ? r.data : [];
  }

  async function remember(filePath: string, spec: PipelineSpec | null): Promise<void> {
    const rest = (await readRecent()).filter((f) => f.path !== filePath);
    const entry: RecentFile = {
      path: filePath,
      name: spec?.name ?? path.basename(filePath),
      openedAt: now(),
    };
    await writeFileAtomic(
      opts.recentFile,
      `${JSON.stringify([entry, ...rest].slice(0, MAX_RECENT), null, 2)}\n`,
    );
  }

  async function examples(): Promise<(ExampleInfo & { file: string })[]> {
    const names = (await fs.readdir(opts.examplesDir)).filter((n) => n.endsWith('.json')).sort();
    const out: (ExampleInfo & { file: string })[] = [];
    for (const n of names) {
      const file = path.join(opts.examplesDir, n);
      const r = validateSpecText(await fs.readFile(file));
      out.push({
        id: n.slice(0, -'.json'.length),
        name: r.spec?.name ?? n,
        description: r.spec?.description ?? '',
        nodeCount: r.spec?.nodes.length ?? 0,
        file,
      });
    }
    return out;
  }

  return {
    async create(name) {
      const spec: PipelineSpec = {
        kflow: SPEC_VERSION,
        name: name ?? 'untitled-pipeline',
        nodes: [],
        edges: [],
      };
      return documentOf(null, specText(spec));
    },

    async open(filePath) {
      const file = absolute(filePath, 'pipelines.open');
      // Only spec files: the page has no business reading ~/.ssh through this call.
      if (!file.endsWith('.json'))
        throw new ApiError('invalid', `pipelines.open: ${file}: a spec file name ends in .json`);
      const stat = await fs.stat(file);
      if (!stat.isFile()) throw new ApiError('invalid', `pipelines.open: ${file} is not a file`);
      if (stat.size > MAX_SPEC_BYTES)
        throw new ApiError(
          'invalid',
          `pipelines.open: ${file} is ${stat.size} bytes; a spec is at most 8 MB`,
        );
      const bytes = await fs.readFile(file);
      const doc = documentOf(file, bytes.toString('utf8'));
      await remember(file, doc.spec);
      return doc;
    },

    async save(filePath, spec) {
      const file = absolute(filePath, 'pipelines.save');
      // Only spec files: the page must not be able to overwrite ~/.bashrc through this call.
      if (!file.endsWith('.json'))
        throw new ApiError('invalid', `pipelines.save: ${file}: a spec file name ends in .json`);
      const secrets = secretProblems(spec);
      if (secrets.length > 0)
        throw new ApiError(
          'invalid',
          `pipelines.save: not saved, the spec holds ${secrets.length} literal secret(s) (${secrets
            .map((p) => p.path || '(root)')
            .join(', ')}); use a secret reference such as { "secret": "my-db", "key": "password" }`,
          secrets,
        );
      const text = specText(spec);
      await writeFileAtomic(file, text, 0o644);
      const doc = documentOf(file, text);
      await remember(file, doc.spec);
      return doc;
    },

    async validate(specOrText) {
      if (typeof specOrText === 'string') return documentOf(null, specOrText);
      const r = validateSpec(specOrText);
      return { path: null, text: specText(specOrText), spec: r.spec ?? null, problems: r.problems };
    },

    async examples() {
      return (await examples()).map(({ file: _file, ...info }) => info);
    },

    async openExample(id) {
      const found = (await examples()).find((e) => e.id === id);
      if (!found) throw new ApiError('not-found', `pipelines.openExample: no example "${id}"`);
      // path null: saving an example asks where, instead of overwriting the shipped file.
      return documentOf(null, await fs.readFile(found.file, 'utf8'));
    },

    recent: readRecent,
  };
}

function absolute(filePath: string, what: string): string {
  if (!path.isAbsolute(filePath))
    throw new ApiError('invalid', `${what}: "${filePath}" is not an absolute path`);
  return path.normalize(filePath);
}
