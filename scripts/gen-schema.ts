/**
 * Regenerates what is derived from the node registry: the spec's JSON Schema
 * (resources/schema/) and the node reference (docs/nodes.md). Run `npm run gen`;
 * a test fails when the committed files differ from what this writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderNodeReference } from '../src/nodes/docs';
import { pipelineJsonSchema } from '../src/spec/json-schema';
import { SPEC_VERSION } from '../src/spec/types';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export function generatedFiles(): Record<string, string> {
  return {
    [`resources/schema/pipeline.v${SPEC_VERSION}.schema.json`]: `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`,
    'docs/nodes.md': renderNodeReference(),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [rel, text] of Object.entries(generatedFiles())) {
    const file = join(ROOT, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${rel}`);
  }
}
