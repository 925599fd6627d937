import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPipeline, TARGETS } from '../../../src/export/index';

const root = join(import.meta.dirname, '../../..');
const goldenDir = join(root, 'test/golden/export');
const load = (p: string): unknown => JSON.parse(readFileSync(join(root, p), 'utf8')) as unknown;

/** Each example pipeline with the profile it is exported with. */
export const GOLDEN_CASES: [string, string][] = [
  ['s3-hourly-archive', 'existing-cluster'],
  ['mysql-cdc', 'production-provisioned'],
  ['clicks-per-category', 'serverless'],
];

// KFLOW_UPDATE_GOLDEN=1 rewrites the files; review the diff by hand before committing it.
const update = process.env['KFLOW_UPDATE_GOLDEN'] === '1';

describe('export golden files', () => {
  for (const [spec, profile] of GOLDEN_CASES)
    for (const target of TARGETS)
      it(`${spec} with ${profile} as ${target}`, () => {
        const r = exportPipeline(
          load(`resources/examples/${spec}.json`),
          load(`resources/profiles/${profile}.json`),
          target,
        );
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        const again = exportPipeline(
          load(`resources/examples/${spec}.json`),
          load(`resources/profiles/${profile}.json`),
          target,
        );
        expect(again).toEqual(r);
        for (const [name, text] of Object.entries(r.files)) {
          // .golden: prettier leaves the bytes exactly as kflow writes them.
          const file = join(goldenDir, spec, `${name}.golden`);
          if (update) {
            mkdirSync(join(goldenDir, spec), { recursive: true });
            writeFileSync(file, text);
          }
          expect(existsSync(file), `${file} is missing; run with KFLOW_UPDATE_GOLDEN=1`).toBe(true);
          expect(text, `${file} differs; rerun with KFLOW_UPDATE_GOLDEN=1 and review`).toBe(
            readFileSync(file, 'utf8'),
          );
        }
      });
});
