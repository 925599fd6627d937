/**
 * @module spec/json-schema
 * The JSON Schema of a spec, generated from the envelope and the node registry,
 * for editors (VS Code validates and completes specs with it) and for review.
 */
import { z } from 'zod';
import { listNodeKinds } from '../nodes/index';
import { envelopeSchema } from './schema';
import { SPEC_VERSION } from './types';

export const SCHEMA_ID = `https://kflow.dev/schema/pipeline.v${SPEC_VERSION}.schema.json`;

type Schema = Record<string, unknown>;

export function pipelineJsonSchema(): Schema {
  const root = z.toJSONSchema(envelopeSchema, { io: 'input', unrepresentable: 'any' }) as Schema;
  const props = root['properties'] as Record<string, Schema>;
  const nodeItems = (props['nodes'] as Schema)['items'] as Schema;
  const kinds = listNodeKinds();
  (nodeItems['properties'] as Record<string, Schema>)['kind'] = {
    type: 'string',
    enum: kinds.map((k) => k.kind),
    description: 'the node kind (see docs/nodes.md)',
  };
  nodeItems['allOf'] = kinds.map((def) => {
    const config = z.toJSONSchema(def.config, { io: 'input', unrepresentable: 'any' }) as Schema;
    delete config['$schema'];
    return {
      if: { properties: { kind: { const: def.kind } }, required: ['kind'] },
      then: { properties: { config: { ...config, title: def.title, description: def.description } } },
    };
  });
  return {
    $schema: root['$schema'],
    $id: SCHEMA_ID,
    title: 'kflow pipeline spec',
    description: `A kflow pipeline, format ${SPEC_VERSION}.`,
    ...Object.fromEntries(Object.entries(root).filter(([k]) => k !== '$schema')),
  };
}
