// Adding a node kind is adding one file under src/nodes/kinds/ and registering
// it in src/nodes/index.ts; everything else (schema, docs, palette, validator)
// reads the registry. These tests hold that promise.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getNodeKind, listNodeKinds, outputPorts } from '../../../src/nodes/index';
import { generatedFiles } from '../../../scripts/gen-schema';

const root = join(import.meta.dirname, '../../..');
const V1_KINDS = [
  'source.topic',
  'source.datagen',
  'source.file',
  'source.cdc.mysql',
  'filter',
  'map',
  'rekey',
  'explode',
  'branch',
  'merge',
  'dedupe',
  'window.tumbling',
  'window.hopping',
  'window.session',
  'aggregate',
  'join.stream-stream',
  'join.stream-table',
  'sink.topic',
  'sink.s3',
  'sink.file',
  'sink.console',
];

describe('node registry', () => {
  it('declares every v1 kind', () => {
    expect(
      listNodeKinds()
        .map((k) => k.kind)
        .sort(),
    ).toEqual([...V1_KINDS].sort());
  });

  it('registers every file under src/nodes/kinds, each declaring exactly one kind', () => {
    const files = readdirSync(join(root, 'src/nodes/kinds')).filter((f) => f.endsWith('.ts'));
    const index = readFileSync(join(root, 'src/nodes/index.ts'), 'utf8');
    for (const f of files)
      expect(index, `${f} is not registered in src/nodes/index.ts`).toContain(
        `./kinds/${f.replace(/\.ts$/, '')}'`,
      );
    expect(files).toHaveLength(listNodeKinds().length);
  });

  it('names each file after its kind', () => {
    const files = readdirSync(join(root, 'src/nodes/kinds')).map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual(
      listNodeKinds()
        .map((k) => k.kind.replace(/\./g, '-'))
        .sort(),
    );
  });

  it('gives every kind a description, UI hints that name real fields, and ports', () => {
    for (const def of listNodeKinds()) {
      expect(def.description.length, def.kind).toBeGreaterThan(30);
      const fields = Object.keys(def.config.shape);
      for (const f of def.ui.primaryFields) expect(fields, `${def.kind} ui.primaryFields`).toContain(f);
      expect(def.ui.color).toMatch(/^#[0-9a-f]{6}$/);
      if (def.category === 'source') expect(def.inputs).toEqual([]);
      if (def.category === 'sink') expect(outputPorts(def, {})).toEqual([]);
      else expect(def.category === 'source' || def.inputs.length > 0).toBe(true);
    }
  });

  it('derives branch outputs from its routes', () => {
    const branch = getNodeKind('branch');
    expect(
      branch &&
        outputPorts(branch, { routes: [{ name: 'eu', where: 'x' }], otherwise: 'rest' }).map((p) => p.name),
    ).toEqual(['eu', 'rest']);
  });

  it('keeps the committed JSON Schema and node reference in step with the registry (run `npm run gen`)', () => {
    for (const [rel, text] of Object.entries(generatedFiles())) {
      expect(readFileSync(join(root, rel), 'utf8'), `${rel} is stale: run npm run gen`).toBe(text);
    }
  });

  it('puts every kind and its config into the JSON Schema', () => {
    const schema = JSON.parse(Object.values(generatedFiles())[0] as string);
    const kinds = schema.properties.nodes.items.properties.kind.enum as string[];
    expect(kinds).toEqual(listNodeKinds().map((k) => k.kind));
    const tumbling = schema.properties.nodes.items.allOf.find(
      (c: { if: { properties: { kind: { const: string } } } }) =>
        c.if.properties.kind.const === 'window.tumbling',
    );
    expect(tumbling.then.properties.config.required).toEqual(['size', 'aggregates']);
    expect(tumbling.then.properties.config.properties.size['x-kflow-widget']).toBe('duration');
  });
});
